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

Load plan. As a parcel is booked it is also stowed, in the same first-fit pass (so in the
priority order above, largest first within equal priority: first-fit-decreasing by bag):

- into the first open bag of the flight with room for it (a bag's gross weight, tare included,
  never above the bag maximum), or else into a new bag;
- a new bag goes into the first ULD position of the flight that takes it (already built-up
  units first, then free positions, largest type first), never above the type's maximum gross
  weight (its tare included) or its volume; a bag already in a unit only grows while the unit
  takes the extra weight and volume;
- a piece too heavy for any bag rides loose in a ULD position;
- a flight with no ULD allotment (`positions is None`) is loaded in bulk: bags loose in the
  hold, limited by the payload alone, as before ULDs were planned.

A parcel that some open flight still has payload room for, but no ULD position can take, waits
as `NO_ULD_SPACE`; if no open flight has payload room for it, `OVER_CAPACITY`. Packing while booking
(rather than booking first and packing afterwards) means a parcel that no unit of one flight
can take goes on to the next flight, and every explanation is true of the final plan.

Re-plans keep bags and units: the bags and ULDs already built for kept bookings are given with
the flight (`bags`, `ulds`) and only grow.

Weights are in grams and volumes in cm³ (integers), so sums are exact and fast.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

ParcelId = Hashable
FlightId = Hashable
BagId = Hashable  # an existing bag's id, or NewBag for one the plan builds
UldLoadId = Hashable  # an existing ULD load's id, or NewUld

AGE_BUCKET_S = 3600  # parcels that reached the hub in the same hour are equally old
PROGRESS_EVERY = 5000  # parcels placed between two progress reports


class Reason(StrEnum):
    NO_FLIGHT = "NO_FLIGHT"
    OVER_CAPACITY = "OVER_CAPACITY"
    CUSTOMS_HOLD = "CUSTOMS_HOLD"
    AFTER_CUTOFF = "AFTER_CUTOFF"
    NO_ULD_SPACE = "NO_ULD_SPACE"


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
class UldSpec:
    code: str
    max_gross_g: int  # the unit loaded, its tare included
    tare_g: int
    volume_cm3: int


@dataclass(frozen=True, slots=True)
class PlanUld:
    """A ULD already built up on the flight (kept bookings in it)."""

    id: UldLoadId
    code: str
    gross_g: int  # tare + bags + loose pieces
    volume_cm3: int


@dataclass(frozen=True, slots=True)
class PlanBag:
    """A bag already built for the flight (kept bookings in it)."""

    id: BagId
    uld: UldLoadId | None  # None: loose in the hold of a bulk flight
    gross_g: int  # tare + parcels
    volume_cm3: int


@dataclass(frozen=True, slots=True)
class PlanFlight:
    id: FlightId
    destination: str
    departure_at: datetime
    cutoff_at: datetime
    remaining_g: int  # free capacity, current bookings already counted
    remaining_cm3: int
    # ULD positions offered, by type code (built-up ones included); None: loaded in bulk.
    positions: Mapping[str, int] | None = None
    ulds: tuple[PlanUld, ...] = ()
    bags: tuple[PlanBag, ...] = ()


@dataclass(frozen=True, slots=True)
class Packing:
    """The rules of the load plan: the ULD types by code, and the bags' maximum and tare."""

    uld_types: Mapping[str, UldSpec] = field(default_factory=dict)
    bag_max_g: int = 30_000
    bag_tare_g: int = 300


@dataclass(frozen=True, slots=True)
class NewBag:
    flight: FlightId
    n: int  # 1, 2, … in the order the plan opened them on that flight


@dataclass(frozen=True, slots=True)
class NewUld:
    flight: FlightId
    code: str
    n: int  # 1, 2, … per type, in the order the plan built them on that flight


@dataclass(slots=True)
class BagLoad:
    flight: FlightId
    uld: UldLoadId | None
    gross_g: int
    volume_cm3: int
    added: int = 0  # parcels the plan put in it


@dataclass(slots=True)
class UldLoadOut:
    flight: FlightId
    code: str
    gross_g: int
    volume_cm3: int


@dataclass(frozen=True, slots=True)
class Stowed:
    """Where a newly booked parcel rides: a bag, else loose in a unit, else loose in bulk."""

    bag: BagId | None
    uld: UldLoadId | None


