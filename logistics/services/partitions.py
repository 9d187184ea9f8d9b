"""Tracking-event partitions: one per month of `received_at`, made ahead, retired after retention.

The event table (`logistics_trackingevent`) is range-partitioned by the month a report was
*received* in: reports arrive in that order, so every insert lands in the newest partition
(its indexes small and in memory), and a late report about an old parcel is stored with this
month's, never in a month long closed. Retention then removes whole months of what the hub
was told, at the cost of a catalogue change, not of a `DELETE` of billions of rows.

- `tracking_partitions_ensure` creates this month's partition and `TRACKING_PARTITIONS_AHEAD`
  more (beat, daily; idempotent). There is no DEFAULT partition: rows landing in one would
  have to be moved out before the month's own partition could be created, under a lock on the
  whole table. A report received in a month without a partition (the job has not run for
  months) is refused with a code instead (`PARTITION_MISSING`), nothing stored.
- `tracking_partitions_retire` detaches the months that ended more than
  `TRACKING_RETENTION_MONTHS` ago and deletes their dedupe keys. Detached months are kept as
  plain tables (`logistics_trackingevent_pYYYYMM`) for an operator to archive (`pg_dump -t`)
  and drop: a retention setting set too low by mistake then loses nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ewtp.core.errors import DomainError

PARENT = "logistics_trackingevent"
KEYS = "logistics_trackingeventkey"
# pg_advisory_xact_lock key: one maintenance run at a time ("TRKPART").
_MAINTENANCE_LOCK = 0x54524B50415254
# Creating or detaching a partition locks the whole table: wait at most this long behind
# in-flight ingest batches (each holds it a fraction of a second), then give up until the next
# run rather than queue every new batch behind the waiting DDL.
DDL_LOCK_TIMEOUT = "5s"
KEY_PRUNE_BATCH = 50_000
_BOUND = re.compile(r"FOR VALUES FROM \('([^']+)'\) TO \('([^']+)'\)")


@dataclass(frozen=True, slots=True)
class Partition:
    name: str
    start: datetime
    end: datetime


@dataclass(slots=True)
class PartitionsOutcome:
    created: list[str] = field(default_factory=list)
    detached: list[str] = field(default_factory=list)
    keys_deleted: int = 0


def month_start(moment: datetime) -> datetime:
    moment = moment.astimezone(UTC)
    return datetime(moment.year, moment.month, 1, tzinfo=UTC)


def add_months(month: datetime, months: int) -> datetime:
    index = month.year * 12 + month.month - 1 + months
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def partition_name(month: datetime) -> str:
    return f"{PARENT}_p{month:%Y%m}"


def tracking_partitions() -> list[Partition]:
    """The partitions attached to the event table, oldest first."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.relname, pg_get_expr(c.relpartbound, c.oid)
               FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
               WHERE i.inhparent = %s::regclass""",
            [PARENT],
        )
        rows = cursor.fetchall()
    partitions = []
    for name, bound in rows:
        match = _BOUND.search(bound or "")
        if match is None:  # a DEFAULT partition, made by hand: not ours to manage
            continue
        start, end = (datetime.fromisoformat(text).astimezone(UTC) for text in match.groups())
        partitions.append(Partition(name=name, start=start, end=end))
    return sorted(partitions, key=lambda p: p.start)


# Months this process has seen a partition for. A month's partition stays until retention
# detaches it, at least a month after the month ended, so a month once open stays open for as
# long as reports are received in it: the hot path asks the catalogue once a month.
_open_months: set[datetime] = set()


def tracking_partition_open(*, at: datetime) -> bool:
    """Whether a report received at `at` has a partition to go to."""
    month = month_start(at)
    if month in _open_months:
        return True
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT EXISTS (
                 SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                 WHERE i.inhparent = %s::regclass AND c.relname = %s)""",
            [PARENT, partition_name(month)],
        )
        found = bool(cursor.fetchone()[0])
    if found:
        _open_months.add(month)
    return found


