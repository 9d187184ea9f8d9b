"""What the platform owes each merchant: commission rates and monthly payout statements."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from ewtp.core.models import Organization
from marketplace.models.orders import Order


class MerchantCommission(models.Model):
    """A merchant's own commission rate, in place of MARKETPLACE_COMMISSION_PERCENT."""

    merchant = models.OneToOneField(
        Organization, on_delete=models.PROTECT, related_name="commission"
    )
    rate_percent = models.DecimalField(max_digits=5, decimal_places=2)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rate_percent__gte=0, rate_percent__lte=100),
                name="merchant_commission_percent_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.rate_percent} %"


class PayoutStatus(models.TextChoices):
    OPEN = "open", "Open (rebuilt on each run)"
    CLOSED = "closed", "Closed (final, never changes)"


class PayoutStatement(models.Model):
    """One merchant's money for one calendar month (UTC) in one currency: what buyers paid
    (captured in the month), less the freight and taxes in it (withheld for the carrier and
    customs), less what went back (refunded in the month), less the platform's commission and
    the payment fees. Every total is the sum of its lines, to the cent."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    merchant = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="payout_statements"
    )
    month = models.DateField(help_text="The first day of the month")
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=8, choices=PayoutStatus.choices, default=PayoutStatus.OPEN)
    commission_rate_percent = models.DecimalField(max_digits=5, decimal_places=2)
    payment_fee_percent = models.DecimalField(max_digits=5, decimal_places=2)
    gross_captured = models.DecimalField(max_digits=16, decimal_places=2)
    withheld = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        default=0,
        help_text="Freight and import taxes in the captures: the carrier's and customs' money",
    )
    refunds = models.DecimalField(max_digits=16, decimal_places=2)
    commission = models.DecimalField(max_digits=16, decimal_places=2)
    payment_fees = models.DecimalField(max_digits=16, decimal_places=2)
    net_payout = models.DecimalField(max_digits=16, decimal_places=2)
    built_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-month", "currency"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "month", "currency"], name="payout_statement_per_month"
            ),
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="payout_statement_month_first_day"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    net_payout=models.F("gross_captured")
                    - models.F("withheld")
                    - models.F("refunds")
                    - models.F("commission")
                    - models.F("payment_fees")
                ),
                name="payout_statement_reconciles",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.currency} ({self.status})"


class PayoutLine(models.Model):
    """One order's part of a statement: its money in the month, the rate it was sold at."""

    statement = models.ForeignKey(PayoutStatement, on_delete=models.CASCADE, related_name="lines")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=64)
    captured = models.DecimalField(max_digits=14, decimal_places=2)
    # What the order's goods were before and after discounts, for the merchant's reading: the
    # goods before campaign discounts, and the part of the discount the merchant funds.
    gross_goods = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    merchant_discount = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    # Freight and taxes withheld from the capture (given back, negative, when a refund makes
    # the buyer whole: the carrier and customs were not owed them after all).
    withheld = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    refunded = models.DecimalField(max_digits=14, decimal_places=2)
    commission = models.DecimalField(max_digits=14, decimal_places=2)
    payment_fee = models.DecimalField(max_digits=14, decimal_places=2)
    net = models.DecimalField(max_digits=14, decimal_places=2)
    # The ECB rate (presentment units per unit of the payout currency) and its day, fixed when
    # the order was placed: what the buyer was shown, for the merchant's own reconciliation.
    presentment_currency = models.CharField(max_length=3)
    exchange_rate = models.DecimalField(max_digits=18, decimal_places=6)
    exchange_rate_date = models.DateField()

    class Meta:
        ordering = ["statement", "reference", "order_id"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "order"], name="payout_line_order_once"),
            models.CheckConstraint(
                condition=models.Q(
                    net=models.F("captured")
                    - models.F("withheld")
                    - models.F("refunded")
                    - models.F("commission")
                    - models.F("payment_fee")
                ),
                name="payout_line_reconciles",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.net}"
