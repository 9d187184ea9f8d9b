"""`manage.py verify_audit_chain`: walk the audit trail and check every link.

Exit 0 when the chain holds; exit 1 naming the first broken sequence number when an entry was
edited, deleted or inserted. It prints the head (last sequence and hash): record it somewhere
else, since the chain alone cannot show that its newest entries were cut off.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from customs.models import AuditEntry
from customs.services import audit_chain_verify
from ewtp.core.progress import ProgressBar


class Command(BaseCommand):
    help = "Verify the hash chain of the customs audit trail; exit 1 at the first broken link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--progress", action="store_true", help="Show the progress bar even for a short chain"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        total = AuditEntry.objects.count()
        bar = ProgressBar(
            lambda text: self.stderr.write(text, ending=""),
            self.stderr.flush,
            total=total,
            label="Audit chain",
            force=options["progress"],
        )
        check = audit_chain_verify(chunk_size=2000, on_progress=bar.update)
        bar.update(check.checked)
        bar.close()
        if check.first_break is not None:
            broken = check.first_break
            raise CommandError(
                f"Audit chain broken at sequence {broken.sequence}: {broken.reason}. "
                f"{check.checked} entries before it are intact."
            )
        head = AuditEntry.objects.order_by("-sequence").values_list("sequence", "hash").first()
        if head is None:
            self.stdout.write("Audit chain is empty.")
            return
        self.stdout.write(
            f"Audit chain intact: {check.checked} entries. Head: sequence {head[0]}, "
            f"hash {head[1]}."
        )
