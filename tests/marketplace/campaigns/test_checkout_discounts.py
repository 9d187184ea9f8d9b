"""A running campaign's discount is taken at checkout, shown on the order line, and what the
buyer pays and customs is declared."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ewtp.core.models import OrganizationKind
from marketplace.models import OrderLineDiscount, Product
from tests.marketplace.campaigns.conftest import campaign
from tests.marketplace.flows import (
    clear,
    declaration_of,
    organization,
    pay,
    place,
    product,
    resident_id,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/marketplace/checkouts/"
D = Decimal


def test_checkout_takes_the_best_running_discount_and_shows_it_on_the_line(
    trade, agency, partner_client
):
    second = organization(OrganizationKind.MERCHANT)
    product(trade, sku="BONBON-9", unit_price="3.33", merchant=second)
    pralines = Product.objects.get(merchant=trade.merchant, sku="PRL-250")
    week = campaign(agency, listings=[pralines], value="15.00", funded_by="agency")
    client = partner_client(trade.marketplace, scopes=["orders:write", "orders:read"])

    response = client.post(
        URL,
        {
            "reference": "CK-PROMO-1",
            "payment_provider": trade.provider.slug,
            "buyer_name": "Li Wei",
            "buyer_id_number": resident_id(),
            "destination_country": "CN",
            "destination_airport": "HGH",
            "currency": "EUR",
            "lines": [
                {"merchant": trade.merchant.slug, "sku": "PRL-250", "quantity": 3},
                {"merchant": second.slug, "sku": "BONBON-9", "quantity": 3},
            ],
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    checkout = response.json()
    by_merchant = {order["merchant"]: order for order in checkout["orders"]}
    [promoted] = by_merchant[trade.merchant.slug]["lines"]
    [plain] = by_merchant[second.slug]["lines"]
    # 3 x 24.50 = 73.50; 15 % = 11.025, half-up 11.03; the buyer pays 62.47 for the line.
    assert promoted["discount"] == {
        "campaign_id": str(week.pk),
        "amount": "11.03",
        "funded_by": "agency",
    }
    assert promoted["line_total"] == "62.47"
    assert plain["discount"] is None
    assert plain["line_total"] == "9.99"
    assert by_merchant[trade.merchant.slug]["total"] == "62.47"
    assert checkout["total"] == "72.46"
    assert OrderLineDiscount.objects.get().amount == D("11.03")


def test_the_declaration_carries_the_discounted_value(trade, agency):

    pralines = Product.objects.get(merchant=trade.merchant, sku="PRL-250")
    campaign(agency, listings=[pralines], value="10.00", funded_by="merchant")
    order = place(trade, lines=[("PRL-250", 2)])

    assert order.total == D("44.10")  # 49.00 less 4.90
    paid = pay(trade, order)
    clear(paid)
    assert declaration_of(order).total_value == D("44.10")
