"""Waiting, with a deadline, until other transactions wait on row locks: lets a test make two
transactions meet at a lock in a known order."""

from __future__ import annotations

import time
from contextlib import closing

import psycopg2

from tests.worker.conftest import database_url


def waiting_on_locks(count: int, deadline: float) -> None:
    """Poll until `count` other backends wait on a row lock, or fail at the deadline."""
    with closing(psycopg2.connect(database_url())) as watcher, watcher.cursor() as cursor:
        while True:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            row = cursor.fetchone()
            if row is not None and row[0] >= count:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"{count} transactions never waited on a lock")
            watcher.rollback()
            time.sleep(0.05)  # poll interval of a deadline-bound wait
