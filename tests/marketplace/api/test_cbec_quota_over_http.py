"""Two concurrent checkouts by one buyer with room in the annual CBEC allowance for only one:
exactly one is accepted, the other refused with the customs reason code."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
import requests

from customs.buyer_ids import buyer_key
from customs.services import quota_reserve, quota_used, quota_year
from customs.services.tax_quotes import acceptance_date_at
from customs.taxes import Regime
from ewtp.core.services import api_key_issue
from marketplace.models import Order, Product
from tests.marketplace.flows import product, resident_id, trade_setup

BUYER = resident_id(9090)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_orders_with_room_for_one_accept_exactly_one(live_server):
    trade = trade_setup()
    product(trade, sku="PRL-250", stock=10)
    # 26,000 CNY a year; 25,500 used leaves room for one order of 488 CNY: 2 x 24.50 EUR x 8
    # of goods + 12.00 EUR x 8 of air freight, part of the dutiable value.
    quota_reserve(
        buyer_key=buyer_key(BUYER),
        amount=Decimal("25500.00"),
        on=acceptance_date_at(Regime.CN_CBEC),
        declaration_ref="earlier",
    )
    _, key = api_key_issue(organization=trade.marketplace, name="checkout", scopes=["orders:write"])
    barrier = threading.Barrier(2)
    results: list[tuple[int, str, str]] = []
    lock = threading.Lock()

    def checkout(n: int) -> None:
        body = {
            "reference": f"QUOTA-{n}",
            "payment_provider": trade.provider.slug,
            "buyer_name": "Li Wei",
            "buyer_id_number": BUYER,
            "destination_country": "CN",
            "destination_airport": "HGH",
            "currency": "EUR",
            "lines": [{"merchant": trade.merchant.slug, "sku": "PRL-250", "quantity": 2}],
        }
        barrier.wait(timeout=10)
        response = requests.post(
            f"{live_server.url}/api/v1/marketplace/checkouts/",
            json=body,
            headers={"Authorization": f"Bearer {key}"},
            timeout=30,
        )
        problem = response.json()
        with lock:
            results.append(
                (
                    response.status_code,
                    problem.get("code", ""),
                    (problem.get("errors") or [{}])[0].get("field", ""),
                )
            )

    threads = [threading.Thread(target=checkout, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(results) == [
        (201, "", ""),
        (422, "CBEC_ANNUAL_LIMIT_EXCEEDED", "buyer_id_number"),
    ]
    assert Order.objects.count() == 1
    assert Product.objects.get(sku="PRL-250").stock == 8
    assert quota_used(buyer_key=buyer_key(BUYER), year=quota_year()) == Decimal("25988.00")
