"""Platform staff's admin: merchants' onboarding (reviewed through actions that ask for a
reason and go through the services), and read-only views of listings, orders and payments."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join

from ewtp.core.errors import DomainError
from ewtp.core.models import Organization, OrganizationKind, User, UserRole
from marketplace import selectors, services
from marketplace.models import (
    Campaign,
    CampaignListing,
    CampaignStatusChange,
    Checkout,
    ExchangeRate,
    ImportJob,
    MerchantCommission,
    MerchantContact,
    MerchantProfile,
    MerchantStatusChange,
    Order,
    OrderLine,
    OrderLineDiscount,
    OrderStatusChange,
    Payment,
    PayoutLine,
    PayoutStatement,
    Product,
    ProductCertificate,
    ProductStatusChange,
    ProductTranslation,
    Refund,
)
from marketplace.services.merchants import PROFILE_FIELDS

if TYPE_CHECKING:  # generic in the stubs only; Django's classes are not subscriptable at run time
    ProfileAdminBase = admin.ModelAdmin[MerchantProfile]
    ProductAdminBase = admin.ModelAdmin[Product]
    OrderAdminBase = admin.ModelAdmin[Order]
    PaymentAdminBase = admin.ModelAdmin[Payment]
    CheckoutAdminBase = admin.ModelAdmin[Checkout]
    RefundAdminBase = admin.ModelAdmin[Refund]
    SubOrderInlineBase = admin.TabularInline[Order, Checkout]
    RefundInlineBase = admin.TabularInline[Refund, Order]
    StatementAdminBase = admin.ModelAdmin[PayoutStatement]
    ImportJobAdminBase = admin.ModelAdmin[ImportJob]
    CommissionAdminBase = admin.ModelAdmin[MerchantCommission]
    PayoutLineInlineBase = admin.TabularInline[PayoutLine, PayoutStatement]
    RateAdminBase = admin.ModelAdmin[ExchangeRate]
    ContactInlineBase = admin.TabularInline[MerchantContact, MerchantProfile]
    ProfileChangeInlineBase = admin.TabularInline[MerchantStatusChange, MerchantProfile]
    TranslationInlineBase = admin.TabularInline[ProductTranslation, Product]
    CertificateInlineBase = admin.TabularInline[ProductCertificate, Product]
    ProductChangeInlineBase = admin.TabularInline[ProductStatusChange, Product]
    LineInlineBase = admin.TabularInline[OrderLine, Order]
    ChangeInlineBase = admin.TabularInline[OrderStatusChange, Order]
    ProfileFormBase = forms.ModelForm[MerchantProfile]
    CampaignAdminBase = admin.ModelAdmin[Campaign]
    LineDiscountAdminBase = admin.ModelAdmin[OrderLineDiscount]
    CampaignListingInlineBase = admin.TabularInline[CampaignListing, Campaign]
    CampaignChangeInlineBase = admin.TabularInline[CampaignStatusChange, Campaign]
else:
    ProfileFormBase = forms.ModelForm
    ProfileAdminBase = ProductAdminBase = OrderAdminBase = PaymentAdminBase = RateAdminBase = (
        admin.ModelAdmin
    )
    ContactInlineBase = ProfileChangeInlineBase = TranslationInlineBase = admin.TabularInline
    CertificateInlineBase = ProductChangeInlineBase = admin.TabularInline
    LineInlineBase = ChangeInlineBase = admin.TabularInline
    CampaignAdminBase = LineDiscountAdminBase = admin.ModelAdmin
    CampaignListingInlineBase = CampaignChangeInlineBase = admin.TabularInline
    CheckoutAdminBase = RefundAdminBase = admin.ModelAdmin
    SubOrderInlineBase = RefundInlineBase = PayoutLineInlineBase = admin.TabularInline
    StatementAdminBase = CommissionAdminBase = ImportJobAdminBase = admin.ModelAdmin

Move = Callable[..., MerchantProfile]


class ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- merchants


class ReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        min_length=3,
        max_length=1000,
        help_text="Sent to the merchant with the decision; the decision is audited.",
    )


class MerchantProfileForm(ProfileFormBase):
    class Meta:
        model = MerchantProfile
        fields = ["organization", *sorted(PROFILE_FIELDS)]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "organization" in self.fields:
            field = self.fields["organization"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = Organization.objects.filter(
                kind=OrganizationKind.MERCHANT, merchant_profile__isnull=True
            )


class MerchantContactInline(ContactInlineBase):
    model = MerchantContact
    extra = 0
    fields = ("name", "role", "email", "phone", "signed_off_at")


class MerchantStatusChangeInline(ReadOnly, ProfileChangeInlineBase):
    model = MerchantStatusChange
    extra = 0
    fields = readonly_fields = ("changed_at", "from_status", "to_status", "reason", "changed_by")


def _move(
    modeladmin: MerchantProfileAdmin,
    request: HttpRequest,
    queryset: QuerySet[MerchantProfile],
    *,
    service: Move,
    verb: str,
) -> TemplateResponse | None:
    """Ask for the reason, then move each selected profile in its own transaction."""
    form = ReasonForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        user = request.user
        assert isinstance(user, User)  # the admin only admits signed-in staff
        done = 0
        for profile in queryset.select_related("organization"):
            try:
                service(profile=profile, by=user, reason=form.cleaned_data["reason"])
            except DomainError as exc:
                modeladmin.message_user(request, f"{profile}: {exc.detail}", messages.ERROR)
            else:
                done += 1
        if done:
            modeladmin.message_user(request, f"{verb}: {done} merchant(s).", messages.SUCCESS)
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": f"{verb} merchants",
        "verb": verb,
        "profiles": list(queryset.select_related("organization")),
        "form": form,
        "action": request.POST.get("action", ""),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "opts": modeladmin.model._meta,
    }
    return TemplateResponse(request, "admin/marketplace/merchantprofile/move.html", context)


@admin.register(MerchantProfile)
class MerchantProfileAdmin(ProfileAdminBase):
    form = MerchantProfileForm
    list_display = ["organization", "legal_name", "status", "country", "checklist_summary"]
    list_filter = ["status", "country"]
    list_select_related = ["organization"]
    search_fields = ["legal_name", "organization__slug", "organization__name", "vat_number"]
    readonly_fields = ["status", "status_changed_at", "checklist"]
    inlines = [MerchantContactInline, MerchantStatusChangeInline]
    actions = ["start_review", "approve", "reject", "suspend", "reinstate"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(self.readonly_fields)
        return [*fields, "organization"] if obj is not None else fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # onboarding decisions are audited, never erased

    def save_model(
        self, request: HttpRequest, obj: MerchantProfile, form: ModelForm[Any], change: bool
    ) -> None:
        data = {
            name: form.cleaned_data[name] for name in PROFILE_FIELDS if name in form.changed_data
        }
        if change:
            services.merchant_profile_update(profile=obj, data=data)
        else:
            created = services.merchant_profile_create(
                organization=form.cleaned_data["organization"], data=data
            )
            obj.pk = created.pk
            obj._state.adding = False

    @admin.display(description="Checklist")
    def checklist(self, obj: MerchantProfile) -> str:
        if obj.pk is None:
            return "-"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} {}{}</li>",
                (
                    ("✔" if r.met else "✘", r.label, f" — {r.detail}" if r.detail else "")
                    for r in selectors.merchant_checklist(profile=obj)
                ),
            ),
        )

    @admin.display(description="Requirements met")
    def checklist_summary(self, obj: MerchantProfile) -> str:
        items = selectors.merchant_checklist(profile=obj)
        return f"{sum(r.met for r in items)}/{len(items)}"

    def has_review_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return (
            isinstance(user, User)
            and user.has_perm("marketplace.change_merchantprofile")
            and (user.role == UserRole.STAFF or user.is_superuser)
        )

    @admin.action(description="Start review…", permissions=["review"])
    def start_review(
        self, request: HttpRequest, queryset: QuerySet[MerchantProfile]
    ) -> TemplateResponse | None:
        return _move(self, request, queryset, service=services.merchant_review_start, verb="Review")

    @admin.action(description="Approve…", permissions=["review"])
    def approve(
        self, request: HttpRequest, queryset: QuerySet[MerchantProfile]
    ) -> TemplateResponse | None:
        return _move(self, request, queryset, service=services.merchant_approve, verb="Approve")

    @admin.action(description="Reject…", permissions=["review"])
    def reject(
        self, request: HttpRequest, queryset: QuerySet[MerchantProfile]
    ) -> TemplateResponse | None:
        return _move(self, request, queryset, service=services.merchant_reject, verb="Reject")

    @admin.action(description="Suspend…", permissions=["review"])
    def suspend(
        self, request: HttpRequest, queryset: QuerySet[MerchantProfile]
    ) -> TemplateResponse | None:
        return _move(self, request, queryset, service=services.merchant_suspend, verb="Suspend")

    @admin.action(description="Reinstate…", permissions=["review"])
    def reinstate(
        self, request: HttpRequest, queryset: QuerySet[MerchantProfile]
    ) -> TemplateResponse | None:
        return _move(self, request, queryset, service=services.merchant_reinstate, verb="Reinstate")


# --- listings


class ProductTranslationInline(ReadOnly, TranslationInlineBase):
    model = ProductTranslation
    extra = 0
    fields = readonly_fields = ("language", "title")


class ProductCertificateInline(ReadOnly, CertificateInlineBase):
    model = ProductCertificate
    extra = 0
    fields = readonly_fields = ("kind", "number", "issuer", "valid_from", "valid_until", "required")


class ProductStatusChangeInline(ReadOnly, ProductChangeInlineBase):
    model = ProductStatusChange
    extra = 0
    fields = readonly_fields = ("changed_at", "from_status", "to_status", "reason")


@admin.register(Product)
class ProductAdmin(ReadOnly, ProductAdminBase):
    list_display = [
        "sku",
        "title",
        "merchant",
        "hs_code",
        "origin_country",
        "unit_price",
        "currency",
        "stock",
        "status",
    ]
    list_filter = ["status", "category", "currency", "origin_country"]
    list_select_related = ["merchant"]
    search_fields = ["sku", "title", "gtin", "hs_code", "merchant__name"]
    exclude = ["search_vector", "search_titles"]
    inlines = [ProductTranslationInline, ProductCertificateInline, ProductStatusChangeInline]


@admin.register(ExchangeRate)
class ExchangeRateAdmin(ReadOnly, RateAdminBase):
    list_display = ["date", "currency", "rate", "source"]
    list_filter = ["currency", "source"]
    date_hierarchy = "date"


# --- orders


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
        "exchange_rate",
        "exchange_rate_date",
        "presentment_line_total",
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


class RefundInline(ReadOnly, RefundInlineBase):
    model = Refund
    extra = 0
    fields = readonly_fields = (
        "transaction_id",
        "amount",
        "currency",
        "reason",
        "refunded_at",
    )


# Buyers' and payers' ID numbers show masked only: the encrypted token and the HMAC never
# appear on a page (no field lists them), so a screen or a screenshot reveals nothing.
@admin.register(Order)
class OrderAdmin(ReadOnly, OrderAdminBase):
    list_display = [
        "reference",
        "status",
        "marketplace",
        "merchant",
        "total",
        "currency",
        "refunded_total",
        "destination_airport",
        "created_at",
    ]
    list_filter = ["status", "destination_airport", "currency", "quota_state"]
    list_select_related = ["marketplace", "merchant"]
    search_fields = ["reference", "=id", "buyer_name"]
    date_hierarchy = "created_at"
    fields = readonly_fields = (
        "id",
        "checkout",
        "reference",
        "status",
        "marketplace",
        "merchant",
        "payment_provider",
        "buyer_name",
        "buyer_id_number_masked",
        "destination_country",
        "destination_airport",
        "currency",
        "total",
        "refunded_total",
        "presentment_currency",
        "presentment_total",
        "cbec_value_cny",
        "cny_rate",
        "cny_rate_date",
        "quota_year",
        "quota_state",
        "created_at",
        "paid_at",
        "delivered_at",
    )
    inlines = [OrderLineInline, OrderStatusChangeInline, RefundInline]

    @admin.display(description="Buyer's ID number")
    def buyer_id_number_masked(self, order: Order) -> str:
        return order.checkout.buyer_id_masked


class SubOrderInline(ReadOnly, SubOrderInlineBase):
    model = Order
    extra = 0
    show_change_link = True
    fields = readonly_fields = (
        "merchant",
        "status",
        "total",
        "presentment_total",
        "refunded_total",
    )


@admin.register(Checkout)
class CheckoutAdmin(ReadOnly, CheckoutAdminBase):
    list_display = [
        "reference",
        "marketplace",
        "buyer_name",
        "buyer_id_masked",
        "total",
        "currency",
        "destination_country",
        "created_at",
    ]
    list_select_related = ["marketplace"]
    search_fields = ["reference", "=id", "buyer_name"]
    date_hierarchy = "created_at"
    fields = readonly_fields = (
        "id",
        "reference",
        "marketplace",
        "payment_provider",
        "buyer_name",
        "buyer_id_masked",
        "destination_country",
        "destination_airport",
        "currency",
        "total",
        "presentment_currency",
        "presentment_total",
        "created_at",
    )
    inlines = [SubOrderInline]


@admin.register(Payment)
class PaymentAdmin(ReadOnly, PaymentAdminBase):
    list_display = [
        "transaction_id",
        "provider",
        "order",
        "amount",
        "currency",
        "payer_name",
        "payer_id_masked",
        "paid_at",
    ]
    list_select_related = ["provider", "order"]
    search_fields = ["transaction_id", "order__reference"]
    fields = readonly_fields = (
        "id",
        "order",
        "provider",
        "transaction_id",
        "amount",
        "currency",
        "payer_name",
        "payer_id_masked",
        "paid_at",
        "created_at",
    )


@admin.register(Refund)
class RefundAdmin(ReadOnly, RefundAdminBase):
    list_display = ["transaction_id", "provider", "order", "amount", "currency", "refunded_at"]
    list_select_related = ["provider", "order"]
    search_fields = ["transaction_id", "order__reference"]


# --- catalogue imports (started by merchants in the portal or the API; staff read them)


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnly, ImportJobAdminBase):
    list_display = [
        "created_at",
        "merchant",
        "file_name",
        "status",
        "processed_rows",
        "total_rows",
        "created_count",
        "updated_count",
        "unchanged_count",
        "error_count",
    ]
    list_filter = ["status", "file_format"]
    list_select_related = ["merchant"]
    search_fields = ["merchant__slug", "file_name", "=id"]
    exclude = ["source"]  # the uploaded bytes, emptied when the job ends


# --- payouts


class PayoutLineInline(ReadOnly, PayoutLineInlineBase):
    model = PayoutLine
    extra = 0
    fields = readonly_fields = (
        "reference",
        "captured",
        "refunded",
        "commission",
        "payment_fee",
        "net",
        "presentment_currency",
        "exchange_rate",
        "exchange_rate_date",
    )


@admin.register(PayoutStatement)
class PayoutStatementAdmin(ReadOnly, StatementAdminBase):
    """Statements are built by the monthly job or `build_payout_statements`, never by hand."""

    list_display = [
        "merchant",
        "month",
        "currency",
        "status",
        "gross_captured",
        "refunds",
        "commission",
        "payment_fees",
        "net_payout",
    ]
    list_filter = ["status", "currency", "month"]
    list_select_related = ["merchant"]
    search_fields = ["merchant__slug", "merchant__name"]
    inlines = [PayoutLineInline]


@admin.register(MerchantCommission)
class MerchantCommissionAdmin(CommissionAdminBase):
    """A merchant's own commission rate; saved through the service that checks it."""

    list_display = ["merchant", "rate_percent", "updated_at"]
    list_select_related = ["merchant"]
    fields = ["merchant", "rate_percent"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: MerchantCommission, form: Any, change: bool
    ) -> None:
        try:
            saved = services.merchant_commission_set(
                merchant=obj.merchant, rate_percent=obj.rate_percent
            )
        except DomainError as exc:
            self.message_user(request, exc.detail, level=messages.ERROR)
            return
        obj.pk = saved.pk


