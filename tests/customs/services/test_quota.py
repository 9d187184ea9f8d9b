"""The CBEC quota ledger: append-only entries, used = reserved - released - returned, and one
lock per buyer-year so two orders racing for the last room cannot both get it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from customs.buyer_ids import buyer_key
from customs.locks import QUOTA_BUYER_YEAR
from customs.models import QuotaLedgerEntry
from customs.services import (
    QuotaExceeded,
    quota_commit,
    quota_release,
    quota_reserve,
    quota_return,
    quota_used,
)
from ewtp.core.errors import Conflict, DomainError

D = Decimal
BUYER = buyer_key("11010519491231002X")
OTHER = buyer_key("440524188001010014")
ON = date(2026, 9, 10)


def advisory_lock_waiters() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            " AND classid = %s AND database = (SELECT oid FROM pg_database"
            " WHERE datname = current_database())",
            [QUOTA_BUYER_YEAR],
        )
        return int(cursor.fetchone()[0])


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Poll a condition another thread will make true (no fixed sleep: returns as soon as it is)."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while time.monotonic() < deadline:
        if condition():
            return True
        pause.wait(0.01)
    return False


@pytest.mark.django_db
def test_used_counts_reservations_less_releases_and_returns():
    quota_reserve(buyer_key=BUYER, amount=D("1000.00"), on=ON, declaration_ref="A")
    quota_reserve(buyer_key=BUYER, amount=D("500.00"), on=ON, declaration_ref="B")
    quota_commit(buyer_key=BUYER, year=2026, declaration_ref="A", amount=D("1000.00"))
    quota_release(buyer_key=BUYER, year=2026, declaration_ref="B", amount=D("500.00"))
    quota_return(buyer_key=BUYER, year=2026, declaration_ref="A", amount=D("400.00"))

    assert quota_used(buyer_key=BUYER, year=2026) == D("600.00")
    assert quota_used(buyer_key=BUYER, year=2027) == D("0.00")
    assert quota_used(buyer_key=OTHER, year=2026) == D("0.00")
    assert list(QuotaLedgerEntry.objects.values_list("kind", flat=True)) == [
        "reserve",
        "reserve",
        "commit",
        "release",
        "return",
    ]


@pytest.mark.django_db
def test_a_reservation_that_does_not_fit_under_26000_is_refused_and_not_written():
    quota_reserve(buyer_key=BUYER, amount=D("25000.00"), on=ON)

    with pytest.raises(QuotaExceeded, match=r"1000\.00 CNY of 26000\.00 CNY is left"):
        quota_reserve(buyer_key=BUYER, amount=D("1000.01"), on=ON)

    quota_reserve(buyer_key=BUYER, amount=D("1000.00"), on=ON)
    assert quota_used(buyer_key=BUYER, year=2026) == D("26000.00")
    assert QuotaLedgerEntry.objects.count() == 2


@pytest.mark.django_db
def test_the_year_is_the_acceptance_dates_so_a_new_year_starts_afresh():
    quota_reserve(buyer_key=BUYER, amount=D("26000.00"), on=date(2026, 12, 31))

    entry = quota_reserve(buyer_key=BUYER, amount=D("100.00"), on=date(2027, 1, 1))

    assert entry.year == 2027


@pytest.mark.django_db
def test_settling_more_than_is_outstanding_is_a_conflict():
    quota_reserve(buyer_key=BUYER, amount=D("300.00"), on=ON, declaration_ref="A")
    quota_commit(buyer_key=BUYER, year=2026, declaration_ref="A", amount=D("200.00"))

    with pytest.raises(Conflict, match=r"only 100\.00 CNY is reserved"):
        quota_release(buyer_key=BUYER, year=2026, declaration_ref="A", amount=D("150.00"))
    with pytest.raises(Conflict, match=r"only 200\.00 CNY is committed"):
        quota_return(buyer_key=BUYER, year=2026, declaration_ref="A", amount=D("200.01"))
    with pytest.raises(Conflict):
        quota_commit(buyer_key=BUYER, year=2026, declaration_ref="other", amount=D("1.00"))


@pytest.mark.django_db
@pytest.mark.parametrize("amount", ["0.00", "-5.00", "1.001"])
def test_an_amount_must_be_positive_whole_fen(amount):
    with pytest.raises(DomainError, match="positive sum in fen"):
        quota_reserve(buyer_key=BUYER, amount=D(amount), on=ON)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE customs_quotaledgerentry SET amount = 1",
        "DELETE FROM customs_quotaledgerentry",
    ],
)
def test_postgresql_refuses_to_change_or_remove_a_ledger_entry(statement):
    quota_reserve(buyer_key=BUYER, amount=D("300.00"), on=ON)

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        connection.cursor().execute(statement)

    assert QuotaLedgerEntry.objects.get().amount == D("300.00")


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_reservations_with_room_for_one_accept_exactly_one():
    quota_reserve(buyer_key=BUYER, amount=D("25000.00"), on=ON)
    # Both threads stand at the gate until both are ready, then race for the last CNY 1,000.
    gate = threading.Barrier(2)
    outcomes: list[str] = []

    def reserve(ref: str) -> None:
        try:
            gate.wait(timeout=10)
            quota_reserve(buyer_key=BUYER, amount=D("800.00"), on=ON, declaration_ref=ref)
            outcomes.append("reserved")
        except QuotaExceeded:
            outcomes.append("refused")
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=reserve, args=(ref,)) for ref in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["refused", "reserved"]
    assert quota_used(buyer_key=BUYER, year=2026) == D("25800.00")
    assert QuotaLedgerEntry.objects.filter(declaration_ref__in=["A", "B"]).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_second_reservation_waits_for_the_first_to_commit_then_sees_it():
    # Without the lock both would read 25,000 used and both would write: prove the wait.
    quota_reserve(buyer_key=BUYER, amount=D("25000.00"), on=ON)
    first_holds_lock = threading.Event()
    let_first_commit = threading.Event()
    outcomes: dict[str, str] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                quota_reserve(buyer_key=BUYER, amount=D("800.00"), on=ON, declaration_ref="A")
                first_holds_lock.set()
                let_first_commit.wait(timeout=10)
            outcomes["A"] = "reserved"
        finally:
            connection.close()

    def second() -> None:
        try:
            first_holds_lock.wait(timeout=10)
            quota_reserve(buyer_key=BUYER, amount=D("800.00"), on=ON, declaration_ref="B")
            outcomes["B"] = "reserved"
        except QuotaExceeded:
            outcomes["B"] = "refused"
        finally:
            connection.close()

    a, b = threading.Thread(target=first), threading.Thread(target=second)
    a.start()
    b.start()
    first_holds_lock.wait(timeout=10)
    blocked = wait_until(lambda: advisory_lock_waiters() == 1)
    let_first_commit.set()
    a.join(timeout=30)
    b.join(timeout=30)

    assert blocked, "B never waited on A's lock"
    assert outcomes == {"A": "reserved", "B": "refused"}


@pytest.mark.django_db(transaction=True)
def test_different_buyers_do_not_wait_for_each_other():
    first_holds_lock = threading.Event()
    let_first_commit = threading.Event()

    def first() -> None:
        try:
            with transaction.atomic():
                quota_reserve(buyer_key=BUYER, amount=D("100.00"), on=ON)
                first_holds_lock.set()
                let_first_commit.wait(timeout=10)
        finally:
            connection.close()

    a = threading.Thread(target=first)
    a.start()
    try:
        first_holds_lock.wait(timeout=10)
        entry = quota_reserve(buyer_key=OTHER, amount=D("100.00"), on=ON)
    finally:
        let_first_commit.set()
        a.join(timeout=30)

    assert entry.buyer_key == OTHER
    assert quota_used(buyer_key=BUYER, year=2026) == D("100.00")
