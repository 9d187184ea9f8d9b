"""Routing: booking ready shipments on flights, undoing bookings, and re-planning.

Two paths book shipments. A new shipment is booked at once by `shipment_route` (one row, one
flight lock), so a parcel is usually on a flight seconds after customs releases it. The routing
job (`routing_run`, every minute by beat and on demand) plans *every* ready shipment in one go
with `logistics.routing.plan` and writes the plan set-wise: a few statements whatever the
number of parcels. A cancelled flight or a customs hold unbooks only the parcels concerned and
queues the job, so the others keep their flights (moving as few parcels as possible).

Lock order, everywhere: flights before the shipments the job books (the job takes the flights
in primary-key order and skips shipments another transaction holds), so it never deadlocks with
the single-shipment path, which holds one shipment and then one flight.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from ewtp.core.errors import DomainError, NotFound
from ewtp.core.models import Organization
from ewtp.events.bus import publish
from logistics import routing, tasks
from logistics.events import (
    FLIGHT_CANCELLED,
    SHIPMENT_UNBOOKED,
    SHIPMENTS_BATCH_ROUTED,
    flight_event_data,
    shipment_event_data,
)
from logistics.models import (
    SERVICE_LEVEL_RANK,
    Flight,
    FlightStatus,
    RoutingRun,
    RoutingRunStatus,
    Shipment,
    ShipmentStatus,
    WaitingReason,
)
from logistics.services.shipments import shipment_move

logger = logging.getLogger(__name__)

GRAMS_PER_KG = Decimal(1000)
CM3_PER_M3 = Decimal(1_000_000)


@dataclass(frozen=True, slots=True)
class RoutingOutcome:
    parcels: int
    routed: int
    waiting: dict[str, int]  # reason → parcels


@transaction.atomic
def shipment_route(*, shipment_id: uuid.UUID) -> Shipment:
    """Book the shipment on the earliest scheduled flight to its destination whose cut-off is
    still ahead and whose remaining weight and volume take it. The flight row is locked while
    it is booked, so concurrent routing never overbooks it. A shipment already booked, held by
    customs, or with no flight that can take it yet, is left for the routing job."""
    shipment = Shipment.objects.select_for_update().get(pk=shipment_id)
    if shipment.status != ShipmentStatus.CREATED:
        return shipment
    if shipment.customs_hold:
        return shipment
    # FOR UPDATE re-checks the filter on the row it locks: a flight another booking filled
    # while we waited is skipped and the next one taken.
    flight = (
        Flight.objects.select_for_update(of=("self",))
        .bookable(
            destination_id=shipment.destination_id,
            weight_kg=shipment.weight_kg,
            volume_m3=shipment.volume_m3,
            now=timezone.now(),
        )
        .select_related("carrier")
        .first()
    )
    if flight is None:
        logger.info(
            "shipment %s waits: no flight to %s can take it", shipment.pk, shipment.destination_id
        )
        return shipment
    Flight.objects.filter(pk=flight.pk).update(
        booked_kg=F("booked_kg") + shipment.weight_kg,
        booked_m3=F("booked_m3") + shipment.volume_m3,
        updated_at=timezone.now(),
    )
    if shipment.waiting_reason:
        Shipment.objects.filter(pk=shipment.pk).update(waiting_reason="")
        shipment.waiting_reason = ""
    return shipment_move(
        shipment=shipment,
        to=ShipmentStatus.ROUTED,
        reason=f"booked on {flight.number} departing {flight.departure_at:%Y-%m-%d %H:%M}Z",
        flight=flight,
    )


# --- The routing job


_BOOK = """
    UPDATE logistics_shipment s
    SET status = 'routed', flight_id = p.flight_id, carrier_id = f.carrier_id,
        routed_at = %s, updated_at = %s, waiting_reason = ''
    FROM unnest(%s::uuid[], %s::uuid[]) AS p(id, flight_id)
    JOIN logistics_flight f ON f.id = p.flight_id
    WHERE s.id = p.id AND s.status = 'created'"""
_AUDIT = """
    INSERT INTO logistics_shipmentstatuschange
        (shipment_id, from_status, to_status, reason, changed_at)
    SELECT id, %s, %s, reason, %s FROM unnest(%s::uuid[], %s::text[]) AS v(id, reason)"""
_LOAD = """
    UPDATE logistics_flight f
    SET booked_kg = f.booked_kg + v.kg, booked_m3 = f.booked_m3 + v.m3, updated_at = %s
    FROM unnest(%s::uuid[], %s::numeric[], %s::numeric[]) AS v(id, kg, m3)
    WHERE f.id = v.id"""
# Only rows whose reason changed are written: a parcel waiting for hours is planned every
# minute, and rewriting it each time would churn the table for nothing.
_EXPLAIN = """
    UPDATE logistics_shipment s SET waiting_reason = v.reason
    FROM unnest(%s::uuid[], %s::text[]) AS v(id, reason)
    WHERE s.id = v.id AND s.waiting_reason <> v.reason"""


def _planned_flights(now: datetime) -> list[Flight]:
    # Locked in a stable order, so two runs (or a run and a cancellation) queue, never deadlock.
    return list(
        Flight.objects.planned_from(now)
        .select_for_update()
        .order_by("pk")
        .only(
            "id",
            "number",
            "carrier_id",
            "destination_id",
            "departure_at",
            "cutoff_at",
            "capacity_kg",
            "booked_kg",
            "capacity_m3",
            "booked_m3",
        )
    )


def _ready_shipments() -> list[tuple[Any, ...]]:
    # SKIP LOCKED: a shipment being booked or unbooked right now is planned next minute.
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT id, destination_id, weight_kg, volume_m3, service_level, created_at,
                      customs_hold, tracking_number, marketplace_id, offloaded_from_id
               FROM logistics_shipment WHERE status = 'created' AND direction = 'outbound'
               FOR UPDATE SKIP LOCKED"""
        )
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows


