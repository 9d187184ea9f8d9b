"""Declarations, their lines and every decision taken on them; the commodity codes we know."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.utils import timezone

from customs.models.documents import DocumentMatch, DocumentMatchStatus
from customs.models.risk import (
    Lane,
    MerchantTrust,
    PartyListEntry,
    PartyListKind,
    RiskRule,
    RuleHit,
    SamplingPolicy,
    TrustCriterion,
    TrustLevel,
)
from customs.taxes import TariffRate
from ewtp.core.models import Organization
from ewtp.core.money import Money

SUBHEADING_LEVEL = 6


class CommodityCodeQuerySet(models.QuerySet["CommodityCode"]):
    def subheadings(self) -> CommodityCodeQuerySet:
        """The 6-digit codes goods are classified under (not chapters or headings)."""
        return self.filter(level=SUBHEADING_LEVEL)


class CommodityCode(models.Model):
    """A code of the Harmonized System nomenclature: a chapter (2 digits), a heading (4) or a
    subheading (6). Filled by `load_hs_nomenclature` from the WCO file (the demo seeds a few
    subheadings). Goods are declared at subheading level: only level 6 classifies them."""

    code = models.CharField(max_length=6, primary_key=True)
    description = models.CharField(max_length=500)
    level = models.PositiveSmallIntegerField(
        default=6, help_text="2 chapter, 4 heading, 6 subheading"
    )
    parent = models.CharField(
        max_length=6, blank=True, help_text="The enclosing heading or chapter; empty for chapters"
    )
    section = models.CharField(max_length=8, blank=True, help_text="The HS section (I to XXI)")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = CommodityCodeQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^([0-9]{2}){1,3}$"),
                name="commodity_code_2_4_or_6_digits",
            ),
            models.CheckConstraint(
                condition=models.Q(level=Length("code")), name="commodity_code_level_is_length"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"


class Jurisdiction(models.TextChoices):
    CN = "CN", "China"
    EU = "EU", "European Union"


class TariffLine(models.Model):
    """A tariff line of one jurisdiction: rates in percent, looked up by the longest prefix of a
    declared code (10, 8, then 6 digits). Loaded by `import_tariff`; rates are data, not code.

    China's lines carry their import VAT rate and consumption tax (`excise_rate`); the EU's
    carry neither, since VAT follows the member state of destination (eu_vat_rates.json)."""

    jurisdiction = models.CharField(max_length=2, choices=Jurisdiction.choices)
    code = models.CharField(max_length=10)
    description = models.CharField(max_length=500)
    duty_rate = models.DecimalField(max_digits=7, decimal_places=4)
    vat_rate = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    excise_rate = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    cbec_positive_list = models.BooleanField(
        default=False, help_text="China: on the cross-border e-commerce retail import list"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["jurisdiction", "code"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "code"], name="tariff_line_unique"),
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{6}([0-9]{2}){0,2}$"),
                name="tariff_line_code_6_8_or_10_digits",
            ),
            models.CheckConstraint(
                condition=models.Q(duty_rate__gte=0, duty_rate__lt=100)
                & (models.Q(vat_rate__isnull=True) | models.Q(vat_rate__gte=0, vat_rate__lt=100))
                & (
                    models.Q(excise_rate__isnull=True)
                    | models.Q(excise_rate__gte=0, excise_rate__lt=100)
                ),
                name="tariff_line_rates_are_percentages",
            ),
            models.CheckConstraint(
                condition=models.Q(jurisdiction="CN")
                | models.Q(
                    vat_rate__isnull=True, excise_rate__isnull=True, cbec_positive_list=False
                ),
                name="tariff_line_eu_has_no_vat_excise_or_cbec",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction} {self.code}"

    def as_rate(self) -> TariffRate:
        return TariffRate(
            code=self.code,
            duty_rate=self.duty_rate,
            vat_rate=self.vat_rate,
            excise_rate=self.excise_rate,
            cbec_positive_list=self.cbec_positive_list,
        )


class Regime(models.TextChoices):
    # China cross-border e-commerce retail import (GACC Announcement 2018 No. 194).
    CN_CBEC = "CN_CBEC", "China cross-border e-commerce retail import"
    # EU import of a low-value consignment (H7 data set, intrinsic value up to EUR 150) and
    # release for free circulation (H1), filed by brokers and carriers (UCC DA Annex B).
    EU_H7 = "EU_H7", "EU low-value consignment (H7)"
    EU_H1 = "EU_H1", "EU release for free circulation (H1)"
    # EU export declaration (B1) of goods leaving the Union; it carries an MRN.
    EU_EXPORT = "EU_EXPORT", "EU export"


# Filed by partners through the API (not from a marketplace order).
PARTNER_REGIMES = frozenset({Regime.EU_H7, Regime.EU_H1})


class DeclarationStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    VALIDATED = "validated", "Validated"
    RISK_ASSESSED = "risk_assessed", "Risk assessed (awaiting an officer)"
    INSPECTION = "inspection", "Physical inspection"
    RELEASED = "released", "Released"
    HELD = "held", "Held"
    REJECTED = "rejected", "Rejected"
    CANCELLED = "cancelled", "Cancelled by the declarant"


_S = DeclarationStatus
# Every move a declaration may make; anything else is an InvalidTransition (409). Green and blue
# lanes are released straight from `validated` by the clearance job (the lane and its rule hits
# are stored on the declaration); `risk_assessed` means "routed to an officer". An inspection
# ends in a release or a refusal, never back on hold: the order would already be held.
# An amendment sends a declaration waiting for an officer back to `submitted` (the clearance
# job runs again); the declarant may cancel it at any point before release. Goods under
# physical inspection cannot be amended: the officer decides on what is in the box.
DECLARATION_TRANSITIONS: dict[str, frozenset[str]] = {
    _S.SUBMITTED: frozenset({_S.VALIDATED, _S.HELD, _S.REJECTED, _S.CANCELLED}),
    _S.VALIDATED: frozenset({_S.RISK_ASSESSED, _S.RELEASED, _S.HELD}),
    _S.RISK_ASSESSED: frozenset(
        {_S.RELEASED, _S.HELD, _S.INSPECTION, _S.REJECTED, _S.SUBMITTED, _S.CANCELLED}
    ),
    _S.HELD: frozenset({_S.RELEASED, _S.INSPECTION, _S.REJECTED, _S.SUBMITTED, _S.CANCELLED}),
    _S.INSPECTION: frozenset({_S.RELEASED, _S.REJECTED, _S.CANCELLED}),
    _S.RELEASED: frozenset(),
    _S.REJECTED: frozenset(),
    _S.CANCELLED: frozenset(),
}
# Where a declaration waits for an officer.
REVIEW_STATUSES = frozenset({_S.RISK_ASSESSED, _S.HELD, _S.INSPECTION})


class DeclarationQuerySet(models.QuerySet["Declaration"]):
    def visible_to(self, organization: Organization) -> DeclarationQuerySet:
        """The marketplace, broker or carrier that filed it and the merchant whose goods it
        covers."""
        return self.filter(models.Q(submitter=organization) | models.Q(merchant=organization))

    def filed_by(self, organization: Organization) -> DeclarationQuerySet:
        """What this organisation filed itself: only the declarant amends or cancels."""
        return self.filter(submitter=organization)

    def imports(self) -> DeclarationQuerySet:
        """What the clearance figures count: exports are released without risk rules."""
        return self.exclude(regime=Regime.EU_EXPORT)

    def exports_without_exit(self) -> DeclarationQuerySet:
        return self.filter(
            regime=Regime.EU_EXPORT, status=DeclarationStatus.RELEASED, exit_confirmed_at=None
        )

    def awaiting_review(self) -> DeclarationQuerySet:
        """Routed to an officer: a yellow or red lane, on hold, or under inspection."""
        return self.filter(status__in=REVIEW_STATUSES)


class Declaration(models.Model):
    """A customs declaration: for one marketplace order's goods (filed for the merchant by the
    marketplace; `order_id` set, the order follows it), the EU export of those goods, or a
    consignment a broker or carrier files itself (`submitter_reference`, no order)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order_id = models.UUIDField(
        unique=True,
        null=True,
        blank=True,
        help_text="The marketplace order it declares; empty for partner filings and exports",
    )
    order_reference = models.CharField(max_length=64, blank=True)
    submitter_reference = models.CharField(
        max_length=64, blank=True, help_text="The filer's own reference, unique per filer"
    )
    merchant = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Whose goods: the merchant; for a partner filing, the filer itself",
    )
    submitter = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The marketplace, broker or carrier that files it",
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
    transport_costs = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        default=0,
        help_text="Freight to the border (EU) or to the port of entry (China), in `currency`",
    )
    # A marketplace order's declaration: the campaign discount already off the line values, and
    # the ECB rate the order was priced at, which its assessment uses, so the taxes it computes
    # are the ones the buyer paid, to the fen (see docs/customs.md, "Three-document match").
    discount = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        default=Decimal("0.00"),
        db_default=Decimal("0.00"),
        help_text="Already off the line values",
    )
    declared_exchange_rate = models.DecimalField(
        max_digits=18,
        decimal_places=8,
        null=True,
        blank=True,
        help_text="The order's rate into the assessment currency; the reference rate if empty",
    )
    ioss_number = models.CharField(
        max_length=12, blank=True, help_text="One per consignment; fixed once released"
    )
    version = models.PositiveIntegerField(default=1, help_text="Raised by each amendment")
    # Set by an amendment of a declaration an officer had in hand: the clearance job then
    # routes it back to an officer instead of releasing it on its own.
    review_required = models.BooleanField(default=False)
    # EU export: the Movement Reference Number, and the exit the office of exit confirmed.
    mrn = models.CharField(max_length=18, blank=True)
    exit_confirmed_at = models.DateTimeField(null=True, blank=True)
    exit_office = models.CharField(max_length=8, blank=True)
    exit_confirmed_by = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    hold_reason_code = models.CharField(max_length=64, blank=True)
    # The risk lane the clearance job gave it (empty until assessed) and whether the random
    # sample picked it (see customs.risk_rules).
    lane = models.CharField(max_length=8, choices=Lane.choices, blank=True, db_index=True)
    sampled = models.BooleanField(default=False)
    risk_assessed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    # The tax assessment made by the clearance job: the rule pack, the amounts in the regime's
    # currency (converted from the declared currency at `exchange_rate`), and why it would not
    # be admissible if it is not. Empty until assessed; a quote of the same goods reproduces it.
    assessed_at = models.DateTimeField(null=True, blank=True)
    acceptance_date = models.DateField(null=True, blank=True)
    rule_pack = models.CharField(max_length=32, blank=True)
    assessment_currency = models.CharField(max_length=3, blank=True)
    exchange_rate = models.DecimalField(
        max_digits=18,
        decimal_places=8,
        null=True,
        blank=True,
        help_text="Units of the assessment currency per unit of the declared currency",
    )
    admissible = models.BooleanField(null=True, blank=True)
    assessment_reasons = models.JSONField(default=list, blank=True)
    customs_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    duty = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    excise = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    vat = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    checkout_vat = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    total_tax = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    # Set when released goods came back in time as a CBEC return: the assessed tax is not due.
    tax_cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = DeclarationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total_value__gte=0), name="declaration_total_gte_0"
            ),
            models.CheckConstraint(
                condition=models.Q(transport_costs__gte=0), name="declaration_transport_gte_0"
            ),
            models.UniqueConstraint(
                fields=["submitter", "submitter_reference"],
                condition=~models.Q(submitter_reference=""),
                name="declaration_submitter_reference_unique",
            ),
            models.UniqueConstraint(
                fields=["mrn"], condition=~models.Q(mrn=""), name="declaration_mrn_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(mrn="") | models.Q(mrn__regex=r"^[0-9]{2}[A-Z]{2}[0-9A-Z]{14}$"),
                name="declaration_mrn_18_characters",
            ),
        ]
        indexes = [
            # The clearance jobs take the oldest waiting declarations; the index holds only those.
            models.Index(
                fields=["created_at", "id"],
                condition=models.Q(status="submitted"),
                name="declaration_waiting",
            )
        ]

    def __str__(self) -> str:
        return f"{self.regime} {self.reference} ({self.status})"

    @property
    def reference(self) -> str:
        return self.order_reference or self.submitter_reference

    @property
    def value(self) -> Money:
        return Money(self.total_value, self.currency)

    def can_move_to(self, status: str) -> bool:
        return status in DECLARATION_TRANSITIONS[self.status]


