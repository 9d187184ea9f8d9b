"""A request id on every response and every log line, taken from X-Request-ID when it is sane."""

from __future__ import annotations

import contextvars
import logging
import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "current_request_id", default="-"
)
_SANE = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
HEADER = "X-Request-ID"


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(HEADER, "")
        request_id = incoming if _SANE.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]  # read by the problem handler
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get()
        return True


def carry_into_task(headers: dict[str, object] | None) -> None:
    """Celery `before_task_publish`: a job queued by a request logs with that request's id."""
    request_id = current_request_id.get()
    if headers is not None and request_id != "-":
        headers.setdefault("request_id", request_id)


def adopt_from_task(request: object) -> contextvars.Token[str]:
    """Celery `task_prerun`: the job's log lines carry the id of the request that queued it,
    or the task id when it was not queued by a request (beat, another task)."""
    request_id = getattr(request, "request_id", None) or getattr(request, "id", None) or "-"
    return current_request_id.set(str(request_id))
