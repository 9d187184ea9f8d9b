"""Trade statistics, an admin page for platform staff (Marketplace → Trade statistics): GMV by
origin country, destination, HS chapter and month, each as a chart, a table and a CSV file."""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path

from ewtp.core.models import UserRole
from ewtp.core.svg_charts import horizontal_bars
from marketplace import trade_statistics
from marketplace.models import TradeStatistics

if TYPE_CHECKING:
    StatisticsAdminBase = admin.ModelAdmin[TradeStatistics]
else:
    StatisticsAdminBase = admin.ModelAdmin


def is_platform_staff(request: HttpRequest) -> bool:
    """Platform staff and superusers only: customs officers and partners' users see no GMV."""
    user = request.user
    return bool(
        user.is_active
        and user.is_staff
        and (user.is_superuser or getattr(user, "role", None) == UserRole.STAFF)
    )


@admin.register(TradeStatistics)
class TradeStatisticsAdmin(StatisticsAdminBase):
    """Its changelist is the statistics page: a read over all orders, nothing to edit."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_platform_staff(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_platform_staff(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        csv_view = self.admin_site.admin_view(self.csv_view)
        return [
            path("<str:dimension>.csv", csv_view, name="marketplace_tradestatistics_csv"),
            *super().get_urls(),
        ]

    def csv_view(self, request: HttpRequest, dimension: str) -> HttpResponse:
        if not is_platform_staff(request):
            raise PermissionDenied
        if dimension not in trade_statistics.BREAKDOWNS:
            raise Http404
        _, breakdown = trade_statistics.BREAKDOWNS[dimension]
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="gmv-by-{dimension}.csv"'
        writer = csv.writer(response)
        writer.writerow([dimension, "orders", "gmv_eur"])
        for row in breakdown():
            writer.writerow([row.key, row.orders, f"{row.gmv_eur:.2f}"])
        return response

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        if not is_platform_staff(request):
            raise PermissionDenied
        sections = []
        for dimension, (label, breakdown) in trade_statistics.BREAKDOWNS.items():
            rows = breakdown()
            sections.append(
                {
                    "dimension": dimension,
                    "label": label,
                    "rows": rows,
                    "svg": horizontal_bars(
                        chart_id=f"gmv-{dimension}",
                        title=f"GMV in EUR by {label.lower()}",
                        rows=[(row.key, float(row.gmv_eur)) for row in rows],
                        unit=" EUR",
                    ),
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "title": "Trade statistics (GMV in EUR)",
            "opts": self.model._meta,
            "sections": sections,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/marketplace/trade_statistics.html", context)
