"""Routes only the core tests mount: small real views that exercise the shared API machinery."""

from __future__ import annotations

import threading

from django.urls import URLPattern, URLResolver, include, path
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from ewtp.core.api.base import PartnerApi
from ewtp.core.api.serializers import MoneyAmountField, StrictSerializer
from ewtp.core.errors import DomainError
from ewtp.core.models import Organization, OrganizationKind

# Set by a test to hold a request inside its transaction until the test releases it.
gate = threading.Event()
entered = threading.Event()


class _OrganizationIn(StrictSerializer):
    slug = serializers.SlugField()
    name = serializers.CharField(max_length=200)
    fee = MoneyAmountField(required=False)
    fail_after_write = serializers.BooleanField(default=False)
    wait_for_gate = serializers.BooleanField(default=False)


class OrganizationCreateTestApi(PartnerApi):
    required_scopes = {"POST": "catalog:write"}

    def post(self, request: Request) -> Response:
        data = _OrganizationIn(data=request.data)
        data.is_valid(raise_exception=True)
        org = Organization.objects.create(
            slug=data.validated_data["slug"],
            name=data.validated_data["name"],
            kind=OrganizationKind.MERCHANT,
        )
        if data.validated_data["wait_for_gate"]:
            entered.set()
            gate.wait(timeout=10)
        if data.validated_data["fail_after_write"]:
            raise DomainError("Refused after writing.", code="refused_after_write", field="slug")
        return Response({"id": str(org.pk), "slug": org.slug}, status=201)


urlpatterns: list[URLPattern | URLResolver] = [
    path("api/v1/test/organizations/", OrganizationCreateTestApi.as_view()),
    path("", include("ewtp.urls")),
]

# Django resolves error handlers on the root URLconf, so the test URLconf names the same ones.
from ewtp.urls import handler400, handler403, handler404, handler500  # noqa: E402, F401