@dataclass(slots=True)
class Plan:
    assigned: dict[ParcelId, FlightId] = field(default_factory=dict)  # new bookings
    kept: dict[ParcelId, FlightId] = field(default_factory=dict)  # bookings left as they were
    released: dict[ParcelId, FlightId] = field(default_factory=dict)  # bookings undone (held)
    waiting: dict[ParcelId, Reason] = field(default_factory=dict)
    # Free capacity of each flight after the plan.
    remaining_g: dict[FlightId, int] = field(default_factory=dict)
    remaining_cm3: dict[FlightId, int] = field(default_factory=dict)
    # The load plan of the new bookings: each one's place, and every bag and ULD the plan
    # opened or added to, with its load after the plan (existing ones keep their id).
    stowed: dict[ParcelId, Stowed] = field(default_factory=dict)
    bags: dict[BagId, BagLoad] = field(default_factory=dict)
    ulds: dict[UldLoadId, UldLoadOut] = field(default_factory=dict)


class _Uld:
    __slots__ = ("code", "gross_g", "id", "max_cm3", "max_g", "touched", "volume_cm3")

    def __init__(self, uld_id: UldLoadId, spec: UldSpec, gross_g: int, volume_cm3: int) -> None:
        self.id = uld_id
        self.code = spec.code
        self.max_g = spec.max_gross_g
        self.max_cm3 = spec.volume_cm3
        self.gross_g = gross_g
        self.volume_cm3 = volume_cm3
        self.touched = False


class _Bag:
    __slots__ = ("added", "gross_g", "id", "place", "uld", "volume_cm3")

    def __init__(self, bag_id: BagId, uld: _Uld | None, gross_g: int, volume_cm3: int) -> None:
        self.id = bag_id
        self.uld = uld
        self.gross_g = gross_g
        self.volume_cm3 = volume_cm3
        self.added = 0
        self.place = Stowed(bag=bag_id, uld=None)  # shared by every parcel put in it


class _Hold:
    """A flight's load plan while planning: its units, free positions and open bags."""

    __slots__ = ("all_bags", "bags", "bulk", "flight", "free", "lightest_g", "new_bags",
                 "new_ulds", "ulds")  # fmt: skip

    def __init__(self, flight: PlanFlight, packing: Packing, lightest_g: int) -> None:
        self.flight = flight.id
        self.lightest_g = lightest_g  # the lightest parcel left to plan: fuller bags are closed
        self.bulk = flight.positions is None
        types = packing.uld_types
        by_id: dict[UldLoadId, _Uld] = {}
        built: dict[str, int] = defaultdict(int)
        for uld in flight.ulds:
            by_id[uld.id] = _Uld(uld.id, types[uld.code], uld.gross_g, uld.volume_cm3)
            built[uld.code] += 1
        self.ulds: list[_Uld] = list(by_id.values())
        # Free positions, largest type first: big units take more bags before a new one opens.
        # A type the rules do not know (or with no volume) offers nothing.
        offered = [
            (types[code], count - built[code])
            for code, count in (flight.positions or {}).items()
            if code in types and count > built[code] and types[code].volume_cm3 > 0
        ]
        offered.sort(key=lambda slot: (-slot[0].max_gross_g, slot[0].code))
        self.free: list[list[Any]] = [[spec, count] for spec, count in offered]
        self.bags: list[_Bag] = [
            _Bag(bag.id, by_id.get(bag.uld) if bag.uld is not None else None, bag.gross_g,
                 bag.volume_cm3)
            for bag in flight.bags
        ]  # fmt: skip
        self.all_bags = list(self.bags)
        self.new_bags = 0
        self.new_ulds: dict[str, int] = defaultdict(int)

    def _unit_for(self, weight: int, volume: int) -> _Uld | None:
        for uld in self.ulds:
            if uld.gross_g + weight <= uld.max_g and uld.volume_cm3 + volume <= uld.max_cm3:
                return uld
        for slot in self.free:
            spec, count = slot
            if count and spec.tare_g + weight <= spec.max_gross_g and volume <= spec.volume_cm3:
                slot[1] -= 1
                self.new_ulds[spec.code] += 1
                uld = _Uld(NewUld(self.flight, spec.code, self.new_ulds[spec.code]), spec,
                           spec.tare_g, 0)  # fmt: skip
                self.ulds.append(uld)
                return uld
        return None

    def stow(self, weight: int, volume: int, packing: Packing) -> Stowed | None:
        """Place one parcel (first fit), or None if no unit of the flight takes it."""
        bulk = self.bulk
        if packing.bag_tare_g + weight > packing.bag_max_g:  # too heavy for a bag: loose
            if bulk:
                return Stowed(bag=None, uld=None)
            uld = self._unit_for(weight, volume)
            if uld is None:
                return None
            uld.gross_g += weight
            uld.volume_cm3 += volume
            uld.touched = True
            return Stowed(bag=None, uld=uld.id)
        bag_max = packing.bag_max_g
        closed = 0
        for bag in self.bags:
            if bag.gross_g + weight > bag_max:
                if bag.gross_g + self.lightest_g > bag_max:
                    closed += 1
                continue
            unit = bag.uld
            if unit is not None:
                if unit.gross_g + weight > unit.max_g or unit.volume_cm3 + volume > unit.max_cm3:
                    continue
                unit.gross_g += weight
                unit.volume_cm3 += volume
                unit.touched = True
            bag.gross_g += weight
            bag.volume_cm3 += volume
            bag.added += 1
            if closed:
                self._close_full_bags(bag_max)
            return bag.place
        if closed:
            self._close_full_bags(bag_max)
        gross = packing.bag_tare_g + weight
        unit = None
        if not bulk:
            unit = self._unit_for(gross, volume)
            if unit is None:
                return None
            unit.gross_g += gross
            unit.volume_cm3 += volume
            unit.touched = True
        self.new_bags += 1
        bag = _Bag(NewBag(self.flight, self.new_bags), unit, gross, volume)
        bag.added = 1
        self.bags.append(bag)
        self.all_bags.append(bag)
        return bag.place

    def _close_full_bags(self, bag_max: int) -> None:
        # Bags no parcel left could fit in are not looked at again (they stay in all_bags).
        limit = bag_max - self.lightest_g
        self.bags = [bag for bag in self.bags if bag.gross_g <= limit]


