from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ewtp.core.errors import DomainError
from ewtp.events.models import OutboxEvent
from logistics.models import Shipment, ShipmentStatus, ShipmentStatusChange, TrackingEvent
from logistics.services import (
    house_waybill_attach_shipments,
    house_waybill_create,
    master_waybill_create,
    shipment_route,
    tracking_events_ingest,
)
from logistics.services.partitions import tracking_partition_open
from marketplace.models import Order, OrderStatus
from tests.logistics import factories
from tests.marketplace.flows import cleared_order, flight, shipment_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def hub():
    _, hgh = factories.network()
    operator = factories.carrier()
    return operator, factories.flight(operator, hgh)


def ago(minutes):
    return (timezone.now() - timedelta(minutes=minutes)).isoformat()


def event(parcel, event_id, code, minutes_ago=60, **extra):
    return {
        "event_id": event_id,
        "tracking_number": parcel.tracking_number,
        "code": code,
        "occurred_at": ago(minutes_ago),
        "location": "LGG",
    } | extra


def outcomes(result):
    return [(r.result, r.code, r.field) for r in result.results]


def test_good_items_are_stored_and_bad_ones_reported_in_order(hub):
    operator, booked = hub
    parcel = factories.parcel(booked)
    events = [
        event(parcel, "e-1", "HUB_IN", 90),
        event(parcel, "e-2", "ULD_LOADED", 30),
        event(parcel, "e-3", "XYZ"),
        {**event(parcel, "e-4", "DEP"), "occurred_at": ago(-60)},
        {**event(parcel, "e-5", "DEP"), "occurred_at": "yesterday at noon"},
        {**event(parcel, "e-6", "DEP"), "occurred_at": "2026-11-25T14:03:00"},  # no offset
        {**event(parcel, "e-7", "DEP"), "tracking_number": "EW000000000BE"},
        {**event(parcel, "e-8", "DEP"), "location": "XXQ"},
        {**event(parcel, "e-9", "DEP"), "weather": "fog"},
        "not an object",
        {**event(parcel, "e-10", "DEP"), "remarks": "x" * 501},
        {"event_id": "e-11", "code": "DEP", "occurred_at": ago(5)},
        {**event(parcel, "e-12", "DEP"), "occurred_at": "0001-01-01T00:00:00+05:00"},
        {**event(parcel, "e-13", "DEP"), "remarks": "broken \ud800 text"},
        {**event(parcel, "e-14", "DEP"), "occurred_at": 1764000000},
    ]

    result = tracking_events_ingest(reporter=operator, events=events)

    assert outcomes(result) == [
        ("accepted", None, None),
        ("accepted", None, None),
        ("rejected", "CODE_UNKNOWN", "code"),
        ("rejected", "TIMESTAMP_IN_FUTURE", "occurred_at"),
        ("rejected", "TIMESTAMP_INVALID", "occurred_at"),
        ("rejected", "TIMESTAMP_INVALID", "occurred_at"),
        ("rejected", "PARCEL_UNKNOWN", "tracking_number"),
        ("rejected", "LOCATION_UNKNOWN", "location"),
        ("rejected", "FIELD_UNKNOWN", "weather"),
        ("rejected", "ITEM_NOT_AN_OBJECT", ""),
        ("rejected", "FIELD_INVALID", "remarks"),
        ("rejected", "FIELD_REQUIRED", "tracking_number"),
        ("rejected", "TIMESTAMP_INVALID", "occurred_at"),
        ("rejected", "FIELD_INVALID", "remarks"),
        ("rejected", "FIELD_INVALID", "occurred_at"),
    ]
    assert [r.event_id for r in result.results][:3] == ["e-1", "e-2", "e-3"]
    assert (result.accepted, result.duplicates, result.rejected) == (2, 0, 13)
    stored = TrackingEvent.objects.order_by("occurred_at")
    assert [(e.partner_event_id, e.code, e.status) for e in stored] == [
        ("e-1", "HUB_IN", "at_hub"),
        ("e-2", "ULD_LOADED", "loaded"),
    ]
    assert str(stored[0].pk) == result.results[0].id
    parcel.refresh_from_db()
    assert parcel.tracking_status == "loaded"
    assert parcel.status == ShipmentStatus.ROUTED


def test_replaying_a_batch_adds_nothing(hub):
    operator, booked = hub
    parcel = factories.parcel(booked)
    events = [event(parcel, "e-1", "HUB_IN", 90), event(parcel, "e-2", "DEP", 30)]
    first = tracking_events_ingest(reporter=operator, events=events)
    outbox = OutboxEvent.objects.count()
    changes = ShipmentStatusChange.objects.count()

    again = tracking_events_ingest(reporter=operator, events=events)

    assert [r.result for r in first.results] == ["accepted", "accepted"]
    assert [r.result for r in again.results] == ["duplicate", "duplicate"]
    assert (again.accepted, again.duplicates, again.shipments_moved) == (0, 2, 0)
    assert TrackingEvent.objects.count() == 2
    assert OutboxEvent.objects.count() == outbox
    assert ShipmentStatusChange.objects.count() == changes


