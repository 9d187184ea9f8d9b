"""The clearance job assesses a declaration's taxes with the engine and the imported tariff and
stores them on it; a quote of the same goods reproduces the assessment to the cent. Every move
of a declaration is in the audit trail."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from customs.demo import seed_commodity_codes
from customs.exchange_rates import ExchangeRateUnknown
from customs.models import AuditEntry, Declaration, DeclarationLine, DeclarationStatus
from customs.services import (
    QuoteItem,
    audit_chain_verify,
    declaration_clear,
    declaration_hold,
    declaration_release,
    tax_quote_compute,
    tax_quote_request_build,
)
from customs.services.assessment import EXCHANGE_RATE_UNKNOWN
from ewtp.core.models import OrganizationKind, UserRole
from tests.customs.listings import mystery_product
from tests.marketplace.flows import declaration_of, pay, place, product, staff_user

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def tariff(db):
    """The demo's codes (so their listings can be published) and tariff."""
    seed_commodity_codes()


def unit_price(line: DeclarationLine) -> Decimal:
    assert line.assessed_unit_price is not None
    return line.assessed_unit_price


def audit_trail(declaration_id) -> list[tuple[str, str]]:
    return list(
        AuditEntry.objects.filter(object_type="declaration", object_id=str(declaration_id))
        .order_by("sequence")
        .values_list("action", "actor")
    )


def test_a_cleared_declaration_carries_its_assessment_in_cny(trade, tariff):
    # 2 x EUR 24.50 of chocolate (180690: CN duty 8 %, VAT 13 %, positive list).
    order = pay(trade, place(trade))

    declaration = declaration_clear(declaration_id=declaration_of(order).pk)

    assert declaration.status == DeclarationStatus.RELEASED
    assert (declaration.rule_pack, declaration.assessment_currency) == ("CN-CBEC-2019", "CNY")
    assert declaration.admissible is True
    assert declaration.assessment_reasons == []
    rate = declaration.exchange_rate
    assert rate is not None
    assert rate > 1
    line = declaration.lines.get()
    unit = (D("24.50") * rate).quantize(D("0.01"))
    # The order's 12.00 EUR of air freight to the port of entry is part of the dutiable value.
    assert declaration.transport_costs == D("12.00")
    freight = (D("12.00") * rate).quantize(D("0.01"))
    assert line.assessed_unit_price == unit
    assert line.customs_value == 2 * unit + freight
    # CBEC: no duty; VAT = value x 13 % x 0.7, half-up to the fen
    expected_vat = ((2 * unit + freight) * D("0.091")).quantize(D("0.01"))
    assert (line.duty, line.excise, line.vat) == (D("0.00"), D("0.00"), expected_vat)
    assert (declaration.customs_value, declaration.vat, declaration.total_tax) == (
        2 * unit + freight,
        expected_vat,
        expected_vat,
    )
    # ... and it is the tax the buyer paid with the order, to the fen.
    order.refresh_from_db()
    assert order.taxes_in_tax_currency == declaration.total_tax


def test_a_quote_of_the_same_goods_reproduces_the_assessment_to_the_cent(trade, tariff):
    product(trade, sku="SERUM", hs_code="330499", unit_price="34.00")
    product(trade, sku="WAFFLES", hs_code="190532", unit_price="12.90")
    order = pay(trade, place(trade, lines=[("PRL-250", 3), ("SERUM", 1), ("WAFFLES", 2)]))
    declaration = declaration_clear(declaration_id=declaration_of(order).pk)
    lines = list(declaration.lines.all())

    quoted = tax_quote_compute(
        request=tax_quote_request_build(
            regime="CN_CBEC",
            destination_country="CN",
            currency="CNY",
            acceptance_date=declaration.acceptance_date,
            items=[
                QuoteItem(line.hs_code, line.description, line.quantity, unit_price(line))
                for line in lines
            ],
            freight=(declaration.transport_costs * (declaration.exchange_rate or 0)).quantize(
                D("0.01")
            ),
        )
    )

    assert quoted.admissible is declaration.admissible is True
    assert quoted.rule_pack == declaration.rule_pack
    assert (
        quoted.customs_value,
        quoted.duty,
        quoted.excise,
        quoted.vat,
        quoted.total_tax,
    ) == (
        declaration.customs_value,
        declaration.duty,
        declaration.excise,
        declaration.vat,
        declaration.total_tax,
    )
    assert [(q.customs_value, q.duty, q.excise, q.vat) for q in quoted.lines] == [
        (line.customs_value, line.duty, line.excise, line.vat) for line in lines
    ]
    assert declaration.vat is not None
    assert declaration.vat > 0


def test_the_quote_api_reproduces_the_assessment_too(trade, tariff, make_org, partner_client):
    order = pay(trade, place(trade))
    declaration = declaration_clear(declaration_id=declaration_of(order).pk)
    line = declaration.lines.get()
    client = partner_client(make_org(OrganizationKind.MARKETPLACE), scopes=[])
    assert declaration.acceptance_date is not None

    quoted = client.post(
        "/api/v1/customs/tax-quotes/",
        data=json.dumps(
            {
                "regime": "CN_CBEC",
                "destination_country": "CN",
                "currency": "CNY",
                "acceptance_date": declaration.acceptance_date.isoformat(),
                "freight": str(
                    (declaration.transport_costs * (declaration.exchange_rate or 0)).quantize(
                        D("0.01")
                    )
                ),
                "items": [
                    {
                        "code": line.hs_code,
                        "quantity": line.quantity,
                        "unit_price": str(line.assessed_unit_price),
                    }
                ],
            }
        ),
        content_type="application/json",
    ).json()

    assert (quoted["customs_value"], quoted["vat"], quoted["total_tax"]) == (
        str(declaration.customs_value),
        str(declaration.vat),
        str(declaration.total_tax),
    )


