"""Issuing and revoking partner keys in the admin: the plain key is shown once, never stored."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from ewtp.core.models import ApiKey, OrganizationKind

pytestmark = pytest.mark.django_db

KEY = re.compile(r"ewtp_[0-9a-f]{12}_[A-Za-z0-9_-]+")


def test_issuing_a_key_shows_it_once_and_it_authenticates(admin_client, make_org):
    org = make_org(OrganizationKind.CARRIER)

    response = admin_client.post(
        reverse("admin:core_apikey_add"),
        {
            "organization": org.pk,
            "name": "tracking feed",
            "scopes": ["tracking:write", "shipments:read"],
            "expires_at_0": "",
            "expires_at_1": "",
        },
        follow=True,
    )

    assert response.status_code == 200
    key = ApiKey.objects.get(organization=org)
    assert key.scopes == ["shipments:read", "tracking:write"]
    shown = KEY.findall(response.content.decode())
    assert len(shown) == 1
    plain = shown[0]
    assert plain.startswith(f"ewtp_{key.prefix}_")
    me = APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert me.status_code == 200

    page = admin_client.get(reverse("admin:core_apikey_change", args=[key.pk])).content.decode()
    listing = admin_client.get(reverse("admin:core_apikey_changelist")).content.decode()
    for html in (page, listing):
        assert key.prefix in html
        assert plain.split("_", 2)[2] not in html
        assert key.secret_hash not in html


def test_issuing_refuses_an_expiry_in_the_past(admin_client, make_org):
    org = make_org(OrganizationKind.CARRIER)

    response = admin_client.post(
        reverse("admin:core_apikey_add"),
        {
            "organization": org.pk,
            "name": "late",
            "scopes": ["tracking:write"],
            "expires_at_0": "2001-01-01",
            "expires_at_1": "00:00:00",
        },
    )

    assert response.status_code == 200
    assert "must be in the future" in response.content.decode()
    assert not ApiKey.objects.exists()


def test_the_revoke_action_revokes_the_selected_keys(admin_client, make_org, partner_client):
    org = make_org(OrganizationKind.MARKETPLACE)
    client = partner_client(org, scopes=["orders:read"])
    key = ApiKey.objects.get(organization=org)

    response = admin_client.post(
        reverse("admin:core_apikey_changelist"),
        {"action": "revoke_keys", "_selected_action": [str(key.pk)]},
    )

    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert client.get("/api/v1/me/").status_code == 401
    changelist = reverse("admin:core_apikey_changelist")
    assert key.prefix in admin_client.get(f"{changelist}?state=revoked").content.decode()
    assert key.prefix not in admin_client.get(f"{changelist}?state=usable").content.decode()
