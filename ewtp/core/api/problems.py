"""Every API error as an RFC 9457 problem document (`application/problem+json`).

Shape: type, title, status, detail, code (stable, machine-readable), instance, request_id, and
for validation errors `errors: [{field, pointer, code, message}]`, one entry per bad field.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ewtp.core.errors import DomainError

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"

_TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Internal server error",
}


def problem(
    *,
    status_code: int,
    code: str,
    detail: str,
    request: HttpRequest | None = None,
    errors: list[dict[str, str]] | None = None,
    title: str | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"urn:ewtp:problem:{code}",
        "title": title or _TITLES.get(status_code, "Error"),
        "status": status_code,
        "detail": detail,
        "code": code,
    }
    if request is not None:
        body["instance"] = request.path
        body["request_id"] = getattr(request, "request_id", None)
    if errors:
        body["errors"] = errors
    return body


def _pointer(path: list[str]) -> str:
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in path)


def flatten_validation_errors(detail: Any, path: list[str] | None = None) -> list[dict[str, str]]:
    """DRF's nested error detail → a flat list with a dotted field name and a JSON pointer."""
    path = path or []
    out: list[dict[str, str]] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            sub = path if key in ("non_field_errors",) else [*path, str(key)]
            out.extend(flatten_validation_errors(value, sub))
    elif isinstance(detail, list):
        if all(isinstance(d, exceptions.ErrorDetail | str) for d in detail):
            out.extend(_entry(path, d) for d in detail)
        else:
            for index, value in enumerate(detail):
                out.extend(flatten_validation_errors(value, [*path, str(index)]))
    else:
        out.append(_entry(path, detail))
    return out


def _entry(path: list[str], detail: Any) -> dict[str, str]:
    return {
        "field": ".".join(path) or "body",
        "pointer": _pointer(path),
        "code": str(getattr(detail, "code", "invalid")),
        "message": str(detail),
    }


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    request = context.get("request")
    headers: dict[str, str] = {}
    if isinstance(exc, DomainError):
        errors = (
            [
                {
                    "field": exc.field,
                    "pointer": _pointer(exc.field.split(".")),
                    "code": exc.code,
                    "message": exc.detail,
                }
            ]
            if exc.field
            else None
        )
        body = problem(
            status_code=exc.status,
            code=exc.code,
            detail=exc.detail,
            request=request,
            errors=errors,
            title=exc.title,
        )
        return Response(body, status=exc.status, content_type=PROBLEM_CONTENT_TYPE)
    if isinstance(exc, RequestDataTooBig):
        body = problem(
            status_code=413,
            code="body_too_large",
            request=request,
            detail="The request body is larger than this API accepts.",
        )
        return Response(body, status=413, content_type=PROBLEM_CONTENT_TYPE)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: Django's 500 handler answers with a problem document
    assert isinstance(exc, exceptions.APIException)
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten_validation_errors(exc.detail)
        body = problem(
            status_code=response.status_code,
            code="validation_failed",
            detail="The request has invalid fields; see errors.",
            request=request,
            errors=errors,
        )
    else:
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.default_detail)
        body = problem(
            status_code=response.status_code, code=str(code), detail=str(detail), request=request
        )
    for name in ("Retry-After", "WWW-Authenticate", "Allow"):
        if name in response:
            headers[name] = response[name]
    if isinstance(exc, exceptions.Throttled) and "Retry-After" in response:
        body["retry_after_seconds"] = int(response["Retry-After"])
    return Response(
        body, status=response.status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE
    )


def _django_problem(request: HttpRequest, status_code: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse(
        problem(status_code=status_code, code=code, detail=detail, request=request),
        status=status_code,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def api_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return _django_problem(request, status.HTTP_404_NOT_FOUND, "not_found", "No such resource.")


def api_server_error(request: HttpRequest) -> JsonResponse:
    return _django_problem(
        request,
        500,
        "internal_error",
        "Something failed on our side. Quote the request id when reporting it.",
    )


def api_bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return _django_problem(request, 400, "bad_request", "The request could not be understood.")


def api_permission_denied(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return _django_problem(request, 403, "permission_denied", "Not allowed.")
