"""Oversize API bodies are refused with a 413 problem before a byte of them is read."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from ewtp.core.api.problems import PROBLEM_CONTENT_TYPE, problem


class BodySizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > settings.API_MAX_BODY_BYTES:
                return JsonResponse(
                    problem(
                        status_code=413,
                        code="body_too_large",
                        detail=f"Bodies are limited to {settings.API_MAX_BODY_BYTES} bytes.",
                        request=request,
                    ),
                    status=413,
                    content_type=PROBLEM_CONTENT_TYPE,
                )
        return self.get_response(request)
