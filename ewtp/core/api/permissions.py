"""Access declared on the endpoint class: an API key, the scopes it needs, the kinds of partner."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from ewtp.core.api.auth import ApiClient


class HasApiKey(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        if not isinstance(request.user, ApiClient):
            raise exceptions.NotAuthenticated(
                "This endpoint needs an API key: 'Authorization: Bearer <key>'."
            )
        return True


class HasRequiredScopes(BasePermission):
    """`required_scopes = {"GET": "orders:read", "POST": "orders:write"}` on the view."""

    def has_permission(self, request: Request, view: Any) -> bool:
        needed: str | None = getattr(view, "required_scopes", {}).get(request.method)
        client = request.user
        if needed is None or not isinstance(client, ApiClient):
            return True
        if needed not in client.scopes:
            raise exceptions.PermissionDenied(
                f"This API key lacks the scope '{needed}'.", code="scope_missing"
            )
        return True


class OrganizationKindAllowed(BasePermission):
    """`allowed_kinds = {"marketplace"}` on the view: other kinds of partner are refused."""

    def has_permission(self, request: Request, view: Any) -> bool:
        kinds: set[str] | None = getattr(view, "allowed_kinds", None)
        client = request.user
        if not kinds or not isinstance(client, ApiClient):
            return True
        if client.organization.kind not in kinds:
            raise exceptions.PermissionDenied(
                f"Organisations of kind '{client.organization.kind}' cannot use this endpoint.",
                code="organization_kind_not_allowed",
            )
        return True
