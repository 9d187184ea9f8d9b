"""The officers' and platform staff's admin for organisations, users and API keys.

API keys are issued and revoked through the core services, never saved directly: the plain key
exists only in the response to the person who issued it, shown once as a message.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from ewtp.core.models import ApiKey, Organization, User
from ewtp.core.scopes import Scope
from ewtp.core.services import api_key_issue, api_key_revoke

if TYPE_CHECKING:  # generic in the stubs only; Django's classes are not subscriptable at run time
    OrganizationAdminBase = admin.ModelAdmin[Organization]
    ApiKeyAdminBase = admin.ModelAdmin[ApiKey]
    ApiKeyFormBase = forms.ModelForm[ApiKey]
    UserAdminBase = DjangoUserAdmin[User]
else:
    OrganizationAdminBase = ApiKeyAdminBase = admin.ModelAdmin
    UserAdminBase = DjangoUserAdmin
    ApiKeyFormBase = forms.ModelForm

admin.site.site_header = "eWTP officers' admin"
admin.site.site_title = "eWTP admin"
admin.site.index_title = "Customs, logistics and platform administration"


@admin.register(Organization)
class OrganizationAdmin(OrganizationAdminBase):
    list_display = ["name", "slug", "kind", "country", "vat_number", "eori", "created_at"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "slug", "vat_number", "eori"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at"]


@admin.register(User)
class UserAdmin(UserAdminBase):
    list_display = ["username", "email", "organization", "role", "is_staff", "is_active"]
    list_filter = ["role", "is_staff", "is_superuser", "is_active", "organization__kind"]
    list_select_related = ["organization"]
    search_fields = ["username", "first_name", "last_name", "email", "organization__name"]
    autocomplete_fields = ["organization"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("Organisation", {"fields": ("organization", "role")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        ("Organisation", {"fields": ("organization", "role")}),
    )


class ApiKeyIssueForm(ApiKeyFormBase):
    """What the person issuing a key chooses; prefix and secret are the service's to make."""

    scopes = forms.MultipleChoiceField(
        # The code is what partners see in the API docs and in 403 problems; show both.
        choices=[(scope.value, f"{scope.value} — {scope.label}") for scope in Scope],
        widget=forms.CheckboxSelectMultiple,
        help_text="Grant only what this partner's integration calls.",
    )

    class Meta:
        model = ApiKey
        fields = ["organization", "name", "scopes", "expires_at"]
        help_texts = {"expires_at": "Leave empty for a key that does not expire (UTC)."}

    def clean_expires_at(self) -> datetime | None:
        expires_at: datetime | None = self.cleaned_data.get("expires_at")
        if expires_at is not None and expires_at <= timezone.now():
            raise forms.ValidationError("The expiry must be in the future.")
        return expires_at


class ApiKeyStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("usable", "Usable"), ("revoked", "Revoked"), ("expired", "Expired")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> QuerySet[ApiKey]:
        now = timezone.now()
        match self.value():
            case "usable":
                return queryset.filter(revoked_at__isnull=True).exclude(expires_at__lte=now)
            case "revoked":
                return queryset.filter(revoked_at__isnull=False)
            case "expired":
                return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        return queryset


CHANGE_FIELDS = (
    "prefix",
    "organization",
    "name",
    "scopes",
    "expires_at",
    "created_at",
    "revoked_at",
    "last_used_at",
)


@admin.register(ApiKey)
class ApiKeyAdmin(ApiKeyAdminBase):
    list_display = [
        "prefix",
        "organization",
        "name",
        "scope_list",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]
    list_filter = ["organization__kind", ApiKeyStateFilter]
    list_select_related = ["organization"]
    search_fields = ["prefix", "name", "organization__name", "organization__slug"]
    autocomplete_fields = ["organization"]
    actions = ["revoke_keys"]
    # Never the secret hash: it is useless to a person and only widens what a leak exposes.
    readonly_fields = [
        "prefix",
        "organization",
        "scopes",
        "expires_at",
        "created_at",
        "revoked_at",
        "last_used_at",
    ]

    def get_form(
        self, request: HttpRequest, obj: ApiKey | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[ApiKey]]:
        if obj is None:
            kwargs["form"] = ApiKeyIssueForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> tuple[str, ...]:
        return tuple(ApiKeyIssueForm.Meta.fields) if obj is None else CHANGE_FIELDS

    def get_readonly_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> list[str]:
        return [] if obj is None else list(self.readonly_fields)

    def has_delete_permission(self, request: HttpRequest, obj: ApiKey | None = None) -> bool:
        return False  # keys are revoked, so their use stays traceable

    @admin.display(description="Scopes")
    def scope_list(self, obj: ApiKey) -> str:
        return ", ".join(obj.scopes)

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        if change:
            obj.save(update_fields=["name"])  # the name is the only thing editable on a key
            return
        issued, plain = api_key_issue(
            organization=form.cleaned_data["organization"],
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            expires_at=form.cleaned_data["expires_at"],
        )
        # The admin goes on to log and redirect with `obj`; make it the row the service wrote.
        obj.pk = issued.pk
        obj.prefix = issued.prefix
        obj.secret_hash = issued.secret_hash
        obj.scopes = issued.scopes
        obj.created_at = issued.created_at
        obj._state.adding = False
        messages.warning(
            request,
            f"The new key for {issued.organization.name} is {plain} — copy it now: "
            "it is shown only this once and cannot be recovered.",
        )

    @admin.action(description="Revoke the selected API keys now", permissions=["change"])
    def revoke_keys(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        revoked = [api_key_revoke(api_key=key) for key in queryset.filter(revoked_at__isnull=True)]
        self.message_user(request, f"Revoked {len(revoked)} API key(s).", messages.SUCCESS)
