"""Batches on real workers: a `customs.clear_declarations` job clears every declaration it
names, and a worker killed in the middle of a batch loses none of them: the job was
acknowledged late, Redis gives it to the next worker, which decides each exactly once."""

from __future__ import annotations

from collections import Counter

import psycopg2
import pytest
from django.db import connection

from customs.models import ClearanceDecision, Declaration, DeclarationStatus
from customs.services import audit_chain_verify
from customs.tasks import clear_declarations
from ewtp.celery import app as celery_app
from tests.customs.worker.conftest import blocked_on_a_lock, hold_audit_chain, kill, start_worker
from tests.marketplace.flows import declaration_of, pay, place, product, trade_setup
from tests.worker.conftest import database_url, wait_until

pytestmark = pytest.mark.worker

DECLARATIONS = 40


def filed(count: int) -> list[str]:
    """Declarations filed through the real order flow; their own jobs are dropped, so only the
    batch job the test queues can clear them."""
    trade = trade_setup()
    product(trade, stock=10_000)
    ids = [str(declaration_of(pay(trade, place(trade))).pk) for _ in range(count)]
    celery_app.control.purge()
    return ids


def decided(ids: list[str]) -> int | None:
    connection.close()  # read what the worker committed, not a cached snapshot
    waiting = Declaration.objects.filter(
        pk__in=ids, status__in=[DeclarationStatus.SUBMITTED, DeclarationStatus.VALIDATED]
    ).count()
    return len(ids) if waiting == 0 else None


def test_a_batch_job_clears_every_declaration_it_names(workers, tmp_path):
    ids = filed(DECLARATIONS)
    workers.append(start_worker(tmp_path / "worker.log"))

    clear_declarations.delay(ids)

    wait_until(lambda: decided(ids), timeout=90, what="the batch to be decided")
    assert set(Declaration.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        "released"
    }
    assert audit_chain_verify().intact


def test_a_batch_survives_a_worker_killed_mid_job(workers, tmp_path):
    ids = filed(DECLARATIONS)
    locker = psycopg2.connect(database_url())
    try:
        cursor = locker.cursor()
        hold_audit_chain(cursor)
        clear_declarations.delay(ids)
        first = start_worker(tmp_path / "first.log")
        workers.append(first)
        wait_until(lambda: blocked_on_a_lock(cursor), timeout=60, what="the batch to block")
        kill(first)
        locker.rollback()
    finally:
        locker.close()

    workers.append(start_worker(tmp_path / "second.log"))

    wait_until(lambda: decided(ids), timeout=120, what="the redelivered batch")
    finals = Counter(
        ClearanceDecision.objects.filter(declaration_id__in=ids)
        .exclude(to_status__in=["submitted", "validated"])
        .values_list("declaration_id", flat=True)
    )
    assert len(finals) == DECLARATIONS
    assert set(finals.values()) == {1}  # each decided exactly once
    assert audit_chain_verify().intact
