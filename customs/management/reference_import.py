"""What `import_tariff` and `load_hs_nomenclature` share: opening the file, the summary."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TextIO, TypeVar

from django.core.management.base import BaseCommand, CommandError, CommandParser

from customs.reference_csv import ReferenceFileError
from customs.services import ReferenceImportRejected, ReferenceLoadReport
from ewtp.core.progress import ProgressBar, count_data_lines

Row = TypeVar("Row")
# Enough bad rows to see the pattern; the count covers the rest.
MAX_REJECTIONS_SHOWN = 50


def add_file_arguments(parser: CommandParser) -> None:
    parser.add_argument("file", help="Path of the CSV file (UTF-8)")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="Write nothing if any row is bad (default: skip bad rows, load the rest)",
    )
    parser.add_argument(
        "--progress", action="store_true", help="Show the progress bar even for a small file"
    )


def run_import(
    command: BaseCommand,
    *,
    path: str,
    label: str,
    read: Callable[[TextIO], Iterable[Row]],
    load: Callable[..., ReferenceLoadReport],
    strict: bool,
    force_progress: bool,
) -> ReferenceLoadReport:
    """Read and load the file; print bad rows (stderr) and the summary (stdout). A bad file, or
    bad rows under --strict, is a CommandError (exit 1) with nothing written."""
    if not Path(path).is_file():
        raise CommandError(f"No such file: {path}")
    bar = ProgressBar(
        lambda text: command.stderr.write(text, ending=""),
        command.stderr.flush,
        total=count_data_lines(path),
        label=label,
        force=force_progress,
    )
    try:
        with open(path, encoding="utf-8", newline="") as stream:
            report = load(rows=read(stream), strict=strict, on_progress=bar.update)
    except ReferenceFileError as exc:
        bar.close()
        raise CommandError(f"{path}: {exc} Nothing was written.") from None
    except ReferenceImportRejected as exc:
        bar.close()
        _show_rejections(command, exc.report)
        raise CommandError(
            f"{path}: {len(exc.report.rejected)} bad row(s) and --strict: nothing was written."
        ) from None
    bar.close()
    _show_rejections(command, report)
    counts = report.counts
    command.stdout.write(
        f"{label}: {report.read} rows read: {counts.created} created, {counts.updated} updated, "
        f"{counts.unchanged} unchanged, {report.skipped} skipped, "
        f"{len(report.rejected)} rejected."
    )
    return report


def _show_rejections(command: BaseCommand, report: ReferenceLoadReport) -> None:
    for rejected in report.rejected[:MAX_REJECTIONS_SHOWN]:
        command.stderr.write(f"line {rejected.line_number}: {rejected.reason}")
    hidden = len(report.rejected) - MAX_REJECTIONS_SHOWN
    if hidden > 0:
        command.stderr.write(f"... and {hidden} more bad row(s).")