@transaction.atomic
def shipments_plan(*, now: datetime | None = None) -> RoutingOutcome:
    """Book every ready shipment that a flight can take, by priority (service level, then
    age, then size), before cut-off and within each flight's weight and volume; record why
    each other one waits. Never books a held shipment. Set-wise: the cost is a few statements
    whatever the number of parcels."""
    now = now or timezone.now()
    flights = _planned_flights(now)
    rows = _ready_shipments()
    plan_flights = [
        routing.PlanFlight(
            id=f.pk,
            destination=f.destination_id,
            departure_at=f.departure_at,
            cutoff_at=f.cutoff_at,
            remaining_g=routing.grams(f.capacity_kg - f.booked_kg),
            remaining_cm3=routing.cubic_cm(f.capacity_m3 - f.booked_m3),
        )
        for f in flights
    ]
    parcels = [
        routing.PlanParcel(
            id=pk,
            destination=destination,
            weight_g=routing.grams(weight),
            volume_cm3=routing.cubic_cm(volume),
            service_rank=SERVICE_LEVEL_RANK.get(level, 1),
            received_at=created_at,
            held=held,
            avoid=avoid,
        )
        for pk, destination, weight, volume, level, created_at, held, _, _, avoid in rows
    ]
    result = routing.plan(parcels, plan_flights, now=now)
    by_flight = {f.pk: f for f in flights}
    if result.assigned:
        _apply(result, rows, by_flight, now)
    if result.waiting:
        ids = list(result.waiting)
        with connection.cursor() as cursor:
            cursor.execute(_EXPLAIN, [ids, [str(result.waiting[i]) for i in ids]])
    waiting: dict[str, int] = defaultdict(int)
    for reason in result.waiting.values():
        waiting[str(reason)] += 1
    return RoutingOutcome(parcels=len(rows), routed=len(result.assigned), waiting=dict(waiting))


