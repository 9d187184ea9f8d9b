"""Issue 3: twenty concurrent checkouts for the last unit produce exactly one order."""

from __future__ import annotations

import threading

import pytest
import requests

from ewtp.core.services import api_key_issue
from marketplace.models import Order, Product
from tests.marketplace.flows import product, resident_id, trade_setup

CLIENTS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_checkouts_for_the_last_unit_make_exactly_one_order(live_server):
    trade = trade_setup()
    product(trade, sku="LAST-1", stock=1)
    _, key = api_key_issue(organization=trade.marketplace, name="checkout", scopes=["orders:write"])
    barrier = threading.Barrier(CLIENTS)
    statuses: list[tuple[int, str]] = []
    lock = threading.Lock()

    def checkout(n: int) -> None:
        body = {
            "reference": f"LAST-UNIT-{n:02d}",
            "merchant": trade.merchant.slug,
            "payment_provider": trade.provider.slug,
            "buyer_name": "Li Wei",
            "buyer_id_number": resident_id(n),
            "destination_country": "CN",
            "destination_airport": "HGH",
            "currency": "EUR",
            "lines": [{"sku": "LAST-1", "quantity": 1}],
        }
        barrier.wait(timeout=10)
        response = requests.post(
            f"{live_server.url}/api/v1/marketplace/orders/",
            json=body,
            headers={"Authorization": f"Bearer {key}"},
            timeout=30,
        )
        with lock:
            statuses.append((response.status_code, response.json().get("code", "")))

    threads = [threading.Thread(target=checkout, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(statuses) == CLIENTS
    assert sorted(statuses).count((201, "")) == 1
    refused = [s for s in statuses if s[0] != 201]
    assert {code for _, code in refused} == {"insufficient_stock"}, refused
    assert {status for status, _ in refused} == {409}
    assert Order.objects.count() == 1
    assert Product.objects.get(sku="LAST-1").stock == 0
