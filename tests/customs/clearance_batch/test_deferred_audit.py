"""A batch appends its subscribers' audit entries with its own, at its end: the chain lock is
taken once, last, and the chain still verifies."""

from __future__ import annotations

import pytest

from customs.models import AuditEntry, Declaration, Regime
from customs.services import declarations_clear_batch
from customs.services.audit import (
    AuditDraft,
    audit_chain_verify,
    audit_deferred,
    audit_record,
    audit_record_many,
)
from tests.marketplace.flows import declaration_of, pay, place, product, trade_setup

pytestmark = pytest.mark.django_db


def test_entries_recorded_while_deferred_are_gathered_not_written():
    with audit_deferred() as gathered:
        assert audit_record(actor="system", action="x.y", object_type="t", object_id="1") is None

    assert [(d.action, d.object_id) for d in gathered] == [("x.y", "1")]
    assert not AuditEntry.objects.exists()
    assert audit_record(actor="system", action="x.z", object_type="t", object_id="2") is not None


def test_entries_appended_together_while_deferred_are_gathered_too():
    drafts = [AuditDraft("system", "x.y", "t", str(n), {"n": n}) for n in range(2)]

    with audit_deferred() as gathered:
        assert audit_record_many(drafts=drafts) == []

    assert gathered == drafts
    assert not AuditEntry.objects.exists()
    assert len(audit_record_many(drafts=drafts)) == 2


def test_the_exports_a_batch_files_are_audited_in_its_one_append():
    trade = trade_setup()
    product(trade)
    ids = [declaration_of(pay(trade, place(trade))).pk for _ in range(3)]
    before = AuditEntry.objects.count()

    declarations_clear_batch(declaration_ids=ids)

    exports = Declaration.objects.filter(regime=Regime.EU_EXPORT)
    assert exports.count() == 3
    filed = AuditEntry.objects.filter(
        object_id__in=[str(pk) for pk in exports.values_list("pk", flat=True)]
    )
    assert filed.count() == 3
    assert AuditEntry.objects.count() > before
    assert audit_chain_verify().first_break is None
