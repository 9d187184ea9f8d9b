"""Risk rules officers maintain, the lists they match against, the sampling policy, and the
hits recorded on each declaration. Evaluation lives in customs.risk_rules (pure) and
customs.services.risk (the writes)."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

from customs.taxes import ReasonCode
from ewtp.core.models import Organization


class Lane(models.TextChoices):
    """Clearance lanes, most severe first."""

    RED = "red", "Red (physical inspection)"
    YELLOW = "yellow", "Yellow (document check)"
    BLUE = "blue", "Blue (post-release audit)"
    GREEN = "green", "Green (release)"


# Higher is more severe; the declaration's lane is its most severe hit.
LANE_SEVERITY: dict[str, int] = {Lane.GREEN: 0, Lane.BLUE: 1, Lane.YELLOW: 2, Lane.RED: 3}
# Lanes that wait for an officer; green and blue are released by the clearance job.
OFFICER_LANES = frozenset({Lane.YELLOW, Lane.RED})


class TrustLevel(models.TextChoices):
    STANDARD = "standard", "Standard"
    TRUSTED = "trusted", "Trusted trader"
    AEO = "aeo", "Authorised Economic Operator"


class TrustCriterion(models.TextChoices):
    ANY = "any", "Any merchant"
    STANDARD_ONLY = "standard", "Only merchants that are not trusted"
    TRUSTED_ONLY = "trusted", "Only trusted / AEO merchants"


class PartyListKind(models.TextChoices):
    EORI = "eori", "EORI number"
    VAT = "vat", "VAT number"
    NAME = "name", "Name"


class MerchantTrust(models.Model):
    """The trust customs places in a merchant (an organisation), kept by officers. Trusted and
    AEO merchants are sampled at the policy's lower rate; hard stops apply to them all the
    same."""

    organization = models.OneToOneField(
        Organization, on_delete=models.PROTECT, related_name="+", primary_key=True
    )
    level = models.CharField(max_length=16, choices=TrustLevel.choices, default=TrustLevel.STANDARD)
    aeo_number = models.CharField(max_length=32, blank=True, help_text="AEO certificate, if any")
    note = models.CharField(max_length=500, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "merchant trust levels"

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.level}"

    @property
    def trusted(self) -> bool:
        return self.level in (TrustLevel.TRUSTED, TrustLevel.AEO)


class PartyListEntry(models.Model):
    """A party on a watch list: an EORI, a VAT number or a name, stored normalised (upper case,
    single spaces) so matching is an exact comparison."""

    kind = models.CharField(max_length=8, choices=PartyListKind.choices)
    value = models.CharField(max_length=200)
    list_name = models.CharField(max_length=100, default="watch list")
    active = models.BooleanField(default=True)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "value"]
        verbose_name_plural = "party list entries"
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="party_list_kind_value")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.value = normalise_party(self.value)
        super().save(*args, **kwargs)  # type: ignore[arg-type]  # Model.save's own signature


def normalise_party(value: str) -> str:
    return " ".join(value.upper().split())


class RiskRule(models.Model):
    """A declarative risk rule. Every criterion left empty matches anything; the filled ones must
    all match. A match is recorded as a RuleHit and assigns the rule's lane; a hard stop also
    puts the declaration on hold, whatever the merchant's trust and the sample say."""

    name = models.CharField(max_length=200, unique=True)
    active = models.BooleanField(default=True)
    lane = models.CharField(max_length=8, choices=Lane.choices)
    hard_stop = models.BooleanField(
        default=False, help_text="Hold the declaration; trust and sampling never skip it"
    )
    hs_prefix = models.CharField(
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{2,10}$", "2 to 10 digits")],
        help_text="Any line whose HS code starts with these digits",
    )
    origin_country = models.CharField(
        max_length=2, blank=True, help_text="Any line of this origin (ISO 3166-1 alpha-2)"
    )
    value_currency = models.CharField(
        max_length=3, default="EUR", help_text="The currency of the two amounts below"
    )
    min_value = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True,
        help_text="Declared total at least this (declarations in another currency never match)",
    )  # fmt: skip
    min_unit_price = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True,
        help_text="Any line's unit price at least this",
    )  # fmt: skip
    regime = models.CharField(max_length=16, blank=True)
    party_list_match = models.BooleanField(
        default=False, help_text="A party (merchant, filer, consignee) is on an active watch list"
    )
    merchant_trust = models.CharField(
        max_length=16, choices=TrustCriterion.choices, default=TrustCriterion.ANY
    )
    assessment_reason = models.CharField(
        max_length=40,
        blank=True,
        choices=[(code.value, code.value) for code in ReasonCode],
        help_text="The tax assessment gave this reason (e.g. TARIFF_CODE_UNKNOWN)",
    )
    document_mismatch = models.BooleanField(
        default=False,
        help_text="Three-document anomaly: the order, payment and waybill do not match",
    )
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            # A hard stop binds every merchant: it may not exempt trusted ones.
            models.CheckConstraint(
                condition=~models.Q(hard_stop=True, merchant_trust=TrustCriterion.STANDARD_ONLY),
                name="risk_rule_hard_stop_binds_trusted_merchants",
            ),
            models.CheckConstraint(
                condition=models.Q(min_value__isnull=True) | models.Q(min_value__gte=0),
                name="risk_rule_min_value_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.lane}{' (hard stop)' if self.hard_stop else ''}"


_RATE = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))]


