from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from ewtp.core.models import ApiKey, OrganizationKind
from ewtp.core.services import api_key_issue, api_key_revoke

pytestmark = pytest.mark.django_db


def test_issued_key_is_stored_hashed_and_authenticates(make_org, partner_client):
    org = make_org(OrganizationKind.MARKETPLACE)
    client = partner_client(org, scopes=["orders:read"])
    stored = ApiKey.objects.get(organization=org)
    assert client.raw_key.split("_")[2] not in stored.secret_hash

    response = client.get("/api/v1/me/")

    assert response.status_code == 200
    assert response.json()["organization"] == org.slug
    assert response.json()["scopes"] == ["orders:read"]
    stored.refresh_from_db()
    assert stored.last_used_at is not None


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ("Bearer ewtp_nothing_here", "api_key_invalid"),
        ("Bearer not-a-key", "api_key_invalid"),
        ("Basic dXNlcjpwYXNz", "api_key_malformed"),
        ("Bearer", "api_key_malformed"),
    ],
)
def test_bad_keys_get_a_401_problem(header, code):
    client = APIClient()
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code


def test_missing_key_is_a_401_problem(db):
    response = APIClient().get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_revoked_and_expired_keys_are_refused(make_org):
    org = make_org(OrganizationKind.CARRIER)
    key, raw = api_key_issue(organization=org, name="k", scopes=[])
    api_key_revoke(api_key=key)
    response = APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.json()["code"] == "api_key_revoked"

    key2, raw2 = api_key_issue(
        organization=org, name="k2", scopes=[], expires_at=timezone.now() + timedelta(seconds=1)
    )
    ApiKey.objects.filter(pk=key2.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {raw2}")
    assert response.status_code == 401
    assert response.json()["code"] == "api_key_expired"