def _apply(
    result: routing.Plan,
    rows: list[tuple[Any, ...]],
    flights: dict[Any, Flight],
    now: datetime,
) -> None:
    assigned = result.assigned
    ids = list(assigned)
    flight_ids = [assigned[i] for i in ids]
    label = {
        pk: f"booked on {f.number} departing {f.departure_at:%Y-%m-%d %H:%M}Z"
        for pk, f in flights.items()
    }
    load_g: dict[Any, int] = defaultdict(int)
    load_cm3: dict[Any, int] = defaultdict(int)
    by_marketplace: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    by_carrier: dict[Any, dict[Any, int]] = defaultdict(lambda: defaultdict(int))
    for pk, _, weight, volume, _, _, _, number, marketplace_id, _ in rows:
        flight_id = assigned.get(pk)
        if flight_id is None:
            continue
        flight = flights[flight_id]
        load_g[flight_id] += routing.grams(weight)
        load_cm3[flight_id] += routing.cubic_cm(volume)
        by_marketplace[marketplace_id].append(
            {
                "id": str(pk),
                "tracking_number": number,
                "flight": flight.number,
                "departure_at": flight.departure_at.isoformat(),
            }
        )
        by_carrier[flight.carrier_id][flight_id] += 1
    loaded = list(load_g)
    with connection.cursor() as cursor:
        cursor.execute(
            _LOAD,
            [
                now,
                loaded,
                [Decimal(load_g[f]) / GRAMS_PER_KG for f in loaded],
                [Decimal(load_cm3[f]) / CM3_PER_M3 for f in loaded],
            ],
        )
        cursor.execute(_BOOK, [now, now, ids, flight_ids])
        cursor.execute(
            _AUDIT,
            [
                ShipmentStatus.CREATED.value,
                ShipmentStatus.ROUTED.value,
                now,
                ids,
                [label[f] for f in flight_ids],
            ],
        )
    _publish_routed(by_marketplace, by_carrier, flights)


def _publish_routed(
    by_marketplace: dict[Any, list[dict[str, Any]]],
    by_carrier: dict[Any, dict[Any, int]],
    flights: dict[Any, Flight],
) -> None:
    """One event per marketplace listing its parcels booked, one per carrier listing its
    flights' new load. Merchants are not sent one each (hundreds per run, as for the bulk
    tracking path); they follow their parcels in the portal and the API."""
    run_id = str(uuid.uuid4())
    organizations = Organization.objects.in_bulk([*by_marketplace, *by_carrier])
    for marketplace_id, listed in by_marketplace.items():
        publish(
            type=SHIPMENTS_BATCH_ROUTED,
            data={"run_id": run_id, "shipments": listed},
            recipients=[organizations[marketplace_id]],
        )
    for carrier_id, counts in by_carrier.items():
        publish(
            type=SHIPMENTS_BATCH_ROUTED,
            data={
                "run_id": run_id,
                "flights": [
                    {
                        "id": str(flight_id),
                        "number": flights[flight_id].number,
                        "departure_at": flights[flight_id].departure_at.isoformat(),
                        "shipments_booked": count,
                    }
                    for flight_id, count in counts.items()
                ],
            },
            recipients=[organizations[carrier_id]],
        )


def shipments_route_ready() -> int:
    """The routing job without a run row (tests, shell): returns how many were booked."""
    return shipments_plan().routed


def routing_run_request(*, trigger: str) -> RoutingRun:
    """Ask for a routing run (a re-plan), queued after commit. Asking while one is already
    queued returns that one: a run plans everything that is ready when it starts."""
    with transaction.atomic():
        queued = (
            RoutingRun.objects.select_for_update()
            .filter(status=RoutingRunStatus.QUEUED)
            .order_by("requested_at")
            .first()
        )
        if queued is not None:
            return queued
        run = RoutingRun.objects.create(trigger=trigger[:64])
        run_id = str(run.pk)
        transaction.on_commit(lambda: tasks.route_ready_shipments.delay(run_id))
        return run


def routing_run(*, run_id: uuid.UUID | None = None, trigger: str = "beat") -> RoutingRun | None:
    """Run the routing job, recording its progress on a RoutingRun the hub's flights view
    shows. A beat run with nothing ready leaves no row. A run already finished is not run
    again (the task is delivered at least once)."""
    now = timezone.now()
    if run_id is None:
        if not Shipment.objects.waiting().exists():
            return None
        run = RoutingRun.objects.create(trigger=trigger, requested_at=now)
    else:
        found = RoutingRun.objects.filter(pk=run_id).first()
        if found is None or found.status in (RoutingRunStatus.DONE, RoutingRunStatus.FAILED):
            return found
        run = found
    RoutingRun.objects.filter(pk=run.pk).update(status=RoutingRunStatus.RUNNING, started_at=now)
    try:
        outcome = shipments_plan()
    except Exception:
        RoutingRun.objects.filter(pk=run.pk).update(
            status=RoutingRunStatus.FAILED, finished_at=timezone.now()
        )
        raise
    RoutingRun.objects.filter(pk=run.pk).update(
        status=RoutingRunStatus.DONE,
        finished_at=timezone.now(),
        parcels=outcome.parcels,
        routed=outcome.routed,
        waiting=sum(outcome.waiting.values()),
    )
    run.refresh_from_db()
    return run


