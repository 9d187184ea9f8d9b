"""The whole journey in-process: the handlers chain the apps together inside each transaction
(the Celery jobs are run by calling their services)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ewtp.events.models import OutboxEvent
from logistics.models import ShipmentStatus
from logistics.services import shipment_route, tracking_event_record
from marketplace.models import OrderStatus, OrderStatusChange
from tests.marketplace.flows import clear, declaration_of, flight, pay, place, shipment_of

pytestmark = pytest.mark.django_db


def test_a_paid_order_travels_to_delivery_with_an_event_for_every_step(trade):
    booked = flight(trade)
    order = place(trade)

    order = pay(trade, order)
    assert order.status == OrderStatus.CUSTOMS_SUBMITTED
    assert declaration_of(order).status == "submitted"

    clear(order)
    order.refresh_from_db()
    shipment = shipment_of(order)
    assert order.status == OrderStatus.HANDED_TO_LOGISTICS
    assert shipment.status == ShipmentStatus.CREATED

    shipment = shipment_route(shipment_id=shipment.pk)
    assert shipment.flight_id == booked.pk
    assert shipment.carrier_id == trade.carrier.pk

    start = timezone.now() - timedelta(hours=2)
    # The last-mile DELIVERED scan delivers the parcel (an airline DLV only hands it over).
    for minutes, code in enumerate(["RCS", "DEP", "ARR", "DELIVERED"]):
        tracking_event_record(
            carrier=trade.carrier,
            tracking_number=shipment.tracking_number,
            partner_event_id=f"evt-{code}",
            code=code,
            occurred_at=start + timedelta(minutes=10 * minutes),
        )
    order.refresh_from_db()
    shipment.refresh_from_db()

    assert shipment.status == ShipmentStatus.DELIVERED
    assert order.status == OrderStatus.DELIVERED
    assert order.delivered_at == start + timedelta(minutes=30)
    assert list(
        OrderStatusChange.objects.filter(order=order).values_list("to_status", flat=True)
    ) == [
        "placed",
        "paid",
        "customs_submitted",
        "cleared",
        "handed_to_logistics",
        "delivered",
    ]
    types = list(
        OutboxEvent.objects.filter(occurred_at__gte=order.created_at)
        .order_by("occurred_at")
        .values_list("type", flat=True)
    )
    assert types == [
        "marketplace.order.placed",
        "marketplace.order.paid",
        "customs.declaration.submitted",
        "marketplace.order.customs_submitted",
        "customs.declaration.validated",
        "customs.declaration.released",
        "marketplace.order.cleared",
        "logistics.shipment.created",
        "marketplace.order.handed_to_logistics",
        "logistics.shipment.routed",
        "logistics.tracking_event.recorded",
        "logistics.shipment.departed",
        "logistics.tracking_event.recorded",
        "logistics.shipment.arrived",
        "logistics.tracking_event.recorded",
        "logistics.shipment.delivered",
        "marketplace.order.delivered",
        "logistics.tracking_event.recorded",
    ]
