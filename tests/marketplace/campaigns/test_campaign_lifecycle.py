"""Agencies curate campaigns draft -> active -> ended; merchants may opt out; results per day."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ewtp.core.errors import Conflict, DomainError, InvalidTransition, PermissionDenied
from ewtp.core.models import OrganizationKind
from marketplace.campaign_selectors import campaign_results, campaigns_running
from marketplace.models import CampaignStatus, CampaignStatusChange, OrderLineDiscount, Product
from marketplace.services import merchant_suspend, order_cancel
from marketplace.services.campaigns import (
    LineDiscount,
    campaign_activate,
    campaign_create,
    campaign_end,
    campaign_listing_add,
    campaign_opt_out,
    campaign_update,
    campaigns_end_expired,
    order_line_discount_record,
)
from marketplace.tasks import end_expired_campaigns
from tests.marketplace.campaigns.conftest import campaign
from tests.marketplace.flows import organization, place, product

pytestmark = pytest.mark.django_db

D = Decimal


def pralines(trade) -> Product:
    return Product.objects.get(merchant=trade.merchant, sku="PRL-250")


def test_only_trade_agencies_run_campaigns(trade):
    with pytest.raises(PermissionDenied):
        campaign(trade.marketplace)


def test_a_draft_goes_active_then_ended_with_an_audit_row_each(trade, agency):
    draft = campaign(agency, listings=[pralines(trade)], active=False)

    active = campaign_activate(campaign=draft)
    ended = campaign_end(campaign=active, reason="stock ran out")

    assert ended.status == CampaignStatus.ENDED
    assert list(
        CampaignStatusChange.objects.filter(campaign=draft).values_list("from_status", "to_status")
    ) == [("draft", "active"), ("active", "ended")]
    with pytest.raises(InvalidTransition):
        campaign_activate(campaign=ended)


def test_an_empty_campaign_cannot_go_active(agency):
    with pytest.raises(DomainError) as raised:
        campaign(agency)

    assert raised.value.code == "campaign_empty"


def test_only_a_drafts_terms_change(trade, agency):
    draft = campaign(agency, listings=[pralines(trade)], active=False)
    changed = campaign_update(campaign=draft, changes={"discount_value": D("20.00")})
    assert changed.discount_value == D("20.00")

    active = campaign_activate(campaign=changed)
    with pytest.raises(Conflict) as raised:
        campaign_update(campaign=active, changes={"discount_value": D("50.00")})
    assert raised.value.code == "campaign_not_draft"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"discount_value": D("100.01")}, "discount_over_100_percent"),
        ({"discount_kind": "fixed_amount"}, "discount_currency_required"),
        ({"ends_on": timezone.now().date() - timedelta(days=30)}, "campaign_dates_reversed"),
    ],
)
def test_bad_terms_are_refused(agency, changes, code):
    terms = {
        "agency": agency,
        "name": "Spring",
        "destination_country": "CN",
        "starts_on": timezone.now().date(),
        "ends_on": timezone.now().date(),
        "discount_kind": "percentage",
        "discount_value": D("10.00"),
        "funded_by": "agency",
    }
    with pytest.raises(DomainError) as raised:
        campaign_create(**(terms | changes))

    assert raised.value.code == code


def test_only_listings_on_sale_in_the_market_and_in_the_currency_join(trade, agency):
    draft = campaign(agency, active=False)
    fixed_yuan = campaign(agency, kind="fixed_amount", value="5.00", currency="CNY", active=False)
    draft_listing = product(trade, sku="DRAFT-1", status="draft")
    elsewhere = product(trade, sku="DE-ONLY", markets=["DE"])

    cases = [
        (draft, draft_listing.pk, "listing_not_on_sale"),
        (draft, elsewhere.pk, "not_offered_in_market"),
        (fixed_yuan, pralines(trade).pk, "currency_mismatch"),
    ]
    for target, listing_id, code in cases:
        with pytest.raises(DomainError) as raised:
            campaign_listing_add(campaign=target, listing_id=listing_id)
        assert raised.value.code == code
    campaign_listing_add(campaign=draft, listing_id=pralines(trade).pk)
    with pytest.raises(Conflict):
        campaign_listing_add(campaign=draft, listing_id=pralines(trade).pk)


def test_a_merchant_who_opts_out_leaves_and_stays_out(trade, agency):
    running = campaign(agency, listings=[pralines(trade)])

    campaign_opt_out(campaign=running, merchant=trade.merchant)

    [shown] = campaigns_running(destination_country="CN", on=timezone.now().date())
    assert shown.listings == []
    with pytest.raises(Conflict) as raised:
        campaign_listing_add(campaign=running, listing_id=pralines(trade).pk)
    assert raised.value.code == "merchant_opted_out"


def test_the_running_list_shows_discounted_prices_and_drops_listings_off_sale(trade, agency):
    other_merchant = organization(OrganizationKind.MERCHANT)
    other = product(trade, merchant=other_merchant, sku="WAF-1", unit_price="9.99")
    campaign(agency, listings=[pralines(trade), other], value="15.00")

    merchant_suspend(profile=other_merchant.merchant_profile, by=None, reason="Documents expired")
    [shown] = campaigns_running(destination_country="CN", on=timezone.now().date())

    # 24.50 less 15 % (3.675) = 20.825 -> 20.83
    assert [(f.listing.sku, f.discounted_price) for f in shown.listings] == [
        ("PRL-250", D("20.83"))
    ]


def test_campaigns_past_their_last_day_end(trade, agency):
    running = campaign(agency, listings=[pralines(trade)], starts_in=-1, days=2)
    campaign(agency, listings=[pralines(trade)], starts_in=-1, days=5)

    assert campaigns_end_expired(today=timezone.now().date() + timedelta(days=1)) == 0
    assert campaigns_end_expired(today=timezone.now().date() + timedelta(days=2)) == 1
    running.refresh_from_db()
    assert running.status == CampaignStatus.ENDED


def test_results_per_day_count_orders_merchants_gmv_and_discount(trade, agency):
    running = campaign(agency, listings=[pralines(trade)], value="10.00")
    # Checkout takes the running campaign's 10 % off each line and keeps it beside the line.
    orders = [place(trade, lines=[("PRL-250", q)]) for q in (2, 4, 1)]
    order_cancel(order=orders[2], reason="buyer changed mind")

    [day] = campaign_results(campaign=running)

    # 49.00 - 4.90 + 98.00 - 9.80 paid; the cancelled order is left out
    assert (day.day, day.currency, day.orders, day.merchants) == (
        timezone.now().date(), "EUR", 2, 1,
    )  # fmt: skip
    assert (day.gmv, day.discount) == (D("132.30"), D("14.70"))


def test_a_line_discount_is_recorded_once_and_within_the_line(trade, agency):
    line = place(trade).lines.get()  # placed before the campaign ran: no discount yet
    running = campaign(agency, listings=[pralines(trade)])

    with pytest.raises(DomainError):
        order_line_discount_record(
            order_line=line, discount=LineDiscount(running.pk, D("49.01"), "agency")
        )
    order_line_discount_record(
        order_line=line, discount=LineDiscount(running.pk, D("7.35"), "agency")
    )
    with pytest.raises(Conflict):
        order_line_discount_record(
            order_line=line, discount=LineDiscount(running.pk, D("7.35"), "agency")
        )
    assert OrderLineDiscount.objects.get().amount == D("7.35")


def test_the_daily_job_leaves_running_campaigns_alone(trade, agency):
    running = campaign(agency, listings=[pralines(trade)], starts_in=-1, days=1)

    assert end_expired_campaigns.apply().get() == 0
    running.refresh_from_db()
    assert running.status == CampaignStatus.ACTIVE


def test_new_terms_must_suit_the_listings_featured(trade, agency):
    draft = campaign(agency, listings=[pralines(trade)], active=False)

    for changes, code in [
        ({"destination_country": "DE"}, "not_offered_in_market"),
        ({"discount_kind": "fixed_amount", "discount_currency": "CNY"}, "currency_mismatch"),
    ]:
        with pytest.raises(DomainError) as raised:
            campaign_update(campaign=draft, changes=changes)
        assert raised.value.code == code
    draft.refresh_from_db()
    assert (draft.destination_country, draft.discount_kind) == ("CN", "percentage")
