"""Officers see the three-document match on the declaration and its mismatch reasons on the
clearance dashboard (chart and table)."""

from __future__ import annotations

import pytest

from customs.models import RiskRule
from customs.services import cbec_waybill_receive, document_match_run
from marketplace.models import Order
from tests.customs.test_admin_queue import DASHBOARD, officer_client
from tests.marketplace.flows import Trade, clear, declaration_of, pay, place

pytestmark = pytest.mark.django_db


def mismatched(trade: Trade, consignee: str) -> Order:
    order = pay(trade, place(trade))
    cbec_waybill_receive(
        carrier=trade.carrier,
        order_id=order.pk,
        waybill_number=f"784-{order.reference}",
        consignee_name=consignee,
    )
    document_match_run(order_id=order.pk)
    return order


def test_the_dashboard_charts_the_mismatch_reasons(trade):
    mismatched(trade, "Wang Fang")
    mismatched(trade, "Zhang San")
    matched = pay(trade, place(trade))
    cbec_waybill_receive(
        carrier=trade.carrier, order_id=matched.pk, waybill_number="784-OK", consignee_name="Li Wei"
    )
    document_match_run(order_id=matched.pk)
    client, _ = officer_client()

    html = client.get(DASHBOARD).content.decode()

    assert '<svg xmlns="http://www.w3.org/2000/svg" id="document-mismatches"' in html
    assert '<th scope="row">CONSIGNEE_MISMATCH</th><td>2</td>' in html
    assert "None recorded." not in html


def test_the_declaration_shows_its_match(trade):
    order = mismatched(trade, "Wang Fang")
    client, _ = officer_client()

    page = client.get(f"/admin/customs/declaration/{declaration_of(order).pk}/change/")

    assert page.status_code == 200
    assert "Mismatched: CONSIGNEE_MISMATCH" in page.content.decode()


def test_a_declaration_still_waiting_for_its_waybill_says_what_came(trade):
    order = pay(trade, place(trade))
    client, _ = officer_client()

    page = client.get(f"/admin/customs/declaration/{declaration_of(order).pk}/change/")

    assert "Waiting (received: order, payment)" in page.content.decode()


def test_an_officer_can_send_three_document_anomalies_to_the_red_lane(trade, admin_client):
    rule, _ = RiskRule.objects.get_or_create(
        name="Three-document anomaly", defaults={"lane": "yellow", "document_mismatch": True}
    )

    saved = admin_client.post(
        f"/admin/customs/riskrule/{rule.pk}/change/",
        {
            "name": rule.name,
            "active": "on",
            "lane": "red",
            "hs_prefix": "",
            "origin_country": "",
            "value_currency": "EUR",
            "min_value": "",
            "min_unit_price": "",
            "regime": "",
            "merchant_trust": rule.merchant_trust,
            "assessment_reason": "",
            "document_mismatch": "on",
            "note": rule.note,
        },
    )
    order = mismatched(trade, "Wang Fang")
    declaration = clear(order)

    assert saved.status_code == 302
    assert declaration.lane == "red"
    assert declaration.status == "risk_assessed"
