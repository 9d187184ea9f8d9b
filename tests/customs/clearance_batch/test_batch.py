"""The batched clearance's own rules: locks without waiting, tops up with the oldest waiting,
changes nothing on a second run, links its audit entries into the one chain, and delivers its
events to partners in order; the dispatcher queues what was left submitted."""

from __future__ import annotations

import itertools
from datetime import timedelta

import psycopg2
import pytest
from celery.exceptions import Retry
from django.db import transaction
from django.utils import timezone

from customs.audit_chain import GENESIS_HASH
from customs.models import AuditEntry, ClearanceDecision, Declaration, DeclarationStatus
from customs.services import (
    AuditDraft,
    audit_chain_verify,
    audit_record,
    audit_record_many,
    declarations_clear_batch,
    declarations_dispatch_waiting,
)
from customs.tasks import clear_declaration
from ewtp.events.models import OutboxEvent, WebhookDelivery
from ewtp.events.services import webhook_endpoint_create
from tests.marketplace.flows import declaration_of, pay, place, product, trade_setup
from tests.worker.conftest import database_url


def filed(trade, count):
    return [declaration_of(pay(trade, place(trade))).pk for _ in range(count)]


def draft(i):
    return AuditDraft("system", "declaration.validated", "declaration", f"d-{i}", {"n": i})


@pytest.mark.django_db
def test_audit_entries_appended_together_link_like_entries_appended_one_by_one():
    audit_record(actor="system", action="declaration.submitted", object_type="declaration",
                 object_id="d-0", payload={"n": 0})  # fmt: skip

    entries = audit_record_many(drafts=[draft(i) for i in range(1, 5)])
    audit_record(actor="system", action="declaration.released", object_type="declaration",
                 object_id="d-5", payload={"n": 5})  # fmt: skip

    chain = list(AuditEntry.objects.order_by("sequence"))
    assert [e.sequence for e in chain] == [1, 2, 3, 4, 5, 6]
    assert [e.object_id for e in entries] == ["d-1", "d-2", "d-3", "d-4"]
    assert chain[0].prev_hash == GENESIS_HASH
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(chain))
    check = audit_chain_verify()
    assert (check.intact, check.checked) == (True, 6)


@pytest.mark.django_db
def test_no_drafts_write_nothing():
    assert audit_record_many(drafts=[]) == []
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_a_batch_running_again_changes_nothing(trade):
    ids = filed(trade, 3)
    declarations_clear_batch(declaration_ids=ids)
    # Their releases filed the goods' export declarations: clear those too, so nothing waits.
    declarations_clear_batch(declaration_ids=[], top_up_to=10)
    counts = (ClearanceDecision.objects.count(), AuditEntry.objects.count(),
              OutboxEvent.objects.count())  # fmt: skip

    again = declarations_clear_batch(declaration_ids=ids, top_up_to=10)

    assert again.statuses == {}
    assert counts == (ClearanceDecision.objects.count(), AuditEntry.objects.count(),
                      OutboxEvent.objects.count())  # fmt: skip


@pytest.mark.django_db
def test_a_batch_is_topped_up_with_the_oldest_waiting(trade):
    oldest, middle, newest, named = filed(trade, 4)
    Declaration.objects.filter(pk=oldest).update(created_at=timezone.now() - timedelta(hours=2))
    Declaration.objects.filter(pk=middle).update(created_at=timezone.now() - timedelta(hours=1))

    batch = declarations_clear_batch(declaration_ids=[named], top_up_to=3)

    assert set(batch.statuses) == {named, oldest, middle}
    assert Declaration.objects.get(pk=newest).status == DeclarationStatus.SUBMITTED


@pytest.mark.django_db
def test_partners_get_a_batchs_events_in_order_with_no_gaps(trade):
    endpoint, _ = webhook_endpoint_create(
        organization=trade.marketplace, url="http://127.0.0.1:9/hooks",
        event_types=["customs.declaration.validated", "customs.declaration.released"],
    )  # fmt: skip
    ids = filed(trade, 3)

    declarations_clear_batch(declaration_ids=ids)

    deliveries = list(
        WebhookDelivery.objects.filter(endpoint=endpoint)
        .select_related("event")
        .order_by("sequence")
    )
    assert [d.sequence for d in deliveries] == [1, 2, 3, 4, 5, 6]
    steps = [(d.event.data["id"], d.event.type.rsplit(".", 1)[1]) for d in deliveries]
    for declaration_id in ids:
        mine = [step for pk, step in steps if pk == str(declaration_id)]
        assert mine == ["validated", "released"]
    endpoint.refresh_from_db()
    assert endpoint.last_sequence == 6


@pytest.mark.django_db
def test_the_dispatcher_queues_only_declarations_waiting_past_the_delay(
    trade, django_capture_on_commit_callbacks
):
    stale = filed(trade, 5)
    fresh = filed(trade, 1)
    Declaration.objects.filter(pk__in=stale).update(
        created_at=timezone.now() - timedelta(minutes=2)
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queued = declarations_dispatch_waiting(older_than=timedelta(minutes=1), batch_size=2)

    assert queued == 5
    assert len(callbacks) == 1  # one callback queues the three jobs (2 + 2 + 1) after commit
    assert Declaration.objects.get(pk=fresh[0]).status == DeclarationStatus.SUBMITTED


@pytest.mark.django_db(transaction=True)
def test_a_batch_skips_declarations_another_job_holds():
    trade = trade_setup()
    product(trade)
    held_elsewhere, free = filed(trade, 2)
    other_job = psycopg2.connect(database_url())
    try:
        cursor = other_job.cursor()
        cursor.execute(
            "SELECT 1 FROM customs_declaration WHERE id = %s FOR UPDATE", [str(held_elsewhere)]
        )

        with transaction.atomic():
            batch = declarations_clear_batch(declaration_ids=[held_elsewhere, free])
    finally:
        other_job.rollback()
        other_job.close()

    assert list(batch.statuses) == [free]
    assert Declaration.objects.get(pk=held_elsewhere).status == DeclarationStatus.SUBMITTED


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_declaration_another_transaction_holds_tries_again_shortly():
    trade = trade_setup()
    product(trade)
    [held_elsewhere] = filed(trade, 1)
    other_job = psycopg2.connect(database_url())
    try:
        cursor = other_job.cursor()
        cursor.execute(
            "SELECT 1 FROM customs_declaration WHERE id = %s FOR UPDATE", [str(held_elsewhere)]
        )

        with pytest.raises(Retry):
            clear_declaration(str(held_elsewhere))
    finally:
        other_job.rollback()
        other_job.close()

    assert clear_declaration(str(held_elsewhere)) == DeclarationStatus.RELEASED
