"""Two filings of the same reference at once: the database's unique constraint decides, and the
loser gets the same coded refusal as a filing after the first committed (never a 500)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from customs.models import Declaration
from customs.services import DeclarationInvalid, commodity_codes_load, declaration_file
from ewtp.core.models import Organization, OrganizationKind
from tests.customs.filing_setup import filing_of, h7_body
from tests.worker.conftest import wait_until


def lock_waiters() -> int:
    """Sessions of this test database waiting on a lock (other databases' tests do not count)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        (count,) = cursor.fetchone()
    return int(count)


@pytest.mark.django_db(transaction=True)
def test_the_second_of_two_concurrent_filings_of_one_reference_is_refused():
    commodity_codes_load(codes=[("180690", "Chocolate"), ("220300", "Beer")])
    broker = Organization.objects.create(
        slug="broker-race", name="Broker", kind=OrganizationKind.CUSTOMS_BROKER
    )
    filing = filing_of(h7_body())
    first_filed = threading.Event()
    let_first_commit = threading.Event()
    outcomes: dict[str, str] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                declaration_file(filing=filing, submitter=broker, actor="api_key:a")
                first_filed.set()
                let_first_commit.wait(timeout=10)
            outcomes["A"] = "filed"
        finally:
            connection.close()

    def second() -> None:
        try:
            first_filed.wait(timeout=10)
            # A's row is not committed: the check passes and the insert waits on A.
            declaration_file(filing=filing, submitter=broker, actor="api_key:b")
            outcomes["B"] = "filed"
        except DeclarationInvalid as refused:
            outcomes["B"] = refused.problems[0].code
        finally:
            connection.close()

    a, b = threading.Thread(target=first), threading.Thread(target=second)
    a.start()
    b.start()
    first_filed.wait(timeout=10)
    blocked = wait_until(lambda: lock_waiters() >= 1, what="B to wait on A's insert")
    let_first_commit.set()
    a.join(timeout=30)
    b.join(timeout=30)

    assert blocked
    assert outcomes == {"A": "filed", "B": "submitter_reference_taken"}
    assert Declaration.objects.filter(submitter=broker).count() == 1
