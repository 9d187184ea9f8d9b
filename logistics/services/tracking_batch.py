"""Bulk tracking ingest: up to 10,000 reports in one request, in a handful of statements.

The hot path of the hub (2 million parcels a day, about twelve reports each). The rules are the
single-report path's (`tracking.tracking_event_record`); only the way they are applied differs:

1. Every item is validated in plain Python (no serializer, no query per item). A bad item is
   *rejected* with a stable code and the field at fault; the others go on.
2. One query resolves every parcel (tracking number, among the reporter's parcels) and every
   MAWB (AWB number, among the reporter's waybills) of the batch, and locks the parcels whose
   status may move, in id order (so concurrent batches cannot deadlock on them). Another
   carrier's parcel is PARCEL_UNKNOWN, exactly like one that does not exist.
3. One statement stores the new reports: their dedupe keys go into `TrackingEventKey` with
   `ON CONFLICT DO NOTHING`, and only the reports whose key was new go into the event table
   (partitioned by month of receipt, `logistics.services.partitions`). An id already stored is
   a *duplicate* (or, with other details, EVENT_ID_REUSED) — so replaying a batch adds
   nothing. A month with no partition yet rejects every item with PARTITION_MISSING.
4. The parcels' positions are folded in Python with `tracking_codes.advance` (never backwards)
   and written by one `UPDATE ... FROM unnest(...)`; lifecycle moves get their audit rows in one
   `INSERT`. A MAWB report reaches the MAWB's parcels through their house waybills.
5. Domain events stay cheap: one `logistics.tracking_events.batch_recorded` per marketplace per
   batch, listing the marketplace's own parcels that moved (tracking number, lifecycle status,
   tracking status, since when), plus `logistics.shipment.delivered` per parcel delivered,
   which closes its order and reaches the merchant and the carrier too. The reporter already
   has every item's result in the response. Merchants are not sent the batched event: a batch
   spans hundreds of merchants, and an outbox event each (two statements apiece) would cost
   more than the ingest itself; they follow their parcels in the portal and the API. The
   per-report `logistics.tracking_event.recorded` and per-parcel departed/arrived events of the
   single path are not sent for bulk reports.
"""

from __future__ import annotations

import io
import itertools
import re
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ewtp.core.errors import DomainError
from ewtp.core.models import Organization
from ewtp.events.bus import publish
from logistics import airports, awb
from logistics.events import TRACKING_BATCH_RECORDED
from logistics.models import SHIPMENT_STATUS_FOR_TRACKING, SHIPMENT_STATUS_RANK, Shipment
from logistics.public_cache import public_payloads_forget
from logistics.services.partitions import (
    is_missing_partition,
    tracking_partition_open,
    tracking_partitions_forget,
)
from logistics.services.shipments import publish_shipment_event
from logistics.services.subscriptions import (
    MILESTONES,
    MawbMilestone,
    ShipmentMilestone,
    master_waybill_milestones_notify,
    shipment_milestones_notify,
)
from logistics.services.tracking import CLOCK_SKEW
from logistics.tracking_codes import (
    CodeLevel,
    TrackingCodeSpec,
    TrackingPosition,
    advance,
    spec_for,
)
from logistics.tracking_numbers import S10
from logistics.uuid7 import uuid7_strings

MAX_BATCH = 10_000
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
EVENT_ID = re.compile(r"^[\x21-\x7e]{1,100}$")
ITEM_FIELDS = frozenset(
    {"event_id", "tracking_number", "awb_number", "code", "occurred_at", "location", "remarks"}
)
MAX_REMARKS = 500

