"""/api/v1/webhooks/endpoints/: register, list, show, change, delete, rotate the secret."""

from __future__ import annotations

import pytest
from django.test import override_settings

from ewtp.events.models import WebhookEndpoint, WebhookSecret
from tests.events.conftest import EVENT_TYPE

pytestmark = pytest.mark.django_db

ENDPOINTS = "/api/v1/webhooks/endpoints/"


def _create(client, **body):
    return client.post(ENDPOINTS, {"url": "http://127.0.0.1:8443/hooks", **body}, format="json")


def test_create_shows_the_secret_once(make_org, partner_client):
    org = make_org()
    client = partner_client(org, scopes=["webhooks:manage"])

    created = _create(client, description="orders", event_types=[EVENT_TYPE, EVENT_TYPE])

    assert created.status_code == 201
    body = created.json()
    assert body["secret"].startswith("whsec_")
    assert body["event_types"] == [EVENT_TYPE]
    assert body["is_active"] is True
    assert created["Location"] == f"{ENDPOINTS}{body['id']}/"
    endpoint = WebhookEndpoint.objects.get(pk=body["id"])
    assert endpoint.organization == org
    assert WebhookSecret.objects.get(endpoint=endpoint).secret == body["secret"]

    shown = client.get(f"{ENDPOINTS}{body['id']}/")
    listed = client.get(ENDPOINTS)
    assert shown.status_code == 200
    assert "secret" not in shown.json()
    assert [e["id"] for e in listed.json()["results"]] == [body["id"]]
    assert "secret" not in listed.json()["results"][0]


def test_a_forbidden_url_is_a_422_problem_naming_the_url_and_writes_nothing(
    make_org, partner_client
):
    client = partner_client(make_org())

    with override_settings(WEBHOOK_ALLOW_LOOPBACK=False):
        response = _create(client, url="https://169.254.169.254/latest/meta-data/")

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "webhook_url_forbidden"
    assert [(e["field"], e["code"]) for e in problem["errors"]] == [
        ("url", "webhook_url_forbidden")
    ]
    assert not WebhookEndpoint.objects.exists()


def test_bad_fields_are_a_400_problem_with_one_error_per_field(make_org, partner_client):
    client = partner_client(make_org())

    response = client.post(
        ENDPOINTS,
        {"url": "not a url", "event_types": ["ok.type", "Bad Type!"], "description": "x" * 201},
        format="json",
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "validation_failed"
    assert {e["field"] for e in problem["errors"]} == {"url", "event_types.1", "description"}
    assert not WebhookEndpoint.objects.exists()
    assert not WebhookSecret.objects.exists()


def test_an_unknown_field_is_refused(make_org, partner_client):
    client = partner_client(make_org())

    response = _create(client, secret="whsec_mine")

    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("secret", "unknown_field")
    ]
    assert not WebhookEndpoint.objects.exists()


def test_the_scope_is_required(make_org, partner_client):
    client = partner_client(make_org(), scopes=["orders:read"])

    listed = client.get(ENDPOINTS)
    created = _create(client)

    assert (listed.status_code, created.status_code) == (403, 403)
    assert created.json()["code"] == "scope_missing"
    assert not WebhookEndpoint.objects.exists()


def test_update_changes_only_what_is_given_and_checks_a_new_url(make_org, partner_client):
    client = partner_client(make_org())
    endpoint_id = _create(client, description="before", event_types=[EVENT_TYPE]).json()["id"]
    url = f"{ENDPOINTS}{endpoint_id}/"

    changed = client.patch(url, {"description": "after"}, format="json")
    with override_settings(WEBHOOK_ALLOW_LOOPBACK=False):
        refused = client.patch(url, {"url": "https://10.0.0.1/hooks"}, format="json")

    assert changed.status_code == 200
    assert (changed.json()["description"], changed.json()["event_types"]) == ("after", [EVENT_TYPE])
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "url"
    assert WebhookEndpoint.objects.get(pk=endpoint_id).url == "http://127.0.0.1:8443/hooks"


def test_a_partner_can_disable_and_enable_its_endpoint(make_org, partner_client):
    client = partner_client(make_org())
    url = f"{ENDPOINTS}{_create(client).json()['id']}/"

    disabled = client.patch(url, {"is_active": False}, format="json").json()
    enabled = client.patch(url, {"is_active": True}, format="json").json()

    assert (disabled["is_active"], disabled["disabled_reason"]) == (
        False,
        "Disabled by the partner.",
    )
    assert disabled["disabled_at"] is not None
    assert (enabled["is_active"], enabled["disabled_at"], enabled["disabled_reason"]) == (
        True,
        None,
        "",
    )


def test_delete_removes_the_endpoint(make_org, partner_client):
    client = partner_client(make_org())
    endpoint_id = _create(client).json()["id"]

    response = client.delete(f"{ENDPOINTS}{endpoint_id}/")

    assert response.status_code == 204
    assert not WebhookEndpoint.objects.filter(pk=endpoint_id).exists()
    assert client.get(f"{ENDPOINTS}{endpoint_id}/").status_code == 404


def test_rotate_returns_the_new_secret_once_and_keeps_the_old_for_the_grace(
    make_org, partner_client
):
    client = partner_client(make_org())
    created = _create(client).json()

    response = client.post(
        f"{ENDPOINTS}{created['id']}/rotate-secret/", {"grace_period_hours": 2}, format="json"
    )

    assert response.status_code == 200
    body = response.json()
    assert body["secret"].startswith("whsec_")
    assert body["secret"] != created["secret"]
    old = WebhookSecret.objects.get(secret=created["secret"])
    assert old.expires_at is not None
    assert old.expires_at.isoformat().replace("+00:00", "Z") == body["previous_secrets_expire_at"]


def test_rotate_with_an_empty_body_uses_the_default_grace(make_org, partner_client):
    client = partner_client(make_org())
    created = _create(client).json()

    response = client.post(f"{ENDPOINTS}{created['id']}/rotate-secret/")

    assert response.status_code == 200
    old = WebhookSecret.objects.get(secret=created["secret"])
    new = WebhookSecret.objects.get(secret=response.json()["secret"])
    assert old.expires_at is not None
    assert round((old.expires_at - new.created_at).total_seconds()) == 24 * 3600


def test_an_organisation_can_have_at_most_twenty_endpoints(make_org, partner_client):
    client = partner_client(make_org())
    for _ in range(20):
        assert _create(client).status_code == 201

    response = _create(client)

    assert response.status_code == 409
    assert response.json()["code"] == "webhook_endpoint_limit_reached"
    assert WebhookEndpoint.objects.count() == 20
