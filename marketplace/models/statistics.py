"""Not data: the admin's entry for platform staff's trade statistics (GMV over orders)."""

from __future__ import annotations

from marketplace.models.orders import Order


class TradeStatistics(Order):
    class Meta:
        proxy = True
        verbose_name = "trade statistics"
        verbose_name_plural = "trade statistics"
