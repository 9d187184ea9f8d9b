from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ewtp.core.errors import Conflict, DomainError, NotFound
from ewtp.core.models import OrganizationKind
from ewtp.events.models import OutboxEvent
from logistics.models import ShipmentStatus, TrackingEvent
from logistics.services import shipment_route, tracking_event_record
from marketplace.models import Order, OrderStatus
from tests.marketplace.flows import cleared_order, flight, organization, shipment_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def routed(trade):
    flight(trade)
    order = cleared_order(trade)
    return shipment_route(shipment_id=shipment_of(order).pk)


def report(trade, shipment, code, event_id, minutes_ago=60, **kwargs):
    return tracking_event_record(
        carrier=kwargs.pop("carrier", trade.carrier),
        tracking_number=shipment.tracking_number,
        partner_event_id=event_id,
        code=code,
        occurred_at=kwargs.pop("occurred_at", timezone.now() - timedelta(minutes=minutes_ago)),
        **kwargs,
    )


def test_a_departure_report_moves_the_shipment_and_is_published(trade, routed):
    record = report(trade, routed, "DEP", "e-1", location="LGG")

    routed.refresh_from_db()
    assert record.created
    assert record.event.status == "departed"
    assert routed.status == ShipmentStatus.DEPARTED
    event = OutboxEvent.objects.get(type="logistics.tracking_event.recorded")
    assert event.data["code"] == "DEP"
    assert trade.carrier.pk in event.recipient_ids


def test_a_resent_report_is_a_duplicate_not_a_second_row(trade, routed):
    occurred_at = timezone.now() - timedelta(minutes=5)
    first = report(trade, routed, "ARR", "e-1", occurred_at=occurred_at)

    again = report(trade, routed, "ARR", "e-1", occurred_at=occurred_at)

    assert not again.created
    assert again.event.pk == first.event.pk
    assert TrackingEvent.objects.count() == 1
    assert OutboxEvent.objects.filter(type="logistics.tracking_event.recorded").count() == 1


def test_an_event_id_reused_for_another_report_is_a_conflict(trade, routed):
    report(trade, routed, "DEP", "e-1")

    with pytest.raises(Conflict) as refused:
        report(trade, routed, "ARR", "e-1")

    assert refused.value.code == "tracking_event_id_reused"
    assert TrackingEvent.objects.count() == 1


def test_a_late_report_is_kept_but_never_moves_the_shipment_back(trade, routed):
    report(trade, routed, "DELIVERED", "e-dlv", minutes_ago=10)
    report(trade, routed, "DEP", "e-dep", minutes_ago=120)  # arrives after the delivery

    routed.refresh_from_db()
    assert routed.status == ShipmentStatus.DELIVERED
    assert routed.tracking_status == "delivered"
    assert list(routed.tracking_events.values_list("code", flat=True)) == ["DEP", "DELIVERED"]
    assert list(routed.status_changes.values_list("to_status", flat=True)) == [
        "created", "routed", "delivered",
    ]  # fmt: skip


def test_an_airline_dlv_means_arrived_and_never_delivers_the_parcel(trade, routed):
    record = report(trade, routed, "DLV", "e-1", minutes_ago=5, location="HGH")

    routed.refresh_from_db()
    assert record.event.status == "arrived"
    assert (routed.status, routed.tracking_status) == ("arrived", "arrived")
    assert routed.delivered_at is None
    assert Order.objects.get(pk=routed.order_id).status != OrderStatus.DELIVERED


def test_hub_scans_move_the_tracking_status_but_not_the_lifecycle(trade, routed):
    report(trade, routed, "HUB_IN", "e-1", minutes_ago=50, location="LGG")
    report(trade, routed, "ULD_LOADED", "e-2", minutes_ago=20, location="LGG")

    routed.refresh_from_db()
    assert (routed.status, routed.tracking_status) == ("routed", "loaded")
    assert routed.tracking_rank == 2


def test_an_unknown_place_is_refused(trade, routed):
    with pytest.raises(DomainError) as refused:
        report(trade, routed, "DEP", "e-1", location="XXQ")

    assert refused.value.code == "location_unknown"
    assert not TrackingEvent.objects.exists()


def test_delivery_completes_the_order(trade, routed):
    delivered_at = timezone.now() - timedelta(minutes=3)

    report(trade, routed, "DELIVERED", "e-1", occurred_at=delivered_at)

    routed.refresh_from_db()
    assert routed.delivered_at == delivered_at
    order = Order.objects.get(pk=routed.order_id)
    assert order.status == OrderStatus.DELIVERED
    assert order.delivered_at == delivered_at


def test_reports_without_a_status_meaning_are_recorded_without_moving(trade, routed):
    report(trade, routed, "RCS", "e-1")
    report(trade, routed, "DIS", "e-2", remarks="1 carton crushed")

    routed.refresh_from_db()
    assert routed.status == ShipmentStatus.ROUTED
    assert TrackingEvent.objects.count() == 2


def test_only_the_carrier_flying_the_shipment_may_report_on_it(trade, routed):
    other = organization(OrganizationKind.CARRIER)

    with pytest.raises(NotFound):
        report(trade, routed, "DEP", "e-1", carrier=other)

    assert not TrackingEvent.objects.exists()


def test_a_shipment_not_yet_on_a_flight_has_no_carrier_to_report(trade):
    waiting = shipment_of(cleared_order(trade))

    with pytest.raises(NotFound):
        report(trade, waiting, "RCS", "e-1")


def test_an_event_from_the_future_is_refused(trade, routed):
    with pytest.raises(DomainError) as refused:
        report(trade, routed, "DEP", "e-1", occurred_at=timezone.now() + timedelta(hours=1))

    assert refused.value.code == "occurred_in_future"
    assert not TrackingEvent.objects.exists()


def test_tracking_events_are_append_only(trade, routed):
    event = report(trade, routed, "DEP", "e-1").event
    event.location = "XXX"

    with pytest.raises(ValueError, match="append-only"):
        event.save()
