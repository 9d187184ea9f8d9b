"""Loading tariff lines: `import_tariff`'s CSV and the demo's small tariff go through here."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils import timezone

from customs.bulk_upsert import UpsertCounts, upsert_rows
from customs.models import TariffLine
from customs.reference_csv import RejectedRow
from customs.services.nomenclature import ReferenceImportRejected, ReferenceLoadReport
from customs.tariff_csv import TariffRow

BATCH_SIZE = 1000
_VALUES = ["description", "duty_rate", "vat_rate", "excise_rate", "cbec_positive_list"]


def _upsert_lines(rows: list[TariffRow]) -> UpsertCounts:
    now = timezone.now()
    return upsert_rows(
        table=TariffLine._meta.db_table,
        columns=["jurisdiction", "code", *_VALUES, "created_at", "updated_at"],
        conflict_columns=["jurisdiction", "code"],
        update_columns=_VALUES,
        touch_column="updated_at",
        rows=[
            (
                row.jurisdiction,
                row.code,
                row.description,
                row.duty_rate,
                row.vat_rate,
                row.excise_rate,
                row.cbec_positive_list,
                now,
                now,
            )
            for row in rows
        ],
    )


@transaction.atomic
def tariff_lines_import(
    *,
    rows: Iterable[TariffRow | RejectedRow],
    strict: bool = False,
    on_progress: Callable[[int], None] | None = None,
) -> ReferenceLoadReport:
    """Upsert tariff lines by (jurisdiction, code): a re-import updates rates in place and never
    duplicates; lines the file does not mention are kept. Bad rows, and a second row for a line
    the file already gave, are skipped and reported; with `strict`, any bad row means nothing is
    written. One transaction: a failure leaves nothing half-written."""
    report = ReferenceLoadReport()
    batch: list[TariffRow] = []
    first_line: dict[tuple[str, str], int] = {}
    for done, row in enumerate(rows, start=1):
        if isinstance(row, RejectedRow):
            report.rejected.append(row)
        elif (key := (row.jurisdiction, row.code)) in first_line:
            report.rejected.append(
                RejectedRow(
                    row.line_number,
                    f"repeats {row.jurisdiction} {row.code} of line {first_line[key]}.",
                )
            )
        else:
            first_line[key] = row.line_number
            batch.append(row)
            if len(batch) >= BATCH_SIZE:
                report.counts.add(_upsert_lines(batch))
                batch.clear()
        if on_progress is not None:
            on_progress(done)
    report.counts.add(_upsert_lines(batch))
    if strict and report.rejected:
        raise ReferenceImportRejected(report)
    return report
