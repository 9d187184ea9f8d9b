"""Loading the HS nomenclature into CommodityCode: the WCO file, or a few codes for the demo."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from customs.bulk_upsert import UpsertCounts, upsert_rows
from customs.hs_nomenclature_csv import HsRow, RootRow
from customs.models import CommodityCode
from customs.reference_csv import RejectedRow
from ewtp.core.errors import DomainError

BATCH_SIZE = 2000
_HS6 = 6


@dataclass
class ReferenceLoadReport:
    """What a load of reference rows did; `rejected` lists bad rows with their reasons."""

    counts: UpsertCounts = field(default_factory=UpsertCounts)
    skipped: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)

    @property
    def read(self) -> int:
        c = self.counts
        return c.created + c.updated + c.unchanged + self.skipped + len(self.rejected)


class ReferenceImportRejected(DomainError):
    """A strict import met bad rows and wrote nothing; `report` says which."""

    code = "reference_rows_rejected"

    def __init__(self, report: ReferenceLoadReport) -> None:
        super().__init__(f"{len(report.rejected)} bad row(s); nothing was written (strict).")
        self.report = report


def _upsert_codes(rows: list[tuple[str, str, int, str, str]], *, full: bool) -> UpsertCounts:
    """(code, description, level, parent, section) rows. A full load (the WCO file) owns every
    column; a partial one (the demo's few codes) only sets the description, leaving the section
    a full load gave."""
    now = timezone.now()
    update = ["description", "level", "parent", "section"] if full else ["description"]
    return upsert_rows(
        table=CommodityCode._meta.db_table,
        columns=["code", "description", "level", "parent", "section", "created_at", "updated_at"],
        conflict_columns=["code"],
        update_columns=update,
        touch_column="updated_at",
        rows=[(*row, now, now) for row in rows],
    )


@transaction.atomic
def hs_nomenclature_load(
    *,
    rows: Iterable[HsRow | RootRow | RejectedRow],
    strict: bool = False,
    on_progress: Callable[[int], None] | None = None,
) -> ReferenceLoadReport:
    """Upsert the nomenclature's chapters, headings and subheadings, idempotently: a second
    load of the same file changes nothing. Bad rows are skipped and reported; with `strict`,
    any bad row means nothing is written. One transaction: a failure leaves nothing behind."""
    report = ReferenceLoadReport()
    batch: list[tuple[str, str, int, str, str]] = []
    first_line: dict[str, int] = {}

    def flush() -> None:
        report.counts.add(_upsert_codes(batch, full=True))
        batch.clear()

    for done, row in enumerate(rows, start=1):
        if isinstance(row, RejectedRow):
            report.rejected.append(row)
        elif isinstance(row, RootRow):
            report.skipped += 1
        elif row.code in first_line:
            report.rejected.append(
                RejectedRow(row.line_number, f"repeats {row.code} of line {first_line[row.code]}.")
            )
        else:
            first_line[row.code] = row.line_number
            batch.append((row.code, row.description, row.level, row.parent, row.section))
            if len(batch) >= BATCH_SIZE:
                flush()
        if on_progress is not None:
            on_progress(done)
    flush()
    if strict and report.rejected:
        raise ReferenceImportRejected(report)
    return report


@transaction.atomic
def commodity_codes_load(*, codes: Iterable[tuple[str, str]]) -> int:
    """Add known HS subheadings (code, description), or update their description. Returns how
    many were new. For a few codes (the demo, tests); the WCO file goes through
    hs_nomenclature_load."""
    rows: dict[str, tuple[str, str, int, str, str]] = {}
    for code, description in codes:
        if not (len(code) == _HS6 and code.isascii() and code.isdigit()):
            raise DomainError(f"{code!r} is not a 6-digit HS code.", code="hs_code_invalid")
        rows[code] = (code, description[:500], _HS6, code[:4], "")
    return _upsert_codes(list(rows.values()), full=False).created
