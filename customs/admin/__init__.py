"""The officers' view of declarations. Decisions are admin actions that ask for a reason code
and a note and go through the customs services (customs.admin.decisions); nothing is edited in
place. The review queue, the risk tables and the dashboard have their own modules."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from customs.admin.decisions import DecisionActions
from customs.admin.filings import (
    DeclarationDocumentInline,
    DeclarationPartyInline,
    DeclarationVersionInline,
    exit_display,
    receipt_display,
)
from customs.attachments import attachment_download
from customs.models import (
    AuditEntry,
    ClearanceDecision,
    CommodityCode,
    Declaration,
    DeclarationLine,
    DocumentMatchStatus,
    InformationRequest,
    InformationRequestAttachment,
    QuotaLedgerEntry,
    RuleHit,
    TariffLine,
)
from customs.selectors import document_match_of

if TYPE_CHECKING:  # generic in the stubs only; Django's classes are not subscriptable at run time
    DeclarationAdminBase = admin.ModelAdmin[Declaration]
    CommodityCodeAdminBase = admin.ModelAdmin[CommodityCode]
    TariffLineAdminBase = admin.ModelAdmin[TariffLine]
    QuotaLedgerAdminBase = admin.ModelAdmin[QuotaLedgerEntry]
    AuditEntryAdminBase = admin.ModelAdmin[AuditEntry]
    LineInlineBase = admin.TabularInline[DeclarationLine, Declaration]
    DecisionInlineBase = admin.TabularInline[ClearanceDecision, Declaration]
    RuleHitInlineBase = admin.TabularInline[RuleHit, Declaration]
    RfiInlineBase = admin.StackedInline[InformationRequest, Declaration]
else:
    DeclarationAdminBase = CommodityCodeAdminBase = admin.ModelAdmin
    TariffLineAdminBase = QuotaLedgerAdminBase = AuditEntryAdminBase = admin.ModelAdmin
    LineInlineBase = DecisionInlineBase = RuleHitInlineBase = admin.TabularInline
    RfiInlineBase = admin.StackedInline


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


class RuleHitInline(ReadOnlyInline, RuleHitInlineBase):
    model = RuleHit
    fields = readonly_fields = ("rule_name", "lane", "hard_stop", "details", "created_at")


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


class InformationRequestInline(ReadOnlyInline, RfiInlineBase):
    """The officers' questions and the trader's answers, with each document's SHA-256 and a
    link to read it."""

    model = InformationRequest
    fields = readonly_fields = (
        "reason_code",
        "question",
        "requested_at",
        "deadline",
        "answer",
        "answered_at",
        "lapsed_at",
        "documents",
    )

    @admin.display(description="Documents")
    def documents(self, rfi: InformationRequest) -> str:
        files = rfi.attachments.defer("content")
        return (
            format_html_join(
                mark_safe("<br>"),
                '<a href="{}">{}</a> ({} bytes, SHA-256 <code>{}</code>)',
                (
                    (
                        reverse("admin:customs_declaration_attachment", args=[f.pk]),
                        f.file_name,
                        f.size,
                        f.sha256,
                    )
                    for f in files
                ),
            )
            or "—"
        )


@admin.register(Declaration)
class DeclarationAdmin(DecisionActions, DeclarationAdminBase):
    list_display = [
        "reference",
        "regime",
        "status",
        "receipt",
        "lane",
        "hold_reason_code",
        "merchant",
        "submitter",
        "total_value",
        "currency",
        "mrn",
        "exit_status",
        "created_at",
    ]
    list_filter = ["status", "lane", "regime", "hold_reason_code"]
    list_select_related = ["merchant", "submitter"]
    search_fields = [
        "order_reference",
        "=order_id",
        "consignee_name",
        "=submitter_reference",
        "=mrn",
    ]
    date_hierarchy = "created_at"
    readonly_fields = ["receipt", "exit_status", "three_documents"]
    inlines = [
        DeclarationLineInline,
        DeclarationPartyInline,
        DeclarationDocumentInline,
        DeclarationVersionInline,
        RuleHitInline,
        InformationRequestInline,
        ClearanceDecisionInline,
    ]

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "attachments/<int:attachment_id>/",
                self.admin_site.admin_view(self.attachment_view),
                name="customs_declaration_attachment",
            )
        ]
        return own + super().get_urls()

    def attachment_view(self, request: HttpRequest, attachment_id: int) -> HttpResponse:
        """A trader's document, for officers who may see declarations."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        attachment = get_object_or_404(InformationRequestAttachment, pk=attachment_id)
        return attachment_download(attachment)

    @admin.display(description="Reference")
    def reference(self, declaration: Declaration) -> str:
        return declaration.reference

    @admin.display(description="China receipt")
    def receipt(self, declaration: Declaration) -> str:
        return receipt_display(declaration)

    @admin.display(description="Exit")
    def exit_status(self, declaration: Declaration) -> str:
        return exit_display(declaration)

    @admin.display(description="Three documents")
    def three_documents(self, declaration: Declaration) -> str:
        """The CBEC match of the order, payment and waybill, with each mismatch's code."""
        if declaration.order_id is None:
            return "—"
        match = document_match_of(order_id=declaration.order_id)
        if match is None:
            return "No document received"
        if match.status == DocumentMatchStatus.WAITING:
            have = [
                kind
                for kind, document in (
                    ("order", match.order_document),
                    ("payment", match.payment_document),
                    ("waybill", match.waybill_document),
                )
                if document is not None
            ]
            return f"Waiting (received: {', '.join(have)})"
        if match.status == DocumentMatchStatus.MATCHED:
            return f"Matched (waybill {match.waybill_number})"
        return "Mismatched: " + "; ".join(f"{m['code']}: {m['detail']}" for m in match.mismatches)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # decisions are actions with a reason, never edits

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


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


# The officers' queue, the risk tables and the dashboard register themselves on import.
from customs.admin import dashboard, filings, queue, risk  # noqa: E402, F401