def test_an_event_id_reused_with_other_details_is_rejected_within_and_across_batches(hub):
    operator, booked = hub
    parcel = factories.parcel(booked)
    tracking_events_ingest(reporter=operator, events=[event(parcel, "e-1", "HUB_IN", 90)])
    same = event(parcel, "e-2", "SORTED", 80)

    result = tracking_events_ingest(
        reporter=operator,
        events=[event(parcel, "e-1", "DEP", 10), same, same, {**same, "code": "BAGGED"}],
    )

    assert outcomes(result) == [
        ("rejected", "EVENT_ID_REUSED", "event_id"),
        ("accepted", None, None),
        ("duplicate", None, None),
        ("rejected", "EVENT_ID_REUSED", "event_id"),
    ]


def test_another_carriers_parcel_is_unknown_and_untouched(hub):
    operator, booked = hub
    other = factories.carrier()
    theirs = factories.parcel(factories.flight(other, booked.destination))

    result = tracking_events_ingest(reporter=operator, events=[event(theirs, "e-1", "DEP")])

    assert outcomes(result) == [("rejected", "PARCEL_UNKNOWN", "tracking_number")]
    assert result.results[0].message == "No such parcel of yours."
    assert not TrackingEvent.objects.exists()
    theirs.refresh_from_db()
    assert theirs.tracking_status == "info_received"


def test_a_late_report_never_moves_a_parcel_back_and_the_lifecycle_is_audited(hub):
    operator, booked = hub
    parcel = factories.parcel(booked)
    tracking_events_ingest(reporter=operator, events=[event(parcel, "e-arr", "ARR", 10)])

    tracking_events_ingest(
        reporter=operator,
        events=[event(parcel, "e-dep", "DEP", 600), event(parcel, "e-hub", "HUB_IN", 900)],
    )

    parcel.refresh_from_db()
    assert (parcel.status, parcel.tracking_status) == ("arrived", "arrived")
    assert TrackingEvent.objects.count() == 3
    change = ShipmentStatusChange.objects.get(shipment=parcel, to_status="arrived")
    assert change.from_status == "routed"
    assert change.tracking_event is not None
    assert change.tracking_event.partner_event_id == "e-arr"
    assert "ARR reported by" in change.reason


def test_within_a_batch_reports_apply_in_the_order_they_happened(hub):
    operator, booked = hub
    parcel = factories.parcel(booked)

    tracking_events_ingest(
        reporter=operator,
        events=[
            event(parcel, "e-3", "DEP", 10),
            event(parcel, "e-1", "HUB_IN", 300),
            event(parcel, "e-2", "EXCEPTION", 200, remarks="label torn"),
        ],
    )

    parcel.refresh_from_db()
    assert parcel.tracking_status == "departed"
    assert parcel.tracking_status_at is not None


def test_an_airline_dlv_never_delivers_a_parcel(hub):
    operator, booked = hub
    parcel = factories.parcel(booked)

    tracking_events_ingest(
        reporter=operator, events=[event(parcel, "e-1", "DEP", 600), event(parcel, "e-2", "DLV", 5)]
    )

    parcel.refresh_from_db()
    assert (parcel.status, parcel.tracking_status) == ("arrived", "arrived")
    assert parcel.delivered_at is None


def test_mawb_milestones_reach_its_parcels_by_reference(hub):
    operator, booked = hub
    on_mawb = [factories.parcel(booked) for _ in range(3)]
    elsewhere = factories.parcel(booked)
    mawb = master_waybill_create(
        organization=operator,
        awb_number="784-24681355",
        pieces=3,
        weight_kg=Decimal("2.1"),
        origin="LGG",
        destination="HGH",
    )
    house = house_waybill_create(
        master_waybill=mawb, number="H1", pieces=3, weight_kg=Decimal("2.1")
    )
    house_waybill_attach_shipments(
        house_waybill=house, shipment_ids=[p.pk for p in on_mawb], carrier=operator
    )

    result = tracking_events_ingest(
        reporter=operator,
        events=[
            {
                "event_id": "m-1",
                "awb_number": "784-24681355",
                "code": "DEP",
                "occurred_at": ago(60),
                "location": "LGG",
            },
            {"event_id": "m-2", "awb_number": "78424681355", "code": "DLV", "occurred_at": ago(5)},
            {
                "event_id": "m-3",
                "awb_number": "784-24681355",
                "code": "DELIVERED",
                "occurred_at": ago(4),
            },
            {"event_id": "m-4", "awb_number": "020-12345675", "code": "ARR", "occurred_at": ago(4)},
            {"event_id": "m-5", "awb_number": "784-24681350", "code": "ARR", "occurred_at": ago(4)},
        ],
    )

    assert outcomes(result) == [
        ("accepted", None, None),
        ("accepted", None, None),
        ("rejected", "CODE_NOT_FOR_AWB", "code"),
        ("rejected", "MAWB_UNKNOWN", "awb_number"),
        ("rejected", "AWB_CHECK_DIGIT_INVALID", "awb_number"),
    ]
    assert result.shipments_moved == 3
    assert TrackingEvent.objects.filter(master_waybill=mawb).count() == 2  # no per-parcel copies
    assert not TrackingEvent.objects.filter(shipment__isnull=False).exists()
    for parcel in on_mawb:
        parcel.refresh_from_db()
        assert (parcel.status, parcel.tracking_status) == ("arrived", "arrived")
    elsewhere.refresh_from_db()
    assert elsewhere.tracking_status == "info_received"


