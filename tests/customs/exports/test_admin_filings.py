"""Officers see a filing's parties, documents and versions, an export's MRN and exit, China's
receipt code, and the alerts of exports whose exit is missing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from customs import tasks
from customs.models import Declaration, Regime
from tests.customs.exports.test_export_declarations import released_export
from tests.customs.filing_setup import file, h7_body
from tests.customs.test_admin_audit import officer_client
from tests.marketplace.flows import clear, declaration_of, pay, place

pytestmark = pytest.mark.django_db


def test_a_filing_shows_its_parties_documents_and_versions(broker_client):
    declaration_id = file(broker_client, h7_body()).json()["id"]

    page = officer_client().get(f"/admin/customs/declaration/{declaration_id}/change/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "Anna Müller" in html
    assert "BE0456781215" in html
    assert "INV-77" in html
    assert "Declaration versions" in html


def test_an_orders_declaration_shows_its_china_receipt_and_its_export_its_mrn(trade):
    order = pay(trade, place(trade))
    clear(order)
    export = Declaration.objects.get(regime=Regime.EU_EXPORT)
    client = officer_client()

    imported = client.get(f"/admin/customs/declaration/{declaration_of(order).pk}/change/")
    listing = client.get("/admin/customs/declaration/", {"regime": "EU_EXPORT"})

    assert "399 Customs review concluded" in imported.content.decode()
    assert export.mrn in listing.content.decode()
    assert "Awaiting exit" in listing.content.decode()


def test_the_alerts_list_shows_exports_without_exit(trade):
    export = released_export(trade)
    Declaration.objects.filter(pk=export.pk).update(decided_at=timezone.now() - timedelta(days=95))
    tasks.flag_missing_export_exits()

    page = officer_client().get("/admin/customs/exportexitalert/")

    assert page.status_code == 200
    assert export.mrn in page.content.decode()
