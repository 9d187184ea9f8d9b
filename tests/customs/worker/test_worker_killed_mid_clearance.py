"""A worker killed in the middle of a clearance job loses nothing: the job was acknowledged
late, so Redis gives it to the next worker, which decides the declaration exactly once.

To catch the worker mid-job without a test hook in the code, the test holds the audit chain's
lock in its own connection: the job has decided the declaration and blocks on appending its
audit entries, the last step before its commit. (A row lock would not do: the job skips
declarations another transaction holds.)"""

from __future__ import annotations

import psycopg2
import pytest
from django.db import connection

from customs.models import ClearanceDecision, Declaration
from tests.customs.worker.conftest import blocked_on_a_lock, hold_audit_chain, kill, start_worker
from tests.marketplace.flows import declaration_of, pay, place, product, trade_setup
from tests.worker.conftest import database_url, wait_until

pytestmark = pytest.mark.worker


def test_a_declaration_survives_a_worker_killed_mid_job(workers, tmp_path):
    trade = trade_setup()
    product(trade)
    declaration = declaration_of(pay(trade, place(trade)))  # its job is queued, no worker yet
    locker = psycopg2.connect(database_url())
    try:
        cursor = locker.cursor()
        hold_audit_chain(cursor)

        first = start_worker(tmp_path / "first.log")
        workers.append(first)
        wait_until(lambda: blocked_on_a_lock(cursor), timeout=30, what="the job to block")
        kill(first)
        locker.rollback()
    finally:
        locker.close()

    workers.append(start_worker(tmp_path / "second.log"))

    def decided() -> str | None:
        connection.close()  # read what the worker committed, not a cached snapshot
        status = Declaration.objects.get(pk=declaration.pk).status
        return status if status not in ("submitted", "validated") else None

    assert wait_until(decided, timeout=60, what="the redelivered job") == "released"
    steps = ClearanceDecision.objects.filter(declaration_id=declaration.pk)
    assert sorted(steps.values_list("to_status", flat=True)) == [
        "released",
        "submitted",
        "validated",
    ]
