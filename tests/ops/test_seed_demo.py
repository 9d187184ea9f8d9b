"""`manage.py seed_demo`: the demo tenants, sign-ins and keys, the same on every run."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient
from stdnum.be import vat

from ewtp.core.management.commands._demo_tenants import (
    ADMIN_PASSWORD,
    MERCHANT_PASSWORD,
    OFFICER_PASSWORD,
    belgian_vat,
)
from ewtp.core.management.commands.setup_roles import CUSTOMS_OFFICERS
from ewtp.core.models import ApiKey, Organization, OrganizationKind, User
from ewtp.core.services import api_key_revoke
from marketplace.selectors import conversion_rate, exchange_rate_latest_date, product_list

pytestmark = pytest.mark.django_db

MERCHANT_SLUGS = {
    "chocolatier-bruges",
    "brasserie-namur",
    "gaufres-liege",
    "cosmetiques-bruxelles",
    "antwerp-diamonds",
}
KEY_LINE = re.compile(r"^\s+(ewtp_\S+)$", re.MULTILINE)


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_merchants_have_valid_belgian_vat_and_eori_numbers():
    seed()

    merchants = Organization.objects.filter(kind=OrganizationKind.MERCHANT)
    assert set(merchants.values_list("slug", flat=True)) == MERCHANT_SLUGS
    for merchant in merchants:
        assert vat.is_valid(merchant.vat_number), merchant.vat_number
        assert re.fullmatch(r"BE0\d{9}", merchant.vat_number)
        assert merchant.eori == "BE" + vat.compact(merchant.vat_number)
        assert merchant.users.filter(role="admin").exists()
        assert product_list(merchant=merchant).exists()


def test_demo_orders_can_be_shown_in_the_buyers_currency():
    seed()

    newest = exchange_rate_latest_date()
    assert newest is not None
    rate = conversion_rate(base="EUR", quote="CNY", on=newest)
    assert rate.rate > 0
    assert rate.date == newest


def test_a_second_run_prints_the_same_working_keys_and_adds_nothing():
    first = seed()
    counts = (Organization.objects.count(), User.objects.count(), ApiKey.objects.count())

    second = seed()

    keys = KEY_LINE.findall(second)
    assert len(keys) == 6
    assert keys == KEY_LINE.findall(first)
    assert (Organization.objects.count(), User.objects.count(), ApiKey.objects.count()) == counts
    kinds = set()
    for key in keys:
        me = APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key}")
        assert me.status_code == 200
        kinds.add(me.json()["kind"])
    assert kinds == {
        "marketplace",
        "payment_provider",
        "carrier",
        "ground_handler",
        "trade_agency",
        "customs_broker",
    }
    for url in ("http://127.0.0.1:8000/", "/admin/", "/api/v1/schema/swagger/", "/redoc/"):
        assert url in second


def test_demo_users_sign_in_with_the_documented_passwords():
    seed()

    merchant = authenticate(username="lotte.vanacker", password=MERCHANT_PASSWORD)
    officer = authenticate(username="officer.liege", password=OFFICER_PASSWORD)
    admin = authenticate(username="admin", password=ADMIN_PASSWORD)

    assert merchant is not None
    assert merchant.organization is not None
    assert merchant.organization.slug == "chocolatier-bruges"
    assert officer is not None
    assert officer.is_staff
    assert not officer.is_superuser
    assert officer.groups.filter(name=CUSTOMS_OFFICERS).exists()
    assert officer.organization is not None
    assert officer.organization.kind == OrganizationKind.CUSTOMS_AUTHORITY
    assert admin is not None
    assert admin.is_superuser


def test_a_revoked_demo_key_is_replaced_by_the_same_key():
    keys = KEY_LINE.findall(seed())
    for key in ApiKey.objects.all():
        api_key_revoke(api_key=key)

    assert KEY_LINE.findall(seed()) == keys
    assert ApiKey.objects.usable().count() == 6


def test_refuses_where_settings_forbid_demo_data_unless_forced(settings):
    settings.DEMO_DATA_ALLOWED = False

    with pytest.raises(CommandError, match="do not allow demo data"):
        seed()
    assert not Organization.objects.exists()

    call_command("seed_demo", "--force", stdout=StringIO())
    assert Organization.objects.filter(slug="chocolatier-bruges").exists()


def test_belgian_vat_numbers_are_computed_not_typed():
    assert belgian_vat("04567812") == "BE0456781215"
    assert vat.is_valid(belgian_vat("12345678"))
    with pytest.raises(ValueError, match="8 digits"):
        belgian_vat("2345678")
