"""Agencies run campaigns over the API; marketplaces read the running ones; merchants opt out."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ewtp.core.models import OrganizationKind
from marketplace.models import Campaign, CampaignListing, Product
from marketplace.services import product_unpublish
from tests.marketplace.campaigns.conftest import campaign
from tests.marketplace.flows import organization, place

pytestmark = pytest.mark.django_db

AGENCY = "/api/v1/marketplace/agency/campaigns/"
ONE = AGENCY + "{}/"
RUNNING = "/api/v1/marketplace/campaigns/"


def terms(**changes):
    today = timezone.now().date()
    return {
        "name": "Belgian chocolate week",
        "destination_country": "CN",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=7)).isoformat(),
        "discount_kind": "percentage",
        "discount_value": "15.00",
        "funded_by": "agency",
    } | changes


@pytest.fixture
def agency_client(agency, partner_client):
    return partner_client(agency, scopes=["campaigns:read", "campaigns:write"])


def pralines(trade) -> Product:
    return Product.objects.get(merchant=trade.merchant, sku="PRL-250")


def test_an_agency_creates_curates_and_activates_and_marketplaces_see_it(
    trade, agency_client, partner_client
):
    created = agency_client.post(AGENCY, terms(), format="json")
    assert created.status_code == 201, created.json()
    url = ONE.format(created.json()["id"])
    assert created["Location"].endswith(url)

    added = agency_client.post(
        url + "listings/", {"listing": str(pralines(trade).pk)}, format="json"
    )
    assert added.status_code == 201, added.json()
    assert [entry["sku"] for entry in added.json()["listings"]] == ["PRL-250"]
    activated = agency_client.post(url + "activate/")
    assert activated.status_code == 200
    assert activated.json()["status"] == "active"

    marketplace = partner_client(trade.marketplace, scopes=["campaigns:read"])
    body = marketplace.get(RUNNING, {"destination_country": "CN"}).json()
    [shown] = body["results"]
    assert shown["agency"]["slug"] != trade.marketplace.slug
    assert shown["listings"][0]["discounted_price"] == "20.83"  # 24.50 - 3.675, half-up
    assert marketplace.get(RUNNING, {"destination_country": "DE"}).json()["results"] == []


def test_an_agency_lists_changes_and_deletes_its_drafts(agency_client):
    url = ONE.format(agency_client.post(AGENCY, terms(), format="json").json()["id"])

    changed = agency_client.patch(url, {"discount_value": "20.00"}, format="json")
    listed = agency_client.get(AGENCY)
    deleted = agency_client.delete(url)

    assert changed.status_code == 200
    assert changed.json()["discount_value"] == "20.00"
    assert [c["name"] for c in listed.json()["results"]] == ["Belgian chocolate week"]
    assert deleted.status_code == 204
    assert not Campaign.objects.exists()


@pytest.mark.parametrize(
    ("changes", "status", "code", "field"),
    [
        ({"ends_on": "2020-01-01"}, 422, "campaign_dates_reversed", "ends_on"),
        ({"discount_value": "150.00"}, 422, "discount_over_100_percent", "discount_value"),
        ({"discount_kind": "fixed_amount"}, 422, "discount_currency_required", "discount_currency"),
        ({"destination_country": "China"}, 400, "validation_failed", "destination_country"),
        ({"discount_value": 1.5}, 400, "validation_failed", "discount_value"),
        ({"funded_by": "buyer"}, 400, "validation_failed", "funded_by"),
        ({"colour": "red"}, 400, "validation_failed", "colour"),
    ],
)
def test_bad_terms_are_coded_problems_and_write_nothing(
    agency_client, changes, status, code, field
):
    response = agency_client.post(AGENCY, terms(**changes), format="json")

    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code
    assert field in {e["field"] for e in response.json()["errors"]}
    assert not Campaign.objects.exists()


def test_a_listing_not_on_sale_is_refused_and_not_added(trade, agency, agency_client):
    draft = campaign(agency, active=False)
    product_unpublish(product=pralines(trade), reason="Out of season")

    response = agency_client.post(
        ONE.format(draft.pk) + "listings/", {"listing": str(pralines(trade).pk)}, format="json"
    )

    assert response.status_code == 422
    assert response.json()["code"] == "listing_not_on_sale"
    assert not CampaignListing.objects.exists()


def test_an_active_campaign_is_not_edited_or_deleted(trade, agency, agency_client):
    running = campaign(agency, listings=[pralines(trade)])

    patched = agency_client.patch(ONE.format(running.pk), {"name": "New"}, format="json")
    deleted = agency_client.delete(ONE.format(running.pk))

    assert (patched.status_code, patched.json()["code"]) == (409, "campaign_not_draft")
    assert deleted.status_code == 409


def test_ending_is_final(trade, agency, agency_client):
    running = campaign(agency, listings=[pralines(trade)])
    url = ONE.format(running.pk)

    assert agency_client.post(url + "end/", {"reason": "Done"}, format="json").status_code == 200
    again = agency_client.post(url + "activate/")
    assert (again.status_code, again.json()["code"]) == (409, "campaign_invalid_transition")


def test_another_agencys_campaign_is_not_found(trade, agency, partner_client):
    theirs = campaign(agency, listings=[pralines(trade)], active=False)
    rival = partner_client(organization(OrganizationKind.TRADE_AGENCY))
    url = ONE.format(theirs.pk)

    responses = [
        rival.get(url),
        rival.patch(url, {"name": "Mine now"}, format="json"),
        rival.delete(url),
        rival.post(url + "activate/"),
        rival.post(url + "end/", {}, format="json"),
        rival.post(url + "listings/", {"listing": str(pralines(trade).pk)}, format="json"),
        rival.delete(url + f"listings/{pralines(trade).pk}/"),
        rival.get(url + "results/"),
    ]

    assert [r.status_code for r in responses] == [404] * len(responses)
    theirs.refresh_from_db()
    assert (theirs.name, theirs.status) == ("Belgian week percentage 15.00", "draft")
    assert rival.get(AGENCY).json()["results"] == []


def test_only_agencies_run_campaigns_and_scopes_are_needed(trade, agency, partner_client):
    merchant = partner_client(trade.merchant)
    read_only = partner_client(agency, scopes=["campaigns:read"])

    assert merchant.post(AGENCY, terms(), format="json").status_code == 403
    assert read_only.post(AGENCY, terms(), format="json").status_code == 403
    assert not Campaign.objects.exists()


def test_a_merchant_opts_out_and_its_listings_leave(trade, agency, agency_client, partner_client):
    running = campaign(agency, listings=[pralines(trade)])
    merchant = partner_client(trade.merchant, scopes=["campaigns:write"])
    stranger = partner_client(organization(OrganizationKind.MERCHANT), scopes=["campaigns:write"])
    url = f"{RUNNING}{running.pk}/opt-out/"

    assert stranger.post(url).status_code == 404
    assert merchant.post(url).status_code == 204
    assert merchant.post(url).status_code == 204
    again = agency_client.post(
        ONE.format(running.pk) + "listings/", {"listing": str(pralines(trade).pk)}, format="json"
    )
    assert (again.status_code, again.json()["code"]) == (409, "merchant_opted_out")


def test_an_agency_reads_its_results_per_day(trade, agency, agency_client):
    running = campaign(agency, listings=[pralines(trade)])
    place(trade)  # 2 x 24.50 with the campaign's 15 % (7.35) off at checkout

    body = agency_client.get(ONE.format(running.pk) + "results/").json()

    assert body["days"] == [
        {
            "day": timezone.now().date().isoformat(),
            "currency": "EUR",
            "orders": 1,
            "merchants": 1,
            "gmv": "41.65",
            "discount": "7.35",
        }
    ]


def test_an_agency_removes_a_listing(trade, agency, agency_client):
    running = campaign(agency, listings=[pralines(trade)])
    url = ONE.format(running.pk) + f"listings/{pralines(trade).pk}/"

    removed = agency_client.delete(url)
    again = agency_client.delete(url)

    assert removed.status_code == 200
    assert removed.json()["listings"] == []
    assert again.status_code == 404
    assert not CampaignListing.objects.exists()


def test_bad_changes_and_bodies_are_coded_problems_and_change_nothing(agency, agency_client):
    draft = campaign(agency, active=False)
    url = ONE.format(draft.pk)

    over = agency_client.patch(url, {"discount_value": "150.00"}, format="json")
    unknown = agency_client.patch(url, {"status": "active"}, format="json")
    long_reason = agency_client.post(url + "end/", {"reason": "x" * 501}, format="json")
    no_listing = agency_client.post(url + "listings/", {"listing": "not-a-uuid"}, format="json")

    assert (over.status_code, over.json()["code"]) == (422, "discount_over_100_percent")
    assert (unknown.status_code, unknown.json()["errors"][0]["field"]) == (400, "status")
    assert (long_reason.status_code, long_reason.json()["errors"][0]["field"]) == (400, "reason")
    assert (no_listing.status_code, no_listing.json()["errors"][0]["field"]) == (400, "listing")
    draft.refresh_from_db()
    assert (draft.discount_value, draft.status) == (Decimal("15.00"), "draft")


def test_the_running_list_needs_a_market(trade, partner_client):
    marketplace = partner_client(trade.marketplace, scopes=["campaigns:read"])

    missing = marketplace.get(RUNNING)
    wrong = marketplace.get(RUNNING, {"destination_country": "cn"})

    assert (missing.status_code, missing.json()["errors"][0]["field"]) == (
        400,
        "destination_country",
    )
    assert wrong.status_code == 400
    assert missing["Content-Type"] == "application/problem+json"