# Item outcomes and rejection codes (the partner contract: stable, documented in the schema).
ACCEPTED, DUPLICATE, REJECTED = "accepted", "duplicate", "rejected"
BATCH_TOO_LARGE = "BATCH_TOO_LARGE"
ITEM_NOT_AN_OBJECT = "ITEM_NOT_AN_OBJECT"
FIELD_UNKNOWN = "FIELD_UNKNOWN"
FIELD_REQUIRED = "FIELD_REQUIRED"
FIELD_INVALID = "FIELD_INVALID"
CODE_UNKNOWN = "CODE_UNKNOWN"
CODE_NOT_FOR_AWB = "CODE_NOT_FOR_AWB"
TIMESTAMP_INVALID = "TIMESTAMP_INVALID"
TIMESTAMP_IN_FUTURE = "TIMESTAMP_IN_FUTURE"
LOCATION_UNKNOWN = "LOCATION_UNKNOWN"
PARCEL_UNKNOWN = "PARCEL_UNKNOWN"
MAWB_UNKNOWN = "MAWB_UNKNOWN"
EVENT_ID_REUSED = "EVENT_ID_REUSED"
PARTITION_MISSING = "PARTITION_MISSING"
REJECTION_CODES: tuple[str, ...] = (
    ITEM_NOT_AN_OBJECT,
    FIELD_UNKNOWN,
    FIELD_REQUIRED,
    FIELD_INVALID,
    CODE_UNKNOWN,
    CODE_NOT_FOR_AWB,
    TIMESTAMP_INVALID,
    TIMESTAMP_IN_FUTURE,
    LOCATION_UNKNOWN,
    awb.AWB_MALFORMED,
    awb.AWB_CHECK_DIGIT_INVALID,
    PARCEL_UNKNOWN,
    MAWB_UNKNOWN,
    EVENT_ID_REUSED,
    PARTITION_MISSING,
)


@dataclass(slots=True)
class ItemResult:
    result: str
    event_id: str | None = None
    id: str | None = None
    code: str | None = None
    field: str | None = None
    message: str | None = None


@dataclass(slots=True)
class BatchOutcome:
    results: list[ItemResult]
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    shipments_moved: int = 0


@dataclass(slots=True)
class _Report:
    index: int
    event_id: str
    spec: TrackingCodeSpec
    tracking_number: str | None
    awb_digits: str | None
    occurred_at: datetime
    location: str
    remarks: str
    target: str = ""  # shipment or MAWB id, once resolved
    id: str = ""


class _Rejection(Exception):
    def __init__(self, code: str, field: str, message: str) -> None:
        super().__init__(message)
        self.code, self.field, self.message = code, field, message


@dataclass(slots=True)
class _Parcel:
    id: str
    tracking_number: str
    carrier_id: str | None
    status: str
    position: TrackingPosition
    marketplace_id: str | None
    merchant_id: str | None
    order_id: str | None
    mawb_id: str | None
    moved_to: TrackingPosition | None = None
    lifecycle_to: str | None = None
    lifecycle_event: _Report | None = None


def _text(item: Mapping[str, Any], name: str, *, required: bool) -> str | None:
    value = item.get(name)
    if value is None:
        if required:
            raise _Rejection(FIELD_REQUIRED, name, f"{name} is required.")
        return None
    if not isinstance(value, str):
        raise _Rejection(FIELD_INVALID, name, f"{name} must be a string.")
    return value


def _parse_time(value: str, now: datetime) -> datetime:
    try:
        moment: datetime | None = datetime.fromisoformat(value)
        if moment is not None and moment.utcoffset() is not None:
            moment = moment.astimezone(UTC)
        else:
            moment = None
    except (ValueError, OverflowError):  # not a time, or one beyond year 1..9999 in UTC
        moment = None
    if moment is None:
        raise _Rejection(
            TIMESTAMP_INVALID,
            "occurred_at",
            "Give an ISO 8601 time with its UTC offset, e.g. 2026-11-25T14:03:00Z.",
        )
    if moment < EARLIEST:
        raise _Rejection(TIMESTAMP_INVALID, "occurred_at", "That is too long ago to be a report.")
    if moment > now + CLOCK_SKEW:
        raise _Rejection(
            TIMESTAMP_IN_FUTURE, "occurred_at", "An event cannot have happened in the future."
        )
    return moment


