"""GET /api/v1/marketplace/payouts/: a merchant reads its own statements, nobody else's."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from ewtp.core.models import OrganizationKind
from marketplace.models import Payment
from marketplace.services import payout_statements_build
from tests.marketplace.flows import organization, pay, place

pytestmark = pytest.mark.django_db

URL = "/api/v1/marketplace/payouts/"
OCTOBER = date(2026, 10, 1)


@pytest.fixture
def statement(trade, settings):
    settings.MARKETPLACE_COMMISSION_PERCENT = "8.00"
    settings.PAYMENT_FEE_PERCENT = "0.00"
    order = pay(trade, place(trade))  # 49.00 of goods + 12.00 of freight
    Payment.objects.filter(order=order).update(paid_at=datetime(2026, 10, 3, tzinfo=UTC))
    (built,) = payout_statements_build(merchant=trade.merchant, month=OCTOBER)
    return built


def test_a_merchant_reads_its_statements_with_their_lines(trade, statement, partner_client):
    client = partner_client(trade.merchant, scopes=["orders:read"])

    listed = client.get(URL).json()["results"]
    detail = client.get(f"{URL}{statement.pk}/").json()

    assert [s["id"] for s in listed] == [str(statement.pk)]
    assert detail["month"] == "2026-10"
    # The freight is withheld for the carrier; 8 % commission on the goods only.
    assert (
        detail["gross_captured"],
        detail["withheld"],
        detail["commission"],
        detail["net_payout"],
    ) == ("61.00", "12.00", "3.92", "45.08")
    assert [
        (
            line["captured"],
            line["gross_goods"],
            line["withheld"],
            line["net"],
            line["exchange_rate"],
        )
        for line in detail["lines"]
    ] == [("61.00", "49.00", "12.00", "45.08", "1.000000")]


def test_another_merchants_statement_is_not_found(trade, statement, partner_client):
    other = partner_client(organization(OrganizationKind.MERCHANT), scopes=["orders:read"])
    own = partner_client(trade.merchant, scopes=["orders:read"])

    assert other.get(f"{URL}{statement.pk}/").status_code == 404
    assert other.get(URL).json()["results"] == []
    assert own.get(f"{URL}{uuid.uuid4()}/").status_code == 404


def test_marketplaces_and_keys_without_the_scope_are_refused(trade, statement, partner_client):
    marketplace = partner_client(trade.marketplace, scopes=["orders:read"])
    no_scope = partner_client(trade.merchant, scopes=["catalog:read"])

    assert marketplace.get(URL).status_code == 403
    assert no_scope.get(f"{URL}{statement.pk}/").status_code == 403
