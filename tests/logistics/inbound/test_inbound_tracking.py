"""An inbound parcel is tracked like any other: its carrier reports on it (one by one or in a
batch) and hears of it; there is no marketplace or merchant to tell."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ewtp.events.models import OutboxEvent
from logistics.models import Shipment, ShipmentStatus
from logistics.services import tracking_event_record, tracking_events_ingest
from tests.logistics import factories
from tests.logistics.inbound.setup import inbound

pytestmark = pytest.mark.django_db


@pytest.fixture
def parcel():
    factories.network()
    operator = factories.carrier()
    return operator, inbound(operator, "TRK1")


def test_the_carrier_reports_on_its_inbound_parcel_and_hears_of_it(parcel):
    operator, shipment = parcel

    record = tracking_event_record(
        carrier=operator,
        tracking_number=shipment.tracking_number,
        partner_event_id="in-1",
        code="HUB_IN",
        occurred_at=timezone.now() - timedelta(minutes=5),
        location="LGG",
        remarks="",
    )

    assert record.created
    recorded = OutboxEvent.objects.get(type="logistics.tracking_event.recorded")
    assert recorded.recipient_ids == [operator.pk]
    assert recorded.data["order_id"] is None


def test_a_batch_moves_an_inbound_parcel_to_delivered(parcel):
    operator, shipment = parcel
    at = (timezone.now() - timedelta(minutes=5)).isoformat()

    outcome = tracking_events_ingest(
        reporter=operator,
        events=[
            {"event_id": "in-2", "tracking_number": shipment.tracking_number, "code": "DELIVERED",
             "occurred_at": at, "location": "LGG"},
        ],
    )  # fmt: skip

    assert outcome.accepted == 1
    # Its progress is its tracking status: the lifecycle (booked, departed) is the outbound
    # flight's, which an inbound parcel never takes.
    moved = Shipment.objects.get(pk=shipment.pk)
    assert (moved.status, moved.tracking_status) == (ShipmentStatus.CREATED, "delivered")
