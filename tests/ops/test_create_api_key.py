"""`manage.py create_api_key`: scripts take the key from the last line of stdout."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from ewtp.core.models import ApiKey, Organization, OrganizationKind

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("create_api_key", *args, stdout=out)
    return out.getvalue()


def test_creates_the_organisation_and_prints_a_working_key_on_the_last_line():
    out = run(
        "acme-market",
        "--kind",
        "marketplace",
        "--scope",
        "orders:read",
        "--scope",
        "catalog:read",
        "--name",
        "integration",
    )

    plain = out.strip().splitlines()[-1]
    org = Organization.objects.get(slug="acme-market")
    key = ApiKey.objects.get(organization=org)
    assert org.kind == OrganizationKind.MARKETPLACE
    assert plain.startswith(f"ewtp_{key.prefix}_")
    assert key.name == "integration"
    assert key.scopes == ["catalog:read", "orders:read"]
    assert key.expires_at is None
    me = APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert me.status_code == 200
    assert me.json()["organization"] == "acme-market"


def test_reuses_an_existing_organisation_and_sets_the_expiry(make_org):
    org = make_org(OrganizationKind.CARRIER, slug="sky-cargo")

    out = run(
        "sky-cargo", "--kind", "carrier", "--scope", "tracking:write", "--expires-in-days", "30"
    )

    key = ApiKey.objects.get(organization=org)
    assert key.expires_at is not None
    assert 29 <= (key.expires_at - key.created_at).days <= 30
    assert "Found organisation sky-cargo" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "pirate", "--scope", "orders:read"], "Unknown kind 'pirate'"),
        (["--kind", "marketplace", "--scope", "orders:steal"], "Unknown scope(s): orders:steal"),
        (["--kind", "marketplace", "--scope", "orders:read", "--expires-in-days", "0"], "positive"),
    ],
)
def test_refuses_bad_input_and_writes_nothing(args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run("new-partner", *args)

    assert not Organization.objects.filter(slug="new-partner").exists()
    assert not ApiKey.objects.exists()


def test_refuses_a_kind_that_contradicts_the_existing_organisation(make_org):
    make_org(OrganizationKind.MERCHANT, slug="chocolates")

    with pytest.raises(CommandError, match="exists as 'merchant'"):
        run("chocolates", "--kind", "carrier", "--scope", "tracking:write")

    assert not ApiKey.objects.exists()
