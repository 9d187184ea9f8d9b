"""The batched clearance decides exactly as the single one: the same declarations cleared one
by one and in one batch end the same (statuses, lanes, decisions, hits, taxes, audit entries,
events, and what the marketplace made of them)."""

from __future__ import annotations

import pytest
from django.db import transaction

from customs.services import audit_chain_verify, declaration_clear, declarations_clear_batch
from tests.customs.clearance_batch.scenario import file_declarations, outcome, setup_rules_and_goods

pytestmark = pytest.mark.django_db


def test_one_by_one_and_in_a_batch_end_the_same(trade):
    trusted = setup_rules_and_goods(trade)
    ids = file_declarations(trade, trusted)
    before = transaction.savepoint()
    for declaration_id in ids:
        declaration_clear(declaration_id=declaration_id)
    single = {pk: outcome(pk) for pk in ids}
    transaction.savepoint_rollback(before)

    batch = declarations_clear_batch(declaration_ids=ids)

    assert set(batch.statuses) == set(ids)
    for pk in ids:
        assert outcome(pk) == single[pk], pk
    assert audit_chain_verify().intact


def test_the_scenario_reaches_every_outcome(trade):
    trusted = setup_rules_and_goods(trade)
    ids = file_declarations(trade, trusted)

    declarations_clear_batch(declaration_ids=ids)

    outcomes = [outcome(pk) for pk in ids]
    seen = {(o["status"], o["lane"], o["sampled"], o["hold_reason_code"]) for o in outcomes}
    released = [o for o in outcomes if o["status"] == "released"]
    # The release's subscribers ran: the order moved on, its goods have a shipment and an export.
    assert released
    assert all(o["order"] == "handed_to_logistics" for o in released)
    assert all(o["shipment"] is not None and o["export"] is not None for o in released)
    assert {
        ("released", "green", False, ""),
        ("released", "blue", False, ""),
        ("risk_assessed", "yellow", False, ""),
        ("risk_assessed", "red", False, ""),
        ("risk_assessed", "yellow", True, ""),  # a sampled green or blue
        ("held", "red", False, "risk_hard_stop"),
        ("held", "green", False, "CBEC_NOT_ON_POSITIVE_LIST"),
        ("held", "", False, "hs_code_unknown"),
        ("held", "", False, "regime_unsupported"),
    } <= seen
