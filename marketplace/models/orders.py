"""Orders placed by marketplaces and their payments. Data and the invariants of one row."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from ewtp.core.models import Organization
from ewtp.core.money import Money
from marketplace.models.products import COUNTRY_PATTERN, Product, ProductVariant

ZERO = Decimal("0.00")

IATA_PATTERN = r"^[A-Z]{3}$"


class OrderStatus(models.TextChoices):
    PLACED = "placed", "Placed"
    PAID = "paid", "Paid"
    CUSTOMS_SUBMITTED = "customs_submitted", "Declared to customs"
    CLEARED = "cleared", "Cleared by customs"
    HELD = "held", "Held by customs"
    REJECTED = "rejected", "Refused by customs"
    HANDED_TO_LOGISTICS = "handed_to_logistics", "Handed to logistics"
    DELIVERED = "delivered", "Delivered"
    CANCELLED = "cancelled", "Cancelled"
    EXPIRED = "expired", "Expired unpaid"
    COMPLETED = "completed", "Completed"
    REFUNDED = "refunded", "Refunded in full"
    RETURN_REQUESTED = "return_requested", "Return requested"
    RETURNED = "returned", "Returned to the bonded hub"


# Every move an order may make. Anything else is an InvalidTransition (409).
ORDER_TRANSITIONS: dict[str, frozenset[str]] = {
    OrderStatus.PLACED: frozenset({OrderStatus.PAID, OrderStatus.CANCELLED, OrderStatus.EXPIRED}),
    OrderStatus.PAID: frozenset(
        {OrderStatus.CUSTOMS_SUBMITTED, OrderStatus.CANCELLED, OrderStatus.REFUNDED}
    ),
    OrderStatus.CUSTOMS_SUBMITTED: frozenset(
        {OrderStatus.CLEARED, OrderStatus.HELD, OrderStatus.REJECTED}
    ),
    # An officer may still release or refuse goods that were held.
    OrderStatus.HELD: frozenset(
        {
            OrderStatus.CLEARED,
            OrderStatus.REJECTED,
            OrderStatus.CANCELLED,
            OrderStatus.REFUNDED,
        }
    ),
    OrderStatus.REJECTED: frozenset({OrderStatus.CANCELLED, OrderStatus.REFUNDED}),
    OrderStatus.CLEARED: frozenset({OrderStatus.HANDED_TO_LOGISTICS}),
    OrderStatus.HANDED_TO_LOGISTICS: frozenset({OrderStatus.DELIVERED}),
    OrderStatus.DELIVERED: frozenset(
        {OrderStatus.COMPLETED, OrderStatus.REFUNDED, OrderStatus.RETURN_REQUESTED}
    ),
    # A CBEC return: asked for within 30 days of release, goods back within 45 (GACC 2018
    # No. 194); a buyer who keeps the goods after all leaves the order to complete.
    OrderStatus.RETURN_REQUESTED: frozenset({OrderStatus.RETURNED, OrderStatus.COMPLETED}),
    OrderStatus.RETURNED: frozenset({OrderStatus.REFUNDED}),
    OrderStatus.COMPLETED: frozenset(),
    OrderStatus.REFUNDED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.EXPIRED: frozenset(),
}

# Money may be given back while the goods have not moved, after customs stopped them, after a
# paid order was cancelled, or after delivery until the order completes.
REFUNDABLE = frozenset(
    {
        OrderStatus.PAID,
        OrderStatus.HELD,
        OrderStatus.REJECTED,
        OrderStatus.CANCELLED,
        OrderStatus.DELIVERED,
        OrderStatus.RETURNED,
    }
)
# Goods of an order refunded from these never left the hub: their stock goes back on sale.
NEVER_LEFT = frozenset({OrderStatus.PAID, OrderStatus.HELD, OrderStatus.REJECTED})

# An order in one of these never reaches the buyer: its stock and CBEC quota go back.
FELL_THROUGH = frozenset({OrderStatus.CANCELLED, OrderStatus.EXPIRED})


class QuotaState(models.TextChoices):
    """Where an order stands in its buyer's CBEC quota ledger (customs.services.quota)."""

    NONE = "", "Not counted (not a CBEC order)"
    RESERVED = "reserved", "Reserved"
    COMMITTED = "committed", "Committed at clearance"
    RELEASED = "released", "Released"
    RETURNED = "returned", "Given back: the goods were returned"


def _money(max_digits: int, **kwargs: Any) -> models.DecimalField[Decimal, Decimal]:
    """An amount that is 0 unless set, also for rows written by plain SQL."""
    return models.DecimalField(
        max_digits=max_digits, decimal_places=2, default=ZERO, db_default=ZERO, **kwargs
    )


