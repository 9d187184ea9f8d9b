"""What every marketplace view shares: documented problem responses and cursor pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from ewtp.core.api.base import PartnerApi
from ewtp.core.api.pagination import CreatedCursorPagination

NOT_FOUND = OpenApiResponse(description="No such object, or it belongs to another organisation")
INVALID = OpenApiResponse(description="Invalid fields (problem+json with `errors`)")
CONFLICT = OpenApiResponse(description="Conflicts with the current state (problem+json)")
REFUSED = OpenApiResponse(description="A business rule refused it (problem+json with `code`)")
FORBIDDEN = OpenApiResponse(description="Not allowed, e.g. `merchant_not_approved` (problem+json)")


def paginated(
    view: PartnerApi,
    request: Request,
    queryset: QuerySet[Any],
    serializer: type[serializers.Serializer[Any]],
) -> Response:
    paginator = CreatedCursorPagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer(page, many=True).data)
