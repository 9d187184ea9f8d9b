"""What a filed declaration carries beside its goods: the parties, the supporting documents,
the snapshot of every version, and the alerts of exports whose exit was never confirmed."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from ewtp.core.models import Organization


class PartyRole(models.TextChoices):
    CONSIGNOR = "consignor", "Consignor (seller or exporter)"
    CONSIGNEE = "consignee", "Consignee (buyer or importer)"
    DECLARANT = "declarant", "Declarant (who lodges the declaration)"


class DeclarationParty(models.Model):
    """One party of a declaration, one per role. EORI where the role needs one (the declarant
    in the EU, the importer under H1); private buyers have none."""

    declaration = models.ForeignKey(
        "customs.Declaration", on_delete=models.CASCADE, related_name="parties"
    )
    role = models.CharField(max_length=16, choices=PartyRole.choices)
    name = models.CharField(max_length=200)
    street = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2)
    eori = models.CharField(max_length=17, blank=True)

    class Meta:
        ordering = ["declaration", "role"]
        verbose_name_plural = "declaration parties"
        constraints = [
            models.UniqueConstraint(fields=["declaration", "role"], name="declaration_party_role")
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.name} ({self.country})"


class DeclarationDocument(models.Model):
    """A supporting document, by its EU type code (e.g. N380 commercial invoice, N740 air
    waybill, Y024 IOSS evidence) and its reference."""

    declaration = models.ForeignKey(
        "customs.Declaration", on_delete=models.CASCADE, related_name="documents"
    )
    position = models.PositiveSmallIntegerField()
    type_code = models.CharField(max_length=4)
    reference = models.CharField(max_length=70)
    issued_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["declaration", "position"]
        # Logistics finds the released filings naming a parcel manifested late by reference.
        indexes = [models.Index(fields=["reference"], name="declaration_document_reference")]
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "position"], name="declaration_document_position"
            ),
            models.CheckConstraint(
                condition=models.Q(type_code__regex=r"^[A-Z0-9]{4}$"),
                name="declaration_document_type_code_4",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type_code} {self.reference}"


class DeclarationVersion(models.Model):
    """The content of one version of a declaration as it was filed or amended: who, when and
    which JSON pointers changed from the version before. PostgreSQL refuses UPDATE, so a
    version, once written, stays as it was."""

    declaration = models.ForeignKey(
        "customs.Declaration", on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    content = models.JSONField(help_text="The declaration's content as filed in this version")
    changes = models.JSONField(
        default=list, blank=True, help_text="JSON pointers changed from the previous version"
    )
    filed_by = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    actor = models.CharField(max_length=100, help_text="api_key:<prefix> or system")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["declaration", "number"]
        constraints = [
            models.UniqueConstraint(fields=["declaration", "number"], name="declaration_version"),
            models.CheckConstraint(
                condition=models.Q(number__gt=0), name="declaration_version_gt_0"
            ),
        ]

    def __str__(self) -> str:
        return f"version {self.number}"


class ExportExitAlert(models.Model):
    """An export released more than the window ago without a confirmed exit: the evidence for
    zero-rating the supply (Directive 2006/112/EC, Art. 146) is missing. One per export;
    resolved when the exit is confirmed after all."""

    declaration = models.OneToOneField(
        "customs.Declaration", on_delete=models.CASCADE, related_name="exit_alert"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at"]

    def __str__(self) -> str:
        return f"exit missing since {self.released_at:%Y-%m-%d}"
