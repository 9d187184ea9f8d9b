"""The officers' view of declarations. Decisions (release, hold, reject) are admin actions that
ask for a reason and go through the customs services; nothing is edited in place."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from customs.models import (
    AuditEntry,
    ClearanceDecision,
    CommodityCode,
    Declaration,
    DeclarationLine,
    QuotaLedgerEntry,
    TariffLine,
)
from customs.services import (
    OFFICER_ROLES,
    declaration_hold,
    declaration_reject,
    declaration_release,
)
from ewtp.core.errors import DomainError
from ewtp.core.models import User

if TYPE_CHECKING:  # generic in the stubs only; Django's classes are not subscriptable at run time
    DeclarationAdminBase = admin.ModelAdmin[Declaration]
    CommodityCodeAdminBase = admin.ModelAdmin[CommodityCode]
    TariffLineAdminBase = admin.ModelAdmin[TariffLine]
    QuotaLedgerAdminBase = admin.ModelAdmin[QuotaLedgerEntry]
    AuditEntryAdminBase = admin.ModelAdmin[AuditEntry]
    LineInlineBase = admin.TabularInline[DeclarationLine, Declaration]
    DecisionInlineBase = admin.TabularInline[ClearanceDecision, Declaration]
else:
    DeclarationAdminBase = CommodityCodeAdminBase = admin.ModelAdmin
    TariffLineAdminBase = QuotaLedgerAdminBase = AuditEntryAdminBase = admin.ModelAdmin
    LineInlineBase = DecisionInlineBase = admin.TabularInline

Decide = Callable[..., Declaration]


class DecisionForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        min_length=3,
        max_length=1000,
        help_text="Shown to the marketplace and the merchant; the decision is audited.",
    )


class ReadOnlyInline:
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DeclarationLineInline(ReadOnlyInline, LineInlineBase):
    model = DeclarationLine
    fields = readonly_fields = (
        "line_number",
        "hs_code",
        "description",
        "origin_country",
        "quantity",
        "value",
        "assessed_unit_price",
        "customs_value",
        "duty",
        "excise",
        "vat",
    )


class ClearanceDecisionInline(ReadOnlyInline, DecisionInlineBase):
    model = ClearanceDecision
    fields = readonly_fields = (
        "decided_at",
        "from_status",
        "to_status",
        "reason_code",
        "reason",
        "actor",
    )


def _decide(
    modeladmin: DeclarationAdmin,
    request: HttpRequest,
    queryset: QuerySet[Declaration],
    *,
    service: Decide,
    verb: str,
) -> TemplateResponse | None:
    """Ask for the reason, then decide on each selected declaration in its own transaction."""
    form = DecisionForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        user = request.user
        assert isinstance(user, User)  # the admin only admits signed-in staff
        done = 0
        for declaration in queryset:
            try:
                service(declaration=declaration, officer=user, reason=form.cleaned_data["reason"])
            except DomainError as exc:
                modeladmin.message_user(
                    request, f"{declaration.order_reference}: {exc.detail}", messages.ERROR
                )
            else:
                done += 1
        if done:
            modeladmin.message_user(request, f"{verb}: {done} declaration(s).", messages.SUCCESS)
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": f"{verb} declarations",
        "verb": verb,
        "declarations": list(queryset),
        "form": form,
        "action": request.POST.get("action", ""),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "opts": modeladmin.model._meta,
    }
    return TemplateResponse(request, "admin/customs/declaration/decide.html", context)


@admin.register(Declaration)
class DeclarationAdmin(DeclarationAdminBase):
    list_display = [
        "order_reference",
        "regime",
        "status",
        "hold_reason_code",
        "merchant",
        "submitter",
        "total_value",
        "currency",
        "created_at",
    ]
    list_filter = ["status", "regime", "hold_reason_code"]
    list_select_related = ["merchant", "submitter"]
    search_fields = ["order_reference", "=order_id", "consignee_name"]
    date_hierarchy = "created_at"
    inlines = [DeclarationLineInline, ClearanceDecisionInline]
    actions = ["release", "hold", "reject"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # decisions are actions with a reason, never edits

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_decide_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return (
            isinstance(user, User)
            and user.has_perm("customs.change_declaration")
            and (user.role in OFFICER_ROLES or user.is_superuser)
        )

    @admin.action(description="Release for entry…", permissions=["decide"])
    def release(
        self, request: HttpRequest, queryset: QuerySet[Declaration]
    ) -> TemplateResponse | None:
        return _decide(self, request, queryset, service=declaration_release, verb="Release")

    @admin.action(description="Hold for a check…", permissions=["decide"])
    def hold(
        self, request: HttpRequest, queryset: QuerySet[Declaration]
    ) -> TemplateResponse | None:
        return _decide(self, request, queryset, service=declaration_hold, verb="Hold")

    @admin.action(description="Refuse entry…", permissions=["decide"])
    def reject(
        self, request: HttpRequest, queryset: QuerySet[Declaration]
    ) -> TemplateResponse | None:
        return _decide(self, request, queryset, service=declaration_reject, verb="Refuse")


class ReadOnlyAdmin:
    """Rows written only by loaders and services: officers read them, nobody edits them here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CommodityCode)
class CommodityCodeAdmin(ReadOnlyAdmin, CommodityCodeAdminBase):
    """Filled by `load_hs_nomenclature` (and the demo's few codes)."""

    list_display = ["code", "level", "section", "parent", "description"]
    list_filter = ["level", "section"]
    search_fields = ["code", "description"]


@admin.register(TariffLine)
class TariffLineAdmin(ReadOnlyAdmin, TariffLineAdminBase):
    """Filled by `import_tariff`: correct the file and import it again."""

    list_display = [
        "jurisdiction",
        "code",
        "description",
        "duty_rate",
        "vat_rate",
        "excise_rate",
        "cbec_positive_list",
        "updated_at",
    ]
    list_filter = ["jurisdiction", "cbec_positive_list"]
    search_fields = ["=code", "code", "description"]


@admin.register(QuotaLedgerEntry)
class QuotaLedgerEntryAdmin(ReadOnlyAdmin, QuotaLedgerAdminBase):
    """Buyers appear only as the HMAC of their ID number: the number is never stored."""

    list_display = ["id", "buyer", "year", "kind", "amount", "declaration_ref", "created_at"]
    list_filter = ["kind", "year"]
    search_fields = ["=buyer_key", "=declaration_ref"]

    @admin.display(description="Buyer (key)")
    def buyer(self, entry: QuotaLedgerEntry) -> str:
        return f"{entry.buyer_key[:12]}…"


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin, AuditEntryAdminBase):
    """The hash-chained audit trail; `manage.py verify_audit_chain` checks it."""

    list_display = ["sequence", "occurred_at", "actor", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["=object_id", "=actor"]
    date_hierarchy = "occurred_at"
    readonly_fields = [
        "sequence",
        "occurred_at",
        "actor",
        "action",
        "object_type",
        "object_id",
        "payload",
        "prev_hash",
        "hash",
    ]
    # Paging by the primary key keeps a long trail's list fast; no count of millions of rows.
    show_full_result_count = False
