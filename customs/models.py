"""Declarations, their lines and every decision taken on them; the commodity codes we know."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from ewtp.core.models import Organization
from ewtp.core.money import Money


class CommodityCode(models.Model):
    """A Harmonized System subheading the platform knows. Filled by a loader (the demo seeds a
    few; the full nomenclature loader comes later)."""

    code = models.CharField(max_length=6, primary_key=True)
    description = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{6}$"), name="commodity_code_6_digits"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"


class Regime(models.TextChoices):
    # China cross-border e-commerce retail import (GACC Announcement 2018 No. 194).
    CN_CBEC = "CN_CBEC", "China cross-border e-commerce retail import"


class DeclarationStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    VALIDATED = "validated", "Validated"
    RELEASED = "released", "Released"
    HELD = "held", "Held"
    REJECTED = "rejected", "Rejected"


# Every move a declaration may make; anything else is an InvalidTransition (409).
DECLARATION_TRANSITIONS: dict[str, frozenset[str]] = {
    DeclarationStatus.SUBMITTED: frozenset(
        {DeclarationStatus.VALIDATED, DeclarationStatus.HELD, DeclarationStatus.REJECTED}
    ),
    DeclarationStatus.VALIDATED: frozenset({DeclarationStatus.RELEASED, DeclarationStatus.HELD}),
    DeclarationStatus.HELD: frozenset({DeclarationStatus.RELEASED, DeclarationStatus.REJECTED}),
    DeclarationStatus.RELEASED: frozenset(),
    DeclarationStatus.REJECTED: frozenset(),
}


class DeclarationQuerySet(models.QuerySet["Declaration"]):
    def visible_to(self, organization: Organization) -> DeclarationQuerySet:
        """The marketplace that filed it and the merchant whose goods it covers."""
        return self.filter(models.Q(submitter=organization) | models.Q(merchant=organization))

    def awaiting_review(self) -> DeclarationQuerySet:
        return self.filter(status=DeclarationStatus.HELD)


class Declaration(models.Model):
    """A customs declaration for one order's goods, filed for the merchant by the marketplace."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order_id = models.UUIDField(unique=True, help_text="The marketplace order it declares")
    order_reference = models.CharField(max_length=64)
    merchant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    submitter = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The marketplace that files on the merchant's behalf",
    )
    regime = models.CharField(max_length=16, choices=Regime.choices, default=Regime.CN_CBEC)
    status = models.CharField(
        max_length=16,
        choices=DeclarationStatus.choices,
        default=DeclarationStatus.SUBMITTED,
        db_index=True,
    )
    consignee_name = models.CharField(max_length=200)
    destination_country = models.CharField(max_length=2)
    currency = models.CharField(max_length=3)
    total_value = models.DecimalField(max_digits=14, decimal_places=2)
    hold_reason_code = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = DeclarationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total_value__gte=0), name="declaration_total_gte_0"
            )
        ]

    def __str__(self) -> str:
        return f"{self.regime} {self.order_reference} ({self.status})"

    @property
    def value(self) -> Money:
        return Money(self.total_value, self.currency)

    def can_move_to(self, status: str) -> bool:
        return status in DECLARATION_TRANSITIONS[self.status]


class DeclarationLine(models.Model):
    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="lines")
    line_number = models.PositiveSmallIntegerField()
    hs_code = models.CharField(max_length=10)
    description = models.CharField(max_length=200)
    origin_country = models.CharField(max_length=2)
    quantity = models.PositiveIntegerField()
    value = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["declaration", "line_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "line_number"], name="declaration_line_number"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="declaration_line_qty_gt_0"
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="declaration_line_value_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line_number}: {self.hs_code} x{self.quantity}"


class ClearanceDecision(models.Model):
    """The audit trail of a declaration: every move, why, and who (an officer, or the system
    when `actor` is empty). Rows are only ever added."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="decisions")
    from_status = models.CharField(max_length=16, choices=DeclarationStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=DeclarationStatus.choices)
    reason_code = models.CharField(max_length=64)
    reason = models.CharField(max_length=1000)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} → {self.to_status} ({self.reason_code})"

    @property
    def decided_by(self) -> str:
        return "officer" if self.actor_id else "system"
