"""From a merchant's listing to the buyer's door, over HTTP, with a real Celery worker doing the
clearance, routing and webhook jobs, and every step reported as a signed webhook."""

from __future__ import annotations

import functools
import time
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import requests
from django.utils import timezone

from customs.demo import seed_commodity_codes
from ewtp.core.models import Organization, OrganizationKind
from ewtp.core.services import api_key_issue
from logistics.services import airport_upsert, flight_schedule
from marketplace.ecb import EcbRate
from marketplace.services import exchange_rates_load
from tests.marketplace.flows import (
    CNY_RATE,
    CNY_RATE_DAY,
    hub_freight_rate,
    organization,
    resident_id,
)
from tests.worker.conftest import Delivery, WebhookReceiver, signature_valid, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

TIMEOUT = 20.0  # per step; the whole test takes a few seconds when healthy
BUYER = resident_id(4242)

MARKETPLACE_EVENTS = Counter(
    {
        "marketplace.order.placed": 1,
        "marketplace.order.paid": 1,
        "customs.declaration.submitted": 1,
        "marketplace.order.customs_submitted": 1,
        "customs.declaration.validated": 1,
        "customs.declaration.released": 1,
        "customs.documents.matched": 1,
        "marketplace.order.cleared": 1,
        "logistics.shipment.created": 1,
        "marketplace.order.handed_to_logistics": 1,
        "logistics.shipment.routed": 1,
        "logistics.tracking_event.recorded": 4,
        "logistics.shipment.departed": 1,
        "logistics.shipment.arrived": 1,
        "logistics.shipment.delivered": 1,
        "marketplace.order.delivered": 1,
    }
)
CARRIER_EVENTS = Counter(
    {
        "customs.documents.matched": 1,
        "logistics.shipment.routed": 1,
        "logistics.tracking_event.recorded": 4,
        "logistics.shipment.departed": 1,
        "logistics.shipment.arrived": 1,
        "logistics.shipment.delivered": 1,
    }
)


class Partner:
    """A partner's HTTP client with its own API key, as its integration would hold it."""

    def __init__(self, base_url: str, organization: Organization, scopes: list[str]) -> None:
        _, key = api_key_issue(organization=organization, name="integration", scopes=scopes)
        self.organization = organization
        self.base_url = base_url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {key}"

    def get(self, path: str, **params: str) -> requests.Response:
        return self.session.get(f"{self.base_url}{path}", params=params, timeout=10)

    def post(self, path: str, body: dict[str, Any]) -> requests.Response:
        return self.session.post(f"{self.base_url}{path}", json=body, timeout=10)


def webhooks_when_complete(
    receiver: WebhookReceiver, partner: str, expected: Counter[str]
) -> list[Delivery] | None:
    """The partner's deliveries once they are exactly the expected event types, else None."""
    got = receiver.received(partner)
    return got if Counter(d.payload["type"] for d in got) == expected else None


def first_result(response: requests.Response) -> dict[str, Any] | None:
    assert response.status_code == 200, response.text
    results: list[dict[str, Any]] = response.json()["results"]
    return results[0] if results else None


