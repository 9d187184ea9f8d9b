"""Fuzz every operation of the API against its own OpenAPI schema: no 500s, no schema violations.

Each case is sent with a key of an organisation kind the endpoint admits (read from the view's
`allowed_kinds`), so generated requests reach the handlers and not just the permission check.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import Resolver404, resolve
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, reject, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ewtp.core.models import Organization, OrganizationKind
from ewtp.core.scopes import ALL_SCOPES
from ewtp.core.services import api_key_issue
from ewtp.wsgi import application

pytestmark = pytest.mark.contract


def _schema_dict() -> dict[str, Any]:
    generator = SchemaGenerator()
    return generator.get_schema(request=None, public=True)  # type: ignore[no-any-return]


# A CSV upload (a carrier's manifest) is sent as the text it is, as for text/plain.
schemathesis.serializers.register("text/csv")(schemathesis.serializers.TextSerializer)

# Positive cases follow the schema; negative ones break it on purpose and must get a 4xx.
schema = schemathesis.from_dict(
    _schema_dict(),
    app=application,
    data_generation_methods=schemathesis.DataGenerationMethod.all(),
)


@pytest.fixture
def _keep_test_connection() -> Iterator[None]:
    """Like Django's test client: requests must not close the test's transaction connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def keys_by_kind(db: None) -> dict[str, str]:
    keys = {}
    for kind in OrganizationKind.values:
        org = Organization.objects.create(
            slug=f"fuzz-{kind}".replace("_", "-"), name=kind, kind=kind
        )
        _, raw = api_key_issue(organization=org, name="fuzz", scopes=sorted(ALL_SCOPES))
        keys[kind] = raw
    return keys


def _kind_for(path: str) -> str:
    try:
        match = resolve(path)
    except Resolver404:
        return OrganizationKind.MARKETPLACE
    view_class = getattr(match.func, "view_class", None)
    kinds: set[str] = getattr(view_class, "allowed_kinds", None) or {OrganizationKind.MARKETPLACE}
    return sorted(kinds)[0]


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
@pytest.mark.django_db
@pytest.mark.usefixtures("_keep_test_connection")
def test_api_honours_its_schema(case: Any, keys_by_kind: dict[str, str]) -> None:
    if case.media_type == "multipart/form-data" and not isinstance(case.body, dict):
        # A negative case may make the whole form a scalar, which no client can encode as
        # multipart/form-data (the test client itself fails): not a request, so not a case.
        reject()
    key = keys_by_kind[_kind_for(case.formatted_path)]
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {key}"}
    response = case.call()
    case.validate_response(
        response,
        checks=(
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ),
    )
