"""Reads for the officers' clearance dashboard: one query per figure, over a recent window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
)
from django.db.models.functions import TruncHour

from customs.models import Declaration, DeclarationStatus, Lane, RuleHit
from customs.selectors import document_mismatch_reasons

LANES = [Lane.GREEN.value, Lane.BLUE.value, Lane.YELLOW.value, Lane.RED.value]
FINAL = [DeclarationStatus.RELEASED, DeclarationStatus.REJECTED]


class PercentileCont(Aggregate):
    """PostgreSQL's continuous percentile of an ordered set (works on intervals too)."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        if not 0 < fraction < 1:
            raise ValueError("A percentile is a fraction between 0 and 1.")
        super().__init__(expression, fraction=repr(fraction), **extra)


@dataclass(frozen=True, slots=True)
class HourlyLanes:
    hours: list[datetime]  # the 24 hour starts, oldest first
    counts: dict[str, list[int]]  # lane -> one count per hour

    @property
    def total(self) -> int:
        return sum(sum(column) for column in self.counts.values())


@dataclass(frozen=True, slots=True)
class ClearanceTimes:
    count: int
    p50: timedelta | None
    p90: timedelta | None
    p99: timedelta | None


@dataclass(frozen=True, slots=True)
class HoldRate:
    declarations: int
    held: int

    @property
    def rate(self) -> float | None:
        return self.held / self.declarations if self.declarations else None


def declarations_per_hour_by_lane(*, now: datetime) -> HourlyLanes:
    """Declarations filed in each of the last 24 hours, by lane (not yet assessed: no lane,
    left out)."""
    start = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=23)
    hours = [start + timedelta(hours=n) for n in range(24)]
    rows = (
        Declaration.objects.imports()
        .filter(created_at__gte=start, created_at__lte=now)
        .exclude(lane="")
        .annotate(hour=TruncHour("created_at"))
        .values("hour", "lane")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {lane: [0] * 24 for lane in LANES}
    for row in rows:
        index = int((row["hour"] - start).total_seconds() // 3600)
        if 0 <= index < 24:
            counts[row["lane"]][index] += row["n"]
    return HourlyLanes(hours=hours, counts=counts)


def clearance_times(*, since: datetime) -> ClearanceTimes:
    """From filing to the final decision (released or refused), for declarations filed since."""
    took = ExpressionWrapper(F("decided_at") - F("created_at"), output_field=DurationField())
    figures = (
        Declaration.objects.imports()
        .filter(created_at__gte=since, status__in=FINAL, decided_at__isnull=False)
        .aggregate(
            count=Count("pk"),
            p50=PercentileCont(took, 0.5),
            p90=PercentileCont(took, 0.9),
            p99=PercentileCont(took, 0.99),
        )
    )
    return ClearanceTimes(
        count=figures["count"], p50=figures["p50"], p90=figures["p90"], p99=figures["p99"]
    )


def hold_rate(*, since: datetime) -> HoldRate:
    """Of the declarations filed since, how many were put on hold at some point."""
    figures = (
        Declaration.objects.imports()
        .filter(created_at__gte=since)
        .aggregate(
            declarations=Count("pk", distinct=True),
            held=Count("pk", distinct=True, filter=Q(decisions__to_status=DeclarationStatus.HELD)),
        )
    )
    return HoldRate(declarations=figures["declarations"], held=figures["held"])


def top_rule_hits(*, since: datetime, limit: int = 10) -> list[tuple[str, int]]:
    """The rules that matched most often since (the random sample counts as one)."""
    rows = (
        RuleHit.objects.filter(created_at__gte=since)
        .values("rule_name")
        .annotate(n=Count("pk"))
        .order_by("-n", "rule_name")[:limit]
    )
    return [(row["rule_name"], row["n"]) for row in rows]


def three_document_mismatches(*, since: datetime) -> list[tuple[str, int]]:
    """How many orders matched since had each three-document mismatch reason (an order with
    two reasons counts under both), most frequent first."""
    return document_mismatch_reasons(since=since)


__all__ = [
    "ClearanceTimes",
    "HoldRate",
    "HourlyLanes",
    "clearance_times",
    "declarations_per_hour_by_lane",
    "hold_rate",
    "three_document_mismatches",
    "top_rule_hits",
]
