"""The clearance job per lane: green and blue are released, yellow and red wait for an officer,
hard stops and inadmissible goods are held; every hit is recorded."""

from __future__ import annotations

from decimal import Decimal

import pytest

from customs.models import DeclarationStatus, MerchantTrust, PartyListEntry, RuleHit, TrustLevel
from customs.services import declaration_clear
from marketplace.models import OrderStatus
from tests.customs.risk_setup import risk_rule, sampling_policy
from tests.customs.tariffs import HEADER, import_tariff_text
from tests.marketplace.flows import declaration_of, pay, place

pytestmark = pytest.mark.django_db


def cleared(trade, **place_args):
    order = pay(trade, place(trade, **place_args))
    return order, declaration_clear(declaration_id=declaration_of(order).pk)


def test_without_rules_or_sampling_the_lane_is_green_and_goods_are_released(trade):
    _, declaration = cleared(trade)

    assert (declaration.status, declaration.lane, declaration.sampled) == (
        "released",
        "green",
        False,
    )
    assert not RuleHit.objects.exists()


def test_a_blue_hit_is_released_for_post_release_audit(trade):
    risk_rule("chocolate audit", "blue", hs_prefix="1806")

    _, declaration = cleared(trade)

    assert (declaration.status, declaration.lane) == ("released", "blue")
    assert "post-release audit" in declaration.decisions.get(to_status="released").reason


@pytest.mark.parametrize("lane", ["yellow", "red"])
def test_yellow_and_red_wait_for_an_officer_with_every_hit_recorded(trade, lane):
    risk_rule("belgian origin", "blue", origin_country="BE")
    risk_rule("cocoa", lane, hs_prefix="18")

    order, declaration = cleared(trade)

    assert (declaration.status, declaration.lane) == ("risk_assessed", lane)
    assert sorted(declaration.rule_hits.values_list("rule_name", "lane")) == [
        ("belgian origin", "blue"),
        ("cocoa", lane),
    ]
    order.refresh_from_db()
    assert order.status == OrderStatus.CUSTOMS_SUBMITTED  # waiting, neither held nor cleared


def test_a_hard_stop_holds_even_a_trusted_merchant_and_a_sampled_one(trade):
    MerchantTrust.objects.create(organization=trade.merchant, level=TrustLevel.AEO)
    PartyListEntry.objects.create(kind="name", value="li  wei")
    risk_rule("watch list", "red", party_list_match=True, hard_stop=True)
    sampling_policy(green="1", trusted_green="1")

    _, declaration = cleared(trade)

    assert (declaration.status, declaration.hold_reason_code) == ("held", "risk_hard_stop")
    assert declaration.lane == "red"
    assert "name:LI WEI" in declaration.rule_hits.get(rule_name="watch list").details


def test_a_sampled_green_goes_to_the_policys_lane(trade):
    sampling_policy(green="1", green_to="yellow")

    _, declaration = cleared(trade)

    assert (declaration.status, declaration.lane, declaration.sampled) == (
        "risk_assessed",
        "yellow",
        True,
    )
    assert declaration.rule_hits.get().rule_name == "Random sample"


def test_a_sampled_green_sent_to_blue_is_still_released(trade):
    sampling_policy(green="1", green_to="blue")

    _, declaration = cleared(trade)

    assert (declaration.status, declaration.lane, declaration.sampled) == ("released", "blue", True)


def test_a_trusted_merchant_is_sampled_at_the_lower_rate(trade):
    MerchantTrust.objects.create(organization=trade.merchant, level=TrustLevel.TRUSTED)
    sampling_policy(green="1", trusted_green="0")

    _, declaration = cleared(trade)

    assert (declaration.status, declaration.sampled) == ("released", False)


def test_an_unknown_tariff_line_is_a_rule_hit_not_a_hold(trade):
    risk_rule("no tariff line", "yellow", assessment_reason="TARIFF_CODE_UNKNOWN")

    _, declaration = cleared(trade)  # the fixture loads no tariff

    assert declaration.admissible is False
    assert (declaration.status, declaration.lane) == ("risk_assessed", "yellow")


def test_goods_not_admissible_under_their_tariff_line_are_held_with_the_assessments_code(trade):
    import_tariff_text(f"{HEADER}\nCN,180690,Chocolate,8,13,,no\n")

    order, declaration = cleared(trade)

    assert (declaration.status, declaration.hold_reason_code) == (
        "held",
        "CBEC_NOT_ON_POSITIVE_LIST",
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.HELD


def test_admissible_goods_under_their_tariff_line_are_released(trade):
    import_tariff_text(f"{HEADER}\nCN,180690,Chocolate,8,13,,yes\n")

    _, declaration = cleared(trade)

    assert (declaration.admissible, declaration.status) == (True, "released")
    assert declaration.total_tax is not None
    assert declaration.total_tax > Decimal(0)


def test_running_the_job_on_a_routed_declaration_changes_nothing(trade):
    risk_rule("cocoa", "red", hs_prefix="18")
    _, declaration = cleared(trade)
    hits, decisions = RuleHit.objects.count(), declaration.decisions.count()

    again = declaration_clear(declaration_id=declaration.pk)

    assert again.status == DeclarationStatus.RISK_ASSESSED
    assert (RuleHit.objects.count(), again.decisions.count()) == (hits, decisions)
