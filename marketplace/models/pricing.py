"""Landed-cost quotes kept with the orders they priced. Data and the invariants of one row."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from marketplace.models.orders import Order


class OrderLandedCost(models.Model):
    """The landed-cost quote the buyer saw for this order's consignment, in the buyer's
    currency, as it was quoted: a later rate, tariff or freight price never changes it."""

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="landed_cost")
    currency = models.CharField(max_length=3, help_text="The buyer's currency")
    goods = models.DecimalField(max_digits=16, decimal_places=2)
    freight = models.DecimalField(max_digits=16, decimal_places=2)
    taxes = models.DecimalField(max_digits=16, decimal_places=2)
    total = models.DecimalField(max_digits=16, decimal_places=2)
    regime = models.CharField(max_length=16)
    admissible = models.BooleanField()
    quoted_on = models.DateField()
    quote = models.JSONField(help_text="The consignment's quote in full (lines, taxes, rates)")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    total=models.F("goods") + models.F("freight") + models.F("taxes")
                ),
                name="order_landed_cost_total_is_sum",
            ),
            models.CheckConstraint(
                condition=models.Q(goods__gte=0, freight__gte=0, taxes__gte=0),
                name="order_landed_cost_amounts_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.total} {self.currency}"
