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
    Bag,
    Flight,
    FlightStatus,
    FlightUldAllotment,
    RoutingRun,
    RoutingRunStatus,
    Shipment,
    ShipmentStatus,
    UldLoad,
    UldType,
    WaitingReason,
    bag_max_kg,
    bag_tare_kg,
)
from logistics.routing_progress import Progress, progress_report, reporter
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
    still ahead and whose remaining weight and volume take it, stowed in a bag in one of the
    flight's ULD positions. The flight row is locked while it is booked, so concurrent routing
    never overbooks it or its units. A shipment already booked, held by customs, or with no
    flight (or no unit of that flight) that can take it yet, is left for the routing job."""
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
    # Stowed as the job would: into a bag in one of the flight's ULD positions. When no unit
    # takes it, the job (which may try later flights) books and explains it.
    parcel = routing.PlanParcel(
        id=shipment.pk,
        destination=shipment.destination_id,
        weight_g=routing.grams(shipment.weight_kg),
        volume_cm3=routing.cubic_cm(shipment.volume_m3),
        service_rank=SERVICE_LEVEL_RANK.get(shipment.service_level, 1),
        received_at=shipment.created_at,
        avoid=shipment.offloaded_from_id,
    )
    now = timezone.now()
    state = _LoadState.read([flight])
    result = routing.plan([parcel], state.plan_flights([flight]), now=now, packing=_packing())
    if shipment.pk not in result.assigned:
        logger.info("shipment %s waits: no ULD position of %s takes it", shipment.pk, flight)
        return shipment
    state.write(result, {flight.pk: flight}, now)
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


# --- Load plans: bags and ULD loads, read and written set-wise


def _packing() -> routing.Packing:
    return routing.Packing(
        uld_types={
            code: routing.UldSpec(
                code=code,
                max_gross_g=routing.grams(max_gross),
                tare_g=routing.grams(tare),
                volume_cm3=routing.cubic_cm(volume),
            )
            for code, max_gross, tare, volume in UldType.objects.values_list(
                "code", "max_gross_kg", "tare_kg", "volume_m3"
            )
        },
        bag_max_g=routing.grams(bag_max_kg()),
        bag_tare_g=routing.grams(bag_tare_kg()),
    )


_NEW_ULDS = """
    INSERT INTO logistics_uldload
        (id, flight_id, uld_type_id, position, gross_kg, volume_m3, created_at)
    SELECT id, flight_id, code, position, kg, m3, %s
    FROM unnest(%s::uuid[], %s::uuid[], %s::text[], %s::int[], %s::numeric[], %s::numeric[])
        AS v(id, flight_id, code, position, kg, m3)"""
_GROWN_ULDS = """
    UPDATE logistics_uldload u SET gross_kg = v.kg, volume_m3 = v.m3
    FROM unnest(%s::uuid[], %s::numeric[], %s::numeric[]) AS v(id, kg, m3)
    WHERE u.id = v.id"""
_NEW_BAGS = """
    INSERT INTO logistics_bag
        (id, number, flight_id, destination_id, seq, uld_load_id, tare_kg, max_kg, gross_kg,
         volume_m3, parcels, created_at)
    SELECT id, number, flight_id, destination_id, seq, uld_id, %s, %s, kg, m3, n, %s
    FROM unnest(%s::uuid[], %s::text[], %s::uuid[], %s::text[], %s::int[], %s::uuid[],
                %s::numeric[], %s::numeric[], %s::int[])
        AS v(id, number, flight_id, destination_id, seq, uld_id, kg, m3, n)"""
_GROWN_BAGS = """
    UPDATE logistics_bag b SET gross_kg = v.kg, volume_m3 = v.m3, parcels = b.parcels + v.n
    FROM unnest(%s::uuid[], %s::numeric[], %s::numeric[], %s::int[]) AS v(id, kg, m3, n)
    WHERE b.id = v.id"""
_STOW = """
    INSERT INTO logistics_parcelstowage (shipment_id, bag_id, uld_load_id)
    SELECT * FROM unnest(%s::uuid[], %s::uuid[], %s::uuid[])"""


def _kg(grams: int) -> Decimal:
    return Decimal(grams) / GRAMS_PER_KG


def _m3(cm3: int) -> Decimal:
    return Decimal(cm3) / CM3_PER_M3


class _LoadState:
    """The ULD allotments, built-up units and bags of some flights, for the planner; and the
    writer of a plan's new and grown bags and units. The caller holds the flights' locks,
    which guard their load plans."""

    def __init__(self) -> None:
        self.positions: dict[Any, dict[str, int]] = defaultdict(dict)
        self.ulds: dict[Any, list[routing.PlanUld]] = defaultdict(list)
        self.bags: dict[Any, list[routing.PlanBag]] = defaultdict(list)
        self.last_position: dict[tuple[Any, str], int] = defaultdict(int)
        self.last_seq: dict[Any, int] = defaultdict(int)

    @classmethod
    def read(cls, flights: list[Flight]) -> _LoadState:
        state = cls()
        ids = [f.pk for f in flights]
        for flight_id, code, positions in FlightUldAllotment.objects.filter(
            flight_id__in=ids
        ).values_list("flight_id", "uld_type_id", "positions"):
            state.positions[flight_id][code] = positions
        for pk, flight_id, code, position, gross, volume in UldLoad.objects.filter(
            flight_id__in=ids
        ).values_list("pk", "flight_id", "uld_type_id", "position", "gross_kg", "volume_m3"):
            state.ulds[flight_id].append(
                routing.PlanUld(pk, code, routing.grams(gross), routing.cubic_cm(volume))
            )
            key = (flight_id, code)
            state.last_position[key] = max(state.last_position[key], position)
        for pk, flight_id, seq, uld_id, gross, volume in (
            Bag.objects.filter(flight_id__in=ids)
            .order_by("flight_id", "seq")
            .values_list("pk", "flight_id", "seq", "uld_load_id", "gross_kg", "volume_m3")
        ):
            state.bags[flight_id].append(
                routing.PlanBag(pk, uld_id, routing.grams(gross), routing.cubic_cm(volume))
            )
            state.last_seq[flight_id] = max(state.last_seq[flight_id], seq)
        return state

    def plan_flights(self, flights: list[Flight]) -> list[routing.PlanFlight]:
        return [
            routing.PlanFlight(
                id=f.pk,
                destination=f.destination_id,
                departure_at=f.departure_at,
                cutoff_at=f.cutoff_at,
                remaining_g=routing.grams(f.capacity_kg - f.booked_kg),
                remaining_cm3=routing.cubic_cm(f.capacity_m3 - f.booked_m3),
                positions=self.positions.get(f.pk),  # none allotted: loaded in bulk
                ulds=tuple(self.ulds.get(f.pk, ())),
                bags=tuple(self.bags.get(f.pk, ())),
            )
            for f in flights
        ]

    def write(self, result: routing.Plan, flights: dict[Any, Flight], now: datetime) -> None:
        """Write the plan's new units, new bags and stowages, and the new loads of units and
        bags it added to: a handful of statements whatever the number of parcels."""
        uld_ids: dict[Any, Any] = {}
        new_ulds: list[tuple[Any, ...]] = []
        grown_ulds: list[tuple[Any, ...]] = []
        for key, uld in result.ulds.items():
            if isinstance(key, routing.NewUld):
                uld_ids[key] = uuid.uuid4()
                position = self.last_position[key.flight, key.code] + key.n
                new_ulds.append(
                    (uld_ids[key], key.flight, key.code, position, uld.gross_g, uld.volume_cm3)
                )
            else:
                uld_ids[key] = key
                grown_ulds.append((key, uld.gross_g, uld.volume_cm3))
        bag_ids: dict[Any, Any] = {}
        new_bags: list[tuple[Any, ...]] = []
        grown_bags: list[tuple[Any, ...]] = []
        for key, bag in result.bags.items():
            if isinstance(key, routing.NewBag):
                bag_ids[key] = uuid.uuid4()
                flight = flights[key.flight]
                seq = self.last_seq[key.flight] + key.n
                new_bags.append(
                    (
                        bag_ids[key],
                        f"{flight.number}-{flight.service_date:%Y%m%d}-{seq:04d}",
                        key.flight,
                        flight.destination_id,
                        seq,
                        None if bag.uld is None else uld_ids[bag.uld],
                        bag.gross_g,
                        bag.volume_cm3,
                        bag.added,
                    )
                )
            else:
                bag_ids[key] = key
                grown_bags.append((key, bag.gross_g, bag.volume_cm3, bag.added))
        stowed = result.stowed
        parcel_ids = list(stowed)
        with connection.cursor() as cursor:
            if new_ulds:
                columns = list(zip(*new_ulds, strict=True))
                cursor.execute(
                    _NEW_ULDS,
                    [
                        now,
                        list(columns[0]),
                        list(columns[1]),
                        list(columns[2]),
                        list(columns[3]),
                        [_kg(g) for g in columns[4]],
                        [_m3(c) for c in columns[5]],
                    ],
                )
            if grown_ulds:
                columns = list(zip(*grown_ulds, strict=True))
                cursor.execute(
                    _GROWN_ULDS,
                    [list(columns[0]), [_kg(g) for g in columns[1]], [_m3(c) for c in columns[2]]],
                )
            if new_bags:
                columns = list(zip(*new_bags, strict=True))
                cursor.execute(
                    _NEW_BAGS,
                    [
                        bag_tare_kg(),
                        bag_max_kg(),
                        now,
                        *(list(c) for c in columns[:6]),
                        [_kg(g) for g in columns[6]],
                        [_m3(c) for c in columns[7]],
                        list(columns[8]),
                    ],
                )
            if grown_bags:
                columns = list(zip(*grown_bags, strict=True))
                cursor.execute(
                    _GROWN_BAGS,
                    [
                        list(columns[0]),
                        [_kg(g) for g in columns[1]],
                        [_m3(c) for c in columns[2]],
                        list(columns[3]),
                    ],
                )
            if parcel_ids:
                cursor.execute(
                    _STOW,
                    [
                        parcel_ids,
                        [
                            None if stowed[p].bag is None else bag_ids[stowed[p].bag]
                            for p in parcel_ids
                        ],
                        [
                            None if stowed[p].uld is None else uld_ids[stowed[p].uld]
                            for p in parcel_ids
                        ],
                    ],
                )


_UNSTOW = """
    DELETE FROM logistics_parcelstowage WHERE shipment_id = ANY(%s::uuid[])
    RETURNING bag_id, uld_load_id"""
# A bag or unit a parcel left is weighed again from what is still in it; an emptied one goes.
_REWEIGH_BAGS = """
    UPDATE logistics_bag b
    SET gross_kg = b.tare_kg + x.kg, volume_m3 = x.m3, parcels = x.n
    FROM (SELECT b2.id, coalesce(sum(s.weight_kg), 0) AS kg,
                 coalesce(sum(s.volume_m3), 0) AS m3, count(s.id) AS n
          FROM logistics_bag b2
          LEFT JOIN logistics_parcelstowage ps ON ps.bag_id = b2.id
          LEFT JOIN logistics_shipment s ON s.id = ps.shipment_id
          WHERE b2.id = ANY(%s::uuid[]) GROUP BY b2.id) x
    WHERE b.id = x.id"""
_DROP_EMPTY_BAGS = """
    DELETE FROM logistics_bag WHERE id = ANY(%s::uuid[]) AND parcels = 0
    RETURNING uld_load_id"""
_REWEIGH_ULDS = """
    UPDATE logistics_uldload u
    SET gross_kg = t.tare_kg + x.bags_kg + x.loose_kg, volume_m3 = x.bags_m3 + x.loose_m3
    FROM logistics_uldtype t, (
        SELECT u2.id,
            coalesce((SELECT sum(b.gross_kg) FROM logistics_bag b
                      WHERE b.uld_load_id = u2.id), 0) AS bags_kg,
            coalesce((SELECT sum(b.volume_m3) FROM logistics_bag b
                      WHERE b.uld_load_id = u2.id), 0) AS bags_m3,
            coalesce((SELECT sum(s.weight_kg) FROM logistics_parcelstowage ps
                      JOIN logistics_shipment s ON s.id = ps.shipment_id
                      WHERE ps.uld_load_id = u2.id), 0) AS loose_kg,
            coalesce((SELECT sum(s.volume_m3) FROM logistics_parcelstowage ps
                      JOIN logistics_shipment s ON s.id = ps.shipment_id
                      WHERE ps.uld_load_id = u2.id), 0) AS loose_m3
        FROM logistics_uldload u2 WHERE u2.id = ANY(%s::uuid[])) x
    WHERE u.id = x.id AND t.code = u.uld_type_id"""
_DROP_EMPTY_ULDS = """
    DELETE FROM logistics_uldload u WHERE u.id = ANY(%s::uuid[])
    AND NOT EXISTS (SELECT 1 FROM logistics_bag b WHERE b.uld_load_id = u.id)
    AND NOT EXISTS (SELECT 1 FROM logistics_parcelstowage ps WHERE ps.uld_load_id = u.id)"""


def _unstow(shipment_ids: list[Any]) -> None:
    """Take parcels out of their bags and units (the caller holds their flights' locks): the
    bags and units they leave are weighed again, and those left empty are removed. Nothing
    else in the load plan moves."""
    with connection.cursor() as cursor:
        cursor.execute(_UNSTOW, [shipment_ids])
        places = cursor.fetchall()
        bags = list({bag for bag, _ in places if bag is not None})
        ulds = {uld for _, uld in places if uld is not None}
        if bags:
            cursor.execute(
                "SELECT DISTINCT uld_load_id FROM logistics_bag "
                "WHERE id = ANY(%s::uuid[]) AND uld_load_id IS NOT NULL",
                [bags],
            )
            ulds |= {uld for (uld,) in cursor.fetchall()}
            cursor.execute(_REWEIGH_BAGS, [bags])
            cursor.execute(_DROP_EMPTY_BAGS, [bags])
        if ulds:
            cursor.execute(_REWEIGH_ULDS, [list(ulds)])
            cursor.execute(_DROP_EMPTY_ULDS, [list(ulds)])


def _planned_flights(now: datetime) -> list[Flight]:
    # Locked in a stable order, so two runs (or a run and a cancellation) queue, never deadlock.
    return list(
        Flight.objects.planned_from(now)
        .select_for_update()
        .order_by("pk")
        .only(
            "id",
            "number",
            "service_date",
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


def _no_progress(phase: str, done: int, total: int) -> None:
    return None


@transaction.atomic
def shipments_plan(
    *, now: datetime | None = None, progress: Progress | None = None
) -> RoutingOutcome:
    """Book every ready shipment that a flight can take, by priority (service level, then
    age, then size), before cut-off and within each flight's weight and volume, stowed in bags
    within its ULD positions; record why each other one waits. Never books a held shipment.
    Set-wise: the cost is a few statements whatever the number of parcels. `progress(phase,
    done, total)` hears how far it is."""
    now = now or timezone.now()
    report = progress or _no_progress
    report("flights", 0, 0)
    flights = _planned_flights(now)
    report("parcels", 0, 0)
    rows = _ready_shipments()
    state = _LoadState.read(flights)
    plan_flights = state.plan_flights(flights)
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
    result = routing.plan(
        parcels,
        plan_flights,
        now=now,
        packing=_packing(),
        progress=lambda done, total: report("planning", done, total),
    )
    by_flight = {f.pk: f for f in flights}
    steps = 3
    report("writing", 0, steps)
    if result.assigned:
        _apply(result, rows, by_flight, now)
    report("writing", 1, steps)
    if result.assigned:
        state.write(result, by_flight, now)
    report("writing", 2, steps)
    if result.waiting:
        ids = list(result.waiting)
        with connection.cursor() as cursor:
            cursor.execute(_EXPLAIN, [ids, [str(result.waiting[i]) for i in ids]])
    report("writing", 3, steps)
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
    """Run the routing job, recording it on a RoutingRun the hub's flights view shows, with
    its live progress in Redis (logistics.routing_progress). A beat run with nothing ready
    leaves no row. A run already finished is not run again (the task is delivered at least
    once)."""
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
        outcome = shipments_plan(progress=reporter(run.pk))
    except Exception:
        RoutingRun.objects.filter(pk=run.pk).update(
            status=RoutingRunStatus.FAILED, finished_at=timezone.now()
        )
        progress_report(run.pk, phase="failed")
        raise
    RoutingRun.objects.filter(pk=run.pk).update(
        status=RoutingRunStatus.DONE,
        finished_at=timezone.now(),
        parcels=outcome.parcels,
        routed=outcome.routed,
        waiting=sum(outcome.waiting.values()),
        waiting_by_reason=outcome.waiting,
    )
    progress_report(run.pk, phase="done", done=outcome.parcels, total=outcome.parcels)
    run.refresh_from_db()
    return run


# --- Undoing bookings


_UNBOOK = """
    UPDATE logistics_shipment
    SET status = 'created', flight_id = NULL, carrier_id = NULL, routed_at = NULL,
        updated_at = %s, waiting_reason = ''
    WHERE id = ANY(%s::uuid[])"""


def _unbook(shipment_ids: list[Any], *, reason: str, now: datetime) -> None:
    """Take booked shipments off their flight and out of its load plan (the caller holds both
    locks and frees the flight's load). The one move back in a shipment's life: it never left
    the hub."""
    _unstow(shipment_ids)
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
