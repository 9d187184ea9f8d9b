"""The clearance dashboard, an admin page (Customs → Clearance dashboard): declarations per
hour by lane, clearance-time percentiles, hold rate, top rule hits, three-document mismatches."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone

from customs import dashboard
from customs.models import ClearanceDashboard
from ewtp.core.svg_charts import horizontal_bars, stacked_bars

if TYPE_CHECKING:
    DashboardAdminBase = admin.ModelAdmin[ClearanceDashboard]
else:
    DashboardAdminBase = admin.ModelAdmin

WINDOW = timedelta(hours=24)


def _minutes(delta: timedelta | None) -> float | None:
    return None if delta is None else round(delta.total_seconds() / 60, 1)


@admin.register(ClearanceDashboard)
class ClearanceDashboardAdmin(DashboardAdminBase):
    """Its changelist is the dashboard: a read of the last 24 hours, nothing to edit."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("customs.view_declaration")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        now = timezone.now()
        since = now - WINDOW
        hourly = dashboard.declarations_per_hour_by_lane(now=now)
        times = dashboard.clearance_times(since=since)
        holds = dashboard.hold_rate(since=since)
        hits = dashboard.top_rule_hits(since=since)
        mismatches = dashboard.three_document_mismatches(since=since)
        labels = [f"{hour:%H}h" for hour in hourly.hours]
        percentiles = [
            ("p50", _minutes(times.p50)),
            ("p90", _minutes(times.p90)),
            ("p99", _minutes(times.p99)),
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": "Clearance dashboard (last 24 hours)",
            "opts": self.model._meta,
            "hourly": hourly,
            "hourly_rows": [
                (label, [hourly.counts[lane][i] for lane in dashboard.LANES])
                for i, label in enumerate(labels)
            ],
            "lanes": dashboard.LANES,
            "hourly_svg": stacked_bars(
                chart_id="per-hour",
                title="Declarations per hour by lane, last 24 hours",
                labels=labels,
                series={lane: hourly.counts[lane] for lane in dashboard.LANES},
            ),
            "times": times,
            "percentiles": percentiles,
            "times_svg": horizontal_bars(
                chart_id="clearance-times",
                title="Clearance time percentiles (minutes from filing to decision)",
                rows=[(name, value) for name, value in percentiles if value is not None],
                unit=" min",
            ),
            "holds": holds,
            "hold_percent": None if holds.rate is None else round(holds.rate * 100, 1),
            "hits": hits,
            "hits_svg": horizontal_bars(
                chart_id="rule-hits", title="Top rule hits, last 24 hours", rows=hits
            ),
            "mismatches": mismatches,
            "mismatches_svg": horizontal_bars(
                chart_id="document-mismatches",
                title="Three-document mismatch reasons, last 24 hours",
                rows=mismatches,
            ),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/customs/dashboard.html", context)