# --- Undoing bookings


_UNBOOK = """
    UPDATE logistics_shipment
    SET status = 'created', flight_id = NULL, carrier_id = NULL, routed_at = NULL,
        updated_at = %s, waiting_reason = ''
    WHERE id = ANY(%s::uuid[])"""


def _unbook(shipment_ids: list[Any], *, reason: str, now: datetime) -> None:
    """Take booked shipments off their flight (the caller holds both locks and frees the
    flight's load). The one move back in a shipment's life: it never left the hub."""
    with connection.cursor() as cursor:
        cursor.execute(_UNBOOK, [now, shipment_ids])
        cursor.execute(
            _AUDIT,
            [
                ShipmentStatus.ROUTED.value,
                ShipmentStatus.CREATED.value,
                now,
                shipment_ids,
                [reason[:500]] * len(shipment_ids),
            ],
        )


@transaction.atomic
def flight_cancel(*, flight_id: uuid.UUID, reason: str = "") -> Flight:
    """Cancel a flight that has not departed: its booked parcels go back to waiting and the
    routing job is queued to re-plan them (only them: every other booking stays). Cancelling
    a cancelled flight changes nothing."""
    flight = Flight.objects.select_for_update().select_related("carrier").get(pk=flight_id)
    if flight.status == FlightStatus.CANCELLED:
        return flight
    if flight.status != FlightStatus.SCHEDULED:
        raise DomainError(
            f"Flight {flight.number} has {flight.status}; it can no longer be cancelled.",
            code="flight_not_scheduled",
            status=409,
        )
    now = timezone.now()
    booked = list(
        Shipment.objects.select_for_update()
        .filter(flight=flight, status=ShipmentStatus.ROUTED)
        .order_by("pk")
        .values_list("pk", "tracking_number", "marketplace_id")
    )
    ids = [pk for pk, _, _ in booked]
    if ids:
        _unbook(ids, reason=f"flight {flight.number} cancelled {reason}".strip(), now=now)
    # Parcels past ROUTED (reported departed by a scan) keep their load on the record.
    remaining = Shipment.objects.filter(flight=flight).values_list("weight_kg", "volume_m3")
    flight.status = FlightStatus.CANCELLED
    flight.booked_kg = sum((w for w, _ in remaining), Decimal("0"))
    flight.booked_m3 = sum((v for _, v in remaining), Decimal("0"))
    flight.updated_at = now
    flight.save(update_fields=["status", "booked_kg", "booked_m3", "updated_at"])
    by_marketplace: dict[Any, list[str]] = defaultdict(list)
    for _, number, marketplace_id in booked:
        by_marketplace[marketplace_id].append(number)
    organizations = Organization.objects.in_bulk(list(by_marketplace))
    publish(
        type=FLIGHT_CANCELLED,
        data={**flight_event_data(flight), "reason": reason, "shipments_unbooked": len(ids)},
        recipients=[flight.carrier],
    )
    for marketplace_id, numbers in by_marketplace.items():
        publish(
            type=FLIGHT_CANCELLED,
            data={**flight_event_data(flight), "reason": reason, "tracking_numbers": numbers},
            recipients=[organizations[marketplace_id]],
        )
    routing_run_request(trigger=f"flight {flight.number} cancelled")
    return flight