def test_one_batched_event_per_marketplace_telling_it_of_its_own_parcels(hub):
    operator, booked = hub
    first, second = factories.parcel(booked), factories.parcel(booked)

    tracking_events_ingest(
        reporter=operator, events=[event(first, "e-1", "HUB_IN"), event(second, "e-2", "DEP")]
    )

    batched = OutboxEvent.objects.filter(type="logistics.tracking_events.batch_recorded")
    by_recipient = {tuple(e.recipient_ids): e.data["shipments"] for e in batched}
    assert first.marketplace_id is not None
    assert second.marketplace_id is not None
    assert by_recipient == {
        (first.marketplace_id,): [
            {
                "tracking_number": first.tracking_number,
                "status": "routed",
                "tracking_status": "at_hub",
                "at": by_recipient[(first.marketplace_id,)][0]["at"],
            }
        ],
        (second.marketplace_id,): [
            {
                "tracking_number": second.tracking_number,
                "status": "departed",
                "tracking_status": "departed",
                "at": by_recipient[(second.marketplace_id,)][0]["at"],
            }
        ],
    }
    assert not OutboxEvent.objects.filter(type="logistics.tracking_event.recorded").exists()


def test_the_number_of_statements_does_not_grow_with_the_batch(hub):
    operator, booked = hub
    first = factories.parcel(booked)
    same_partners = {"marketplace": first.marketplace, "merchant": first.merchant}
    parcels = [first] + [factories.parcel(booked, **same_partners) for _ in range(59)]

    def statements(batch, code):
        events = [event(p, f"{code}-{i}", code) for i, p in enumerate(batch)]
        events += [event(p, f"bad-{code}-{i}", "XYZ") for i, p in enumerate(batch)]
        with CaptureQueriesContext(connection) as queries:
            result = tracking_events_ingest(reporter=operator, events=events)
        assert result.accepted == len(batch)
        return len(queries.captured_queries)

    tracking_partition_open(at=timezone.now())  # the process looks the month's partition up once
    small = statements(parcels[:5], "HUB_IN")
    large = statements(parcels, "DEP")  # also moves the lifecycle: audit rows, same count

    # the one INSERT of the audit rows, and the one look-up of the departed parcels' followers
    assert small == large - 2
    # savepoint, lock, two temporary tables (create, statement; dropped at commit, without a
    # statement), audit rows, the marketplace's organisation and its outbox event (two
    # statements), followers, release; the month's partition is known to the process
    assert large <= 14


def test_too_large_a_batch_is_refused_whole(hub):
    operator, booked = hub
    parcel = factories.parcel(booked)

    with pytest.raises(DomainError) as refused:
        tracking_events_ingest(
            reporter=operator, events=[event(parcel, f"e-{i}", "HUB_IN") for i in range(10_001)]
        )

    assert (refused.value.code, refused.value.status) == ("BATCH_TOO_LARGE", 413)
    assert not TrackingEvent.objects.exists()


def test_a_parcel_not_yet_on_a_flight_has_no_carrier_to_report(hub):
    operator, booked = hub
    waiting = factories.parcel(
        booked, status=ShipmentStatus.CREATED, flight=None, carrier=None, routed_at=None
    )

    result = tracking_events_ingest(reporter=operator, events=[event(waiting, "e-1", "HUB_IN")])

    assert outcomes(result) == [("rejected", "PARCEL_UNKNOWN", "tracking_number")]
    assert Shipment.objects.get(pk=waiting.pk).tracking_status == "info_received"


def test_a_last_mile_delivery_in_a_batch_completes_the_order(trade):
    flight(trade)
    parcel = shipment_route(shipment_id=shipment_of(cleared_order(trade)).pk)
    delivered_at = timezone.now() - timedelta(minutes=2)

    result = tracking_events_ingest(
        reporter=trade.carrier,
        events=[
            event(parcel, "e-1", "DEP", 900),
            {
                **event(parcel, "e-2", "DELIVERED"),
                "occurred_at": delivered_at.isoformat(),
                "location": "HGH",
            },
        ],
    )

    assert result.accepted == 2
    parcel.refresh_from_db()
    assert (parcel.status, parcel.tracking_status) == ("delivered", "delivered")
    assert parcel.delivered_at == delivered_at
    assert parcel.order_id is not None
    order = Order.objects.get(pk=parcel.order_id)
    assert (order.status, order.delivered_at) == (OrderStatus.DELIVERED, delivered_at)
    assert OutboxEvent.objects.filter(type="logistics.shipment.delivered").count() == 1
    assert list(parcel.status_changes.values_list("from_status", "to_status")) == [
        ("", "created"),
        ("created", "routed"),
        ("routed", "delivered"),
    ]
