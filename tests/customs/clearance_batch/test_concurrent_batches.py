"""Two clearance batches at once over overlapping declarations (two workers): neither fails,
every declaration is cleared once, and its order, shipment and export follow once."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connections

from customs.models import ClearanceDecision, Declaration, DeclarationStatus, Regime
from customs.services import audit_chain_verify, declarations_clear_batch
from logistics.models import Shipment
from marketplace.models import OrderStatus, OrderStatusChange
from tests.marketplace.flows import declaration_of, pay, place, product, trade_setup


@pytest.mark.django_db(transaction=True)
def test_two_batches_over_overlapping_declarations_clear_each_once():
    # Given twelve filed declarations; one batch takes the first eight, the other the last
    # eight in the opposite order, both topping up from the rest.
    trade = trade_setup()
    product(trade, stock=1_000)
    orders = [pay(trade, place(trade)) for _ in range(12)]
    ids = [declaration_of(order).pk for order in orders]
    start = threading.Barrier(2)
    failures: list[str] = []
    cleared: dict[str, set[uuid.UUID]] = {}

    def batch(name: str, declaration_ids: list[uuid.UUID]) -> None:
        try:
            start.wait(timeout=30)
            outcome = declarations_clear_batch(declaration_ids=declaration_ids, top_up_to=10)
            cleared[name] = set(outcome.statuses)
        except Exception as error:  # noqa: BLE001 (any failure, a deadlock above all, is reported)
            failures.append(f"{name}: {error!r}")
        finally:
            connections.close_all()

    # When both run at once.
    threads = [
        threading.Thread(target=batch, args=("first", ids[:8])),
        threading.Thread(target=batch, args=("second", ids[4:][::-1])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    # Then neither failed, no declaration was cleared by both, and every one was cleared once.
    assert failures == []
    assert not cleared["first"] & cleared["second"]
    assert cleared["first"] | cleared["second"] == set(ids)
    assert set(Declaration.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        DeclarationStatus.RELEASED
    }
    for declaration_id in ids:
        released = ClearanceDecision.objects.filter(
            declaration_id=declaration_id, to_status=DeclarationStatus.RELEASED
        )
        assert released.count() == 1
    order_ids = [order.pk for order in orders]
    assert Shipment.objects.filter(order_id__in=order_ids).count() == 12
    assert (
        OrderStatusChange.objects.filter(
            order_id__in=order_ids, to_status=OrderStatus.HANDED_TO_LOGISTICS
        ).count()
        == 12
    )
    assert Declaration.objects.filter(regime=Regime.EU_EXPORT).count() == 12
    assert audit_chain_verify().intact
