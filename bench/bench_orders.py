"""Order placement over HTTP (issue 3, Performance).

1. Seeds the demo data (merchants, their published listings, the marketplace, the payment
   provider, the hub's destinations, exchange rates) and gives every demo listing ample stock.
2. Places orders through `POST /api/v1/marketplace/orders/` from 16 client threads against
   gunicorn (3 sync workers): one to three lines each, to a served Chinese airport, each with a
   buyer of its own, so stock reservation and the buyer's CBEC limit checks run on every order.
3. Baselines in the same run: the same placement through the service in-process (no HTTP,
   authentication or rendering), and `/healthz` from the same 16 clients (what this stack
   answers when the view does nothing).
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import requests
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from bench.harness import BenchContext, BenchResult, percentile
from customs.buyer_ids import check_character
from ewtp.core.models import Organization, OrganizationKind
from ewtp.core.services import api_key_issue
from marketplace.models import Order, Product, ProductStatus

CLIENTS = 16
DESTINATIONS = ("PVG", "HGH", "SZX", "CGO", "CKG")
STOCK = 10_000_000
RUN = f"{int(time.time()):x}"  # order references stay unique across runs on one database
# New buyers on every run: a buyer's CBEC allowance is annual and the bench database persists.
BUYERS_OFFSET = int(time.time()) % 50 * 20_000


def _sizes(full: bool) -> dict[str, int]:
    if full:
        return {"orders over HTTP": 4_000, "orders in-process": 500}
    return {"orders over HTTP": 800, "orders in-process": 200}


def _catalogue() -> dict[str, list[tuple[str, int]]]:
    """Each demo merchant's published listings as (sku, minimum order quantity), with stock
    no run can exhaust."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE marketplace_product SET stock = %s WHERE status = %s",
            [STOCK, ProductStatus.PUBLISHED],
        )
    catalogue: dict[str, list[tuple[str, int]]] = {}
    for slug, sku, moq in Product.objects.filter(status=ProductStatus.PUBLISHED).values_list(
        "merchant__slug", "sku", "min_order_quantity"
    ):
        catalogue.setdefault(slug, []).append((sku, moq))
    return catalogue


def _order_body(index: int, catalogue: dict[str, list[tuple[str, int]]]) -> dict[str, Any]:
    rng = random.Random(index)
    merchant = rng.choice(sorted(catalogue))
    listings = rng.sample(catalogue[merchant], k=min(len(catalogue[merchant]), rng.randint(1, 3)))
    return {
        "reference": f"bench-{RUN}-{index:07d}",
        "merchant": merchant,
        "payment_provider": _provider().slug,
        "buyer_name": f"Buyer {index}",
        "buyer_id_number": _resident_id(index + BUYERS_OFFSET),
        "destination_country": "CN",
        "destination_airport": rng.choice(DESTINATIONS),
        "currency": "EUR",
        "presentment_currency": "CNY",
        "lines": [{"sku": sku, "quantity": moq} for sku, moq in listings],
    }


def _resident_id(n: int) -> str:
    """A valid PRC resident ID number of buyer `n`: every order has a buyer of its own, so
    each checks and reserves a CBEC allowance no other order holds."""
    born = date(1970, 1, 1) + timedelta(days=n // 1000)
    first_17 = f"310115{born:%Y%m%d}{n % 1000:03d}"
    return first_17 + check_character(first_17)


def _provider() -> Organization:
    return Organization.objects.filter(kind=OrganizationKind.PAYMENT_PROVIDER).order_by("slug")[0]


def _marketplace() -> Organization:
    return Organization.objects.filter(kind=OrganizationKind.MARKETPLACE).order_by("slug")[0]


@contextmanager
def _warm_server(ctx: BenchContext, key: str) -> Iterator[str]:
    with ctx.server(workers=3) as url:
        for _ in range(6):  # each worker imports the app on its first request
            requests.get(
                f"{url}/api/v1/marketplace/orders/",
                headers={"Authorization": f"Bearer {key}"},
                timeout=30,
            )
        yield url


def _in_process(count: int, catalogue: dict[str, list[tuple[str, int]]]) -> list[float]:
    """The API view's work without HTTP: the request body through the same serializer and
    service the view uses."""
    from marketplace.api.serializers.orders import OrderPlaceInput
    from marketplace.services import OrderLineRequest, order_place

    marketplace = _marketplace()
    latencies = []
    for index in range(count):
        body = _order_body(10_000_000 + index, catalogue)
        started = time.perf_counter()
        data = OrderPlaceInput(data=body)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        lines = [OrderLineRequest(**line) for line in fields.pop("lines")]
        order_place(
            marketplace=marketplace,
            merchant_slug=fields.pop("merchant"),
            payment_provider_slug=fields.pop("payment_provider"),
            lines=lines,
            **fields,
        )
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def run(ctx: BenchContext) -> BenchResult:
    sizes = _sizes(ctx.full)
    result = BenchResult(title="Order placement (issue 3)", params=dict(sizes))
    result.params |= {"clients": CLIENTS, "gunicorn workers": 3}

    call_command("seed_demo", verbosity=0)
    call_command(
        "load_exchange_rates", since=timezone.now().date() - timedelta(days=120), no_progress=True
    )
    catalogue = _catalogue()
    _, key = api_key_issue(organization=_marketplace(), name="bench", scopes=["orders:write"])
    placed_before = Order.objects.count()
    total = sizes["orders over HTTP"]
    bodies = [_order_body(index, catalogue) for index in range(total)]

    def place(session: requests.Session, index: int) -> requests.Response:
        return session.post(
            f"{url}/api/v1/marketplace/orders/",
            json=bodies[index],
            headers={"Authorization": f"Bearer {key}"},
            timeout=60,
        )

    def health(session: requests.Session, index: int) -> requests.Response:
        return session.get(f"{url}/healthz", timeout=30)

    with _warm_server(ctx, key) as url:
        ceiling = ctx.load(health, total=2_000, concurrency=CLIENTS, label="healthz (ceiling)")
        orders = ctx.load(
            place,
            total=total,
            concurrency=CLIENTS,
            label="orders",
            ok=lambda r: r.status_code == 201,
        )
    placed = Order.objects.count() - placed_before
    in_process = _in_process(sizes["orders in-process"], catalogue)
    service_rate = 1000 / (sum(in_process) / len(in_process))

    result.add(
        "orders placed over HTTP",
        placed / orders.elapsed_s,
        "orders/s",
        "≥ 200",
        f"{placed:,} placed in {orders.elapsed_s:.1f} s, {orders.errors} refused or failed",
    )
    result.add("order placement p50", orders.percentile(50), "ms")
    result.add("order placement p95", orders.percentile(95), "ms", "", f"{CLIENTS} clients")
    result.add(
        "same placement in-process, one at a time",
        service_rate,
        "orders/s",
        "",
        f"p95 {percentile(in_process, 95):.1f} ms: serializer + service, no HTTP (baseline)",
    )
    result.add("HTTP / in-process", placed / orders.elapsed_s / service_rate, "ratio")
    result.add(
        "/healthz closed-loop rate (ceiling)",
        ceiling.rate,
        "req/s",
        "",
        f"p50 {ceiling.percentile(50):.1f} ms: the server and clients alone",
    )
    result.notes += [
        "Every order reserves stock with one conditional UPDATE per line, checks the merchant, "
        "the payment provider and the destination, snapshots the day's ECB rate, writes its "
        "status history and publishes its event to the outbox, in one transaction.",
        "Client threads, gunicorn and PostgreSQL share the machine's 2 cores.",
    ]
    return result
