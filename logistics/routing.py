"""The routing planner: which ready parcel flies on which flight, and why the others wait.

A pure function over plain values (no ORM, no clock): the routing service loads the rows, calls
`plan`, and writes the result set-wise. Greedy first-fit-decreasing:

1. Parcels are taken by priority: service level (express first), then age (the hour the parcel
   reached the hub, oldest first), then size, largest first (the "decreasing" of FFD: within
   equal priority big parcels go first, so small ones fill the gaps), then id (deterministic).
2. Each parcel goes on the first flight to its destination, in departure order, whose cut-off
   is still ahead and whose remaining weight *and* volume take it.
3. A parcel that finds none is explained: `CUSTOMS_HOLD` (never loaded while held), `NO_FLIGHT`
   (nothing scheduled to its destination), `AFTER_CUTOFF` (flights exist but all have closed),
   `OVER_CAPACITY` (open flights exist but none has room for it).

Re-planning moves as few parcels as possible: a parcel already booked (`current`) stays on its
flight while that flight is still planned (not cancelled) and the parcel is not held; its load
is already counted in the flight's remaining capacity. Only displaced parcels are planned again.
A booked parcel whose flight has closed stays too: it is being loaded.

Weights are in grams and volumes in cm³ (integers), so sums are exact and fast.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

ParcelId = Hashable
FlightId = Hashable

AGE_BUCKET_S = 3600  # parcels that reached the hub in the same hour are equally old


class Reason(StrEnum):
    NO_FLIGHT = "NO_FLIGHT"
    OVER_CAPACITY = "OVER_CAPACITY"
    CUSTOMS_HOLD = "CUSTOMS_HOLD"
    AFTER_CUTOFF = "AFTER_CUTOFF"


@dataclass(frozen=True, slots=True)
class PlanParcel:
    id: ParcelId
    destination: str
    weight_g: int  # chargeable weight
    volume_cm3: int
    service_rank: int  # 0 = most urgent
    received_at: datetime
    held: bool = False
    avoid: FlightId | None = None  # the flight it was offloaded from: never booked on it again


@dataclass(frozen=True, slots=True)
class PlanFlight:
    id: FlightId
    destination: str
    departure_at: datetime
    cutoff_at: datetime
    remaining_g: int  # free capacity, current bookings already counted
    remaining_cm3: int


@dataclass(slots=True)
class Plan:
    assigned: dict[ParcelId, FlightId] = field(default_factory=dict)  # new bookings
    kept: dict[ParcelId, FlightId] = field(default_factory=dict)  # bookings left as they were
    released: dict[ParcelId, FlightId] = field(default_factory=dict)  # bookings undone (held)
    waiting: dict[ParcelId, Reason] = field(default_factory=dict)
    # Free capacity of each flight after the plan.
    remaining_g: dict[FlightId, int] = field(default_factory=dict)
    remaining_cm3: dict[FlightId, int] = field(default_factory=dict)


def grams(kg: Decimal) -> int:
    return int((kg * 1000).to_integral_value())


def cubic_cm(m3: Decimal) -> int:
    return int((m3 * 1_000_000).to_integral_value())


def _priority(parcel: PlanParcel) -> tuple[int, int, int, int, str]:
    age_bucket = int(parcel.received_at.timestamp()) // AGE_BUCKET_S
    return (
        parcel.service_rank,
        age_bucket,
        -parcel.weight_g,
        -parcel.volume_cm3,
        str(parcel.id),
    )


def plan(
    parcels: Iterable[PlanParcel],
    flights: Iterable[PlanFlight],
    *,
    now: datetime,
    current: Mapping[ParcelId, FlightId] | None = None,
) -> Plan:
    """Book ready parcels on flights (see the module docstring). Every parcel given ends up in
    exactly one of `assigned`, `kept`, `waiting`; a held parcel that was booked is also listed
    in `released` with the flight it leaves. No flight ends over its remaining weight or volume,
    and no new booking is on a flight whose cut-off is at or before `now`."""
    current = current or {}
    result = Plan()
    by_destination: dict[str, list[PlanFlight]] = defaultdict(list)
    known: dict[FlightId, PlanFlight] = {}
    for flight in flights:
        known[flight.id] = flight
        result.remaining_g[flight.id] = flight.remaining_g
        result.remaining_cm3[flight.id] = flight.remaining_cm3
        by_destination[flight.destination].append(flight)
    open_by_destination: dict[str, list[PlanFlight]] = {}
    for destination, listed in by_destination.items():
        listed.sort(key=lambda f: (f.departure_at, str(f.id)))
        open_by_destination[destination] = [f for f in listed if f.cutoff_at > now]

    remaining_g, remaining_cm3 = result.remaining_g, result.remaining_cm3
    to_plan: list[PlanParcel] = []
    for parcel in parcels:
        booked_on = current.get(parcel.id)
        if booked_on is not None:
            if parcel.held:
                result.released[parcel.id] = booked_on
                if booked_on in known:  # its load frees up on a flight still planned
                    remaining_g[booked_on] += parcel.weight_g
                    remaining_cm3[booked_on] += parcel.volume_cm3
            elif booked_on in known:
                result.kept[parcel.id] = booked_on
                continue
        if parcel.held:
            result.waiting[parcel.id] = Reason.CUSTOMS_HOLD
            continue
        to_plan.append(parcel)

    to_plan.sort(key=_priority)
    assigned, waiting = result.assigned, result.waiting
    for parcel in to_plan:
        candidates = open_by_destination.get(parcel.destination)
        if candidates is None:
            waiting[parcel.id] = Reason.NO_FLIGHT
            continue
        if not candidates:
            waiting[parcel.id] = Reason.AFTER_CUTOFF
            continue
        if parcel.avoid is not None:
            candidates = [f for f in candidates if f.id != parcel.avoid]
            if not candidates:
                waiting[parcel.id] = Reason.NO_FLIGHT
                continue
        weight, volume = parcel.weight_g, parcel.volume_cm3
        for flight in candidates:
            fid = flight.id
            if remaining_g[fid] >= weight and remaining_cm3[fid] >= volume:
                remaining_g[fid] -= weight
                remaining_cm3[fid] -= volume
                assigned[parcel.id] = fid
                break
        else:
            waiting[parcel.id] = Reason.OVER_CAPACITY
    return result
