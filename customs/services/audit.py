"""The tamper-evident audit trail: every officer and system action, one hash-chained entry each."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from customs.audit_chain import GENESIS_HASH, ChainLink, json_safe
from customs.locks import AUDIT_CHAIN, transaction_lock
from customs.models import AuditEntry
from ewtp.core.models import ApiKey, User

SYSTEM = "system"


def audit_actor(*, user: User | None = None, api_key: ApiKey | None = None) -> str:
    """Who acted, as the trail records it: `user:<id>`, `api_key:<prefix>` or `system`."""
    if user is not None:
        return f"user:{user.pk}"
    if api_key is not None:
        return f"api_key:{api_key.prefix}"
    return SYSTEM


# While a batch collects (see `audit_deferred`), entries wait here and join the batch's own in
# one append at its end, instead of each taking the chain lock where it is recorded.
_collecting: ContextVar[list[AuditDraft] | None] = ContextVar("audit_collecting", default=None)


@contextmanager
def audit_deferred() -> Iterator[list[AuditDraft]]:
    """Within the block, `audit_record` gathers its entries instead of appending them; the
    caller appends what was gathered (with `audit_record_many`) before its transaction ends.
    A batch uses it so the chain lock is taken once, last, not by the first subscriber."""
    gathered: list[AuditDraft] = []
    token = _collecting.set(gathered)
    try:
        yield gathered
    finally:
        _collecting.reset(token)


@transaction.atomic
def audit_record(
    *,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    payload: Mapping[str, Any] | None = None,
) -> AuditEntry | None:
    """Append one entry to the chain, in the caller's transaction: the action and its entry
    commit together or not at all. A transaction-level advisory lock makes the chain linear:
    the next writer waits until this transaction ends, then links to the entry it wrote.
    Inside `audit_deferred`, the entry is gathered for the caller to append (None here)."""
    entries = audit_record_many(
        drafts=[AuditDraft(actor, action, object_type, object_id, dict(payload or {}))]
    )
    return entries[0] if entries else None


@dataclass(frozen=True, slots=True)
class AuditDraft:
    """One entry to append, before it has its place in the chain."""

    actor: str
    action: str
    object_type: str
    object_id: str
    payload: Mapping[str, Any]


@transaction.atomic
def audit_record_many(*, drafts: Sequence[AuditDraft]) -> list[AuditEntry]:
    """Append entries to the chain in the given order, under one acquisition of the chain lock
    and with one INSERT: each links to the one before it exactly as `audit_record` would link
    them one at a time, so `audit_chain_verify` cannot tell the two apart. Inside
    `audit_deferred`, the entries are gathered as `audit_record`'s are (none returned here)."""
    if not drafts:
        return []
    gathered = _collecting.get()
    if gathered is not None:
        gathered.extend(drafts)
        return []
    transaction_lock(AUDIT_CHAIN, 0)
    head = AuditEntry.objects.order_by("-sequence").values_list("sequence", "hash").first()
    sequence, prev_hash = (1, GENESIS_HASH) if head is None else (head[0] + 1, head[1])
    now = timezone.now()
    entries = []
    for draft in drafts:
        link = ChainLink(
            sequence=sequence,
            occurred_at=now,
            actor=draft.actor,
            action=draft.action,
            object_type=draft.object_type,
            object_id=draft.object_id,
            payload=json_safe(dict(draft.payload)),
            prev_hash=prev_hash,
        )
        digest = link.digest()
        entries.append(
            AuditEntry(
                sequence=link.sequence,
                occurred_at=link.occurred_at,
                actor=link.actor,
                action=link.action,
                object_type=link.object_type,
                object_id=link.object_id,
                payload=link.payload,
                prev_hash=link.prev_hash,
                hash=digest,
            )
        )
        sequence, prev_hash = sequence + 1, digest
    return AuditEntry.objects.bulk_create(entries)


@dataclass(frozen=True, slots=True)
class ChainBreak:
    sequence: int
    reason: str


@dataclass(frozen=True, slots=True)
class ChainCheck:
    """How far the walk got: `checked` entries, and the first break if there is one."""

    checked: int
    first_break: ChainBreak | None

    @property
    def intact(self) -> bool:
        return self.first_break is None


def _links(chunk_size: int) -> Iterator[AuditEntry]:
    return AuditEntry.objects.order_by("sequence").iterator(chunk_size=chunk_size)


def audit_chain_verify(
    *, chunk_size: int = 5000, on_progress: Callable[[int], None] | None = None
) -> ChainCheck:
    """Walk the chain in order, streaming, and stop at the first entry that does not hold:
    a sequence gap (an entry deleted), a `prev_hash` that is not the previous entry's hash
    (an entry deleted or inserted), or a hash that does not match the entry (an entry edited).
    `on_progress(checked)` is called every `chunk_size` entries."""
    expected_sequence, prev_hash, checked = 1, GENESIS_HASH, 0
    for entry in _links(chunk_size):
        link = ChainLink(
            sequence=entry.sequence,
            occurred_at=entry.occurred_at,
            actor=entry.actor,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            payload=entry.payload,
            prev_hash=entry.prev_hash,
        )
        problem = _link_problem(entry, link, expected_sequence, prev_hash)
        if problem is not None:
            return ChainCheck(checked=checked, first_break=problem)
        checked += 1
        expected_sequence, prev_hash = entry.sequence + 1, entry.hash
        if on_progress is not None and checked % chunk_size == 0:
            on_progress(checked)
    return ChainCheck(checked=checked, first_break=None)


def _link_problem(
    entry: AuditEntry, link: ChainLink, expected_sequence: int, prev_hash: str
) -> ChainBreak | None:
    if entry.sequence != expected_sequence:
        return ChainBreak(
            expected_sequence,
            f"entry {expected_sequence} is missing (the next one is {entry.sequence})",
        )
    if entry.prev_hash != prev_hash:
        return ChainBreak(entry.sequence, "its prev_hash is not the hash of the entry before it")
    try:
        digest = link.digest()
    except (TypeError, ValueError) as exc:
        return ChainBreak(entry.sequence, f"its content cannot be hashed ({exc})")
    if digest != entry.hash:
        return ChainBreak(entry.sequence, "its content does not match its hash (edited)")
    return None
