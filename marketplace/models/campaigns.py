"""Trade-promotion campaigns: a trade agency's featured collection of listings for one
destination market and a date range, with one discount rule. Data and the invariants of a row."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from django.db import models
from django.utils import timezone

from ewtp.core.models import Organization
from marketplace.models.orders import OrderLine
from marketplace.models.products import COUNTRY_PATTERN, CURRENCY_PATTERN, Product


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended"


# Ended is final: order discounts point at the campaign, so it is never deleted once active.
CAMPAIGN_TRANSITIONS: dict[str, frozenset[str]] = {
    CampaignStatus.DRAFT: frozenset({CampaignStatus.ACTIVE, CampaignStatus.ENDED}),
    CampaignStatus.ACTIVE: frozenset({CampaignStatus.ENDED}),
    CampaignStatus.ENDED: frozenset(),
}


class DiscountKind(models.TextChoices):
    PERCENTAGE = "percentage", "Percentage of the unit price"
    FIXED_AMOUNT = "fixed_amount", "Fixed amount off each unit"


class DiscountFunder(models.TextChoices):
    MERCHANT = "merchant", "The merchant"
    AGENCY = "agency", "The trade agency"


class CampaignQuerySet(models.QuerySet["Campaign"]):
    def of_agency(self, agency: Organization) -> CampaignQuerySet:
        return self.filter(agency=agency)

    def running(self, *, destination_country: str, on: date) -> CampaignQuerySet:
        """Active and within its dates on `on`."""
        return self.filter(
            status=CampaignStatus.ACTIVE,
            destination_country=destination_country,
            starts_on__lte=on,
            ends_on__gte=on,
        )


class Campaign(models.Model):
    """Listings featured by a trade agency in one market, from `starts_on` to `ends_on`
    (inclusive, UTC dates), each unit discounted by `discount_value` percent or by that amount
    in `discount_currency` (then only listings priced in it take part)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="campaigns")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    destination_country = models.CharField(max_length=2)
    starts_on = models.DateField()
    ends_on = models.DateField()
    discount_kind = models.CharField(max_length=16, choices=DiscountKind.choices)
    discount_value = models.DecimalField(max_digits=12, decimal_places=2)
    discount_currency = models.CharField(max_length=3, blank=True, default="")
    funded_by = models.CharField(max_length=16, choices=DiscountFunder.choices)
    status = models.CharField(
        max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    listings = models.ManyToManyField(Product, through="CampaignListing", related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="campaign_dates_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(discount_value__gt=0), name="campaign_discount_gt_0"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    discount_kind=DiscountKind.PERCENTAGE,
                    discount_value__lte=100,
                    discount_currency="",
                )
                | models.Q(
                    discount_kind=DiscountKind.FIXED_AMOUNT,
                    discount_currency__regex=CURRENCY_PATTERN,
                ),
                name="campaign_discount_rule_consistent",
            ),
            models.CheckConstraint(
                condition=models.Q(destination_country__regex=COUNTRY_PATTERN),
                name="campaign_destination_country_iso",
            ),
        ]
        indexes = [
            models.Index(
                fields=["destination_country", "starts_on", "ends_on"],
                name="campaign_running",
                condition=models.Q(status=CampaignStatus.ACTIVE),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.destination_country}, {self.status})"

    def can_move_to(self, status: str) -> bool:
        return status in CAMPAIGN_TRANSITIONS[self.status]

    def unit_discount(self, unit_price: Decimal, currency: str) -> Decimal | None:
        """What this campaign takes off one unit at this price (unrounded, never more than
        the price); None when its rule cannot apply to a price in `currency`."""
        if self.discount_kind == DiscountKind.PERCENTAGE:
            return unit_price * self.discount_value / Decimal(100)
        if currency != self.discount_currency:
            return None
        return min(self.discount_value, unit_price)


class CampaignListing(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="entries")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["campaign_id", "added_at"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "product"], name="campaign_listing_once")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.product_id}"


class CampaignOptOut(models.Model):
    """A merchant who declined a campaign: its listings leave it and cannot be added again."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="opt_outs")
    merchant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    opted_out_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "merchant"], name="campaign_opt_out_once")
        ]

    def __str__(self) -> str:
        return f"{self.merchant_id} out of {self.campaign_id}"


class CampaignStatusChange(models.Model):
    """The audit trail of a campaign: one row per move, never changed afterwards."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=CampaignStatus.choices)
    to_status = models.CharField(max_length=16, choices=CampaignStatus.choices)
    reason = models.CharField(max_length=500, blank=True)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class OrderLineDiscount(models.Model):
    """A campaign discount given on a placed order line (in the order's currency), kept beside
    the line so the order tables stay as they are. One campaign per line at most."""

    order_line = models.OneToOneField(OrderLine, on_delete=models.CASCADE, related_name="discount")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="discounts")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    funded_by = models.CharField(max_length=16, choices=DiscountFunder.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="order_line_discount_gte_0"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_line_id}: -{self.amount}"
