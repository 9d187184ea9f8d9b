"""IATA Cargo-IMP FSU (freight status update) messages, parsed into tracking reports.

An FSU reports what happened to one air waybill:

    FSU/14                                  the message type and version
    020-12345675PVGLGG/T10K120              the AWB, its origin and destination, pieces/weight
    RCS/15NOV1030/PVG/T10K120               one status line per event ...
    DEP/CA1041/15NOV/PVGLGG/T10K120/AD2215  ... a flight, a day, the airports, the time info

Status lines come in three shapes, by their code: with a flight and an airport pair (BKD, MAN,
PRE, DEP), with a flight and one airport (ARR, RCF, RCT, TFD, TRM, DIS), or with a day-time
and one airport (RCS, FOH, NFD, AWD, DLV, DDL and the customs codes). Each code's meaning is
`logistics.tracking_codes`'s. Times are the station's local time and the year is implied
(the latest one that is not in the future); the time info `/A?hhmm` (actual) wins over a time
in the date field, then estimated, then scheduled, then the start of the day. A message
relayed over the Type B network may keep its envelope (address and origin lines) before the
header; line numbers count it.

A message that does not follow this grammar is refused whole with a stable code naming its
line (`FsuMalformed`); lines starting with `/` continue the line above, and OSI lines carry
free text: neither is a status. Pure: no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from ewtp.core.errors import DomainError
from logistics import airports, awb
from logistics.tracking_codes import CodeLevel, spec_for

MAX_LINES = 200

FSU_HEADER_INVALID = "FSU_HEADER_INVALID"
FSU_AWB_LINE_INVALID = "FSU_AWB_LINE_INVALID"
FSU_STATUS_UNKNOWN = "FSU_STATUS_UNKNOWN"
FSU_LINE_INVALID = "FSU_LINE_INVALID"
FSU_DATE_INVALID = "FSU_DATE_INVALID"
FSU_STATION_UNKNOWN = "FSU_STATION_UNKNOWN"
FSU_NO_STATUS = "FSU_NO_STATUS"
FSU_TOO_LONG = "FSU_TOO_LONG"

FLIGHT_AND_PAIR = frozenset({"BKD", "MAN", "PRE", "DEP"})
FLIGHT_AND_STATION = frozenset({"ARR", "RCF", "RCT", "TFD", "TRM", "DIS"})

_HEADER = re.compile(r"^FSU/([0-9]{1,2})$")
# Type B envelope: a priority and addresses ("QK LGGFMXH PVGFMCA"), then the origin (".LGGXXXX …").
_ENVELOPE = re.compile(r"^(?:Q[A-Z] [A-Z0-9]{7}|\.[A-Z0-9]{7})")
_AWB_LINE = re.compile(r"^([0-9]{3})-([0-9]{8})(?:([A-Z]{3})([A-Z]{3}))?(?:/(.+))?$")
_CODE = re.compile(r"^[A-Z]{3}$")
# Two characters naming the airline (not both digits), then the flight number if any.
_FLIGHT = re.compile(r"^(?![0-9]{2})[A-Z0-9]{2}(?:[0-9]{1,4}[A-Z]?)?$")
_DAY = re.compile(r"^([0-9]{2})([A-Z]{3})(?:([0-9]{2})([0-9]{2}))?$")
_PAIR = re.compile(r"^([A-Z]{3})([A-Z]{3})$")
_STATION = re.compile(r"^[A-Z]{3}$")
_QUANTITY = re.compile(
    r"^([TP])([0-9]{1,5})(?:([KL])([0-9]{1,7}(?:\.[0-9]{1,2})?))?(?:T([0-9]{1,5}))?"
    r"(?:MC[0-9]{1,5}(?:\.[0-9]{1,2})?)?$"
)
_TIME_INFO = re.compile(r"^([AES])([DA])([0-9]{2})([0-9]{2})$")
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], 1
    )
}
_PREFERENCE = {"A": 0, "E": 2, "S": 3}  # a time in the date field ranks 1


class FsuMalformed(DomainError):
    """The message does not follow the FSU grammar; `line` is its 1-based number."""

    status = 400
    title = "Malformed FSU message"

    def __init__(self, line: int, detail: str, *, code: str) -> None:
        super().__init__(f"Line {line}: {detail}", code=code, field=f"line.{line}")
        self.line = line


@dataclass(frozen=True, slots=True)
class FsuStatus:
    line: int
    code: str
    occurred_at: datetime
    station: str
    flight: str
    quantity: str
    raw: str


@dataclass(frozen=True, slots=True)
class FsuMessage:
    version: int
    awb: awb.AwbNumber
    origin: str | None
    destination: str | None
    statuses: list[FsuStatus]
    waybill_line: int = 2


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]


def _moment(line: int, day: str, clock: time, station: str, now: datetime) -> datetime:
    """The UTC moment of a local day-and-time at the station, in the latest year that is
    not after tomorrow (FSU dates carry no year)."""
    found = _DAY.fullmatch(day)
    month = _MONTHS.get(found.group(2)) if found else None
    if found is None or month is None:
        raise FsuMalformed(line, f"{day!r} is not a day like 15NOV.", code=FSU_DATE_INVALID)
    record = airports.lookup(station)
    if record is None:
        raise FsuMalformed(
            line, f"{station!r} is not an IATA airport code.", code=FSU_STATION_UNKNOWN
        )
    zone = airports.zone(record.timezone)
    latest = now + timedelta(days=1)
    for year in (now.year + 1, now.year, now.year - 1):
        try:
            local = datetime.combine(date(year, month, int(found.group(1))), clock, tzinfo=zone)
        except ValueError:
            continue
        moment = local.astimezone(UTC)
        if moment <= latest:
            return moment
    raise FsuMalformed(line, f"{day!r} is not a day of the calendar.", code=FSU_DATE_INVALID)


def _clock(line: int, hours: str, minutes: str) -> time:
    if int(hours) > 23 or int(minutes) > 59:
        raise FsuMalformed(line, f"{hours}{minutes} is not a time.", code=FSU_DATE_INVALID)
    return time(int(hours), int(minutes))


def _status(number: int, text: str, now: datetime) -> FsuStatus:
    fields = text.split("/")
    code = fields[0]
    spec = spec_for(code)
    if spec is None or spec.level is not CodeLevel.MAWB:
        raise FsuMalformed(number, f"{code!r} is not an FSU status code.", code=FSU_STATUS_UNKNOWN)
    flight = ""
    rest = fields[1:]
    if code in FLIGHT_AND_PAIR or code in FLIGHT_AND_STATION:
        if not rest or not _FLIGHT.fullmatch(rest[0]):
            raise FsuMalformed(number, f"{code} needs a flight like LH400.", code=FSU_LINE_INVALID)
        flight, rest = rest[0], rest[1:]
    if len(rest) < 3:
        raise FsuMalformed(
            number, f"{code} needs a day, an airport and the pieces.", code=FSU_LINE_INVALID
        )
    day, where, quantity, extra = rest[0], rest[1], rest[2], rest[3:]
    pair = _PAIR.fullmatch(where)
    if code in FLIGHT_AND_PAIR:
        if pair is None:
            raise FsuMalformed(
                number, f"{code} names two airports like LGGPVG.", code=FSU_LINE_INVALID
            )
        station = pair.group(1)
    elif _STATION.fullmatch(where):
        station = where
    else:
        raise FsuMalformed(number, f"{where!r} is not an airport code.", code=FSU_LINE_INVALID)
    if not _QUANTITY.fullmatch(quantity):
        raise FsuMalformed(
            number, f"{quantity!r} is not pieces and weight like T10K120.", code=FSU_LINE_INVALID
        )
    day_field = _DAY.fullmatch(day)
    if day_field is None:
        raise FsuMalformed(number, f"{day!r} is not a day like 15NOV.", code=FSU_DATE_INVALID)
    candidates: list[tuple[int, time]] = []
    if day_field.group(3) is not None:
        candidates.append((1, _clock(number, day_field.group(3), day_field.group(4))))
    for field in extra:
        info = _TIME_INFO.fullmatch(field)
        if info is not None:
            candidates.append((_PREFERENCE[info.group(1)], _clock(number, *info.group(3, 4))))
    clock = min(candidates, key=lambda c: c[0])[1] if candidates else time(0, 0)
    return FsuStatus(
        line=number,
        code=code,
        occurred_at=_moment(number, day[:5], clock, station, now),
        station=station,
        flight=flight,
        quantity=quantity,
        raw=text,
    )


def parse(text: str, *, now: datetime) -> FsuMessage:
    """Parse one FSU message. Raises FsuMalformed naming the first line at fault."""
    lines = _lines(text)
    while lines and not lines[-1]:
        lines.pop()
    if len(lines) > MAX_LINES:
        raise FsuMalformed(MAX_LINES + 1, f"At most {MAX_LINES} lines.", code=FSU_TOO_LONG)
    # A message relayed over the Type B network keeps its address and origin lines; skip them.
    first = 0
    while first < len(lines) - 1 and _ENVELOPE.match(lines[first].upper()):
        first += 1
    header = _HEADER.fullmatch(lines[first].upper()) if lines else None
    if header is None:
        raise FsuMalformed(
            first + 1, "An FSU message starts with FSU/<version>.", code=FSU_HEADER_INVALID
        )
    waybill_line = first + 2
    detail = _AWB_LINE.fullmatch(lines[first + 1].upper()) if len(lines) > first + 1 else None
    if detail is None:
        raise FsuMalformed(
            waybill_line,
            "The waybill follows the header, like 020-12345675PVGLGG/T10K120.",
            code=FSU_AWB_LINE_INVALID,
        )
    try:
        number = awb.parse(f"{detail.group(1)}-{detail.group(2)}")
    except awb.AwbInvalid as invalid:
        raise FsuMalformed(waybill_line, invalid.detail, code=invalid.code) from None
    if detail.group(5) is not None and not _QUANTITY.fullmatch(detail.group(5).split("/")[0]):
        raise FsuMalformed(
            waybill_line,
            "The waybill's pieces and weight look like T10K120.",
            code=FSU_AWB_LINE_INVALID,
        )
    statuses = []
    for index, raw in enumerate(lines[first + 2 :], start=waybill_line + 1):
        line = raw.upper()
        if not line or line.startswith(("/", "OSI/")):
            continue  # a blank, a continuation of the line above, or free text
        if not _CODE.fullmatch(line.split("/")[0]):
            raise FsuMalformed(
                index, "A status line starts with its code, like RCS/.", code=FSU_LINE_INVALID
            )
        statuses.append(_status(index, line, now))
    if not statuses:
        raise FsuMalformed(len(lines) + 1, "The message reports no status.", code=FSU_NO_STATUS)
    return FsuMessage(
        version=int(header.group(1)),
        awb=number,
        origin=detail.group(3),
        destination=detail.group(4),
        statuses=statuses,
        waybill_line=waybill_line,
    )
