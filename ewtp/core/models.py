"""Identity and tenancy: organisations, their users, and the API keys partners call us with."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone


class OrganizationKind(models.TextChoices):
    MERCHANT = "merchant", "SME merchant"
    MARKETPLACE = "marketplace", "Marketplace"
    PAYMENT_PROVIDER = "payment_provider", "Payment provider"
    CARRIER = "carrier", "Carrier"
    GROUND_HANDLER = "ground_handler", "Ground handler"
    CUSTOMS_BROKER = "customs_broker", "Customs broker"
    CUSTOMS_AUTHORITY = "customs_authority", "Customs authority"
    TRADE_AGENCY = "trade_agency", "Trade-promotion agency"
    PLATFORM = "platform", "Platform operator"


class Organization(models.Model):
    """A tenant. Every row a partner or merchant can see belongs to exactly one organisation."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=OrganizationKind.choices)
    country = models.CharField(max_length=2, default="BE", help_text="ISO 3166-1 alpha-2")
    eori = models.CharField(max_length=17, blank=True)
    vat_number = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UserRole(models.TextChoices):
    MEMBER = "member", "Member"
    ADMIN = "admin", "Organisation admin"
    OFFICER = "officer", "Customs officer"
    SUPERVISOR = "supervisor", "Customs supervisor"
    STAFF = "staff", "Platform staff"


class User(AbstractUser):
    """A person. Belongs to one organisation; the role says what they may do there."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    role = models.CharField(max_length=16, choices=UserRole.choices, default=UserRole.MEMBER)


class ApiKeyQuerySet(models.QuerySet["ApiKey"]):
    def usable(self) -> ApiKeyQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiKey(models.Model):
    """A partner's credential. Only a SHA-256 of the secret is stored; the key is shown once.

    Keys carry 256 bits of randomness, so a fast hash is enough (no password stretching needed).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True, help_text="Public part, shown in lists")
    secret_hash = models.CharField(max_length=64)
    scopes = ArrayField(models.CharField(max_length=64), default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.organization.slug}:{self.prefix}"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class IdempotencyRecord(models.Model):
    """The stored response of a POST sent with an Idempotency-Key (see ewtp.core.idempotency)."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    body = models.BinaryField(null=True)
    content_type = models.CharField(max_length=100)
    headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["api_key", "key"], name="idempotency_key_per_api_key")
        ]

    def __str__(self) -> str:
        return f"{self.api_key_id}:{self.key}"
