"""What officers see of a filing beside its goods: parties, documents, every version as filed,
the export's MRN and exit, China's receipt code; and the alerts of exports with no exit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html

from customs.models import (
    Declaration,
    DeclarationDocument,
    DeclarationParty,
    DeclarationVersion,
    ExportExitAlert,
    Regime,
)
from customs.receipts import receipt_for

if TYPE_CHECKING:  # generic in the stubs only; Django's classes are not subscriptable at run time
    PartyInlineBase = admin.TabularInline[DeclarationParty, Declaration]
    DocumentInlineBase = admin.TabularInline[DeclarationDocument, Declaration]
    VersionInlineBase = admin.TabularInline[DeclarationVersion, Declaration]
    ExportExitAlertAdminBase = admin.ModelAdmin[ExportExitAlert]
else:
    PartyInlineBase = DocumentInlineBase = VersionInlineBase = admin.TabularInline
    ExportExitAlertAdminBase = admin.ModelAdmin


class _ReadOnlyInline:
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DeclarationPartyInline(_ReadOnlyInline, PartyInlineBase):
    model = DeclarationParty
    fields = readonly_fields = ("role", "name", "street", "postal_code", "city", "country", "eori")


class DeclarationDocumentInline(_ReadOnlyInline, DocumentInlineBase):
    model = DeclarationDocument
    fields = readonly_fields = ("position", "type_code", "reference", "issued_on")


class DeclarationVersionInline(_ReadOnlyInline, VersionInlineBase):
    model = DeclarationVersion
    fields = readonly_fields = ("number", "created_at", "filed_by", "actor", "changes", "content")


def receipt_display(declaration: Declaration) -> str:
    receipt = receipt_for(
        regime=declaration.regime,
        status=declaration.status,
        hold_reason_code=declaration.hold_reason_code,
    )
    return "-" if receipt is None else f"{receipt.code} {receipt.text}"


def exit_display(declaration: Declaration) -> str:
    if declaration.regime != Regime.EU_EXPORT:
        return "-"
    if declaration.exit_confirmed_at is not None:
        return f"Exited {declaration.exit_confirmed_at:%Y-%m-%d} at {declaration.exit_office}"
    return "Awaiting exit"


@admin.register(ExportExitAlert)
class ExportExitAlertAdmin(ExportExitAlertAdminBase):
    """Raised by beat (customs.flag_missing_export_exits); resolved by a confirmed exit."""

    list_display = ["mrn", "order_reference", "released_at", "raised_at", "resolved_at"]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter)]
    list_select_related = ["declaration"]
    search_fields = ["=declaration__mrn", "declaration__order_reference"]
    readonly_fields = ["declaration_link", "released_at", "raised_at", "resolved_at"]
    fields = ("declaration_link", "released_at", "raised_at", "resolved_at")

    @admin.display(description="MRN", ordering="declaration__mrn")
    def mrn(self, alert: ExportExitAlert) -> str:
        return alert.declaration.mrn

    @admin.display(description="Order", ordering="declaration__order_reference")
    def order_reference(self, alert: ExportExitAlert) -> str:
        return alert.declaration.order_reference

    @admin.display(description="Declaration")
    def declaration_link(self, alert: ExportExitAlert) -> str:
        return format_html(
            '<a href="../../../declaration/{}/change/">{}</a>',
            alert.declaration_id,
            alert.declaration.mrn,
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
