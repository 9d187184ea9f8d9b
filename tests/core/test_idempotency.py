from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from ewtp.core.models import IdempotencyRecord, Organization, OrganizationKind
from ewtp.core.services import api_key_issue
from tests.core import urls as test_urls

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.urls")]
URL = "/api/v1/test/organizations/"


@pytest.fixture
def client(make_org, partner_client):
    return partner_client(make_org(OrganizationKind.MERCHANT), scopes=["catalog:write"])


def test_same_key_and_body_replays_the_first_response_and_creates_once(client):
    body = {"slug": "acme", "name": "Acme"}
    first = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Organization.objects.filter(slug="acme").count() == 1


def test_same_key_with_a_different_body_is_a_422(client):
    client.post(URL, {"slug": "acme", "name": "Acme"}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    response = client.post(
        URL, {"slug": "other", "name": "Other"}, format="json", HTTP_IDEMPOTENCY_KEY="k-2"
    )
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert not Organization.objects.filter(slug="other").exists()


def test_keys_are_scoped_per_api_key(client, make_org, partner_client):
    other = partner_client(make_org(OrganizationKind.MERCHANT), scopes=["catalog:write"])
    client.post(URL, {"slug": "a1", "name": "A"}, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    response = other.post(
        URL, {"slug": "b1", "name": "B"}, format="json", HTTP_IDEMPOTENCY_KEY="shared"
    )
    assert response.status_code == 201
    assert Organization.objects.filter(slug__in=["a1", "b1"]).count() == 2


def test_an_expired_key_runs_the_request_afresh(client):
    client.post(URL, {"slug": "old", "name": "Old"}, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))
    Organization.objects.filter(slug="old").delete()

    response = client.post(
        URL, {"slug": "old", "name": "Old"}, format="json", HTTP_IDEMPOTENCY_KEY="k-3"
    )
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Organization.objects.filter(slug="old").count() == 1


def test_a_failed_write_leaves_nothing_and_the_key_is_free_for_the_retry(client):
    failed = client.post(
        URL,
        {"slug": "half", "name": "Half", "fail_after_write": True},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-4",
    )
    assert failed.status_code == 422
    assert failed.json()["errors"][0]["field"] == "slug"
    assert not Organization.objects.filter(slug="half").exists()

    replay = client.post(
        URL,
        {"slug": "half", "name": "Half", "fail_after_write": True},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-4",
    )
    assert replay.status_code == 422
    assert replay["Idempotent-Replayed"] == "true"


def test_an_overlong_key_is_a_400(client):
    response = client.post(
        URL, {"slug": "x", "name": "X"}, format="json", HTTP_IDEMPOTENCY_KEY="k" * 300
    )
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_invalid"
    assert not Organization.objects.filter(slug="x").exists()


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_duplicate_in_flight_is_a_409_and_creates_nothing(live_server):
    org = Organization.objects.create(slug="m", name="M", kind=OrganizationKind.MERCHANT)
    _, raw = api_key_issue(organization=org, name="k", scopes=["catalog:write"])
    headers = {"Authorization": f"Bearer {raw}", "Idempotency-Key": "race"}
    body = {"slug": "racer", "name": "Racer", "wait_for_gate": True}
    test_urls.gate.clear()
    test_urls.entered.clear()
    results: dict[str, requests.Response] = {}

    def first() -> None:
        results["first"] = requests.post(
            live_server.url + URL, json=body, headers=headers, timeout=20
        )

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert test_urls.entered.wait(timeout=10), "first request never reached the handler"
        second = requests.post(live_server.url + URL, json=body, headers=headers, timeout=20)
    finally:
        test_urls.gate.set()
        thread.join(timeout=20)

    assert second.status_code == 409
    assert second.json()["code"] == "idempotency_key_in_flight"
    assert results["first"].status_code == 201
    assert Organization.objects.filter(slug="racer").count() == 1
    third = requests.post(live_server.url + URL, json=body, headers=headers, timeout=20)
    assert third.status_code == 201
    assert third.headers["Idempotent-Replayed"] == "true"


def test_a_response_that_echoes_a_nul_character_is_stored_and_replayed(client):
    body = {"slug": "nul", "name": "Nul", "\u0000": 1}
    first = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-nul")
    second = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-nul")

    assert first.status_code == second.status_code == 400
    assert second.json() == first.json()
    assert first.json()["errors"][0]["field"] == "\u0000"
