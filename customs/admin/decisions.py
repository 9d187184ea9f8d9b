"""Officers' decisions as admin actions: a small form asks for a reason code (from the
decision's list) and a note, then one customs service decides on each selected declaration."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from customs.models import Declaration, OfficerReasonCode
from customs.models.review import REASON_CODES_FOR
from customs.services import (
    declaration_hold,
    declaration_inspect,
    declaration_reject,
    declaration_release,
    declaration_request_information,
    officer_may_decide,
)
from ewtp.core.errors import DomainError
from ewtp.core.models import User

Decide = Callable[..., Any]


class DecisionForm(forms.Form):
    reason_code = forms.ChoiceField(choices=())
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        min_length=3,
        max_length=1000,
        help_text="Shown to the marketplace and the merchant; the decision is audited.",
    )

    def __init__(self, *args: Any, decision: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reason_code"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "---------")] + [
            (code.value, OfficerReasonCode(code).label) for code in REASON_CODES_FOR[decision]
        ]


def _outcome(verb: str, result: Any) -> str | None:
    """A word on a decision that did not move the declaration (a red-lane first approval)."""
    if isinstance(result, Declaration) and verb == "Release" and result.status != "released":
        return "first approval recorded; a second officer must confirm the release"
    return None


def decide(
    modeladmin: admin.ModelAdmin[Any],
    request: HttpRequest,
    queryset: QuerySet[Any],
    *,
    decision: str,
    service: Decide,
    verb: str,
) -> TemplateResponse | None:
    """Ask for the reason code and note, then decide on each selected declaration in its own
    transaction; refusals (a wrong state, the same officer twice) are shown as errors."""
    form = DecisionForm(request.POST if "apply" in request.POST else None, decision=decision)
    if form.is_valid():
        user = request.user
        assert isinstance(user, User)  # the admin only admits signed-in staff
        done = 0
        for declaration in queryset:
            try:
                result = service(
                    declaration=declaration,
                    officer=user,
                    reason_code=form.cleaned_data["reason_code"],
                    note=form.cleaned_data["note"],
                )
            except DomainError as exc:
                modeladmin.message_user(
                    request, f"{declaration.order_reference}: {exc.detail}", messages.ERROR
                )
                continue
            pending = _outcome(verb, result)
            if pending:
                modeladmin.message_user(
                    request, f"{declaration.order_reference}: {pending}.", messages.WARNING
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


class DecisionActions:
    """The decision actions, for any admin of declarations (the list and the review queue).
    Only customs officers see them (the admin permission and the officer role)."""

    actions: Sequence[Any] | None = ["release", "hold", "request_information", "inspect", "reject"]

    def has_decide_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return (
            isinstance(user, User)
            and user.has_perm("customs.change_declaration")
            and officer_may_decide(user)
        )

    def _decide(
        self,
        request: HttpRequest,
        queryset: QuerySet[Any],
        decision: str,
        service: Decide,
        verb: str,
    ) -> TemplateResponse | None:
        assert isinstance(self, admin.ModelAdmin)
        return decide(self, request, queryset, decision=decision, service=service, verb=verb)

    @admin.action(description="Release for entry…", permissions=["decide"])
    def release(self, request: HttpRequest, queryset: QuerySet[Any]) -> TemplateResponse | None:
        return self._decide(request, queryset, "release", declaration_release, "Release")

    @admin.action(description="Hold for a check…", permissions=["decide"])
    def hold(self, request: HttpRequest, queryset: QuerySet[Any]) -> TemplateResponse | None:
        return self._decide(request, queryset, "hold", declaration_hold, "Hold")

    @admin.action(description="Request information from the trader…", permissions=["decide"])
    def request_information(
        self, request: HttpRequest, queryset: QuerySet[Any]
    ) -> TemplateResponse | None:
        return self._decide(
            request,
            queryset,
            "request_information",
            declaration_request_information,
            "Request information on",
        )

    @admin.action(description="Order a physical inspection…", permissions=["decide"])
    def inspect(self, request: HttpRequest, queryset: QuerySet[Any]) -> TemplateResponse | None:
        return self._decide(request, queryset, "inspect", declaration_inspect, "Inspect")

    @admin.action(description="Refuse entry…", permissions=["decide"])
    def reject(self, request: HttpRequest, queryset: QuerySet[Any]) -> TemplateResponse | None:
        return self._decide(request, queryset, "reject", declaration_reject, "Refuse")
