"""The load plan's promises (parcel → bag → ULD → flight), checked on generated hubs (no
database): no bag over its maximum, no ULD over its maximum gross weight or volume, every new
booking in a bag (or loose) in a ULD of its own flight, and the planner's other promises."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from logistics.routing import (
    NewBag,
    Packing,
    Plan,
    PlanBag,
    PlanFlight,
    PlanParcel,
    PlanUld,
    Reason,
    UldSpec,
    plan,
)

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
DESTINATIONS = ["HGH", "PVG", "SZX"]  # SZX never has a flight below
# Small units and bags, so that generated hubs run into every limit.
PACKING = Packing(
    uld_types={
        "AKE": UldSpec("AKE", max_gross_g=12_000, tare_g=1_000, volume_cm3=60_000),
        "PMC": UldSpec("PMC", max_gross_g=25_000, tare_g=2_000, volume_cm3=120_000),
    },
    bag_max_g=5_000,
    bag_tare_g=200,
)


@st.composite
def flights(draw: st.DrawFn) -> list[PlanFlight]:
    made = []
    for index in range(draw(st.integers(0, 6))):
        cutoff = NOW + timedelta(minutes=draw(st.integers(-300, 600)))
        positions = draw(
            st.one_of(
                st.none(),
                st.dictionaries(st.sampled_from(["AKE", "PMC"]), st.integers(1, 3), max_size=2),
            )
        )
        made.append(
            PlanFlight(
                id=f"F{index}",
                destination=draw(st.sampled_from(DESTINATIONS[:2])),
                departure_at=cutoff + timedelta(hours=draw(st.integers(0, 6))),
                cutoff_at=cutoff,
                remaining_g=draw(st.integers(0, 60_000)),
                remaining_cm3=draw(st.integers(0, 400_000)),
                positions=positions,
            )
        )
    return made


@st.composite
def parcels(draw: st.DrawFn) -> list[PlanParcel]:
    return [
        PlanParcel(
            id=f"P{index}",
            destination=draw(st.sampled_from(DESTINATIONS)),
            # Now and then a piece too heavy for any bag: it rides loose.
            weight_g=draw(st.one_of(st.integers(1, 3_000), st.integers(4_801, 9_000))),
            volume_cm3=draw(st.integers(0, 30_000)),
            service_rank=draw(st.integers(0, 2)),
            received_at=NOW - timedelta(minutes=draw(st.integers(0, 3000))),
            held=draw(st.integers(0, 5)) == 0,
            avoid=draw(st.one_of(st.none(), st.sampled_from([f"F{i}" for i in range(6)]))),
        )
        for index in range(draw(st.integers(0, 40)))
    ]


def _check_load_plan(
    result: Plan,
    by_id: dict[Hashable, PlanParcel],
    by_flight: dict[Hashable, PlanFlight],
    *,
    start_bags: Mapping[Hashable, int] | None = None,
    start_ulds: Mapping[Hashable, tuple[int, int]] | None = None,
) -> None:
    """Every bag and ULD the plan touched is within its limits, holds exactly what was put
    in it (on top of what it held before), and is on the flight of each parcel in it."""
    start_bags = start_bags or {}
    start_ulds = start_ulds or {}
    bag_parcels: dict[Hashable, list[PlanParcel]] = defaultdict(list)
    loose: dict[Hashable, list[PlanParcel]] = defaultdict(list)
    assert set(result.stowed) == set(result.assigned)
    for parcel_id, place in result.stowed.items():
        flight = by_flight[result.assigned[parcel_id]]
        parcel = by_id[parcel_id]
        if place.bag is not None:
            assert place.uld is None
            bag = result.bags[place.bag]
            assert bag.flight == flight.id  # its bag is on its flight
            if flight.positions is not None:
                assert bag.uld is not None  # in a ULD of that flight
                assert result.ulds[bag.uld].flight == flight.id
            bag_parcels[place.bag].append(parcel)
        else:
            assert parcel.weight_g + PACKING.bag_tare_g > PACKING.bag_max_g  # only heavy pieces
            if flight.positions is None:
                assert place.uld is None
            else:
                assert place.uld is not None
                assert result.ulds[place.uld].flight == flight.id
                loose[place.uld].append(parcel)
    for bag_id, bag in result.bags.items():
        assert bag.gross_g <= PACKING.bag_max_g  # never a bag over its maximum
        inside = bag_parcels[bag_id]
        assert bag.added == len(inside)
        before = PACKING.bag_tare_g if isinstance(bag_id, NewBag) else start_bags[bag_id]
        assert bag.gross_g == before + sum(p.weight_g for p in inside)
    for uld_id, uld in result.ulds.items():
        spec = PACKING.uld_types[uld.code]
        assert uld.gross_g <= spec.max_gross_g  # never a ULD over its maximum gross weight
        assert uld.volume_cm3 <= spec.volume_cm3
        gross, volume = start_ulds.get(uld_id, (spec.tare_g, 0))
        for bag_id, bag in result.bags.items():
            if bag.uld == uld_id:
                gross += bag.gross_g - (
                    PACKING.bag_tare_g if isinstance(bag_id, NewBag) else start_bags[bag_id]
                )
                gross += PACKING.bag_tare_g if isinstance(bag_id, NewBag) else 0
                volume += sum(p.volume_cm3 for p in bag_parcels[bag_id])
        gross += sum(p.weight_g for p in loose[uld_id])
        volume += sum(p.volume_cm3 for p in loose[uld_id])
        assert (uld.gross_g, uld.volume_cm3) == (gross, volume)
    # No flight builds more units of a type than it offers positions of that type.
    built: dict[tuple[Hashable, str], int] = defaultdict(int)
    for uld in result.ulds.values():
        built[uld.flight, uld.code] += 1
    for (flight_id, code), count in built.items():
        assert count <= (by_flight[flight_id].positions or {}).get(code, 0)


@settings(max_examples=150, deadline=None)
@given(parcels(), flights())
def test_a_load_plan_keeps_every_promise(ready, schedule):
    result = plan(ready, schedule, now=NOW, packing=PACKING)
    by_id = {p.id: p for p in ready}
    by_flight = {f.id: f for f in schedule}

    _check_load_plan(result, by_id, by_flight)
    # The planner's own promises still hold with units in the way.
    load: dict[Hashable, list[int]] = defaultdict(lambda: [0, 0])
    for parcel_id, flight_id in result.assigned.items():
        parcel = by_id[parcel_id]
        load[flight_id][0] += parcel.weight_g
        load[flight_id][1] += parcel.volume_cm3
        assert not parcel.held
        assert flight_id != parcel.avoid
        assert by_flight[flight_id].cutoff_at > NOW
        assert by_flight[flight_id].destination == parcel.destination
    for flight_id, (weight, volume) in load.items():
        assert weight <= by_flight[flight_id].remaining_g
        assert volume <= by_flight[flight_id].remaining_cm3
    assert set(result.assigned) | set(result.waiting) == set(by_id)
    assert not set(result.assigned) & set(result.waiting)
    for parcel_id, reason in result.waiting.items():
        parcel = by_id[parcel_id]
        open_to_there = [
            f
            for f in schedule
            if f.destination == parcel.destination and f.cutoff_at > NOW and f.id != parcel.avoid
        ]
        with_room = [
            f
            for f in open_to_there
            if result.remaining_g[f.id] >= parcel.weight_g
            and result.remaining_cm3[f.id] >= parcel.volume_cm3
        ]
        if reason is Reason.OVER_CAPACITY:
            assert open_to_there
            assert not with_room
        elif reason is Reason.NO_ULD_SPACE:
            # A flight still has payload for it, but none of its units can take it.
            assert with_room
            for flight in with_room:
                assert flight.positions is not None
                _assert_no_unit_takes(result, flight, parcel)


def _assert_no_unit_takes(result: Plan, flight: PlanFlight, parcel: PlanParcel) -> None:
    weight, volume = parcel.weight_g, parcel.volume_cm3
    ulds = {k: u for k, u in result.ulds.items() if u.flight == flight.id}
    bagged = weight + PACKING.bag_tare_g <= PACKING.bag_max_g
    for bag in result.bags.values():
        if bagged and bag.flight == flight.id and bag.gross_g + weight <= PACKING.bag_max_g:
            uld = ulds[bag.uld]
            spec = PACKING.uld_types[uld.code]
            assert (
                uld.gross_g + weight > spec.max_gross_g or uld.volume_cm3 + volume > spec.volume_cm3
            )
    need = weight + (PACKING.bag_tare_g if bagged else 0)
    for uld in ulds.values():
        spec = PACKING.uld_types[uld.code]
        assert uld.gross_g + need > spec.max_gross_g or uld.volume_cm3 + volume > spec.volume_cm3
    built: dict[str, int] = defaultdict(int)
    for uld in ulds.values():
        built[uld.code] += 1
    for code, count in (flight.positions or {}).items():
        spec = PACKING.uld_types[code]
        if count > built[code]:  # a free position of this type could not take it either
            assert spec.tare_g + need > spec.max_gross_g or volume > spec.volume_cm3


@settings(max_examples=100, deadline=None)
@given(parcels(), flights(), st.data())
def test_a_replan_keeps_bags_and_units_and_fills_them_within_limits(ready, schedule, data):
    first = plan(ready, schedule, now=NOW, packing=PACKING)
    if not schedule:
        return
    cancelled = data.draw(st.sampled_from([f.id for f in schedule]))
    # What the database holds after the first plan: each flight's remaining capacity, units
    # and bags, and the cancelled flight gone with its load plan.
    after = [
        PlanFlight(
            id=f.id,
            destination=f.destination,
            departure_at=f.departure_at,
            cutoff_at=f.cutoff_at,
            remaining_g=first.remaining_g[f.id],
            remaining_cm3=first.remaining_cm3[f.id],
            positions=f.positions,
            # Stored, the plan's new bags and units get ids of their own.
            ulds=tuple(
                PlanUld(("db", k), u.code, u.gross_g, u.volume_cm3)
                for k, u in first.ulds.items()
                if u.flight == f.id
            ),
            bags=tuple(
                PlanBag(
                    ("db", k), None if b.uld is None else ("db", b.uld), b.gross_g, b.volume_cm3
                )
                for k, b in first.bags.items()
                if b.flight == f.id
            ),
        )
        for f in schedule
        if f.id != cancelled
    ]
    by_id = {p.id: p for p in ready}
    by_flight = {f.id: f for f in after}

    second = plan(ready, after, now=NOW, current=first.assigned, packing=PACKING)

    for parcel_id, flight_id in first.assigned.items():
        if flight_id != cancelled:
            assert second.kept[parcel_id] == flight_id  # kept: in its bag, not moved
    assert set(second.assigned) | set(second.kept) | set(second.waiting) == set(by_id)
    start_bags: dict[Hashable, int] = {("db", k): b.gross_g for k, b in first.bags.items()}
    start_ulds: dict[Hashable, tuple[int, int]] = {
        ("db", k): (u.gross_g, u.volume_cm3) for k, u in first.ulds.items()
    }
    _check_load_plan(second, by_id, by_flight, start_bags=start_bags, start_ulds=start_ulds)
    # Existing bags and units only grow, and stay on their flight and in their unit.
    for bag_id, bag in second.bags.items():
        if isinstance(bag_id, tuple):  # ("db", the first plan's key)
            before = first.bags[bag_id[1]]
            assert bag.flight == before.flight
            assert bag.uld == (None if before.uld is None else ("db", before.uld))
            assert bag.gross_g > before.gross_g


def test_a_parcel_the_payload_takes_but_no_unit_does_waits_as_no_uld_space():
    flight = PlanFlight(
        id="F1",
        destination="HGH",
        departure_at=NOW + timedelta(hours=6),
        cutoff_at=NOW + timedelta(hours=2),
        remaining_g=100_000,
        remaining_cm3=1_000_000,
        positions={"AKE": 1},
    )
    big = PlanParcel("big", "HGH", 4_000, 70_000, 1, NOW)  # more volume than an AKE holds
    small = PlanParcel("small", "HGH", 2_000, 10_000, 1, NOW)

    result = plan([big, small], [flight], now=NOW, packing=PACKING)

    assert result.waiting == {"big": Reason.NO_ULD_SPACE}
    assert result.assigned == {"small": "F1"}
    (bag,) = result.bags.values()
    assert bag.gross_g == 2_200
    (uld,) = result.ulds.values()
    assert (uld.code, uld.gross_g, uld.volume_cm3) == ("AKE", 3_200, 10_000)


def test_a_flight_without_an_allotment_is_loaded_in_bulk_by_its_payload_alone():
    flight = PlanFlight(
        id="F1",
        destination="HGH",
        departure_at=NOW + timedelta(hours=6),
        cutoff_at=NOW + timedelta(hours=2),
        remaining_g=20_000,
        remaining_cm3=1_000_000,
    )
    ready = [PlanParcel(f"P{i}", "HGH", 3_000, 70_000, 1, NOW) for i in range(7)]

    result = plan(ready, [flight], now=NOW, packing=PACKING)

    assert len(result.assigned) == 6
    assert list(result.waiting.values()) == [Reason.OVER_CAPACITY]
    assert not result.ulds
    # 3 kg parcels in 5 kg bags: one to a bag, loose in the hold.
    assert len(result.bags) == 6
    assert all(bag.uld is None for bag in result.bags.values())


def test_positions_of_a_type_the_rules_do_not_know_take_nothing():
    flight = PlanFlight(
        id="F1",
        destination="HGH",
        departure_at=NOW + timedelta(hours=6),
        cutoff_at=NOW + timedelta(hours=2),
        remaining_g=100_000,
        remaining_cm3=1_000_000,
        positions={"XYZ": 4},
    )

    result = plan(
        [PlanParcel("P", "HGH", 1_000, 1_000, 1, NOW)], [flight], now=NOW, packing=PACKING
    )

    assert result.waiting == {"P": Reason.NO_ULD_SPACE}
    assert not result.bags
    assert not result.ulds