def test_an_order_goes_from_listing_to_delivery_with_a_signed_webhook_for_every_step(
    live_server: Any,
    celery_worker_process: Any,
    dump_worker_log_on_failure: None,
    webhook_receiver: WebhookReceiver,
) -> None:
    started = time.monotonic()
    base = f"{live_server.url}/api/v1"
    merchant_org = organization(OrganizationKind.MERCHANT, "chocolatier-bruges")
    marketplace_org = organization(OrganizationKind.MARKETPLACE, "tmall-global")
    provider_org = organization(OrganizationKind.PAYMENT_PROVIDER, "alipay")
    carrier_org = organization(OrganizationKind.CARRIER, "cainiao-air")
    merchant = Partner(base, merchant_org, ["catalog:read", "catalog:write"])
    marketplace = Partner(
        base, marketplace_org,
        ["orders:read", "orders:write", "declarations:read", "shipments:read", "webhooks:manage"],
    )  # fmt: skip
    provider = Partner(base, provider_org, ["payments:write"])
    carrier = Partner(
        base,
        carrier_org,
        [
            "tracking:write",
            "shipments:read",
            "webhooks:manage",
            "declarations:read",
            "declarations:write",
        ],
    )

    # The hub's network: the earliest flight has closed, the next is full, the third fits.
    seed_commodity_codes()
    # China's CBEC limits are in yuan: the order is converted at the stored ECB rate.
    exchange_rates_load(rates=[EcbRate(date=CNY_RATE_DAY, currency="CNY", rate=CNY_RATE)])
    airport_upsert(iata="LGG", name="Liège Airport", city="Liège", country="BE",
                   timezone_name="Europe/Brussels")  # fmt: skip
    hgh = airport_upsert(iata="HGH", name="Hangzhou Xiaoshan", city="Hangzhou", country="CN",
                         timezone_name="Asia/Shanghai")  # fmt: skip
    hub_freight_rate("HGH")  # 4.00 EUR/kg, at least 12.00
    now = timezone.now()
    for number, departs, cutoff, capacity in [
        ("EW801", timedelta(hours=2), timedelta(hours=4), "1000"),  # cut-off passed
        ("EW811", timedelta(hours=10), timedelta(hours=4), "1.000"),  # no room for 1.24 kg
        ("EW821", timedelta(hours=20), timedelta(hours=4), "1000"),
    ]:
        flight_schedule(carrier=carrier_org, number=number, destination=hgh,
                        departure_at=now + departs, cutoff_at=now + departs - cutoff,
                        capacity_kg=Decimal(capacity))  # fmt: skip

    # Partners register their webhook endpoints (all event types).
    secrets = {}
    for name, partner in [("marketplace", marketplace), ("carrier", carrier)]:
        response = partner.post(
            "/webhooks/endpoints/", {"url": webhook_receiver.url(name), "event_types": []}
        )
        assert response.status_code == 201, response.text
        secrets[name] = response.json()["secret"]
        assert secrets[name].startswith("whsec_")

    # The merchant lists pralines.
    response = merchant.post(
        "/marketplace/products/",
        {
            "sku": "PRL-ASSORT-250", "title": "Assorted pralines (250 g)", "hs_code": "180690",
            "origin_country": "BE", "unit_price": "24.50", "currency": "EUR", "stock": 10,
            "weight_kg": "0.620", "status": "published",
            # a listing for China is published only with a Chinese title (issue 3)
            "translations": [{"language": "zh-Hans", "title": "什锦果仁糖巧克力 250克"}],
        },
    )  # fmt: skip
    assert response.status_code == 201, response.text

    # The marketplace places an order for two boxes.
    response = marketplace.post(
        "/marketplace/orders/",
        {
            "reference": "TM-2026-000042", "merchant": "chocolatier-bruges",
            "payment_provider": "alipay", "buyer_name": "Li Wei", "buyer_id_number": BUYER,
            "destination_country": "CN", "destination_airport": "HGH", "currency": "EUR",
            "lines": [{"sku": "PRL-ASSORT-250", "quantity": 2}],
        },
    )  # fmt: skip
    assert response.status_code == 201, response.text
    order = response.json()
    # Goods 49.00 + freight 12.00 (1.24 kg flies at the minimum charge) + CBEC taxes: at 8 CNY
    # per EUR, (392 + 96) CNY x 13 % VAT x 70 % = 44.41 CNY = 5.55 EUR.
    assert (order["status"], order["total"], order["freight"]) == ("placed", "49.00", "12.00")
    assert (order["taxes_in_tax_currency"], order["taxes"]) == ("44.41", "5.55")
    assert order["amount_due"] == "66.55"
    order_id = order["id"]
    assert merchant.get("/marketplace/products/").json()["results"][0]["stock"] == 8

    # The payment provider confirms payment; customs gets the declaration in the same step.
    response = provider.post(
        f"/marketplace/orders/{order_id}/payments/",
        {"transaction_id": "2026112522001400001", "amount": "66.55", "currency": "EUR",
         "payer_name": "Li Wei", "payer_id_number": BUYER},
    )  # fmt: skip
    assert response.status_code == 201, response.text
    assert response.json()["order_status"] == "customs_submitted"

    # The clearance job (queue `clearance`) releases it.
    declaration = wait_until(
        lambda: (
            d
            if (d := first_result(marketplace.get("/customs/declarations/", order_id=order_id)))
            and d["status"] == "released"
            else None
        ),
        timeout=TIMEOUT,
        what="the declaration's release",
    )
    assert declaration["regime"] == "CN_CBEC"
    assert declaration["total_value"] == "49.00"
    assert [d["to_status"] for d in declaration["decisions"]] == [
        "submitted", "validated", "released",
    ]  # fmt: skip

    # The carrier sends its waybill; the match job (queue `clearance`) finds the order, the
    # payment and the waybill agree.
    response = carrier.post(
        "/customs/cbec-waybills/",
        {"order_id": order_id, "waybill_number": "784-20261125", "consignee_name": "Li Wei",
         "consignee_address": "1 Binjiang Road, Hangzhou", "consignee_country": "CN"},
    )  # fmt: skip
    assert response.status_code == 202, response.text
    match = wait_until(
        lambda: (
            m
            if (m := carrier.get(f"/customs/cbec-waybills/{order_id}/").json())["status"]
            != "waiting"
            else None
        ),
        timeout=TIMEOUT,
        what="the three-document match",
    )
    assert (match["status"], match["codes"]) == ("matched", [])

    # The routing job (queue `routing`) books the first flight that is open and has room.
    shipment = wait_until(
        lambda: (
            s
            if (s := first_result(marketplace.get("/logistics/shipments/", order_id=order_id)))
            and s["status"] == "routed"
            else None
        ),
        timeout=TIMEOUT,
        what="the shipment's routing",
    )
    assert shipment["flight"]["number"] == "EW821"
    assert shipment["carrier"] == "cainiao-air"
    assert shipment["weight_kg"] == "1.240"
    assert marketplace.get(f"/marketplace/orders/{order_id}/").json()["status"] == (
        "handed_to_logistics"
    )

    # The carrier reports the journey (Cargo-IMP milestones, then the last-mile delivery: an
    # airline DLV would only mean arrived); its resent delivery is recognised as a duplicate.
    occurred = timezone.now() - timedelta(minutes=30)
    for step, code in enumerate(["RCS", "DEP", "ARR", "DELIVERED", "DELIVERED"]):
        response = carrier.post(
            "/logistics/tracking-events/",
            {
                "tracking_number": shipment["tracking_number"],
                "event_id": f"CN-{shipment['tracking_number']}-{min(step, 3)}",
                "code": code,
                "occurred_at": (occurred + timedelta(minutes=5 * min(step, 3))).isoformat(),
                "location": "LGG" if code in ("RCS", "DEP") else "HGH",
            },
        )
        assert response.status_code == (200 if step == 4 else 201), response.text

    order = marketplace.get(f"/marketplace/orders/{order_id}/").json()
    assert order["status"] == "delivered"
    shipment = marketplace.get(f"/logistics/shipments/{shipment['id']}/").json()
    assert shipment["status"] == "delivered"
    assert [e["code"] for e in shipment["tracking_events"]] == ["RCS", "DEP", "ARR", "DELIVERED"]

    # Every step reached the marketplace (and the routing and tracking ones the carrier) as a
    # webhook, signed with the endpoint's secret (queue `notifications`).
    for name, expected in [("marketplace", MARKETPLACE_EVENTS), ("carrier", CARRIER_EVENTS)]:
        deliveries = wait_until(
            functools.partial(webhooks_when_complete, webhook_receiver, name, expected),
            timeout=TIMEOUT,
            what=f"the {name}'s webhooks",
        )
        for delivery in deliveries:
            assert signature_valid(
                secret=secrets[name], headers=delivery.headers, body=delivery.body
            ), delivery.headers
            payload = delivery.payload
            assert set(payload) >= {"id", "type", "timestamp", "sequence", "data"}
            assert payload["id"] == delivery.headers["webhook-id"]
            # the buyer's ID number only ever travels masked
            assert BUYER.encode() not in delivery.body
            # order events carry the order itself, the others name it
            assert order_id in (payload["data"].get("order_id"), payload["data"].get("id"))
        sequences = sorted(d.payload["sequence"] for d in deliveries)
        assert sequences == list(range(1, len(deliveries) + 1))

    by_type = {
        d.payload["type"]: d.payload["data"] for d in webhook_receiver.received("marketplace")
    }
    assert by_type["marketplace.order.delivered"]["id"] == order_id
    assert by_type["marketplace.order.delivered"]["status"] == "delivered"
    assert by_type["customs.declaration.released"]["order_id"] == order_id
    assert by_type["logistics.shipment.routed"]["flight"]["number"] == "EW821"
    assert by_type["logistics.shipment.delivered"]["tracking_number"] == shipment["tracking_number"]

    elapsed = time.monotonic() - started
    assert elapsed < 60, f"the journey took {elapsed:.1f} s"
