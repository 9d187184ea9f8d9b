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


def test_a_client_set_forwarded_for_header_does_not_escape_the_per_ip_limit(db, monkeypatch):
    from rest_framework.test import APIClient

    from ewtp.core.api.throttling import PublicRateThrottle

    monkeypatch.setattr(PublicRateThrottle, "THROTTLE_RATES", {"public": "2/min"})
    client = APIClient()
    statuses = [
        client.get(
            "/api/v1/track/XX000000000BE/", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}"
        ).status_code
        for i in range(3)
    ]
    assert statuses[-1] == 429
