"""China Single Window receipt codes of CN_CBEC declarations (docs/customs.md)."""

from __future__ import annotations

import pytest

from customs.models import DeclarationStatus, Regime
from customs.receipts import receipt_for
from tests.marketplace.flows import clear, declaration_of, pay, place


@pytest.mark.parametrize(
    ("status", "hold_reason", "code"),
    [
        ("submitted", "", "2"),
        ("validated", "", "120"),
        ("risk_assessed", "", "300"),
        ("inspection", "", "500"),
        ("released", "", "399"),
        ("rejected", "", "100"),
        ("cancelled", "", "100"),
        ("held", "hs_code_unknown", "100"),
        ("held", "CBEC_SINGLE_LIMIT_EXCEEDED", "100"),
        ("held", "risk_hard_stop", "501"),
        ("held", "VALUATION_DOUBT", "501"),
    ],
)
def test_each_status_and_hold_reason_has_its_receipt_code(status, hold_reason, code):
    receipt = receipt_for(regime=Regime.CN_CBEC, status=status, hold_reason_code=hold_reason)

    assert receipt is not None
    assert receipt.code == code
    assert receipt.text


def test_every_status_maps_to_a_receipt():
    for status in DeclarationStatus.values:
        assert receipt_for(regime=Regime.CN_CBEC, status=status) is not None


@pytest.mark.parametrize("regime", [Regime.EU_H7, Regime.EU_H1, Regime.EU_EXPORT])
def test_other_regimes_have_no_china_receipt(regime):
    assert receipt_for(regime=regime, status="released") is None


def test_the_api_shows_the_receipt_of_an_orders_declaration(trade, partner_client):
    order = pay(trade, place(trade))
    client = partner_client(trade.marketplace)
    url = f"/api/v1/customs/declarations/{declaration_of(order).pk}/"
    filed = client.get(url).json()
    clear(order)
    released = client.get(url).json()

    assert (filed["receipt_code"], released["receipt_code"]) == ("2", "399")
    assert released["receipt_text"].startswith("Customs review concluded")
