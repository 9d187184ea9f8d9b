from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from logistics.tracking_codes import (
    FINAL,
    INTERRUPTIONS,
    MAWB_REACH,
    PROGRESS_RANK,
    TRACKING_CODE_TABLE,
    TRACKING_CODES,
    CodeLevel,
    TrackingPosition,
    TrackingStatus,
    advance,
)

CARGO_IMP = {"BKD", "RCS", "MAN", "DEP", "ARR", "RCF", "NFD", "AWD", "DLV", "DIS", "FOH", "PRE",
             "TRM", "TFD", "CCD", "CRC", "DDL"}  # fmt: skip
T0 = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def test_every_raw_code_maps_to_exactly_one_normalised_status():
    counts = Counter(spec.code for spec in TRACKING_CODE_TABLE)

    assert [code for code, n in counts.items() if n != 1] == []
    assert all(isinstance(spec.status, TrackingStatus) for spec in TRACKING_CODE_TABLE)
    assert set(TRACKING_CODES) == set(counts)


def test_the_cargo_imp_codes_are_mawb_level_and_the_others_parcel_level():
    assert {s.code for s in TRACKING_CODE_TABLE if s.level is CodeLevel.MAWB} >= CARGO_IMP
    assert all(
        spec.level is CodeLevel.PARCEL for spec in TRACKING_CODE_TABLE if len(spec.code) != 3
    )


def test_every_normalised_status_is_reachable_and_ranked_or_an_interruption():
    assert {spec.status for spec in TRACKING_CODE_TABLE} == set(TrackingStatus)
    assert set(PROGRESS_RANK) | INTERRUPTIONS == set(TrackingStatus.values)
    assert not set(PROGRESS_RANK) & INTERRUPTIONS


def test_no_airline_code_means_delivered_only_a_last_mile_one_does():
    assert TRACKING_CODES["DLV"].status == TrackingStatus.ARRIVED
    assert TRACKING_CODES["DDL"].status == TrackingStatus.ARRIVED
    assert {s.code for s in TRACKING_CODE_TABLE if s.status == TrackingStatus.DELIVERED} == {
        "DELIVERED"
    }
    assert all(
        PROGRESS_RANK.get(spec.status, 0) <= MAWB_REACH
        for spec in TRACKING_CODE_TABLE
        if spec.level is CodeLevel.MAWB
    )


def at(position, code, minutes):
    return advance(position, TRACKING_CODES[code], T0 + timedelta(minutes=minutes))


def walk(*steps):
    position = TrackingPosition.initial()
    for code, minutes in steps:
        position = at(position, code, minutes) or position
    return position


def test_a_journey_moves_forward_and_a_late_report_does_not_take_it_back():
    assert walk(("HUB_IN", 0), ("ULD_LOADED", 60), ("DEP", 120)).status == "departed"
    assert walk(("DEP", 120), ("HUB_IN", 0)).status == "departed"  # the scan came in late
    assert walk(("ARR", 700), ("DEP", 120)).status == "arrived"


def test_a_hold_shows_until_a_release_and_the_journey_goes_on():
    held = walk(("HUB_IN", 0), ("CUSTOMS_HOLD", 10))
    assert (held.status, held.rank) == ("customs_hold", PROGRESS_RANK["at_hub"])
    assert walk(("HUB_IN", 0), ("CUSTOMS_HOLD", 10), ("CUSTOMS_RELEASED", 30)).status == (
        "customs_released"
    )
    assert walk(("HUB_IN", 0), ("CUSTOMS_HOLD", 10), ("HUB_IN", 5)).status == "customs_hold"
    assert walk(("CUSTOMS_HOLD", 10), ("CUSTOMS_RELEASED", 30), ("ULD_LOADED", 60)).status == (
        "loaded"
    )


def test_an_airline_delivery_is_an_arrival_and_only_the_last_mile_delivers():
    assert walk(("DEP", 0), ("DLV", 800)).status == "arrived"
    assert walk(("DEP", 0), ("DLV", 800), ("DELIVERED", 2000)).status == "delivered"


def test_delivered_and_returned_are_final():
    assert walk(("DELIVERED", 100), ("EXCEPTION", 200), ("OUT_FOR_DELIVERY", 300)).status == (
        "delivered"
    )
    assert walk(("RETURNED", 100), ("DELIVERED", 200)).status == "returned"


def test_mawb_discrepancy_and_customs_codes_stay_in_the_timeline_only():
    for code in ("DIS", "CRC", "CCD"):
        assert at(TrackingPosition.initial(), code, 10) is None


codes = st.sampled_from([spec.code for spec in TRACKING_CODE_TABLE])
reports = st.lists(st.tuples(codes, st.integers(min_value=0, max_value=10_000)), max_size=25)


@given(reports=reports)
def test_progress_never_goes_back_and_final_statuses_never_change(reports):
    position = TrackingPosition.initial()
    for code, minutes in reports:
        moved = at(position, code, minutes)
        if moved is None:
            continue
        assert moved.rank >= position.rank
        assert position.status not in FINAL
        assert position.at is None or (moved.rank, moved.at) > (position.rank, position.at)
        if TRACKING_CODES[code].level is CodeLevel.MAWB:
            assert moved.rank <= MAWB_REACH
            assert moved.status != TrackingStatus.DELIVERED
        position = moved


@pytest.mark.parametrize("code", sorted(TRACKING_CODES))
def test_every_code_has_a_description(code):
    assert TRACKING_CODES[code].description
