"""The routing planner's promises, checked on generated hubs (no database)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from logistics.routing import PlanFlight, PlanParcel, Reason, plan

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
DESTINATIONS = ["HGH", "PVG", "CAN", "SZX"]  # SZX never has a flight below


@st.composite
def flights(draw: st.DrawFn) -> list[PlanFlight]:
    count = draw(st.integers(0, 8))
    made = []
    for index in range(count):
        cutoff = NOW + timedelta(minutes=draw(st.integers(-300, 600)))
        made.append(
            PlanFlight(
                id=f"F{index}",
                destination=draw(st.sampled_from(DESTINATIONS[:3])),
                departure_at=cutoff + timedelta(hours=draw(st.integers(0, 6))),
                cutoff_at=cutoff,
                remaining_g=draw(st.integers(0, 20_000)),
                remaining_cm3=draw(st.integers(0, 200_000)),
            )
        )
    return made


@st.composite
def parcels(draw: st.DrawFn) -> list[PlanParcel]:
    count = draw(st.integers(0, 60))
    return [
        PlanParcel(
            id=f"P{index}",
            destination=draw(st.sampled_from(DESTINATIONS)),
            weight_g=draw(st.integers(1, 8_000)),
            volume_cm3=draw(st.integers(0, 60_000)),
            service_rank=draw(st.integers(0, 2)),
            received_at=NOW - timedelta(minutes=draw(st.integers(0, 3000))),
            held=draw(st.integers(0, 4)) == 0,
            # Now and then offloaded from one of the flights the schedule may hold.
            avoid=draw(st.one_of(st.none(), st.sampled_from([f"F{i}" for i in range(8)]))),
        )
        for index in range(count)
    ]


def _loads(
    assignments: Mapping[Hashable, Hashable], by_id: Mapping[Hashable, PlanParcel]
) -> dict[Hashable, list[int]]:
    loads: dict[Hashable, list[int]] = defaultdict(lambda: [0, 0])
    for parcel_id, flight_id in assignments.items():
        loads[flight_id][0] += by_id[parcel_id].weight_g
        loads[flight_id][1] += by_id[parcel_id].volume_cm3
    return loads


@settings(max_examples=300, deadline=None)
@given(parcels(), flights())
def test_a_plan_keeps_every_promise(ready, schedule):
    result = plan(ready, schedule, now=NOW)
    by_id = {p.id: p for p in ready}
    by_flight = {f.id: f for f in schedule}

    # No flight over its weight or volume capacity.
    for flight_id, (weight, volume) in _loads(result.assigned, by_id).items():
        assert weight <= by_flight[flight_id].remaining_g
        assert volume <= by_flight[flight_id].remaining_cm3
    for flight in schedule:
        assert result.remaining_g[flight.id] >= 0
        assert result.remaining_cm3[flight.id] >= 0
    # No held parcel assigned; nothing after cut-off; only to its destination.
    for parcel_id, flight_id in result.assigned.items():
        assert not by_id[parcel_id].held
        assert flight_id != by_id[parcel_id].avoid  # never back on the flight it came off
        assert by_flight[flight_id].cutoff_at > NOW
        assert by_flight[flight_id].destination == by_id[parcel_id].destination
    # Every ready parcel is either assigned or explained, never both.
    assert set(result.assigned) | set(result.waiting) == set(by_id)
    assert not set(result.assigned) & set(result.waiting)
    # The explanations are true.
    for parcel_id, reason in result.waiting.items():
        parcel = by_id[parcel_id]
        to_there = [f for f in schedule if f.destination == parcel.destination]
        if parcel.held:
            assert reason is Reason.CUSTOMS_HOLD
        elif not to_there:
            assert reason is Reason.NO_FLIGHT
        elif all(f.cutoff_at <= NOW for f in to_there):
            assert reason is Reason.AFTER_CUTOFF
        elif all(f.id == parcel.avoid for f in to_there if f.cutoff_at > NOW):
            assert reason is Reason.NO_FLIGHT  # the only open one is the flight it came off
        else:
            assert reason is Reason.OVER_CAPACITY
            # First fit: no open flight to its destination had room left for it.
            for f in to_there:
                if f.cutoff_at > NOW and f.id != parcel.avoid:
                    assert (
                        result.remaining_g[f.id] < parcel.weight_g
                        or result.remaining_cm3[f.id] < parcel.volume_cm3
                    )


@settings(max_examples=200, deadline=None)
@given(parcels(), flights(), st.data())
def test_a_replan_after_a_cancellation_moves_only_the_displaced_parcels(ready, schedule, data):
    first = plan(ready, schedule, now=NOW)
    if not schedule:
        return
    cancelled = data.draw(st.sampled_from([f.id for f in schedule]))
    # What the database holds after the first plan: each flight's remaining capacity net of
    # its bookings, and the cancelled flight gone.
    after = [
        PlanFlight(
            id=f.id,
            destination=f.destination,
            departure_at=f.departure_at,
            cutoff_at=f.cutoff_at,
            remaining_g=first.remaining_g[f.id],
            remaining_cm3=first.remaining_cm3[f.id],
        )
        for f in schedule
        if f.id != cancelled
    ]

    second = plan(ready, after, now=NOW, current=first.assigned)

    for parcel_id, flight_id in first.assigned.items():
        if flight_id != cancelled:
            assert second.kept[parcel_id] == flight_id
        else:
            assert parcel_id not in second.kept
            assert parcel_id in second.assigned or parcel_id in second.waiting
    assert second.assigned.keys().isdisjoint(second.kept.keys())
    assert set(second.assigned) | set(second.kept) | set(second.waiting) == {p.id for p in ready}
    by_id = {p.id: p for p in ready}
    by_flight = {f.id: f for f in after}
    for flight_id, (weight, volume) in _loads(second.assigned, by_id).items():
        assert weight <= by_flight[flight_id].remaining_g
        assert volume <= by_flight[flight_id].remaining_cm3
        assert by_flight[flight_id].cutoff_at > NOW


def test_a_held_parcel_already_booked_is_released_and_frees_its_space():
    flight = PlanFlight("F1", "HGH", NOW + timedelta(hours=6), NOW + timedelta(hours=2), 0, 0)
    held = PlanParcel("P1", "HGH", 1000, 0, 1, NOW, held=True)
    waiting = PlanParcel("P2", "HGH", 1000, 0, 1, NOW)

    result = plan([held, waiting], [flight], now=NOW, current={"P1": "F1"})

    assert result.released == {"P1": "F1"}
    assert result.waiting == {"P1": Reason.CUSTOMS_HOLD}
    assert result.assigned == {"P2": "F1"}


def test_express_goes_before_older_standard_and_big_before_small_of_the_same_hour():
    flight = PlanFlight("F1", "HGH", NOW + timedelta(hours=6), NOW + timedelta(hours=2), 3000, 0)
    old_standard = PlanParcel("old", "HGH", 2000, 0, 1, NOW - timedelta(days=1))
    express = PlanParcel("express", "HGH", 2000, 0, 0, NOW)
    small = PlanParcel("small", "HGH", 500, 0, 1, NOW - timedelta(days=1, minutes=-1))

    result = plan([old_standard, small, express], [flight], now=NOW)

    assert result.assigned == {"express": "F1", "small": "F1"}
    assert result.waiting == {"old": Reason.OVER_CAPACITY}
