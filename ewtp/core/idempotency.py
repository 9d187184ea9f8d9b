"""`Idempotency-Key` on POST, and all-or-nothing API writes.

Every unsafe API request runs in one transaction; a response of 400 or more rolls back whatever
the handler wrote, so a failed request leaves nothing half-written.

With an `Idempotency-Key`, the key's record is inserted in that same transaction and holds the
stored response. The record is never committed half-way, so:
- same key, same body, after the first committed → the stored response is replayed;
- same key, different body (or another path) → 422 `idempotency_key_reused`;
- same key while the first request is still running → the insert waits on the first one's
  unique-index entry; after a short lock timeout we answer 409 `idempotency_key_in_flight`;
- the first request crashed → its transaction rolled back, no record: the retry runs afresh.
Keys are scoped per API key and kept `IDEMPOTENCY_KEY_TTL_HOURS` (24 h by default).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils import timezone
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from ewtp.core.errors import Conflict, DomainError
from ewtp.core.models import ApiKey, IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = IdempotencyRecord._meta.get_field("key").max_length or 255
REPLAY_HEADER = "Idempotent-Replayed"
IN_FLIGHT_WAIT = "250ms"
REPLAYED_HEADERS = ("Location", "Retry-After")


class _RollBack(Exception):
    """Leaves the handler's savepoint so an error response keeps nothing it wrote."""


def _fingerprint(request: Request) -> str:
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    digest.update(request._request.body)
    return digest.hexdigest()


def _run_in_savepoint(call: Callable[[], Response]) -> Response:
    response: Response | None = None
    try:
        with transaction.atomic():
            response = call()
            if response.status_code >= 400:
                raise _RollBack
    except _RollBack:
        pass
    assert response is not None
    return response


def _claim(api_key: ApiKey, key: str, fingerprint: str) -> IdempotencyRecord | None:
    """Insert the key's placeholder row; return an earlier committed record if there is one."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('lock_timeout')")
        previous = cursor.fetchone()[0]
        try:
            with transaction.atomic():
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [IN_FLIGHT_WAIT])
                cursor.execute(
                    """INSERT INTO core_idempotencyrecord
                       (api_key_id, key, fingerprint, status_code, body, content_type, headers,
                        created_at)
                       VALUES (%s, %s, %s, 0, NULL, '', '{}'::jsonb, now())
                       ON CONFLICT (api_key_id, key) DO NOTHING RETURNING id""",
                    [api_key.pk, key, fingerprint],
                )
                inserted = cursor.fetchone()
        except OperationalError:
            raise Conflict(
                "A request with this Idempotency-Key is still being processed; retry later.",
                code="idempotency_key_in_flight",
            ) from None
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
    if inserted is not None:
        return None
    record = IdempotencyRecord.objects.get(api_key=api_key, key=key)
    ttl = timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    if record.created_at < timezone.now() - ttl:
        record.delete()
        return _claim(api_key, key, fingerprint)
    return record


def run_write(request: Request, api_key: ApiKey | None, call: Callable[[], Response]) -> Response:
    """Run an unsafe request's handler atomically, honouring its Idempotency-Key if any."""
    key = request.headers.get(HEADER)
    if request.method != "POST" or key is None or api_key is None:
        with transaction.atomic():
            return _run_in_savepoint(call)
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise DomainError(
            f"{HEADER} must be 1 to {MAX_KEY_LENGTH} printable characters.",
            code="idempotency_key_invalid",
            status=400,
        )
    fingerprint = _fingerprint(request)
    with transaction.atomic():
        earlier = _claim(api_key, key, fingerprint)
        if earlier is not None:
            if earlier.fingerprint != fingerprint:
                raise DomainError(
                    f"This {HEADER} was used for a different request.",
                    code="idempotency_key_reused",
                )
            data = None if earlier.body is None else json.loads(bytes(earlier.body))
            replay = Response(
                data, status=earlier.status_code, content_type=earlier.content_type or None
            )
            for name, value in earlier.headers.items():
                replay[name] = value
            replay[REPLAY_HEADER] = "true"
            return replay
        response = _run_in_savepoint(call)
        # Kept as the rendered bytes: JSONB cannot hold a \u0000 that a response may echo back.
        body = None if response.data is None else JSONRenderer().render(response.data)
        IdempotencyRecord.objects.filter(api_key=api_key, key=key).update(
            status_code=response.status_code,
            body=body,
            content_type=response.content_type or "application/json",
            headers={h: response[h] for h in REPLAYED_HEADERS if h in response},
        )
        return response


def purge_expired_records() -> int:
    cutoff = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