class SamplingPolicy(models.Model):
    """Random sampling of low-risk declarations, replayable from the seed: a declaration is
    picked when sha256(f"{seed}:{id}") read as a fraction of 2**256 is below the lane's rate.
    The newest active policy applies; with none, nothing is sampled."""

    name = models.CharField(max_length=100)
    active = models.BooleanField(default=True)
    seed = models.CharField(max_length=64)
    green_rate = models.DecimalField(max_digits=5, decimal_places=4, validators=_RATE)
    blue_rate = models.DecimalField(max_digits=5, decimal_places=4, validators=_RATE)
    trusted_green_rate = models.DecimalField(max_digits=5, decimal_places=4, validators=_RATE)
    trusted_blue_rate = models.DecimalField(max_digits=5, decimal_places=4, validators=_RATE)
    green_sampled_lane = models.CharField(
        max_length=8,
        choices=[(Lane.YELLOW.value, Lane.YELLOW.label), (Lane.BLUE.value, Lane.BLUE.label)],
        default=Lane.YELLOW,
        help_text="Where a sampled green declaration goes (a sampled blue one goes yellow)",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "sampling policies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    green_rate__gte=0,
                    green_rate__lte=1,
                    blue_rate__gte=0,
                    blue_rate__lte=1,
                    trusted_green_rate__gte=0,
                    trusted_green_rate__lte=models.F("green_rate"),
                    trusted_blue_rate__gte=0,
                    trusted_blue_rate__lte=models.F("blue_rate"),
                ),
                name="sampling_rates_are_fractions_trusted_lower",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} (green {self.green_rate}, blue {self.blue_rate})"


class RuleHit(models.Model):
    """One reason a declaration got its lane: a matching rule, or the random sample (no rule)."""

    declaration = models.ForeignKey(
        "customs.Declaration", on_delete=models.CASCADE, related_name="rule_hits"
    )
    rule = models.ForeignKey(
        RiskRule, on_delete=models.PROTECT, null=True, blank=True, related_name="hits"
    )
    rule_name = models.CharField(max_length=200, help_text="As it was named when it matched")
    lane = models.CharField(max_length=8, choices=Lane.choices)
    hard_stop = models.BooleanField(default=False)
    details = models.CharField(max_length=1000)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["declaration", "id"]

    def __str__(self) -> str:
        return f"{self.rule_name} → {self.lane}"