def _storable(text: str) -> bool:
    """PostgreSQL text holds neither NUL nor the lone surrogates a JSON escape can produce."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _validate(
    index: int, item: Any, now: datetime, times: dict[str, datetime | _Rejection]
) -> _Report:
    if not isinstance(item, dict):
        raise _Rejection(ITEM_NOT_AN_OBJECT, "", "Each event is a JSON object.")
    unknown = item.keys() - ITEM_FIELDS
    if unknown:
        name = min(unknown)
        raise _Rejection(FIELD_UNKNOWN, str(name), "Unknown field.")
    event_id = _text(item, "event_id", required=True)
    if event_id is None or not EVENT_ID.fullmatch(event_id):
        raise _Rejection(
            FIELD_INVALID, "event_id", "1 to 100 printable ASCII characters, no spaces."
        )
    tracking_number = _text(item, "tracking_number", required=False)
    awb_text = _text(item, "awb_number", required=False)
    if (tracking_number is None) == (awb_text is None):
        raise _Rejection(
            FIELD_REQUIRED, "tracking_number", "Give either tracking_number or awb_number."
        )
    awb_digits = None
    if tracking_number is not None and not S10.fullmatch(tracking_number):
        raise _Rejection(FIELD_INVALID, "tracking_number", "Not a tracking number (UPU S10).")
    if awb_text is not None:
        try:
            awb_digits = awb.parse(awb_text).digits
        except awb.AwbInvalid as invalid:
            raise _Rejection(invalid.code, "awb_number", invalid.detail) from None
    code = _text(item, "code", required=True)
    spec = spec_for(code) if code is not None else None
    if spec is None:
        raise _Rejection(CODE_UNKNOWN, "code", f"Unknown tracking code {code!r}.")
    if awb_digits is not None and spec.level is not CodeLevel.MAWB:
        raise _Rejection(
            CODE_NOT_FOR_AWB, "code", f"{code} is a parcel scan; report it per tracking number."
        )
    occurred = _text(item, "occurred_at", required=True) or ""
    # a scan wave shares its timestamps: each distinct one is parsed once per batch
    parsed = times.get(occurred)
    if parsed is None:
        try:
            parsed = _parse_time(occurred, now)
        except _Rejection as error:
            parsed = error
        times[occurred] = parsed
    if isinstance(parsed, _Rejection):
        raise parsed
    occurred_at = parsed
    location = _text(item, "location", required=False) or ""
    if location and not airports.is_known(location):
        raise _Rejection(LOCATION_UNKNOWN, "location", f"{location!r} is not an IATA airport code.")
    remarks = _text(item, "remarks", required=False) or ""
    if len(remarks) > MAX_REMARKS or not _storable(remarks):
        raise _Rejection(
            FIELD_INVALID, "remarks", f"At most {MAX_REMARKS} characters of text (no NUL)."
        )
    return _Report(
        index=index,
        event_id=event_id,
        spec=spec,
        tracking_number=tracking_number,
        awb_digits=awb_digits,
        occurred_at=occurred_at,
        location=location,
        remarks=remarks,
    )


def _same(a: _Report, b: _Report) -> bool:
    return (a.tracking_number, a.awb_digits, a.spec.code, a.occurred_at) == (
        b.tracking_number,
        b.awb_digits,
        b.spec.code,
        b.occurred_at,
    )


def _reject(
    results: list[ItemResult | None],
    index: int,
    error: _Rejection,
    event_id: str | None = None,
) -> None:
    results[index] = ItemResult(
        REJECTED, event_id=event_id, code=error.code, field=error.field, message=error.message
    )


def _resolve_mawbs(reporter: Organization, digits: set[str]) -> dict[str, str]:
    if not digits:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT awb_number, id::text FROM logistics_masterwaybill
               WHERE organization_id = %s AND awb_number = ANY(%s)""",
            [reporter.pk, list(digits)],
        )
        return dict(cursor.fetchall())


_PARCEL_COLUMNS = """s.id::text, s.tracking_number, s.carrier_id::text, s.status,
    s.tracking_status, s.tracking_rank, s.tracking_status_at, s.marketplace_id::text,
    s.merchant_id::text, s.order_id::text, h.master_waybill_id::text"""


