"""One base class per audience. Each declares its authentication, access and throttling.

Views subclass these, set `required_scopes` / `allowed_kinds`, parse input with a serializer,
call one service and render. Unsafe methods run atomically and honour Idempotency-Key.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ewtp.core.api.auth import ApiClient, ApiKeyAuthentication
from ewtp.core.api.pagination import CreatedCursorPagination
from ewtp.core.api.permissions import HasApiKey, HasRequiredScopes, OrganizationKindAllowed
from ewtp.core.api.throttling import ApiKeyRateThrottle, PublicRateThrottle
from ewtp.core.idempotency import run_write
from ewtp.core.models import Organization

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class AtomicWritesApi(APIView):
    """Runs unsafe requests in one transaction (rolled back on an error response)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        # DRF's dispatch, with the handler call wrapped by run_write for unsafe methods.
        self.args = args
        self.kwargs = kwargs
        drf_request = self.initialize_request(request, *args, **kwargs)
        self.request = drf_request
        self.headers = self.default_response_headers
        try:
            self.initial(drf_request, *args, **kwargs)
            method = (drf_request.method or "").lower()
            handler = (
                getattr(self, method, self.http_method_not_allowed)
                if method in self.http_method_names
                else self.http_method_not_allowed
            )
            if method.upper() in SAFE_METHODS:
                response = handler(drf_request, *args, **kwargs)
            else:

                def call() -> Response:
                    try:
                        result: Response = handler(drf_request, *args, **kwargs)
                    except Exception as exc:  # noqa: BLE001  # 4xx become responses; 5xx re-raise
                        return self.handle_exception(exc)
                    return result

                api_key = getattr(drf_request.user, "api_key", None)
                response = run_write(drf_request, api_key, call)
        except Exception as exc:  # noqa: BLE001  # DRF's own dispatch does the same
            response = self.handle_exception(exc)
        self.response = self.finalize_response(drf_request, response, *args, **kwargs)
        return self.response


class PartnerApi(AtomicWritesApi):
    """Partner systems, authenticated by API key, scoped, throttled per key."""

    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [HasApiKey, HasRequiredScopes, OrganizationKindAllowed]
    throttle_classes = [ApiKeyRateThrottle]
    required_scopes: dict[str, str] = {}
    allowed_kinds: set[str] | None = None

    def client(self, request: Request) -> ApiClient:
        user = request.user
        assert isinstance(user, ApiClient)  # guaranteed by HasApiKey
        return user

    def organization(self, request: Request) -> Organization:
        return self.client(request).organization

    def paginated_response(
        self,
        request: Request,
        queryset: QuerySet[Any],
        serializer: type[serializers.BaseSerializer[Any]],
    ) -> Response:
        """One cursor page of `queryset`, paged by the view's `pagination_class`."""
        paginator = (getattr(self, "pagination_class", None) or CreatedCursorPagination)()
        page = paginator.paginate_queryset(queryset, request, view=self) or []
        return paginator.get_paginated_response(serializer(page, many=True).data)


class PublicApi(AtomicWritesApi):
    """Anyone, no credentials; throttled per client IP."""

    authentication_classes: list[type] = []
    permission_classes: list[type] = []
    throttle_classes = [PublicRateThrottle]
