"""The CBEC three documents customs receives for a marketplace order (the platform's order, the
payment company's payment, the carrier's waybill) and the result of matching them."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from ewtp.core.models import Organization


class DocumentMatchStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for documents"
    MATCHED = "matched", "Matched"
    MISMATCHED = "mismatched", "Mismatched"


class DocumentMatch(models.Model):
    """One order's three documents as customs received them (values only: IDs travel as their
    keyed hash and whether their check character was valid, never in clear), and the last
    match of them. A document arriving again replaces the earlier copy; the match job runs
    after each arrival and gives the same result whatever order they came in."""

    order_id = models.UUIDField(primary_key=True, help_text="The marketplace order")
    order_reference = models.CharField(max_length=64, blank=True)
    order_document = models.JSONField(null=True, blank=True)
    payment_document = models.JSONField(null=True, blank=True)
    waybill_document = models.JSONField(null=True, blank=True)
    waybill_number = models.CharField(max_length=64, blank=True)
    carrier = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The carrier that sent the waybill",
    )
    status = models.CharField(
        max_length=16,
        choices=DocumentMatchStatus.choices,
        default=DocumentMatchStatus.WAITING,
        db_index=True,
    )
    codes = models.JSONField(default=list, blank=True, help_text="Each mismatch's stable code")
    mismatches = models.JSONField(default=list, blank=True)
    computed_tax = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    matched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.order_reference or self.order_id}: {self.status}"