def _sum_of(*fields: str, max_digits: int) -> models.GeneratedField:
    """An amount the database computes as the sum of others, so it can never disagree."""
    expression: Any = models.F(fields[0])
    for name in fields[1:]:
        expression = expression + models.F(name)
    return models.GeneratedField(
        expression=expression,
        output_field=models.DecimalField(max_digits=max_digits, decimal_places=2),
        db_persist=True,
    )


class Checkout(models.Model):
    """What a buyer bought in one go through a marketplace, from one or more merchants. It is
    split into one order per merchant (customs and logistics work on those); the orders'
    totals add up to the checkout's, in the order currency and in the buyer's.

    A PRC buyer's ID number is kept only encrypted (Fernet), with its keyed HMAC for matching
    and its masked form for people; see marketplace.buyer_identity.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    marketplace = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="checkouts"
    )
    payment_provider = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=64, help_text="The marketplace's own order number")
    buyer_name = models.CharField(max_length=200)
    buyer_id_encrypted = models.TextField(blank=True, help_text="Fernet token of the ID number")
    buyer_id_key = models.CharField(
        max_length=64, blank=True, db_index=True, help_text="HMAC-SHA256 of the ID number"
    )
    buyer_id_masked = models.CharField(max_length=18, blank=True)
    destination_country = models.CharField(max_length=2)
    destination_airport = models.CharField(max_length=3, help_text="IATA code")
    currency = models.CharField(max_length=3)
    total = models.DecimalField(max_digits=14, decimal_places=2)
    presentment_currency = models.CharField(max_length=3)
    presentment_total = models.DecimalField(max_digits=16, decimal_places=2)
    # What the buyer pays: the goods (`total`) + freight + import taxes, summed over the orders,
    # in both currencies. The database computes the amounts due, so they always add up.
    freight = _money(14)
    taxes = _money(14)
    amount_due = _sum_of("total", "freight", "taxes", max_digits=16)
    presentment_freight = _money(16)
    presentment_taxes = _money(16)
    presentment_amount_due = _sum_of(
        "presentment_total", "presentment_freight", "presentment_taxes", max_digits=18
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["marketplace", "reference"], name="checkout_reference_per_marketplace"
            ),
            models.CheckConstraint(condition=models.Q(total__gte=0), name="checkout_total_gte_0"),
        ]

    def __str__(self) -> str:
        return self.reference


class OrderQuerySet(models.QuerySet["Order"]):
    def visible_to(self, organization: Organization) -> OrderQuerySet:
        """The marketplace that placed an order and the merchant who sells it may see it."""
        return self.filter(models.Q(marketplace=organization) | models.Q(merchant=organization))

    def unpaid_since(self, moment: datetime) -> OrderQuerySet:
        return self.filter(status=OrderStatus.PLACED, created_at__lt=moment)

    def payable_by(self, provider: Organization) -> OrderQuerySet:
        return self.filter(payment_provider=provider)


class Order(models.Model):
    """One merchant's part of a checkout (a sub-order), shipped to one airport. Customs
    declares it and logistics ships it on its own."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    checkout = models.ForeignKey(Checkout, on_delete=models.PROTECT, related_name="orders")
    marketplace = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="placed_orders"
    )
    merchant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="sold_orders")
    payment_provider = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="payable_orders"
    )
    reference = models.CharField(
        max_length=64, help_text="The marketplace's own order number: the checkout's"
    )
    buyer_name = models.CharField(max_length=200)
    destination_country = models.CharField(max_length=2)
    destination_airport = models.CharField(max_length=3, help_text="IATA code")
    currency = models.CharField(max_length=3, help_text="The merchant's currency: what is paid")
    total = models.DecimalField(
        max_digits=14, decimal_places=2, help_text="The goods, net of campaign discounts"
    )
    # What the buyer pays: goods (net of `discount`) + freight + import taxes, all in
    # `currency`. The taxes are customs' quote for a CBEC order (`tax_currency` amounts as
    # customs computes them, `taxes` their equivalent in the order currency); none elsewhere.
    discount = _money(14, help_text="Already off `total`")
    freight = _money(14)
    taxes = _money(14)
    amount_due = _sum_of("total", "freight", "taxes", max_digits=16)
    tax_currency = models.CharField(max_length=3, blank=True, default="", db_default="")
    taxes_in_tax_currency = _money(14)
    presentment_currency = models.CharField(
        max_length=3, help_text="The currency the buyer was shown; the lines carry the rates"
    )
    presentment_total = models.DecimalField(max_digits=16, decimal_places=2)
    presentment_freight = _money(16)
    presentment_taxes = _money(16)
    presentment_amount_due = _sum_of(
        "presentment_total", "presentment_freight", "presentment_taxes", max_digits=18
    )
    status = models.CharField(
        max_length=32, choices=OrderStatus.choices, default=OrderStatus.PLACED, db_index=True
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # CBEC orders to China: the dutiable value in CNY reserved in the buyer's quota, with the
    # ECB rate (CNY per unit of `currency`) and day used, and the China calendar year counted.
    cbec_value_cny = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    cny_rate = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    cny_rate_date = models.DateField(null=True, blank=True)
    quota_year = models.PositiveSmallIntegerField(null=True, blank=True)
    quota_state = models.CharField(
        max_length=16, choices=QuotaState.choices, default=QuotaState.NONE, blank=True
    )
    refunded_total = models.DecimalField(
        max_digits=14, decimal_places=2, default=Decimal("0.00"), help_text="Sum of its refunds"
    )

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["checkout", "merchant"], name="order_one_per_merchant_per_checkout"
            ),
            models.CheckConstraint(condition=models.Q(total__gte=0), name="order_total_gte_0"),
            models.CheckConstraint(
                condition=models.Q(discount__gte=0, freight__gte=0, taxes__gte=0),
                name="order_amounts_gte_0",
            ),
            # Refunds can never exceed captures; the service checks it under lock, this holds.
            models.CheckConstraint(
                condition=models.Q(
                    refunded_total__gte=0, refunded_total__lte=models.F("amount_due")
                ),
                name="order_refunded_within_amount_due",
            ),
            models.CheckConstraint(
                condition=models.Q(destination_airport__regex=IATA_PATTERN),
                name="order_destination_airport_iata",
            ),
            models.CheckConstraint(
                condition=models.Q(destination_country__regex=COUNTRY_PATTERN),
                name="order_destination_country_iso",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.status})"

    @property
    def amount(self) -> Money:
        return Money(self.total, self.currency)

    @property
    def gross_goods(self) -> Decimal:
        """The goods before campaign discounts."""
        return self.total + self.discount

    def can_move_to(self, status: str) -> bool:
        return status in ORDER_TRANSITIONS[self.status]


