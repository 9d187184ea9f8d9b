from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from ewtp.core.api.base import PartnerApi


class WhoAmIApi(PartnerApi):
    """The organisation and scopes behind the API key in use: the first call a partner makes."""

    @extend_schema(
        responses=inline_serializer(
            "WhoAmI",
            {
                "organization": serializers.CharField(),
                "organization_name": serializers.CharField(),
                "kind": serializers.CharField(),
                "scopes": serializers.ListField(child=serializers.CharField()),
                "key_prefix": serializers.CharField(),
                "expires_at": serializers.DateTimeField(allow_null=True),
            },
        )
    )
    def get(self, request: Request) -> Response:
        client = self.client(request)
        return Response(
            {
                "organization": client.organization.slug,
                "organization_name": client.organization.name,
                "kind": client.organization.kind,
                "scopes": sorted(client.scopes),
                "key_prefix": client.api_key.prefix,
                "expires_at": client.api_key.expires_at,
            }
        )
