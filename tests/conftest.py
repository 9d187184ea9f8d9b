"""Shared fixtures: real PostgreSQL (pytest-django), real Redis (a database per xdist worker)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings
from django.core.cache import cache
from pytest_django import DjangoDbBlocker
from rest_framework.test import APIClient

from ewtp.core.models import Organization, OrganizationKind
from ewtp.core.scopes import ALL_SCOPES
from ewtp.core.services import api_key_issue
from logistics.services.partitions import tracking_partitions_ensure
from tests.factories import OrganizationFactory


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> None:
    """A test database kept between runs (--reuse-db) was migrated months ago: its tracking
    partitions are brought up to this month and the months ahead, as the beat job does."""
    with django_db_blocker.unblock():
        tracking_partitions_ensure()


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Throttle counters and cached values never leak from one test into the next.

    Only this run's keys go: a FLUSHDB would also empty the broker queues and another
    checkout's keys in the same Redis database.
    """
    client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]  # Django's client
    keys = list(client.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*", count=500))
    if keys:
        client.delete(*keys)


@pytest.fixture
def make_org(db: None) -> Callable[..., Organization]:
    def make(kind: str = OrganizationKind.MERCHANT, **kwargs: object) -> Organization:
        return OrganizationFactory.create(kind=kind, **kwargs)

    return make


@pytest.fixture
def partner_client(db: None) -> Callable[..., APIClient]:
    """An APIClient holding a fresh key of `organization` (all scopes unless told)."""

    def make(organization: Organization, scopes: list[str] | None = None) -> APIClient:
        _, raw = api_key_issue(
            organization=organization,
            name="test key",
            scopes=sorted(ALL_SCOPES) if scopes is None else scopes,
        )
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        client.raw_key = raw  # type: ignore[attr-defined]  # some tests send it by hand
        return client

    return make
