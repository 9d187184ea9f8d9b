"""Writes of the platform core: organisations and API keys."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from ewtp.core.errors import DomainError
from ewtp.core.models import ApiKey, Organization, OrganizationKind
from ewtp.core.scopes import ALL_SCOPES

KEY_PREFIX = "ewtp"


def hash_api_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def organization_get_or_create(
    *, slug: str, kind: str, name: str | None = None, country: str = "BE"
) -> tuple[Organization, bool]:
    """An organisation by slug; a new one is created with the given kind."""
    if kind not in OrganizationKind.values:
        raise DomainError(f"Unknown organisation kind {kind!r}.", code="unknown_kind", field="kind")
    return Organization.objects.get_or_create(
        slug=slug,
        defaults={"kind": kind, "name": name or slug.replace("-", " ").title(), "country": country},
    )


def api_key_material(*, seed: bytes | None = None) -> tuple[str, str]:
    """The public prefix and the secret of a new key: random, or derived from `seed` (demo only)."""
    if seed is None:
        return secrets.token_hex(6), secrets.token_urlsafe(32)
    prefix = hmac.new(seed, b"prefix", hashlib.sha256).hexdigest()[:12]
    secret = base64.urlsafe_b64encode(hmac.new(seed, b"secret", hashlib.sha256).digest())
    return prefix, secret.decode().rstrip("=")


def api_key_plain(*, prefix: str, secret: str) -> str:
    return f"{KEY_PREFIX}_{prefix}_{secret}"


@transaction.atomic
def api_key_issue(
    *,
    organization: Organization,
    name: str,
    scopes: list[str],
    expires_at: datetime | None = None,
    seed: bytes | None = None,
) -> tuple[ApiKey, str]:
    """Issue a key. The returned plain key is shown once and never stored.

    `seed` is for demo data only: the same seed always yields the same key, so the keys printed
    by `seed_demo` stay valid across reseeds. Without it (always, in production) both the prefix
    and the secret are random.
    """
    unknown = sorted(set(scopes) - ALL_SCOPES)
    if unknown:
        raise DomainError(
            f"Unknown scope(s): {', '.join(unknown)}.", code="unknown_scope", field="scopes"
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise DomainError(
            "Expiry must be in the future.", code="expiry_in_past", field="expires_at"
        )
    prefix, secret = api_key_material(seed=seed)
    key = ApiKey.objects.create(
        organization=organization,
        name=name,
        prefix=prefix,
        secret_hash=hash_api_secret(secret),
        scopes=sorted(set(scopes)),
        expires_at=expires_at,
    )
    return key, api_key_plain(prefix=prefix, secret=secret)


@transaction.atomic
def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    """Revoke a key at once. Revoking twice keeps the first revocation time."""
    locked = ApiKey.objects.select_for_update().get(pk=api_key.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
    return locked


def api_key_touch(*, api_key: ApiKey) -> None:
    """Record use, at most once a minute per key so authentication stays write-free on hot paths."""
    now = timezone.now()
    if api_key.last_used_at is None or (now - api_key.last_used_at).total_seconds() > 60:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
