from __future__ import annotations

from decimal import Decimal

import pytest

from ewtp.core.errors import DomainError
from logistics import tasks, tracking_numbers
from logistics.models import Shipment, ShipmentStatus
from logistics.services import shipment_create
from marketplace.models import OrderStatus
from tests.marketplace.flows import cleared_order, shipment_of

pytestmark = pytest.mark.django_db


def test_cleared_goods_become_a_shipment_with_an_s10_tracking_number(trade):
    order = cleared_order(trade, lines=[("PRL-250", 3)])

    shipment = shipment_of(order)

    assert shipment.status == ShipmentStatus.CREATED
    assert shipment.weight_kg == Decimal("1.050")
    assert shipment.destination_id == "HGH"
    assert (shipment.marketplace, shipment.merchant) == (trade.marketplace, trade.merchant)
    assert shipment.carrier is None
    assert tracking_numbers.is_valid(shipment.tracking_number)
    assert order.status == OrderStatus.HANDED_TO_LOGISTICS


def test_creation_queues_the_routing_job_once_committed(
    trade, monkeypatch, django_capture_on_commit_callbacks
):
    queued: list[str] = []
    monkeypatch.setattr(tasks.route_shipment, "delay", queued.append)
    monkeypatch.setattr("customs.tasks.clear_declaration.delay", lambda _id: None)

    with django_capture_on_commit_callbacks(execute=True):
        order = cleared_order(trade)

    assert queued == [str(shipment_of(order).pk)]


def test_one_order_makes_one_shipment(trade):
    order = cleared_order(trade)
    first = shipment_of(order)

    again = shipment_create(
        order_id=order.pk,
        order_reference=order.reference,
        marketplace=trade.marketplace,
        merchant=trade.merchant,
        consignee_country="CN",
        destination_iata="HGH",
        weight_kg=Decimal("1"),
    )

    assert again.pk == first.pk
    assert Shipment.objects.count() == 1


def test_an_airport_the_hub_does_not_serve_is_refused(trade):
    order = cleared_order(trade)
    Shipment.objects.all().delete()

    with pytest.raises(DomainError) as refused:
        shipment_create(
            order_id=order.pk,
            order_reference=order.reference,
            marketplace=trade.marketplace,
            merchant=trade.merchant,
            consignee_country="US",
            destination_iata="JFK",
            weight_kg=Decimal("1"),
        )

    assert refused.value.code == "destination_not_served"
