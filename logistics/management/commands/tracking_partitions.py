"""Tracking-event partitions: make the months ahead, detach the months past retention.

manage.py tracking_partitions                    # as the daily beat job does
manage.py tracking_partitions --ahead 6          # six months ahead instead of the setting
manage.py tracking_partitions --list             # only show the attached partitions
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ewtp.core.errors import DomainError
from logistics.services.partitions import tracking_partitions, tracking_partitions_maintain


class Command(BaseCommand):
    help = (
        "Create tracking-event partitions ahead (TRACKING_PARTITIONS_AHEAD) and detach months "
        "older than TRACKING_RETENTION_MONTHS, deleting their dedupe keys. Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--ahead", type=int, help="Months ahead of this one to create")
        parser.add_argument("--retention-months", type=int, help="Months to keep before this one")
        parser.add_argument("--list", action="store_true", help="Only list the partitions")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["list"]:
            try:
                outcome = tracking_partitions_maintain(
                    ahead=options["ahead"], keep_months=options["retention_months"]
                )
            except DomainError as error:
                raise CommandError(error.detail) from None
            for name in outcome.created:
                self.stdout.write(f"created   {name}")
            for name in outcome.detached:
                self.stdout.write(f"detached  {name} (kept as a table: archive it, then drop it)")
            self.stdout.write(f"dedupe keys deleted: {outcome.keys_deleted:,}")
        for partition in tracking_partitions():
            self.stdout.write(
                f"{partition.name}  {partition.start:%Y-%m-%d} .. {partition.end:%Y-%m-%d}"
            )
