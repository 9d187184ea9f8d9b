"""Staff's read-only view of listings, orders and payments; they change only through the API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest

from marketplace.models import Order, OrderLine, OrderStatusChange, Payment, Product

if TYPE_CHECKING:  # generic in the stubs only; Django's classes are not subscriptable at run time
    ProductAdminBase = admin.ModelAdmin[Product]
    OrderAdminBase = admin.ModelAdmin[Order]
    PaymentAdminBase = admin.ModelAdmin[Payment]
    LineInlineBase = admin.TabularInline[OrderLine, Order]
    ChangeInlineBase = admin.TabularInline[OrderStatusChange, Order]
else:
    ProductAdminBase = OrderAdminBase = PaymentAdminBase = admin.ModelAdmin
    LineInlineBase = ChangeInlineBase = admin.TabularInline


class ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Product)
class ProductAdmin(ReadOnly, ProductAdminBase):
    list_display = [
        "sku",
        "title",
        "merchant",
        "hs_code",
        "unit_price",
        "currency",
        "stock",
        "status",
    ]
    list_filter = ["status", "currency", "origin_country"]
    list_select_related = ["merchant"]
    search_fields = ["sku", "title", "hs_code", "merchant__name"]


class OrderLineInline(ReadOnly, LineInlineBase):
    model = OrderLine
    extra = 0
    fields = readonly_fields = (
        "line_number",
        "sku",
        "title",
        "hs_code",
        "quantity",
        "unit_price",
        "line_total",
    )


class OrderStatusChangeInline(ReadOnly, ChangeInlineBase):
    model = OrderStatusChange
    extra = 0
    fields = readonly_fields = (
        "changed_at",
        "from_status",
        "to_status",
        "reason",
    )


@admin.register(Order)
class OrderAdmin(ReadOnly, OrderAdminBase):
    list_display = [
        "reference",
        "status",
        "marketplace",
        "merchant",
        "total",
        "currency",
        "destination_airport",
        "created_at",
    ]
    list_filter = ["status", "destination_airport", "currency"]
    list_select_related = ["marketplace", "merchant"]
    search_fields = ["reference", "=id", "buyer_name"]
    date_hierarchy = "created_at"
    inlines = [OrderLineInline, OrderStatusChangeInline]


@admin.register(Payment)
class PaymentAdmin(ReadOnly, PaymentAdminBase):
    list_display = ["transaction_id", "provider", "order", "amount", "currency", "paid_at"]
    list_select_related = ["provider", "order"]
    search_fields = ["transaction_id", "order__reference"]
