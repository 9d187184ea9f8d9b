"""Parsing Cargo-IMP FSU messages: real-shaped messages, malformed ones named by line, and
never anything but a message or FsuMalformed, whatever the text."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logistics import fsu

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)


def utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_the_received_from_shipper_example_is_one_status_at_liege_local_time():
    message = fsu.parse("FSU/14\n020-12345675PVGLGG/T10K120\nRCS/15NOV1030/LGG/T10K120", now=NOW)

    assert (str(message.awb), message.origin, message.destination) == (
        "020-12345675",
        "PVG",
        "LGG",
    )
    assert message.version == 14
    [status] = message.statuses
    assert (status.line, status.code, status.station, status.flight) == (3, "RCS", "LGG", "")
    assert status.occurred_at == utc(2026, 11, 15, 9, 30)  # Brussels is UTC+1 in November
    assert status.quantity == "T10K120"


def test_a_whole_journey_with_flight_lines_and_time_info():
    text = "\r\n".join(
        [
            "FSU/16",
            "784-24681355LGGHGH/T3K2.1",
            "BKD/CA1042/20NOV/LGGHGH/T3K2.1",
            "RCS/20NOV0815/LGG/T3K2.1",
            "MAN/CA1042/20NOV/LGGHGH/T3K2.1/SD2200",
            "DEP/CA1042/20NOV/LGGHGH/T3K2.1/SD2200/AD2231",
            "ARR/CA1042/21NOV/HGH/T3K2.1/SA1430/AA1412",
            "RCF/CA1042/21NOV1605/HGH/T3K2.1",
            "NFD/21NOV1700/HGH/T3K2.1/ACME LOGISTICS",
            "/HANGZHOU",
            "OSI/CALL CONSIGNEE BEFORE DELIVERY",
            "DLV/22NOV0930/HGH/T3K2.1/ZHANG",
            "",
        ]
    )

    message = fsu.parse(text, now=NOW)

    got = [(s.line, s.code, s.flight, s.station, s.occurred_at) for s in message.statuses]
    assert got == [
        (3, "BKD", "CA1042", "LGG", utc(2026, 11, 19, 23, 0)),  # no time: the local day's start
        (4, "RCS", "", "LGG", utc(2026, 11, 20, 7, 15)),
        (5, "MAN", "CA1042", "LGG", utc(2026, 11, 20, 21, 0)),  # scheduled departure
        (6, "DEP", "CA1042", "LGG", utc(2026, 11, 20, 21, 31)),  # actual wins over scheduled
        (7, "ARR", "CA1042", "HGH", utc(2026, 11, 21, 6, 12)),  # Hangzhou is UTC+8
        (8, "RCF", "CA1042", "HGH", utc(2026, 11, 21, 8, 5)),
        (9, "NFD", "", "HGH", utc(2026, 11, 21, 9, 0)),
        (12, "DLV", "", "HGH", utc(2026, 11, 22, 1, 30)),
    ]


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("FOH/14NOV2359/PVG/T1K0.5", "FOH"),
        ("PRE/LH8400/15NOV/LGGPVG/P2K30T10", "PRE"),
        ("RCT/AF/15NOV1200/CDG/T10K120", "RCT"),
        ("TFD/KL/15NOV1300/AMS/T10K120", "TFD"),
        ("TRM/CV7312/15NOV/LUX/T10K120", "TRM"),
        ("AWD/16NOV0800/PVG/T10K120", "AWD"),
        ("DDL/16NOV1500/PVG/T10K120", "DDL"),
        ("CCD/16NOV0700/PVG/T10K120", "CCD"),
        ("DIS/LH8400/16NOV/PVG/T9K108/MSCA", "DIS"),
        ("dep/lh8400/15nov/lggpvg/t10k120mc1.25", "DEP"),
    ],
)
def test_each_shape_of_status_line_is_read(line: str, code: str):
    message = fsu.parse(f"FSU/14\n020-12345675PVGLGG\n{line}", now=NOW)

    assert [s.code for s in message.statuses] == [code]


def test_the_year_is_the_latest_one_not_in_the_future():
    new_year = datetime(2027, 1, 2, 8, 0, tzinfo=UTC)

    late = fsu.parse("FSU/14\n020-12345675\nRCS/28DEC1000/LGG/T1K1", now=new_year)
    early = fsu.parse("FSU/14\n020-12345675\nRCS/01JAN1000/LGG/T1K1", now=new_year)

    assert late.statuses[0].occurred_at.year == 2026
    assert early.statuses[0].occurred_at.year == 2027


@pytest.mark.parametrize(
    ("text", "line", "code"),
    [
        ("", 1, fsu.FSU_HEADER_INVALID),
        ("FWB/16\n020-12345675PVGLGG", 1, fsu.FSU_HEADER_INVALID),
        ("FSU/14", 2, fsu.FSU_AWB_LINE_INVALID),
        ("FSU/14\n02012345675PVGLGG", 2, fsu.FSU_AWB_LINE_INVALID),
        ("FSU/14\n020-12345676PVGLGG\nRCS/15NOV1030/LGG/T1K1", 2, "AWB_CHECK_DIGIT_INVALID"),
        ("FSU/14\n020-12345675PVGLGG/TENK120\nRCS/15NOV1030/LGG/T1", 2, fsu.FSU_AWB_LINE_INVALID),
        ("FSU/14\n020-12345675PVGLGG", 3, fsu.FSU_NO_STATUS),
        ("FSU/14\n020-12345675\nXYZ/15NOV1030/LGG/T1K1", 3, fsu.FSU_STATUS_UNKNOWN),
        ("FSU/14\n020-12345675\nHUB_IN/15NOV1030/LGG/T1K1", 3, fsu.FSU_LINE_INVALID),
        (
            "FSU/14\n020-12345675\nRCS/15NOV1030/LGG/T1K1\nDEP/15NOV/LGGPVG/T1K1",
            4,
            fsu.FSU_LINE_INVALID,
        ),
        ("FSU/14\n020-12345675\nDEP/LH400/15NOV/LGG/T1K1", 3, fsu.FSU_LINE_INVALID),
        ("FSU/14\n020-12345675\nRCS/15NOV1030/LGG", 3, fsu.FSU_LINE_INVALID),
        ("FSU/14\n020-12345675\nRCS/15NOV1030/LGG/TEN", 3, fsu.FSU_LINE_INVALID),
        ("FSU/14\n020-12345675\nRCS/32NOV1030/LGG/T1K1", 3, fsu.FSU_DATE_INVALID),
        ("FSU/14\n020-12345675\nRCS/15NOX1030/LGG/T1K1", 3, fsu.FSU_DATE_INVALID),
        ("FSU/14\n020-12345675\nRCS/15NOV2530/LGG/T1K1", 3, fsu.FSU_DATE_INVALID),
        ("FSU/14\n020-12345675\nRCS/15NOV1030/XXX/T1K1", 3, fsu.FSU_STATION_UNKNOWN),
        ("FSU/14\n020-12345675\nRCS/15NOV1030/LG1/T1K1", 3, fsu.FSU_LINE_INVALID),
        ("FSU/14\n020-12345675\n" + "OSI/X\n" * 300, 201, fsu.FSU_TOO_LONG),
    ],
)
def test_a_malformed_message_is_refused_naming_the_line(text: str, line: int, code: str):
    with pytest.raises(fsu.FsuMalformed) as refused:
        fsu.parse(text, now=NOW)

    assert (refused.value.code, refused.value.line, refused.value.field) == (
        code,
        line,
        f"line.{line}",
    )
    assert refused.value.status == 400


def _parsed(text: str) -> fsu.FsuMessage | fsu.FsuMalformed:
    try:
        return fsu.parse(text, now=NOW)
    except fsu.FsuMalformed as refused:
        return refused


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_is_a_message_or_a_coded_refusal(text: str):
    outcome = _parsed(text)

    if isinstance(outcome, fsu.FsuMalformed):
        assert outcome.code.startswith(("FSU_", "AWB_"))
    else:
        assert outcome.statuses


_FIELD = st.text(alphabet="ABCDEFGHKLNOPRSTUVX0123456789.-", max_size=12)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["RCS", "DEP", "ARR", "DLV", "MAN", "XYZ"]), st.lists(_FIELD)),
        min_size=1,
        max_size=5,
    )
)
def test_status_lines_of_random_fields_never_raise_anything_else(lines):
    text = "FSU/14\n020-12345675PVGLGG/T10K120\n" + "\n".join(
        "/".join([code, *fields]) for code, fields in lines
    )
    outcome = _parsed(text)

    if isinstance(outcome, fsu.FsuMalformed):
        assert outcome.line >= 3
    else:
        assert len(outcome.statuses) == len(lines)


def test_a_type_b_envelope_before_the_header_is_skipped_and_counted():
    text = "QK LGGFMXH PVGFMCA\n.PVGFMCA 151030\nFSU/14\n020-12345675PVGLGG\nRCS/15NOV1030/LGG/T1K1"

    message = fsu.parse(text, now=NOW)

    assert [(s.line, s.code) for s in message.statuses] == [(5, "RCS")]
    with pytest.raises(fsu.FsuMalformed) as refused:
        fsu.parse("QK LGGFMXH\nFSU/14\n020-12345676", now=NOW)
    assert (refused.value.code, refused.value.line) == ("AWB_CHECK_DIGIT_INVALID", 3)