# --- trade-promotion campaigns (changed by the agencies through the API; staff read them)


class CampaignListingInline(ReadOnly, CampaignListingInlineBase):
    model = CampaignListing
    extra = 0
    fields = readonly_fields = ("product", "added_at")


class CampaignStatusChangeInline(ReadOnly, CampaignChangeInlineBase):
    model = CampaignStatusChange
    extra = 0
    fields = readonly_fields = ("changed_at", "from_status", "to_status", "reason")


@admin.register(Campaign)
class CampaignAdmin(ReadOnly, CampaignAdminBase):
    list_display = [
        "name",
        "agency",
        "destination_country",
        "starts_on",
        "ends_on",
        "discount_kind",
        "discount_value",
        "funded_by",
        "status",
    ]
    list_filter = ["status", "destination_country", "funded_by"]
    list_select_related = ["agency"]
    search_fields = ["name", "=id"]
    inlines = [CampaignListingInline, CampaignStatusChangeInline]


@admin.register(OrderLineDiscount)
class OrderLineDiscountAdmin(ReadOnly, LineDiscountAdminBase):
    list_display = ["order_line", "campaign", "amount", "funded_by", "created_at"]
    list_filter = ["funded_by"]
    list_select_related = ["order_line", "campaign"]


# The trade statistics page registers itself.
from marketplace import statistics_admin  # noqa: E402, F401