class DeclarationInQueue(Declaration):
    """The officers' review queue: declarations routed to an officer (see `awaiting_review`)."""

    class Meta:
        proxy = True
        verbose_name = "declaration in the review queue"
        verbose_name_plural = "review queue"


class ClearanceDashboard(Declaration):
    """Not data: the admin's entry for the clearance dashboard (charts over declarations)."""

    class Meta:
        proxy = True
        verbose_name = "clearance dashboard"
        verbose_name_plural = "clearance dashboard"


class DeclarationLine(models.Model):
    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="lines")
    line_number = models.PositiveSmallIntegerField()
    hs_code = models.CharField(max_length=10)
    description = models.CharField(max_length=200)
    origin_country = models.CharField(max_length=2)
    quantity = models.PositiveIntegerField()
    value = models.DecimalField(max_digits=14, decimal_places=2)
    # The line's share of the assessment, in the declaration's assessment currency.
    assessed_unit_price = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True
    )
    customs_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    duty = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    excise = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    vat = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)

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


class QuotaEntryKind(models.TextChoices):
    RESERVE = "reserve", "Reserve"  # an order holds part of the buyer's annual allowance
    COMMIT = "commit", "Commit"  # the goods cleared: the reservation is final
    RELEASE = "release", "Release"  # the order fell through: the reservation is given back
    RETURN = "return", "Return"  # committed goods came back: the allowance is restored