def tracking_partitions_forget() -> None:
    """Ask the catalogue again (a partition was detached by hand: the insert found none)."""
    _open_months.clear()


def is_missing_partition(error: Exception) -> bool:
    """An insert refused because no partition takes the row (SQLSTATE 23514)."""
    cause = error.__cause__
    return getattr(cause, "pgcode", None) == "23514" and "no partition" in str(cause)


def _lock_for_ddl() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_MAINTENANCE_LOCK])
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [DDL_LOCK_TIMEOUT])


@transaction.atomic
def tracking_partitions_ensure(
    *, now: datetime | None = None, ahead: int | None = None
) -> list[str]:
    """Make sure this month and the `ahead` months after it have a partition; returns the
    names created (none when they all exist: running it again changes nothing)."""
    ahead = settings.TRACKING_PARTITIONS_AHEAD if ahead is None else ahead
    if ahead < 0:
        raise DomainError("Months ahead cannot be negative.", code="partitions_ahead_invalid")
    _lock_for_ddl()
    first = month_start(now or timezone.now())
    existing = tracking_partitions()
    created = []
    for offset in range(ahead + 1):
        start, end = add_months(first, offset), add_months(first, offset + 1)
        if any(p.start < end and start < p.end for p in existing):
            continue  # covered (by ours, or by one made by hand: never overlap it)
        name = partition_name(start)
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TABLE {name} PARTITION OF {PARENT} FOR VALUES FROM (%s) TO (%s)",
                [start.isoformat(), end.isoformat()],
            )
        created.append(name)
    return created


@transaction.atomic
def _detach(cutoff: datetime) -> list[str]:
    _lock_for_ddl()
    detached = []
    for partition in tracking_partitions():
        if partition.end > cutoff:
            continue
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {PARENT} DETACH PARTITION {partition.name}")
        _open_months.discard(partition.start)
        detached.append(partition.name)
    return detached


def _prune_keys(cutoff: datetime) -> int:
    """Delete the dedupe keys of reports received before `cutoff`, a batch per transaction
    (a month of a busy hub is hundreds of millions of keys). Resumable: run again, it goes on."""
    deleted = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"""DELETE FROM {KEYS} WHERE ctid = ANY(ARRAY(
                      SELECT ctid FROM {KEYS} WHERE received_at < %s LIMIT %s))""",  # noqa: S608  # fixed names
                [cutoff, KEY_PRUNE_BATCH],
            )
            count: int = cursor.rowcount
        deleted += count
        if count < KEY_PRUNE_BATCH:
            return deleted


def tracking_partitions_retire(
    *, now: datetime | None = None, keep_months: int | None = None
) -> PartitionsOutcome:
    """Detach every month that ended more than `keep_months` months before this one began, and
    delete the dedupe keys of the reports received then (an event id that old may be reported
    again as new). With 24 in November 2026, October 2024 and before go; November 2024 stays."""
    keep = settings.TRACKING_RETENTION_MONTHS if keep_months is None else keep_months
    if keep < 1:
        raise DomainError(
            "Retention keeps at least one month besides the current one.",
            code="retention_months_invalid",
        )
    cutoff = add_months(month_start(now or timezone.now()), -keep)
    outcome = PartitionsOutcome(detached=_detach(cutoff))
    outcome.keys_deleted = _prune_keys(cutoff)
    return outcome


def tracking_partitions_maintain(
    *, now: datetime | None = None, ahead: int | None = None, keep_months: int | None = None
) -> PartitionsOutcome:
    """The beat job: partitions ahead made, months past retention detached."""
    created = tracking_partitions_ensure(now=now, ahead=ahead)
    outcome = tracking_partitions_retire(now=now, keep_months=keep_months)
    outcome.created = created
    return outcome


__all__ = [
    "Partition",
    "PartitionsOutcome",
    "add_months",
    "is_missing_partition",
    "month_start",
    "partition_name",
    "tracking_partition_open",
    "tracking_partitions",
    "tracking_partitions_ensure",
    "tracking_partitions_forget",
    "tracking_partitions_maintain",
    "tracking_partitions_retire",
]
