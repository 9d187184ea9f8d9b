"""Import a merchant's catalogue file (CSV or XLSX) here and now, as the portal's job would.

manage.py import_catalog --merchant chocolatier-bruges catalogue.xlsx [--dry-run]
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ewtp.core.errors import DomainError
from ewtp.core.models import Organization
from ewtp.core.progress import ProgressBar
from marketplace.catalog_io import (
    catalog_import_dry_run,
    import_job_create,
    import_job_run,
    inspect,
)


class Command(BaseCommand):
    help = "Import a catalogue file for a merchant (upsert by SKU); --dry-run writes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV (UTF-8) or XLSX catalogue file")
        parser.add_argument("--merchant", required=True, help="The merchant's slug")
        parser.add_argument("--dry-run", action="store_true", help="Report only; write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        merchant = Organization.objects.filter(slug=options["merchant"]).first()
        if merchant is None:
            raise CommandError(f"No organisation {options['merchant']!r}.")
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        try:
            if options["dry_run"]:
                self._dry_run(merchant, content)
            else:
                self._import(merchant, path.name, content)
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.detail}") from None

    def _bar(self, total: int) -> ProgressBar:
        # A bar only on a terminal: piped output (a log, a cron mail) keeps just the summary.
        return ProgressBar(
            lambda text: self.stderr.write(text, ending=""),
            self.stderr.flush,
            total=total,
            label="Importing",
            force=self.stderr.isatty(),
        )

    def _dry_run(self, merchant: Organization, content: bytes) -> None:
        bar = self._bar(inspect(io.BytesIO(content), size=len(content)).total_rows)
        summary = catalog_import_dry_run(
            merchant=merchant, stream=io.BytesIO(content), size=len(content),
            on_progress=bar.update,
        )  # fmt: skip
        bar.close()
        self._report(
            "Dry run, nothing written",
            summary.rows, summary.created, summary.updated, summary.unchanged, summary.errors,
        )  # fmt: skip

    def _import(self, merchant: Organization, name: str, content: bytes) -> None:
        job = import_job_create(merchant=merchant, file_name=name, content=content, enqueue=False)
        bar = self._bar(job.total_rows)
        job = import_job_run(job_id=job.pk, on_progress=bar.update)
        bar.close()
        self._report(
            f"Import job {job.pk} {job.status}",
            job.total_rows, job.created_count, job.updated_count, job.unchanged_count, job.errors,
        )  # fmt: skip
        if job.error_count > len(job.errors):
            self.stdout.write(f"... and {job.error_count - len(job.errors)} more errors")

    def _report(
        self, title: str, rows: int, created: int, updated: int, unchanged: int,
        errors: list[dict[str, Any]],
    ) -> None:  # fmt: skip
        self.stdout.write(
            f"{title}: {rows} rows, {created} created, {updated} updated, "
            f"{unchanged} unchanged, {len(errors)} with errors"
        )
        for error in errors:
            self.stdout.write(
                f"row {error['row']}, {error['column']}: {error['code']}: {error['message']}"
            )
