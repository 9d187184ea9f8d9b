"""The audit trail, the tariff and the quota ledger are read-only in the officers' admin."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from customs.buyer_ids import buyer_key
from customs.models import AuditEntry
from customs.services import audit_record, quota_reserve
from ewtp.core.models import UserRole
from tests.customs.tariffs import ENGINE_TARIFF, import_tariff_text
from tests.marketplace.flows import staff_user

pytestmark = pytest.mark.django_db


def officer_client() -> Client:
    user = staff_user(UserRole.OFFICER)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="customs"))
    client = Client()
    client.force_login(user)
    return client


def test_officers_read_the_audit_trail_but_cannot_add_change_or_delete():
    entry = audit_record(
        actor="system", action="declaration.released", object_type="declaration", object_id="d-1"
    )
    assert entry is not None  # appended at once: no batch is gathering entries
    client = officer_client()

    listing = client.get("/admin/customs/auditentry/")
    detail = client.get(f"/admin/customs/auditentry/{entry.sequence}/change/")
    edit = client.post(f"/admin/customs/auditentry/{entry.sequence}/change/", {"actor": "user:1"})
    delete = client.post(f"/admin/customs/auditentry/{entry.sequence}/delete/", {"post": "yes"})

    assert listing.status_code == 200
    assert b"declaration.released" in listing.content
    assert detail.status_code == 200
    assert entry.hash.encode() in detail.content
    assert b'name="_save"' not in detail.content
    assert client.get("/admin/customs/auditentry/add/").status_code == 403
    assert edit.status_code == 403
    assert delete.status_code == 403
    assert AuditEntry.objects.get().actor == "system"


def test_the_ledger_shows_buyers_by_key_only_and_the_tariff_lists():
    quota_reserve(
        buyer_key=buyer_key("11010519491231002X"),
        amount=Decimal("100.00"),
        on=date(2026, 9, 10),
    )
    import_tariff_text(ENGINE_TARIFF)
    client = officer_client()

    ledger = client.get("/admin/customs/quotaledgerentry/")
    tariff = client.get("/admin/customs/tariffline/?q=33049900")

    assert ledger.status_code == 200
    assert b"11010519491231002X" not in ledger.content
    assert tariff.status_code == 200
    assert b"Beauty preparations" in tariff.content
