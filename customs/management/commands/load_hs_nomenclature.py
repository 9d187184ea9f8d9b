"""`manage.py load_hs_nomenclature FILE.csv`: load the WCO HS nomenclature, idempotently.

Header, exactly: section,hscode,description,parent,level (the WCO/UN Comtrade file). Chapters,
headings and subheadings are upserted into the commodity codes; the file's TOTAL root row is
skipped. Bad rows are reported and skipped; with --strict any bad row means nothing is written.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from customs.hs_nomenclature_csv import read_hs_csv
from customs.management.reference_import import add_file_arguments, run_import
from customs.services import hs_nomenclature_load


class Command(BaseCommand):
    help = "Load the HS nomenclature (chapters, headings, subheadings) from the WCO CSV file."

    def add_arguments(self, parser: CommandParser) -> None:
        add_file_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        run_import(
            self,
            path=options["file"],
            label="HS nomenclature",
            read=read_hs_csv,
            load=hs_nomenclature_load,
            strict=options["strict"],
            force_progress=options["progress"],
        )
