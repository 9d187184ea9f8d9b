"""The EU exports of a batch's releases, filed together: one per order, however often asked,
with one clearance job for the lot."""

from __future__ import annotations

import pytest

from customs import handlers as customs_handlers
from customs import tasks
from customs.events import DECLARATION_RELEASED
from customs.models import AuditEntry, ClearanceDecision, Declaration, Regime
from customs.mrn import mrn_is_valid
from customs.services import declarations_clear_batch, export_declarations_file
from ewtp.events import bus
from tests.marketplace.flows import declaration_of, pay, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def released_without_exports(trade, monkeypatch):
    """Imports released by a batch, with customs' export filing detached for the test."""
    monkeypatch.setitem(
        bus._handlers,
        DECLARATION_RELEASED,
        [
            h
            for h in bus._handlers[DECLARATION_RELEASED]
            if h is not customs_handlers.on_declaration_released
        ],
    )

    def make(count):
        ids = [declaration_of(pay(trade, place(trade))).pk for _ in range(count)]
        declarations_clear_batch(declaration_ids=ids)
        assert not Declaration.objects.filter(regime=Regime.EU_EXPORT).exists()
        return ids

    return make


def test_each_release_files_one_export_and_one_job_clears_them(
    released_without_exports, monkeypatch, django_capture_on_commit_callbacks
):
    ids = released_without_exports(3)
    jobs: list[list[str]] = []
    monkeypatch.setattr(tasks.clear_declarations, "delay", jobs.append)

    with django_capture_on_commit_callbacks(execute=True):
        exports = export_declarations_file(import_declaration_ids=ids)

    assert all(export is not None for export in exports)
    filed = [export for export in exports if export is not None]
    assert [e.order_reference for e in filed] == [
        Declaration.objects.get(pk=pk).order_reference for pk in ids
    ]
    assert len({e.mrn for e in filed}) == 3
    assert all(mrn_is_valid(e.mrn) for e in filed)
    assert jobs == [[str(e.pk) for e in filed]]
    for export, pk in zip(filed, ids, strict=True):
        imported = Declaration.objects.get(pk=pk)
        assert list(
            export.lines.values_list("line_number", "hs_code", "quantity", "value")
        ) == list(imported.lines.values_list("line_number", "hs_code", "quantity", "value"))
        assert export.parties.count() == 3
        assert ClearanceDecision.objects.filter(declaration=export).count() == 1
        assert AuditEntry.objects.filter(object_id=str(export.pk)).count() == 1


def test_an_import_asked_for_twice_gets_one_export(released_without_exports):
    first, second = released_without_exports(2)

    exports = export_declarations_file(import_declaration_ids=[first, second, first])

    assert exports[0] is not None
    assert exports[2] is not None
    assert exports[0].pk == exports[2].pk
    assert Declaration.objects.filter(regime=Regime.EU_EXPORT).count() == 2


def test_a_release_delivered_again_returns_the_exports_and_writes_nothing(
    released_without_exports, monkeypatch, django_capture_on_commit_callbacks
):
    ids = released_without_exports(2)
    exports = export_declarations_file(import_declaration_ids=ids)
    entries = AuditEntry.objects.count()
    monkeypatch.setattr(tasks.clear_declarations, "delay", lambda ids: pytest.fail("queued"))

    with django_capture_on_commit_callbacks(execute=True):
        again = export_declarations_file(import_declaration_ids=ids)

    assert [e.pk for e in again if e] == [e.pk for e in exports if e]
    assert Declaration.objects.filter(regime=Regime.EU_EXPORT).count() == 2
    assert AuditEntry.objects.count() == entries


def test_goods_not_leaving_from_belgium_file_no_export(trade, released_without_exports):
    leaving, staying = released_without_exports(2)
    trade.merchant.country = "NL"
    trade.merchant.save(update_fields=["country"])

    assert export_declarations_file(import_declaration_ids=[leaving, staying]) == [None, None]
    assert not Declaration.objects.filter(regime=Regime.EU_EXPORT).exists()
