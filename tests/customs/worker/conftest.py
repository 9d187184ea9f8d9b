"""Real workers for the clearance tests: started in their own process group (so a test can
SIGKILL the pool with it) with a short Redis visibility timeout, so a lost job comes back fast;
and the lock the tests hold to catch a job in the middle."""

from __future__ import annotations

import os
import signal
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest

from customs.locks import AUDIT_CHAIN
from ewtp.celery import app as celery_app
from tests.worker.conftest import (  # noqa: F401  the real worker fixture, for the filing tests
    CELERY,
    QUEUES,
    ROOT,
    WORKER_START_TIMEOUT,
    celery_worker_process,
    database_url,
    dump_worker_log_on_failure,
    pytest_runtest_makereport,
    wait_until,
)


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
        # Look for a dead worker's jobs every second, not every 100 s (kombu's default sweep).
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
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


def hold_audit_chain(cursor: psycopg2.extensions.cursor) -> None:
    """Take the chain lock in this connection's transaction (released by its rollback)."""
    cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [AUDIT_CHAIN, 0])


def blocked_on_a_lock(cursor: psycopg2.extensions.cursor) -> bool:
    cursor.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
    )
    row = cursor.fetchone()
    return bool(row and row[0])
