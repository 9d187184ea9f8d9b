"""`manage.py import_tariff FILE.csv`: load tariff lines, idempotently.

Header, exactly: jurisdiction,code,description,duty_rate,vat_rate,excise_rate,cbec_positive_list.
A line already known (same jurisdiction and code) is updated, never duplicated. Bad rows are
reported with their line numbers and skipped (exit 0); with --strict any bad row means nothing
is written (exit 1). A bad header or an unreadable file writes nothing (exit 1).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from customs.management.reference_import import add_file_arguments, run_import
from customs.services import tariff_lines_import
from customs.tariff_csv import read_tariff_csv


class Command(BaseCommand):
    help = "Import tariff lines from a CSV file (upsert by jurisdiction and code)."

    def add_arguments(self, parser: CommandParser) -> None:
        add_file_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        run_import(
            self,
            path=options["file"],
            label="Tariff",
            read=read_tariff_csv,
            load=tariff_lines_import,
            strict=options["strict"],
            force_progress=options["progress"],
        )