class OrderLine(models.Model):
    """What was bought, with the price, HS code and weight as they were when it was bought."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    line_number = models.PositiveSmallIntegerField()
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    variant = models.ForeignKey(
        ProductVariant, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sku = models.CharField(max_length=64)
    title = models.CharField(max_length=200)
    hs_code = models.CharField(max_length=6)
    origin_country = models.CharField(max_length=2)
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    line_total = models.DecimalField(max_digits=14, decimal_places=2)
    unit_weight_kg = models.DecimalField(max_digits=9, decimal_places=3)
    # The rate used when the order was placed (presentment units per unit of the order's
    # currency) and the ECB day it is from: a later rate never changes a placed order.
    exchange_rate = models.DecimalField(max_digits=18, decimal_places=6)
    exchange_rate_date = models.DateField()
    presentment_unit_price = models.DecimalField(max_digits=14, decimal_places=2)
    presentment_line_total = models.DecimalField(max_digits=16, decimal_places=2)

    class Meta:
        ordering = ["order", "line_number"]
        constraints = [
            models.UniqueConstraint(fields=["order", "line_number"], name="order_line_number"),
            models.UniqueConstraint(fields=["order", "sku"], name="order_line_sku_once"),
            models.CheckConstraint(
                condition=models.Q(exchange_rate__gt=0), name="order_line_exchange_rate_gt_0"
            ),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="order_line_qty_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.sku}"

    @property
    def weight_kg(self) -> Decimal:
        return self.unit_weight_kg * self.quantity


class OrderStatusChange(models.Model):
    """The audit trail of an order: one row per move, never changed afterwards."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=32, choices=OrderStatus.choices, blank=True)
    to_status = models.CharField(max_length=32, choices=OrderStatus.choices)
    reason = models.CharField(max_length=500, blank=True)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} → {self.to_status}"


class Payment(models.Model):
    """A payment provider's confirmation that the buyer paid an order in full. The payer's ID
    number is kept like the buyer's: encrypted, keyed and masked."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    provider = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    transaction_id = models.CharField(max_length=100)
    payer_name = models.CharField(max_length=200, blank=True)
    payer_id_encrypted = models.TextField(blank=True)
    payer_id_key = models.CharField(max_length=64, blank=True)
    payer_id_masked = models.CharField(max_length=18, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3)
    paid_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "transaction_id"], name="payment_transaction_per_provider"
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.transaction_id} {self.amount} {self.currency}"


class Refund(models.Model):
    """Money the payment provider gave back to the buyer for an order, in whole or in part."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    provider = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    transaction_id = models.CharField(max_length=100)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3)
    reason = models.CharField(max_length=500)
    refunded_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "transaction_id"], name="refund_transaction_per_provider"
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="refund_amount_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.transaction_id} -{self.amount} {self.currency}"
