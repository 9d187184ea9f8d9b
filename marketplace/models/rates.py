"""Exchange rates: the ECB's euro reference rates, one row per currency per publication day."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

EURO = "EUR"


class ExchangeRateSource(models.TextChoices):
    ECB = "ECB", "European Central Bank euro reference rates"


class ExchangeRate(models.Model):
    """On `date`, one euro bought `rate` units of `currency` (the ECB publishes on TARGET
    working days only, so weekends and holidays have no row: use the last one before)."""

    date = models.DateField()
    base = models.CharField(max_length=3, default=EURO)
    currency = models.CharField(max_length=3)
    rate = models.DecimalField(max_digits=18, decimal_places=6)
    source = models.CharField(
        max_length=8, choices=ExchangeRateSource.choices, default=ExchangeRateSource.ECB
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "currency"]
        constraints = [
            # (currency, date) also serves "the latest rate of X on or before D".
            models.UniqueConstraint(fields=["currency", "date"], name="exchange_rate_per_day"),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="exchange_rate_gt_0"),
            models.CheckConstraint(
                condition=models.Q(base=EURO), name="exchange_rate_base_is_euro"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} 1 {self.base} = {self.rate} {self.currency}"
