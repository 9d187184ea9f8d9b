from __future__ import annotations

import pytest

from ewtp.core.api.throttling import ApiKeyRateThrottle
from ewtp.core.models import OrganizationKind

pytestmark = pytest.mark.django_db


def test_each_api_key_is_throttled_on_its_own_with_retry_after(
    make_org, partner_client, monkeypatch
):
    monkeypatch.setattr(ApiKeyRateThrottle, "THROTTLE_RATES", {"api_key": "3/min"})
    busy = partner_client(make_org(OrganizationKind.MARKETPLACE))
    quiet = partner_client(make_org(OrganizationKind.MARKETPLACE))

    statuses = [busy.get("/api/v1/me/").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    limited = busy.get("/api/v1/me/")
    assert limited["Content-Type"] == "application/problem+json"
    assert limited.json()["code"] == "throttled"
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert limited.json()["retry_after_seconds"] == int(limited["Retry-After"])
    assert quiet.get("/api/v1/me/").status_code == 200