def _lock_parcels(
    reporter: Organization, tracking_numbers: set[str], mawb_ids: set[str]
) -> dict[str, _Parcel]:
    """The reporter's parcels with these numbers and every parcel of these MAWBs, locked in id
    order (the FK checks of the insert take KEY SHARE locks, which NO KEY UPDATE allows).
    Written so that each branch is an index scan (a BitmapOr), never a scan of the table."""
    if not tracking_numbers and not mawb_ids:
        return {}
    params: list[Any] = [reporter.pk, list(tracking_numbers)]
    wanted = "(s.carrier_id = %s AND s.tracking_number = ANY(%s))"
    if mawb_ids:
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT id FROM logistics_housewaybill
                   WHERE master_waybill_id = ANY(%s::uuid[])""",
                [list(mawb_ids)],
            )
            houses = [row[0] for row in cursor.fetchall()]
        if houses:
            wanted += " OR s.house_waybill_id = ANY(%s::uuid[])"
            params.append([str(house) for house in houses])
    sql = f"""SELECT {_PARCEL_COLUMNS} FROM logistics_shipment s
        LEFT JOIN logistics_housewaybill h ON h.id = s.house_waybill_id
        WHERE {wanted} ORDER BY s.id FOR NO KEY UPDATE OF s"""  # noqa: S608  # fixed SQL
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {
        row[0]: _Parcel(
            id=row[0],
            tracking_number=row[1],
            carrier_id=row[2],
            status=row[3],
            position=TrackingPosition(status=row[4], rank=row[5], at=row[6]),
            marketplace_id=row[7],
            merchant_id=row[8],
            order_id=row[9],
            mawb_id=row[10],
        )
        for row in rows
    }


# COPY's text format: a backslash, tab, newline or carriage return in a value is escaped.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_NULL = "\\N"


def _escaped(text: str) -> str:
    return text.translate(_COPY_ESCAPES)


_temporary_tables = itertools.count()


def _copy_into_temporary(cursor: Any, prefix: str, columns: str, lines: Iterable[str]) -> str:
    """A transaction-local table holding `lines` (COPY text format), for one set-wise statement;
    returns its name. COPY is the cheapest way in: no SQL literal to build or parse for
    thousands of values (unnest() of array parameters took twice as long). Each call gets a
    table of its own, dropped at commit without a statement, so a caller may ingest twice in
    one transaction."""
    name = f"{prefix}_{next(_temporary_tables)}"
    cursor.execute(f"CREATE TEMPORARY TABLE {name} ({columns}) ON COMMIT DROP")
    cursor.copy_expert(f"COPY {name} FROM STDIN", io.StringIO("".join(lines)))
    return name


def _insert(reporter: Organization, reports: Sequence[_Report], received_at: datetime) -> set[str]:
    """Store the reports; returns the event ids that were new."""
    ids = uuid7_strings(len(reports))
    lines = []
    for report, new_id in zip(reports, ids, strict=True):
        report.id = new_id
        shipment, mawb = (
            (report.target, _NULL) if report.awb_digits is None else (_NULL, report.target)
        )
        lines.append(
            f"{new_id}\t{shipment}\t{mawb}\t{_escaped(report.event_id)}\t{report.spec.code}\t"
            f"{report.spec.status.value}\t{report.location}\t{_escaped(report.remarks)}\t"
            f"{report.occurred_at.isoformat()}\n"
        )
    with connection.cursor() as cursor:
        staged = _copy_into_temporary(
            cursor,
            "logistics_batch_event",
            "id uuid, shipment_id uuid, master_waybill_id uuid, partner_event_id text, code text,"
            " status text, location text, remarks text, occurred_at timestamptz",
            lines,
        )
        # The keys first, in one order (two batches sharing ids cannot deadlock), and only the
        # reports whose key was new: a replay, or the same batch twice at once, stores nothing.
        cursor.execute(
            f"""WITH new_key AS (
                 INSERT INTO logistics_trackingeventkey
                   (carrier_id, partner_event_id, event_id, received_at)
                 SELECT %(carrier)s, partner_event_id, id, %(received)s
                 FROM {staged} ORDER BY partner_event_id
                 ON CONFLICT DO NOTHING
                 RETURNING event_id)
               INSERT INTO logistics_trackingevent
                 (id, shipment_id, master_waybill_id, carrier_id, partner_event_id, code, status,
                  location, remarks, occurred_at, received_at)
               SELECT b.id, b.shipment_id, b.master_waybill_id, %(carrier)s, b.partner_event_id,
                      b.code, b.status, b.location, b.remarks, b.occurred_at, %(received)s
               FROM {staged} b JOIN new_key k ON k.event_id = b.id
               RETURNING partner_event_id""",  # noqa: S608  # the name is ours
            {"carrier": reporter.pk, "received": received_at},
        )
        return {row[0] for row in cursor.fetchall()}


def _earlier_reports(reporter: Organization, event_ids: list[str]) -> dict[str, tuple[Any, ...]]:
    """The reports already stored under these ids, found through their keys (one partition
    each). A key whose month was detached meanwhile answers (None, None, None)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT k.partner_event_id, coalesce(e.shipment_id, e.master_waybill_id)::text,
                      e.code, e.occurred_at
               FROM logistics_trackingeventkey k
               LEFT JOIN logistics_trackingevent e
                 ON e.id = k.event_id AND e.received_at = k.received_at
               WHERE k.carrier_id = %s AND k.partner_event_id = ANY(%s)""",
            [reporter.pk, event_ids],
        )
        return {row[0]: row[1:] for row in cursor.fetchall()}


def _fold(parcels: dict[str, _Parcel], stored: Iterable[_Report]) -> None:
    """Apply the new reports to their parcels in the order they happened."""
    by_parcel: dict[str, list[_Report]] = defaultdict(list)
    by_mawb: dict[str, list[_Report]] = defaultdict(list)
    for report in stored:
        if not report.spec.moves_parcel:
            continue
        if report.awb_digits is None:
            by_parcel[report.target].append(report)
        else:
            by_mawb[report.target].append(report)
    for parcel in parcels.values():
        reports = by_parcel.get(parcel.id, [])
        if parcel.mawb_id is not None and parcel.mawb_id in by_mawb:
            reports = reports + by_mawb[parcel.mawb_id]
        if not reports:
            continue
        reports.sort(key=lambda r: (r.occurred_at, r.index))
        position = parcel.position
        lifecycle_rank = SHIPMENT_STATUS_RANK[parcel.status]
        for report in reports:
            moved = advance(position, report.spec, report.occurred_at)
            if moved is not None:
                position = moved
            target = SHIPMENT_STATUS_FOR_TRACKING.get(report.spec.status)
            # a parcel not booked on a flight has no lifecycle to move (and no carrier to report)
            if parcel.status == "created":
                target = None
            if target is not None and SHIPMENT_STATUS_RANK[target] > lifecycle_rank:
                lifecycle_rank = SHIPMENT_STATUS_RANK[target]
                parcel.lifecycle_to = target
                parcel.lifecycle_event = report
        if position != parcel.position:
            parcel.moved_to = position


def _write_moves(
    moved: list[_Parcel], reporter: Organization, now: datetime, received_at: datetime
) -> None:
    lines = []
    for parcel in moved:
        position = parcel.moved_to or parcel.position
        delivered_at = (
            parcel.lifecycle_event.occurred_at.isoformat()
            if parcel.lifecycle_to == "delivered" and parcel.lifecycle_event is not None
            else _NULL
        )
        lines.append(
            f"{parcel.id}\t{position.status}\t{position.rank}\t"
            f"{position.at.isoformat() if position.at else _NULL}\t"
            f"{parcel.lifecycle_to or parcel.status}\t{delivered_at}\n"
        )
    with connection.cursor() as cursor:
        staged = _copy_into_temporary(
            cursor,
            "logistics_batch_move",
            "id uuid, tracking_status text, tracking_rank smallint, tracking_status_at timestamptz,"
            " status text, delivered_at timestamptz",
            lines,
        )
        cursor.execute(
            f"""UPDATE logistics_shipment s SET
                 tracking_status = v.tracking_status,
                 tracking_rank = v.tracking_rank,
                 tracking_status_at = v.tracking_status_at,
                 status = v.status,
                 delivered_at = coalesce(v.delivered_at, s.delivered_at),
                 updated_at = %s
               FROM {staged} v
               WHERE s.id = v.id""",  # noqa: S608  # the name is ours
            [now],
        )
        audited = [p for p in moved if p.lifecycle_to is not None]
        if audited:
            # a parcel's own report is named by id and month; a MAWB's reaches it by reference
            reports = [
                p.lifecycle_event
                if p.lifecycle_event and p.lifecycle_event.awb_digits is None
                else None
                for p in audited
            ]
            cursor.execute(
                """INSERT INTO logistics_shipmentstatuschange
                     (shipment_id, from_status, to_status, reason, tracking_event_id,
                      tracking_event_received_at, changed_at)
                   SELECT v.shipment_id, v.from_status, v.to_status, v.reason, v.event_id,
                          CASE WHEN v.event_id IS NOT NULL THEN %s::timestamptz END, %s
                   FROM unnest(%s::uuid[], %s::text[], %s::text[], %s::text[], %s::uuid[])
                     AS v(shipment_id, from_status, to_status, reason, event_id)""",
                [
                    received_at,
                    now,
                    [p.id for p in audited],
                    [p.status for p in audited],
                    [p.lifecycle_to for p in audited],
                    [
                        f"{p.lifecycle_event.spec.code if p.lifecycle_event else ''} "
                        f"reported by {reporter.slug} (batch)"
                        for p in audited
                    ],
                    [report.id if report else None for report in reports],
                ],
            )


def _publish(moved: list[_Parcel], reporter: Organization, received_at: datetime) -> None:
    by_marketplace: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for parcel in moved:
        if parcel.marketplace_id is None:  # inbound: no marketplace to tell
            continue
        position = parcel.moved_to or parcel.position
        by_marketplace[parcel.marketplace_id].append(
            {
                "tracking_number": parcel.tracking_number,
                "status": parcel.lifecycle_to or parcel.status,
                "tracking_status": position.status,
                "at": position.at.isoformat() if position.at else None,
            }
        )
    marketplaces = Organization.objects.in_bulk(
        [uuid.UUID(pk) for pk in by_marketplace], field_name="pk"
    )
    batch_id = str(uuid.uuid4())
    for marketplace_id, listed in by_marketplace.items():
        publish(
            type=TRACKING_BATCH_RECORDED,
            data={
                "batch_id": batch_id,
                "reporter": reporter.slug,
                "received_at": received_at.isoformat(),
                "shipments": listed,
            },
            recipients=[marketplaces[uuid.UUID(marketplace_id)]],
        )
    delivered = [p.id for p in moved if p.lifecycle_to == "delivered"]
    for shipment in Shipment.objects.filter(pk__in=delivered).order_by("pk"):
        publish_shipment_event(shipment)


def _forget_public_payloads(parcels: dict[str, _Parcel], stored: list[_Report]) -> None:
    """Every parcel whose public timeline a stored report changes: its own reports, and those
    of its MAWB."""
    mawbs = {r.target for r in stored if r.awb_digits is not None}
    public_payloads_forget(
        [parcels[r.target].tracking_number for r in stored if r.awb_digits is None]
        + [
            p.tracking_number
            for p in parcels.values()
            if p.mawb_id is not None and p.mawb_id in mawbs
        ]
    )


def _notify_milestones(stored: list[_Report], moved: list[_Parcel]) -> None:
    """Subscribers hear of departures and arrivals: once per MAWB milestone, whatever the
    number of its house waybills, and once per milestone of a shipment they follow."""
    master_waybill_milestones_notify(
        milestones=[
            MawbMilestone(
                r.target, r.spec.status.value, r.spec.code, r.location, r.occurred_at, r.id
            )
            for r in stored
            if r.awb_digits is not None and r.spec.status in MILESTONES
        ]
    )
    shipment_milestones_notify(
        milestones=[
            ShipmentMilestone(
                p.id,
                p.tracking_number,
                p.lifecycle_to,
                p.lifecycle_event.occurred_at if p.lifecycle_event else None,
            )
            for p in moved
            if p.lifecycle_to is not None and p.lifecycle_to in MILESTONES
        ]
    )


def tracking_events_ingest(*, reporter: Organization, events: Sequence[Any]) -> BatchOutcome:
    """Record a batch of reports from one partner: each item is accepted, a duplicate of one
    already stored, or rejected with a code; the good ones are stored even when others are bad.
    Parcels move forward only (see logistics.tracking_codes)."""
    try:
        return _ingest(reporter, events)
    except IntegrityError as error:
        # This month's partition was detached by hand after this process last saw it: nothing
        # was stored (the batch's savepoint is rolled back); say so with a code.
        if not is_missing_partition(error):
            raise
        tracking_partitions_forget()
        raise DomainError(
            "Reports received this month cannot be stored yet (no partition); send them "
            "again later.",
            code=PARTITION_MISSING,
            status=503,
        ) from None


@transaction.atomic
def _ingest(reporter: Organization, events: Sequence[Any]) -> BatchOutcome:
    if len(events) > MAX_BATCH:
        raise DomainError(
            f"A batch holds at most {MAX_BATCH:,} events; split it.",
            code=BATCH_TOO_LARGE,
            field="events",
            status=413,
        )
    now = timezone.now()
    results: list[ItemResult | None] = [None] * len(events)
    first_by_id: dict[str, _Report] = {}
    candidates: list[_Report] = []
    times: dict[str, datetime | _Rejection] = {}
    for index, item in enumerate(events):
        try:
            report = _validate(index, item, now, times)
        except _Rejection as error:
            given = item.get("event_id") if isinstance(item, dict) else None
            _reject(results, index, error, given[:100] if isinstance(given, str) else None)
            continue
        first = first_by_id.get(report.event_id)
        if first is None:
            first_by_id[report.event_id] = report
            candidates.append(report)
        elif _same(first, report):
            results[index] = ItemResult(DUPLICATE, event_id=report.event_id)
        else:
            _reject(
                results,
                index,
                _Rejection(EVENT_ID_REUSED, "event_id", "This event id is used twice."),
                report.event_id,
            )

    mawbs = _resolve_mawbs(reporter, {r.awb_digits for r in candidates if r.awb_digits})
    parcels = _lock_parcels(
        reporter,
        {r.tracking_number for r in candidates if r.tracking_number},
        set(mawbs.values()),
    )
    own = {p.tracking_number: p.id for p in parcels.values() if p.carrier_id == str(reporter.pk)}
    resolved: list[_Report] = []
    for report in candidates:
        if report.tracking_number is not None:
            target = own.get(report.tracking_number)
            missing = _Rejection(PARCEL_UNKNOWN, "tracking_number", "No such parcel of yours.")
        else:
            target = mawbs.get(report.awb_digits or "")
            missing = _Rejection(MAWB_UNKNOWN, "awb_number", "No such air waybill of yours.")
        if target is None:
            _reject(results, report.index, missing, report.event_id)
            continue
        report.target = target
        resolved.append(report)

    if resolved and not tracking_partition_open(at=now):
        for report in resolved:
            _reject(
                results,
                report.index,
                _Rejection(
                    PARTITION_MISSING,
                    "",
                    "Reports received this month cannot be stored yet (no partition); send "
                    "them again later.",
                ),
                report.event_id,
            )
        resolved = []
    stored: list[_Report] = []
    if resolved:
        new_ids = _insert(reporter, resolved, now)
        conflicts = [r for r in resolved if r.event_id not in new_ids]
        earlier = _earlier_reports(reporter, [r.event_id for r in conflicts]) if conflicts else {}
        for report in resolved:
            if report.event_id in new_ids:
                stored.append(report)
                results[report.index] = ItemResult(ACCEPTED, event_id=report.event_id, id=report.id)
                continue
            target, code, occurred_at = earlier.get(report.event_id, (None, None, None))
            # an id whose report is archived (its month detached) was seen: a duplicate
            if target is None or (target, code, occurred_at) == (
                report.target,
                report.spec.code,
                report.occurred_at,
            ):
                results[report.index] = ItemResult(DUPLICATE, event_id=report.event_id)
            else:
                _reject(
                    results,
                    report.index,
                    _Rejection(
                        EVENT_ID_REUSED,
                        "event_id",
                        "This event id was already reported with other details.",
                    ),
                    report.event_id,
                )

    _fold(parcels, stored)
    moved = [p for p in parcels.values() if p.moved_to is not None or p.lifecycle_to is not None]
    if moved:
        _write_moves(moved, reporter, timezone.now(), now)
        _publish(moved, reporter, now)
    _notify_milestones(stored, moved)
    _forget_public_payloads(parcels, stored)

    final = [r for r in results if r is not None]
    outcome = BatchOutcome(results=final, shipments_moved=len(moved))
    for result in final:
        if result.result == ACCEPTED:
            outcome.accepted += 1
        elif result.result == DUPLICATE:
            outcome.duplicates += 1
        else:
            outcome.rejected += 1
    return outcome
