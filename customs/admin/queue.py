"""The officers' review queue: declarations in a yellow or red lane, on hold or under
inspection, oldest first, with an SLA timer per lane and the decision actions."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from customs.admin.decisions import DecisionActions
from customs.models import REVIEW_STATUSES, Declaration, DeclarationInQueue

if TYPE_CHECKING:
    QueueAdminBase = admin.ModelAdmin[DeclarationInQueue]
else:
    QueueAdminBase = admin.ModelAdmin

AGE_BUCKETS: dict[str, tuple[str, timedelta | None, timedelta | None]] = {
    "lt4h": ("under 4 hours", None, timedelta(hours=4)),
    "4to24h": ("4 to 24 hours", timedelta(hours=4), timedelta(hours=24)),
    "1to3d": ("1 to 3 days", timedelta(days=1), timedelta(days=3)),
    "gt3d": ("over 3 days", timedelta(days=3), None),
}


def sla_for(declaration: Declaration) -> timedelta:
    """How long a declaration may wait in the queue: per lane, from settings (a held one
    without a lane counts as yellow)."""
    hours: dict[str, int] = getattr(settings, "CUSTOMS_REVIEW_SLA_HOURS", {})
    return timedelta(hours=hours.get(declaration.lane or "yellow", 8))


def queued_since(declaration: Declaration) -> Any:
    return declaration.risk_assessed_at or declaration.created_at


class AgeBucketFilter(admin.SimpleListFilter):
    title = "age"
    parameter_name = "age"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(key, label) for key, (label, _, _) in AGE_BUCKETS.items()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        bucket = AGE_BUCKETS.get(self.value() or "")
        if bucket is None:
            return queryset
        _, older_than, younger_than = bucket
        now = timezone.now()
        if older_than is not None:
            queryset = queryset.filter(created_at__lte=now - older_than)
        if younger_than is not None:
            queryset = queryset.filter(created_at__gt=now - younger_than)
        return queryset


@admin.register(DeclarationInQueue)
class DeclarationInQueueAdmin(DecisionActions, QueueAdminBase):
    list_display = [
        "order_reference",
        "lane_badge",
        "status",
        "sla",
        "hold_reason_code",
        "merchant",
        "total_value",
        "currency",
        "created_at",
    ]
    list_filter = ["lane", "status", AgeBucketFilter, "merchant"]
    list_select_related = ["merchant"]
    search_fields = ["order_reference", "=order_id"]
    ordering = ["created_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[DeclarationInQueue]:
        # The proxy shares Declaration's manager; the stubs type its queryset as a plain one.
        queryset = super().get_queryset(request)
        return queryset.filter(status__in=REVIEW_STATUSES)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("customs.view_declaration")

    @admin.display(description="Lane", ordering="lane")
    def lane_badge(self, declaration: Declaration) -> SafeString:
        colours = {"red": "#ba2121", "yellow": "#b58900", "blue": "#205493", "green": "#2e7d32"}
        return format_html(
            '<strong style="color:{}">{}</strong>',
            colours.get(declaration.lane, "inherit"),
            declaration.lane or "—",
        )

    @admin.display(description="SLA (waiting / allowed)")
    def sla(self, declaration: Declaration) -> SafeString:
        waited = timezone.now() - queued_since(declaration)
        allowed = sla_for(declaration)
        text = f"{_hours(waited)} / {_hours(allowed)}"
        if waited > allowed:
            return format_html(
                '<span class="sla-overdue" style="color:#ba2121;font-weight:bold">'
                "{} overdue</span>",
                text,
            )
        return format_html('<span class="sla-ok">{}</span>', text)


def _hours(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:.1f} h"
