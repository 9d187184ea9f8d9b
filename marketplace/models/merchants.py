"""Merchants' onboarding: the profile platform staff review before a merchant may sell."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from ewtp.core.models import Organization
from marketplace.identifiers import validate_bic, validate_eori, validate_iban, validate_vat


class MerchantStatus(models.TextChoices):
    APPLICATION = "application", "Application"
    UNDER_REVIEW = "under_review", "Under review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    SUSPENDED = "suspended", "Suspended"


# Every move a merchant's profile may make. Anything else is an InvalidTransition (409).
MERCHANT_TRANSITIONS: dict[str, frozenset[str]] = {
    MerchantStatus.APPLICATION: frozenset({MerchantStatus.UNDER_REVIEW}),
    MerchantStatus.UNDER_REVIEW: frozenset({MerchantStatus.APPROVED, MerchantStatus.REJECTED}),
    MerchantStatus.APPROVED: frozenset({MerchantStatus.SUSPENDED}),
    MerchantStatus.SUSPENDED: frozenset({MerchantStatus.APPROVED}),
    MerchantStatus.REJECTED: frozenset(),
}


class MerchantProfileQuerySet(models.QuerySet["MerchantProfile"]):
    def approved(self) -> MerchantProfileQuerySet:
        return self.filter(status=MerchantStatus.APPROVED)


class MerchantProfile(models.Model):
    """A merchant organisation's application to sell: company, customs and bank data.

    One per merchant organisation. Only an approved merchant's listings are on sale.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.OneToOneField(
        Organization, on_delete=models.PROTECT, related_name="merchant_profile"
    )
    status = models.CharField(
        max_length=16,
        choices=MerchantStatus.choices,
        default=MerchantStatus.APPLICATION,
        db_index=True,
    )
    legal_name = models.CharField(max_length=200, blank=True)
    street_address = models.CharField(max_length=200, blank=True)
    postal_code = models.CharField(max_length=16, blank=True)
    city = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    eori = models.CharField("EORI number", max_length=17, blank=True, validators=[validate_eori])
    vat_number = models.CharField(
        "VAT number", max_length=20, blank=True, validators=[validate_vat]
    )
    bank_account_holder = models.CharField(max_length=200, blank=True)
    iban = models.CharField("IBAN", max_length=34, blank=True, validators=[validate_iban])
    bic = models.CharField("BIC", max_length=11, blank=True, validators=[validate_bic])
    status_changed_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = MerchantProfileQuerySet.as_manager()

    class Meta:
        ordering = ["legal_name"]

    def __str__(self) -> str:
        return self.legal_name or str(self.organization_id)

    def can_move_to(self, status: str) -> bool:
        return status in MERCHANT_TRANSITIONS[self.status]


class MerchantContact(models.Model):
    """A person who speaks for the merchant. `signed_off_at` is when they signed the
    application's declaration that its data is true; an application needs one such person."""

    profile = models.ForeignKey(MerchantProfile, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=100, help_text="e.g. managing director, export manager")
    email = models.EmailField()
    phone = models.CharField(max_length=32, blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["profile_id", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"


class MerchantStatusChange(models.Model):
    """The audit trail of a merchant's onboarding: one row per move, never changed afterwards."""

    profile = models.ForeignKey(
        MerchantProfile, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=16, choices=MerchantStatus.choices)
    to_status = models.CharField(max_length=16, choices=MerchantStatus.choices)
    reason = models.CharField(max_length=1000)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"
