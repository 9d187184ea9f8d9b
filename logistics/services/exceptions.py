"""The hub's exception queue: parcels gone quiet, blocked for good or waiting too long,
flagged by a beat job, resolved by staff.

The stale-parcel job is set-wise: one `INSERT ... SELECT` per batch finds parcels whose last
report is older than their status allows (`settings.LOGISTICS_STALE_AFTER_HOURS`) and opens an
exception for each, in its own transaction, so a backlog after an outage is worked through in
bounded steps. An exception is unique per parcel, kind and last report: a parcel is flagged
once per quiet spell, and again if it goes quiet after new reports.

The other kinds come from the same job (`shipments_flag_overdue`), one `INSERT ... SELECT`
each, and are open at most once per parcel at a time (a partial unique index holds it):
`do_not_load` for an active ICS2 "do not load" (also opened at once when it is recorded),
`customs_hold_overdue` for a customs hold active longer than
`settings.LOGISTICS_CUSTOMS_HOLD_OVERDUE_HOURS`, and `no_flight` for an outbound parcel free to
fly that has waited for a flight longer than `settings.LOGISTICS_NO_FLIGHT_AFTER_HOURS`. Their
`since` is when the block was placed or the parcel came in, so one resolved is not raised again
for the same block or the same wait.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ewtp.core.errors import Conflict, DomainError, NotFound
from ewtp.core.models import Organization, User
from ewtp.events.bus import publish
from logistics.events import SHIPMENT_STALE
from logistics.models import BlockKind, ShipmentException, ShipmentExceptionKind
from logistics.tracking_codes import TrackingStatus

MAX_NOTE = 2000

# `loaded` waits for the flight: its clock starts at the later of the scan and the departure.
# The first range test repeats the threshold on the bare column so the partial index is used.
_FLAG_STALE = """
    INSERT INTO logistics_shipmentexception
        (kind, shipment_id, tracking_status, since, detected_at, note)
    SELECT %(kind)s, s.id, s.tracking_status, s.tracking_status_at, %(now)s, ''
    FROM logistics_shipment s
    JOIN unnest(%(statuses)s::text[], %(hours)s::int[]) AS quiet(status, hours)
      ON quiet.status = s.tracking_status
    LEFT JOIN logistics_flight f ON f.id = s.flight_id AND s.tracking_status = %(loaded)s
    WHERE s.tracking_status_at IS NOT NULL AND s.delivered_at IS NULL
      AND s.tracking_status_at < %(now)s - make_interval(hours => %(shortest)s)
      AND greatest(s.tracking_status_at, f.departure_at)
          < %(now)s - make_interval(hours => quiet.hours)
      AND NOT EXISTS (
          SELECT 1 FROM logistics_shipmentexception e
          WHERE e.shipment_id = s.id AND e.kind = %(kind)s AND e.since = s.tracking_status_at)
    ORDER BY s.tracking_status_at
    LIMIT %(batch)s
    ON CONFLICT DO NOTHING
    RETURNING id, shipment_id"""

_FLAGGED = """
    SELECT e.id, e.since, s.id::text, s.tracking_number, s.order_id::text, s.order_reference,
           s.status, s.tracking_status, s.marketplace_id, s.merchant_id
    FROM logistics_shipmentexception e JOIN logistics_shipment s ON s.id = e.shipment_id
    WHERE e.id = ANY(%s) ORDER BY e.id"""


def _stale_limits() -> dict[str, int]:
    limits = {str(k): int(v) for k, v in settings.LOGISTICS_STALE_AFTER_HOURS.items()}
    unknown = set(limits) - set(TrackingStatus.values)
    if unknown:
        raise ValueError(f"LOGISTICS_STALE_AFTER_HOURS names unknown statuses: {sorted(unknown)}")
    return limits


@transaction.atomic
def _flag_stale_batch(*, now: datetime, limits: dict[str, int], batch: int) -> int:
    statuses = list(limits)
    with connection.cursor() as cursor:
        cursor.execute(
            _FLAG_STALE,
            {
                "kind": ShipmentExceptionKind.STALE.value,
                "now": now,
                "statuses": statuses,
                "hours": [limits[s] for s in statuses],
                "shortest": min(limits.values()),
                "loaded": TrackingStatus.LOADED.value,
                "batch": batch,
            },
        )
        ids = [row[0] for row in cursor.fetchall()]
        if not ids:
            return 0
        cursor.execute(_FLAGGED, [ids])
        rows = cursor.fetchall()
    owners = Organization.objects.in_bulk(
        {org for row in rows for org in row[8:10] if org is not None}
    )
    for exception_id, since, shipment_id, number, order_id, reference, status, where, *orgs in rows:
        data: dict[str, Any] = {
            "exception_id": exception_id,
            "shipment_id": shipment_id,
            "tracking_number": number,
            "order_id": order_id,
            "order_reference": reference,
            "status": status,
            "tracking_status": where,
            "last_report_at": since.isoformat(),
            "stale_after_hours": limits[where],
        }
        publish(
            type=SHIPMENT_STALE,
            data=data,
            recipients=[owners[pk] for pk in orgs if pk is not None],
        )
    return len(ids)


def shipments_flag_stale(*, now: datetime | None = None, batch: int | None = None) -> int:
    """Open a `stale` exception for every parcel on its way whose last report is older than
    its status allows, and tell its marketplace and merchant (`logistics.shipment.stale`).
    Runs batch by batch, each committed on its own; returns how many parcels were flagged."""
    now = now or timezone.now()
    limits = _stale_limits()
    if not limits:
        return 0
    size = batch or settings.LOGISTICS_STALE_BATCH
    flagged = 0
    while True:
        done = _flag_stale_batch(now=now, limits=limits, batch=size)
        flagged += done
        if done < size:
            return flagged


@transaction.atomic
def shipment_exception_resolve(
    *, exception_id: int, resolved_by: User, note: str
) -> ShipmentException:
    """Close an open exception. Staff say what they did: the note is required. An exception
    is resolved once; resolving it again is a conflict."""
    note = note.strip()
    if not note:
        raise DomainError("Say what was done about it.", code="note_required", field="note")
    if len(note) > MAX_NOTE:
        raise DomainError(f"At most {MAX_NOTE} characters.", code="note_too_long", field="note")
    exception = ShipmentException.objects.select_for_update().filter(pk=exception_id).first()
    if exception is None:
        raise NotFound("No such exception.")
    if exception.resolved_at is not None:
        raise Conflict(
            "This exception was already resolved.", code="exception_resolved", field="note"
        )
    exception.resolved_at = timezone.now()
    exception.resolved_by = resolved_by
    exception.note = note
    exception.save(update_fields=["resolved_at", "resolved_by", "note"])
    return exception


# Active blocks of one kind older than the threshold, never flagged for this block.
_FLAG_BLOCKED = """
    INSERT INTO logistics_shipmentexception
        (kind, shipment_id, tracking_status, since, detected_at, note)
    SELECT %(kind)s, s.id, s.tracking_status, b.placed_at, %(now)s, ''
    FROM logistics_shipmentblock b JOIN logistics_shipment s ON s.id = b.shipment_id
    WHERE b.kind = %(block)s AND b.lifted_at IS NULL
      AND b.placed_at <= %(now)s - make_interval(hours => %(hours)s)
      AND s.delivered_at IS NULL
      AND NOT EXISTS (
          SELECT 1 FROM logistics_shipmentexception e
          WHERE e.shipment_id = s.id AND e.kind = %(kind)s
            AND (e.resolved_at IS NULL OR e.since = b.placed_at))
    ORDER BY b.placed_at
    LIMIT %(batch)s
    ON CONFLICT DO NOTHING
    RETURNING id"""

# Outbound parcels free to fly (no block) waiting for a flight since they came in; the first
# test is the partial index `shipment_waiting`'s.
_FLAG_NO_FLIGHT = """
    INSERT INTO logistics_shipmentexception
        (kind, shipment_id, tracking_status, since, detected_at, note)
    SELECT %(kind)s, s.id, s.tracking_status, s.created_at, %(now)s, ''
    FROM logistics_shipment s
    WHERE s.status = 'created' AND s.created_at <= %(now)s - make_interval(hours => %(hours)s)
      AND s.direction = 'outbound' AND NOT s.customs_hold
      AND NOT EXISTS (
          SELECT 1 FROM logistics_shipmentexception e
          WHERE e.shipment_id = s.id AND e.kind = %(kind)s
            AND (e.resolved_at IS NULL OR e.since = s.created_at))
    ORDER BY s.created_at
    LIMIT %(batch)s
    ON CONFLICT DO NOTHING
    RETURNING id"""


@transaction.atomic
def _flag_batch(sql: str, params: dict[str, Any]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return len(cursor.fetchall())


def shipments_flag_overdue(*, now: datetime | None = None, batch: int | None = None) -> int:
    """Open the `do_not_load`, `customs_hold_overdue` and `no_flight` exceptions that are due
    (see the module docstring), batch by batch, each committed on its own. Hub staff read them
    in the queue; no partner event is sent (the blocks' own events already told the parties).
    Returns how many were opened."""
    now = now or timezone.now()
    size = batch or settings.LOGISTICS_STALE_BATCH
    work = [
        (
            _FLAG_BLOCKED,
            {
                "kind": ShipmentExceptionKind.DO_NOT_LOAD.value,
                "block": BlockKind.DO_NOT_LOAD.value,
                "hours": 0,
            },
        ),
        (
            _FLAG_BLOCKED,
            {
                "kind": ShipmentExceptionKind.CUSTOMS_HOLD_OVERDUE.value,
                "block": BlockKind.CUSTOMS_HOLD.value,
                "hours": int(settings.LOGISTICS_CUSTOMS_HOLD_OVERDUE_HOURS),
            },
        ),
        (
            _FLAG_NO_FLIGHT,
            {
                "kind": ShipmentExceptionKind.NO_FLIGHT.value,
                "hours": int(settings.LOGISTICS_NO_FLIGHT_AFTER_HOURS),
            },
        ),
    ]
    flagged = 0
    for sql, params in work:
        while True:
            done = _flag_batch(sql, {**params, "now": now, "batch": size})
            flagged += done
            if done < size:
                break
    return flagged


__all__ = ["shipment_exception_resolve", "shipments_flag_overdue", "shipments_flag_stale"]