@transaction.atomic
def shipment_customs_hold(*, order_id: uuid.UUID, reason: str = "") -> Shipment | None:
    """Customs holds the goods: the shipment is never loaded while held. A booking on a
    flight that has not departed is undone and the flight's space re-planned. An order with no
    shipment yet (the usual case: shipments exist once goods are released) changes nothing."""
    shipment = Shipment.objects.select_for_update().filter(order_id=order_id).first()
    if shipment is None or shipment.customs_hold:
        return shipment
    now = timezone.now()
    Shipment.objects.filter(pk=shipment.pk).update(
        customs_hold=True, waiting_reason=WaitingReason.CUSTOMS_HOLD, updated_at=now
    )
    if shipment.status == ShipmentStatus.ROUTED and shipment.flight_id is not None:
        flight = Flight.objects.select_for_update().get(pk=shipment.flight_id)
        if flight.status == FlightStatus.SCHEDULED:
            Flight.objects.filter(pk=flight.pk).update(
                booked_kg=F("booked_kg") - shipment.weight_kg,
                booked_m3=F("booked_m3") - shipment.volume_m3,
                updated_at=now,
            )
            _unbook([shipment.pk], reason=f"customs hold {reason}".strip(), now=now)
            Shipment.objects.filter(pk=shipment.pk).update(
                waiting_reason=WaitingReason.CUSTOMS_HOLD
            )
            shipment.refresh_from_db()
            publish(
                type=SHIPMENT_UNBOOKED,
                data={**shipment_event_data(shipment), "reason": "customs_hold"},
                recipients=[
                    o for o in (shipment.marketplace, shipment.merchant, flight.carrier) if o
                ],
            )
            routing_run_request(trigger="customs hold")
    shipment.refresh_from_db()
    return shipment


@transaction.atomic
def shipment_offload(*, carrier: Organization, shipment_id: uuid.UUID, reason: str) -> Shipment:
    """The carrier takes a booked parcel off a flight that has not left (weight and balance,
    damage at the ramp): its space is freed, it waits again, and the routing job is queued
    at once to book it on another flight (never the same one again); nothing else moves."""
    reason = reason.strip()
    if not reason:
        raise DomainError(
            "Say why the parcel is offloaded.", code="reason_required", field="reason"
        )
    shipment = (
        Shipment.objects.visible_to(carrier).select_for_update(of=("self",)).filter(pk=shipment_id)
    ).first()
    if shipment is None:
        raise NotFound("No such shipment.")
    if shipment.status != ShipmentStatus.ROUTED or shipment.flight_id is None:
        raise DomainError(
            f"Shipment {shipment.tracking_number} is not booked on a flight ({shipment.status}).",
            code="shipment_not_booked",
            status=409,
        )
    flight = Flight.objects.select_for_update().select_related("carrier").get(pk=shipment.flight_id)
    if flight.carrier_id != carrier.pk:
        raise NotFound("No such shipment.")
    if flight.status != FlightStatus.SCHEDULED:
        raise DomainError(
            f"Flight {flight.number} has {flight.status}; its load can no longer change.",
            code="flight_not_scheduled",
            status=409,
        )
    now = timezone.now()
    Flight.objects.filter(pk=flight.pk).update(
        booked_kg=F("booked_kg") - shipment.weight_kg,
        booked_m3=F("booked_m3") - shipment.volume_m3,
        updated_at=now,
    )
    _unbook([shipment.pk], reason=f"offloaded from {flight.number}: {reason}", now=now)
    Shipment.objects.filter(pk=shipment.pk).update(offloaded_from=flight)
    shipment.refresh_from_db()
    publish(
        type=SHIPMENT_UNBOOKED,
        data={**shipment_event_data(shipment), "reason": "offloaded", "flight": flight.number},
        recipients=[o for o in (shipment.marketplace, shipment.merchant, flight.carrier) if o],
    )
    routing_run_request(trigger=f"offload from {flight.number}")
    return shipment


@transaction.atomic
def shipment_customs_release(*, order_id: uuid.UUID) -> Shipment | None:
    """Customs released held goods: the shipment may be booked again (at the next run)."""
    shipment = Shipment.objects.select_for_update().filter(order_id=order_id).first()
    if shipment is None or not shipment.customs_hold:
        return shipment
    Shipment.objects.filter(pk=shipment.pk).update(
        customs_hold=False, waiting_reason="", updated_at=timezone.now()
    )
    routing_run_request(trigger="customs release")
    shipment.refresh_from_db()
    return shipment


__all__ = [
    "RoutingOutcome",
    "flight_cancel",
    "routing_run",
    "routing_run_request",
    "shipment_customs_hold",
    "shipment_customs_release",
    "shipment_offload",
    "shipment_route",
    "shipments_plan",
    "shipments_route_ready",
]