def _silent(done: int, total: int) -> None:
    return None


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
    packing: Packing | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Plan:
    """Book ready parcels on flights and stow them (see the module docstring). Every parcel
    given ends up in exactly one of `assigned`, `kept`, `waiting`; a held parcel that was
    booked is also listed in `released` with the flight it leaves. No flight ends over its
    remaining weight or volume, no bag over its maximum, no ULD over its maximum gross weight
    or volume, and no new booking is on a flight whose cut-off is at or before `now`. A booked
    parcel whose hold is placed is the caller's to take out of its bag. `progress(done,
    total)` is called now and then while parcels are placed."""
    current = current or {}
    packing = packing or Packing()
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
    lightest = min((p.weight_g for p in to_plan), default=0)
    holds: dict[FlightId, _Hold] = {}
    assigned, waiting, stowed = result.assigned, result.waiting, result.stowed
    total = len(to_plan)
    no_uld_space: list[PlanParcel] = []
    report = progress or _silent
    next_report = 0
    for done, parcel in enumerate(to_plan):
        if done == next_report:
            report(done, total)
            next_report += PROGRESS_EVERY
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
        had_room = False
        for flight in candidates:
            fid = flight.id
            if remaining_g[fid] >= weight and remaining_cm3[fid] >= volume:
                had_room = True
                hold = holds.get(fid)
                if hold is None:
                    hold = holds[fid] = _Hold(flight, packing, lightest)
                place = hold.stow(weight, volume, packing)
                if place is None:
                    continue
                remaining_g[fid] -= weight
                remaining_cm3[fid] -= volume
                assigned[parcel.id] = fid
                stowed[parcel.id] = place
                break
        else:
            if had_room:
                no_uld_space.append(parcel)
            else:
                waiting[parcel.id] = Reason.OVER_CAPACITY
    # A parcel refused by every unit while a flight had payload left: if later parcels took
    # that payload, the flight is full now, and the true explanation is OVER_CAPACITY.
    for parcel in no_uld_space:
        waiting[parcel.id] = (
            Reason.NO_ULD_SPACE
            if any(
                remaining_g[f.id] >= parcel.weight_g and remaining_cm3[f.id] >= parcel.volume_cm3
                for f in open_by_destination[parcel.destination]
                if f.id != parcel.avoid
            )
            else Reason.OVER_CAPACITY
        )
    report(total, total)
    for fid, hold in holds.items():
        for uld in hold.ulds:
            if uld.touched:
                result.ulds[uld.id] = UldLoadOut(fid, uld.code, uld.gross_g, uld.volume_cm3)
        for bag in hold.all_bags:
            if bag.added:
                result.bags[bag.id] = BagLoad(
                    fid, None if bag.uld is None else bag.uld.id, bag.gross_g, bag.volume_cm3,
                    bag.added,
                )  # fmt: skip
    return result