def test_goods_off_the_positive_list_are_assessed_as_not_admissible(trade, tariff):
    product(trade, sku="DIAMOND", hs_code="710239", unit_price="450.00")
    order = pay(trade, place(trade, lines=[("DIAMOND", 1)]))

    declaration = declaration_clear(declaration_id=declaration_of(order).pk)

    assert declaration.admissible is False
    assert [r["code"] for r in declaration.assessment_reasons] == ["CBEC_NOT_ON_POSITIVE_LIST"]
    assert declaration.total_tax == D("0.00")


def test_without_a_tariff_line_the_assessment_says_so(trade):
    order = pay(trade, place(trade))

    declaration = declaration_clear(declaration_id=declaration_of(order).pk)

    assert declaration.admissible is False
    assert [r["code"] for r in declaration.assessment_reasons] == ["TARIFF_CODE_UNKNOWN"]


def test_an_unknown_exchange_rate_is_recorded_not_crashed_on(trade, tariff, monkeypatch):
    def no_rate(self, source, target, on):
        raise ExchangeRateUnknown(f"No reference rate from {source} to {target} on {on}.")

    monkeypatch.setattr("customs.exchange_rates.EcbReferenceRates.rate", no_rate)
    order = pay(trade, place(trade))
    # An order's declaration is assessed at the order's own rate; without one, the reference
    # rate is looked up (as for partners' filings), and here there is none.
    Declaration.objects.filter(order_id=order.pk).update(declared_exchange_rate=None)

    declaration = declaration_clear(declaration_id=declaration_of(order).pk)

    assert declaration.admissible is False
    assert [r["code"] for r in declaration.assessment_reasons] == [EXCHANGE_RATE_UNKNOWN]
    assert declaration.total_tax is None


def test_a_declaration_held_at_validation_is_not_assessed(trade, tariff):
    mystery_product(trade)
    order = pay(trade, place(trade, lines=[("MYSTERY", 1)]))

    declaration = declaration_clear(declaration_id=declaration_of(order).pk)

    assert declaration.status == DeclarationStatus.HELD
    assert declaration.assessed_at is None


def test_the_declarations_api_shows_the_assessment(trade, tariff, partner_client):
    order = pay(trade, place(trade))
    declaration = declaration_clear(declaration_id=declaration_of(order).pk)
    client = partner_client(trade.merchant, scopes=["declarations:read"])

    body = client.get(f"/api/v1/customs/declarations/{declaration.pk}/").json()

    assert body["assessment"]["rule_pack"] == "CN-CBEC-2019"
    assert body["assessment"]["currency"] == "CNY"
    assert body["assessment"]["total_tax"] == str(declaration.total_tax)
    assert body["lines"][0]["vat"] == str(declaration.lines.get().vat)


def test_another_tenant_cannot_read_the_assessment(trade, tariff, make_org, partner_client):
    order = pay(trade, place(trade))
    declaration = declaration_clear(declaration_id=declaration_of(order).pk)
    stranger = partner_client(make_org(OrganizationKind.MERCHANT), scopes=["declarations:read"])

    response = stranger.get(f"/api/v1/customs/declarations/{declaration.pk}/")

    assert response.status_code == 404
    assert str(declaration.total_tax) not in response.content.decode()


def test_every_system_and_officer_action_is_in_the_audit_trail(trade, tariff):
    mystery_product(trade)
    released = declaration_clear(declaration_id=declaration_of(pay(trade, place(trade))).pk)
    held = declaration_clear(
        declaration_id=declaration_of(pay(trade, place(trade, lines=[("MYSTERY", 1)]))).pk
    )
    officer = staff_user(UserRole.OFFICER)

    declaration_release(
        declaration=held,
        officer=officer,
        reason_code="DOCUMENTS_VERIFIED",
        note="Checked: cocoa, not a mystery.",
    )

    assert audit_trail(released.pk) == [
        ("declaration.submitted", "system"),
        ("declaration.validated", "system"),
        ("declaration.assessed", "system"),
        ("declaration.risk_evaluated", "system"),
        ("declaration.released", "system"),
    ]
    assert audit_trail(held.pk) == [
        ("declaration.submitted", "system"),
        ("declaration.held", "system"),
        ("declaration.released", f"user:{officer.pk}"),
    ]
    decision = AuditEntry.objects.filter(object_id=str(held.pk)).last()
    assert decision is not None
    assert decision.payload["reason"] == "Checked: cocoa, not a mystery."
    assert decision.payload["from_status"] == "held"
    assert audit_chain_verify().intact


def test_an_officers_hold_is_audited_with_the_officer(trade, tariff, monkeypatch):
    monkeypatch.setattr("customs.tasks.clear_declaration.delay", lambda _id: None)
    declaration = declaration_of(pay(trade, place(trade)))
    officer = staff_user(UserRole.SUPERVISOR)

    declaration_hold(
        declaration=declaration,
        officer=officer,
        reason_code="DOCUMENTS_MISSING",
        note="Paperwork check.",
    )

    assert audit_trail(declaration.pk)[-1] == ("declaration.held", f"user:{officer.pk}")