class QuotaLedgerEntry(models.Model):
    """One movement of a buyer's CBEC annual allowance (MOF/GACC/SAT Caiguanshui [2018] No. 49:
    CNY 26,000 per calendar year). Append-only (PostgreSQL refuses UPDATE and DELETE): the
    amount used is always recomputed from the entries, never stored.

    `buyer_key` is an HMAC-SHA256 of the buyer's resident ID number; the number itself is never
    stored. `year` is the calendar year in Asia/Shanghai."""

    id = models.BigAutoField(primary_key=True)
    buyer_key = models.CharField(max_length=64)
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=8, choices=QuotaEntryKind.choices)
    amount = models.DecimalField(max_digits=14, decimal_places=2, help_text="CNY")
    declaration_ref = models.CharField(
        max_length=64, blank=True, help_text="The order or declaration it is for; may be empty"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "quota ledger entries"
        indexes = [models.Index(fields=["buyer_key", "year"], name="quota_ledger_buyer_year")]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="quota_amount_gt_0"),
            models.CheckConstraint(
                condition=models.Q(kind__in=QuotaEntryKind.values), name="quota_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} CNY ({self.year})"


class AuditEntry(models.Model):
    """One link of the tamper-evident audit trail of officer and system actions.

    Append-only (PostgreSQL refuses UPDATE and DELETE) and hash-chained: `hash` is SHA-256 over
    the canonical JSON of the entry including `prev_hash`, so editing or removing any entry
    breaks every link after it (`manage.py verify_audit_chain` finds the first)."""

    sequence = models.BigIntegerField(primary_key=True)
    occurred_at = models.DateTimeField()
    actor = models.CharField(max_length=100, help_text="user:<id>, system, or api_key:<prefix>")
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    payload = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["sequence"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_entry_object")]
        constraints = [
            models.CheckConstraint(condition=models.Q(sequence__gt=0), name="audit_sequence_gt_0")
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_type}:{self.object_id}"


from customs.models.filing import (  # noqa: E402  (they refer to Declaration by name)
    DeclarationDocument,
    DeclarationParty,
    DeclarationVersion,
    ExportExitAlert,
    PartyRole,
)
from customs.models.review import (  # noqa: E402  (they refer to Declaration by name)
    InformationRequest,
    InformationRequestAttachment,
    OfficerReasonCode,
    ReleaseApproval,
)

__all__ = [
    "PARTNER_REGIMES",
    "REVIEW_STATUSES",
    "AuditEntry",
    "ClearanceDashboard",
    "ClearanceDecision",
    "CommodityCode",
    "Declaration",
    "DeclarationDocument",
    "DeclarationInQueue",
    "DeclarationLine",
    "DeclarationParty",
    "DeclarationStatus",
    "DeclarationVersion",
    "DocumentMatch",
    "DocumentMatchStatus",
    "ExportExitAlert",
    "InformationRequest",
    "InformationRequestAttachment",
    "Jurisdiction",
    "Lane",
    "MerchantTrust",
    "OfficerReasonCode",
    "PartyListEntry",
    "PartyListKind",
    "PartyRole",
    "QuotaEntryKind",
    "QuotaLedgerEntry",
    "Regime",
    "ReleaseApproval",
    "RiskRule",
    "RuleHit",
    "SamplingPolicy",
    "TariffLine",
    "TrustCriterion",
    "TrustLevel",
]
