"""/healthz: the process answers. /readyz: PostgreSQL, Redis and a Celery worker answer."""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from ewtp.celery import app as celery_app


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _check(fn: Any) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        detail = fn()
    except Exception as exc:  # noqa: BLE001  # any failure means "not ready", reported by name
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1), **(detail or {})}


def _postgres() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _redis() -> None:
    cache.set("readyz", "1", timeout=5)
    if cache.get("readyz") != "1":
        raise RuntimeError("Redis did not return what was written")


def _celery() -> dict[str, Any]:
    replies = celery_app.control.ping(timeout=1.0)
    if not replies:
        raise RuntimeError("no Celery worker answered a ping within 1 s")
    return {"workers": sorted(name for reply in replies for name in reply)}


@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {"postgres": _check(_postgres), "redis": _check(_redis), "celery": _check(_celery)}
    ready = all(c["ok"] for c in checks.values())
    return JsonResponse(
        {"status": "ready" if ready else "not_ready", "checks": checks},
        status=200 if ready else 503,
    )
