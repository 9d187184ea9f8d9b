"""Partner authentication: `Authorization: Bearer <api key>`."""

from __future__ import annotations

from dataclasses import dataclass, field

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from ewtp.core.models import ApiKey, Organization
from ewtp.core.selectors import api_key_find
from ewtp.core.services import api_key_touch


@dataclass(frozen=True)
class ApiClient:
    """The caller behind an API key: what `request.user` is on partner endpoints."""

    organization: Organization
    api_key: ApiKey
    scopes: frozenset[str] = field(default_factory=frozenset)
    is_authenticated: bool = True
    is_anonymous: bool = False

    @property
    def pk(self) -> str:
        return str(self.api_key.pk)


class ApiKeyAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[ApiClient, ApiKey] | None:
        header = get_authorization_header(request).split()
        if not header:
            return None
        if header[0].lower() != self.keyword:
            raise exceptions.AuthenticationFailed(
                "Send the key as 'Authorization: Bearer <key>'.", code="api_key_malformed"
            )
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "The Authorization header must be 'Bearer <key>'.", code="api_key_malformed"
            )
        try:
            presented = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(
                "The API key has characters that cannot be in a key.", code="api_key_malformed"
            ) from None
        key = api_key_find(presented=presented)
        if key is None:
            raise exceptions.AuthenticationFailed("Unknown API key.", code="api_key_invalid")
        if key.revoked_at is not None:
            raise exceptions.AuthenticationFailed(
                "This API key was revoked.", code="api_key_revoked"
            )
        if not key.is_usable:
            raise exceptions.AuthenticationFailed(
                "This API key has expired.", code="api_key_expired"
            )
        api_key_touch(api_key=key)
        return ApiClient(
            organization=key.organization, api_key=key, scopes=frozenset(key.scopes)
        ), key

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "ewtp.core.api.auth.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer"}
