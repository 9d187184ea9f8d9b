"""The tamper-evident audit trail: a linear hash chain, append-only in PostgreSQL, and a
verification that names the first entry that was edited, deleted or slipped in."""

from __future__ import annotations

import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from customs.audit_chain import GENESIS_HASH, ChainLink
from customs.models import AuditEntry
from customs.services import audit_actor, audit_chain_verify, audit_record
from customs.tasks import verify_audit_chain
from ewtp.core.models import UserRole
from tests.marketplace.flows import staff_user


def record(n: int) -> list[AuditEntry]:
    entries = []
    for i in range(1, n + 1):
        entry = audit_record(
            actor="system",
            action="declaration.released",
            object_type="declaration",
            object_id=f"decl-{i}",
            payload={"reason": f"entry {i}", "total": "12.30", "lines": [1, 2]},
        )
        assert entry is not None  # appended at once: no batch is gathering entries
        entries.append(entry)
    return entries


def as_tamperer(sql: str, params: list[str] | None = None) -> None:
    """What someone with the table owner's rights could do: switch the guard off, change rows."""
    with connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE customs_auditentry DISABLE TRIGGER customs_auditentry_append_only"
        )
        cursor.execute(sql, params or [])
        cursor.execute(
            "ALTER TABLE customs_auditentry ENABLE TRIGGER customs_auditentry_append_only"
        )


def verify() -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("verify_audit_chain", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_entries_link_each_to_the_one_before():
    first, second, third = record(3)

    assert [e.sequence for e in (first, second, third)] == [1, 2, 3]
    assert first.prev_hash == GENESIS_HASH
    assert (second.prev_hash, third.prev_hash) == (first.hash, second.hash)
    stored = AuditEntry.objects.get(sequence=2)
    link = ChainLink(
        sequence=2,
        occurred_at=stored.occurred_at,
        actor=stored.actor,
        action=stored.action,
        object_type=stored.object_type,
        object_id=stored.object_id,
        payload=stored.payload,
        prev_hash=stored.prev_hash,
    )
    assert link.digest() == stored.hash


@pytest.mark.django_db
def test_an_intact_chain_verifies_and_the_command_prints_its_head():
    entries = record(4)

    out, _ = verify()

    assert audit_chain_verify().intact
    assert f"Audit chain intact: 4 entries. Head: sequence 4, hash {entries[-1].hash}." in out


@pytest.mark.django_db
def test_an_empty_chain_is_intact():
    out, _ = verify()

    assert "Audit chain is empty." in out


@pytest.mark.django_db
def test_an_edited_payload_is_found_at_its_sequence_number():
    record(5)
    as_tamperer(
        "UPDATE customs_auditentry SET payload = "
        "jsonb_set(payload, '{reason}', '\"nothing to see\"') WHERE sequence = 3"
    )

    check = audit_chain_verify()
    with pytest.raises(CommandError, match="Audit chain broken at sequence 3: its content does"):
        verify()

    assert check.first_break is not None
    assert (check.first_break.sequence, check.checked) == (3, 2)


@pytest.mark.django_db
def test_an_edit_with_a_recomputed_hash_breaks_the_next_link():
    record(4)
    stored = AuditEntry.objects.get(sequence=2)
    forged = ChainLink(
        sequence=2,
        occurred_at=stored.occurred_at,
        actor="user:999",
        action=stored.action,
        object_type=stored.object_type,
        object_id=stored.object_id,
        payload=stored.payload,
        prev_hash=stored.prev_hash,
    )
    as_tamperer(
        "UPDATE customs_auditentry SET actor = %s, hash = %s WHERE sequence = 2",
        ["user:999", forged.digest()],
    )

    with pytest.raises(CommandError, match="at sequence 3: its prev_hash is not the hash"):
        verify()


@pytest.mark.django_db
def test_a_deleted_entry_is_found_as_missing():
    record(4)
    as_tamperer("DELETE FROM customs_auditentry WHERE sequence = 2")

    with pytest.raises(CommandError, match="at sequence 2: entry 2 is missing"):
        verify()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE customs_auditentry SET actor = 'user:1'",
        "DELETE FROM customs_auditentry WHERE sequence = 1",
    ],
)
def test_postgresql_refuses_updates_and_deletes(statement):
    record(2)

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        connection.cursor().execute(statement)

    assert list(AuditEntry.objects.values_list("actor", flat=True)) == ["system", "system"]
    assert audit_chain_verify().intact


@pytest.mark.django_db
def test_the_orm_cannot_edit_an_entry_either():
    entry = record(1)[0]
    entry.action = "declaration.rejected"

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        entry.save()


@pytest.mark.django_db
def test_the_nightly_job_reports_a_broken_chain():
    record(3)
    assert verify_audit_chain() is True
    as_tamperer("UPDATE customs_auditentry SET object_id = 'decl-x' WHERE sequence = 1")

    assert verify_audit_chain() is False


@pytest.mark.django_db
def test_actors_are_named_by_kind():
    officer = staff_user(UserRole.OFFICER)

    assert audit_actor(user=officer) == f"user:{officer.pk}"
    assert audit_actor() == "system"


@pytest.mark.django_db
def test_a_float_in_a_payload_is_refused_so_the_hash_stays_reproducible():
    with pytest.raises(TypeError, match=r"not 1\.5"):
        audit_record(actor="system", action="x", object_type="t", object_id="1", payload={"v": 1.5})

    assert not AuditEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_still_make_one_linear_chain():
    writers, per_writer = 4, 10
    gate = threading.Barrier(writers)
    failures: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            gate.wait(timeout=10)
            for i in range(per_writer):
                audit_record(
                    actor="system",
                    action="test.concurrent",
                    object_type="worker",
                    object_id=f"{worker}-{i}",
                )
        except BaseException as exc:  # noqa: BLE001  # reported by the assertion below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    assert list(AuditEntry.objects.values_list("sequence", flat=True)) == list(
        range(1, writers * per_writer + 1)
    )
    check = audit_chain_verify()
    assert (check.intact, check.checked) == (True, writers * per_writer)
