"""Bad input of every kind gets a 4xx problem document naming the reason, and writes nothing."""

from __future__ import annotations

import pytest
from django.test import override_settings

from ewtp.core.models import Organization, OrganizationKind

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.urls")]
URL = "/api/v1/test/organizations/"


@pytest.fixture
def client(make_org, partner_client):
    return partner_client(make_org(OrganizationKind.MERCHANT), scopes=["catalog:write"])


def _problem(response, status, code):
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == f"urn:ewtp:problem:{code}"
    assert body["title"]
    assert body["detail"]
    return body


def test_malformed_json(client):
    response = client.post(URL, data='{"slug": ', content_type="application/json")
    _problem(response, 400, "parse_error")


def test_unknown_fields_are_named(client):
    response = client.post(URL, {"slug": "a", "name": "A", "colour": "red"}, format="json")
    body = _problem(response, 400, "validation_failed")
    assert body["errors"] == [
        {
            "field": "colour",
            "pointer": "/colour",
            "code": "unknown_field",
            "message": "Unknown field.",
        }
    ]
    assert not Organization.objects.filter(slug="a").exists()


def test_wrong_types_and_missing_fields_are_each_named(client):
    response = client.post(URL, {"slug": "not a slug!", "fee": 1.5}, format="json")
    body = _problem(response, 400, "validation_failed")
    by_field = {e["field"]: e["code"] for e in body["errors"]}
    assert by_field == {"slug": "invalid", "name": "required", "fee": "invalid"}


def test_a_json_array_instead_of_an_object(client):
    response = client.post(URL, [1, 2], format="json")
    body = _problem(response, 400, "validation_failed")
    assert body["errors"][0]["field"] == "body"


def test_wrong_media_type(client):
    response = client.post(URL, data="slug=a", content_type="application/x-www-form-urlencoded")
    _problem(response, 415, "unsupported_media_type")


@override_settings(API_MAX_BODY_BYTES=1000)
def test_oversize_body_is_refused_before_it_is_read(client):
    response = client.post(URL, {"slug": "big", "name": "x" * 5000}, format="json")
    _problem(response, 413, "body_too_large")
    assert not Organization.objects.filter(slug="big").exists()


def test_missing_scope(make_org, partner_client):
    client = partner_client(make_org(OrganizationKind.MERCHANT), scopes=["orders:read"])
    response = client.post(URL, {"slug": "s", "name": "S"}, format="json")
    _problem(response, 403, "scope_missing")
    assert not Organization.objects.filter(slug="s").exists()


def test_method_not_allowed(client):
    _problem(client.delete(URL), 405, "method_not_allowed")


def test_unknown_api_path_is_a_problem_not_html(client):
    response = client.get("/api/v1/no-such-thing/")
    _problem(response, 404, "not_found")


def test_request_id_is_echoed_when_sane_and_replaced_when_not(client):
    sane = client.get("/api/v1/me/", HTTP_X_REQUEST_ID="abc-123-def-456")
    assert sane["X-Request-ID"] == "abc-123-def-456"
    insane = client.get("/api/v1/me/", HTTP_X_REQUEST_ID="<script>")
    assert insane["X-Request-ID"] != "<script>"
    assert len(insane["X-Request-ID"]) == 32


def test_problem_carries_the_request_id(client):
    response = client.post(
        URL, data="{", content_type="application/json", HTTP_X_REQUEST_ID="req-000000042"
    )
    assert response.json()["request_id"] == "req-000000042"
