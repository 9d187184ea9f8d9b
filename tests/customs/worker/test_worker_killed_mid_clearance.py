"""A worker killed in the middle of a clearance job loses nothing: the job was acknowledged
late, so Redis gives it to the next worker, which decides the declaration exactly once.

To catch the worker mid-job without a test hook in the code, the test holds a row lock on the
declaration in its own connection: the job blocks inside `declaration_clear` on that row."""

from __future__ import annotations

import os
import signal
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

from customs.models import ClearanceDecision, Declaration
from ewtp.celery import app as celery_app
from tests.marketplace.flows import declaration_of, pay, place, product, trade_setup
from tests.worker.conftest import (
    CELERY,
    QUEUES,
    ROOT,
    WORKER_START_TIMEOUT,
    database_url,
    wait_until,
)

pytestmark = pytest.mark.worker


def start_worker(log: Path) -> subprocess.Popen[bytes]:
    """A worker like tests/worker's fixture, in its own process group (so the test can kill the
    pool with it), with a short Redis visibility timeout so a lost job comes back fast."""
    name = f"ewtp-kill-{uuid.uuid4().hex[:8]}@localhost"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ewtp.settings.test",
        "DATABASE_URL": database_url(),
        "DB_CONN_MAX_AGE": "0",
        "PYTHONUNBUFFERED": "1",
        "CELERY_VISIBILITY_TIMEOUT": "2",
    }
    command = [str(CELERY), "-A", "ewtp", "worker", "-Q", QUEUES, "-c", "1", "-P", "prefork",
               "-n", name, "--loglevel", "INFO",
               "--without-gossip", "--without-mingle", "--without-heartbeat"]  # fmt: skip
    with log.open("ab") as out:
        process = subprocess.Popen(  # our own worker, a fixed argv
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )

    def answers() -> bool:
        assert process.poll() is None, log.read_text(errors="replace")[-3000:]
        replies = celery_app.control.ping(destination=[name], timeout=0.5) or []
        return any(name in reply for reply in replies)

    wait_until(answers, timeout=WORKER_START_TIMEOUT, interval=0.2, what="the worker's pong")
    return process


def kill(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.fixture
def workers(transactional_db: None) -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    celery_app.control.purge()
    yield started
    for process in started:
        kill(process)


def blocked_on_a_lock(cursor: psycopg2.extensions.cursor) -> bool:
    cursor.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
    )
    row = cursor.fetchone()
    return bool(row and row[0])


def test_a_declaration_survives_a_worker_killed_mid_job(workers, tmp_path):
    trade = trade_setup()
    product(trade)
    declaration = declaration_of(pay(trade, place(trade)))  # its job is queued, no worker yet
    locker = psycopg2.connect(database_url())
    try:
        cursor = locker.cursor()
        cursor.execute(
            "SELECT 1 FROM customs_declaration WHERE id = %s FOR UPDATE", [str(declaration.pk)]
        )

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
