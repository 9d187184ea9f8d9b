"""The clearance job for many declarations at once: the same rules and outcomes as
`declaration_clear`, decided by the same functions, but read and written set-wise.

Per batch, not per declaration: one locking read (`FOR UPDATE SKIP LOCKED`, so two jobs never
wait on each other: a declaration another job holds is that job's to clear), one read each of
the lines, the known HS codes, the tariff, the risk rules, the sampling policy, the merchants'
trust and the watch list; then one UPDATE per target status, one INSERT each for the decisions,
the rule hits and the outbox events, and the audit entries appended under one acquisition of
the chain lock. See docs/clearance-throughput.md.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Prefetch
from django.utils import timezone

from customs import tasks
from customs.events import declaration_event_data, declaration_event_type
from customs.exchange_rates import EcbReferenceRates, ExchangeRates
from customs.models import (
    ClearanceDecision,
    Declaration,
    DeclarationLine,
    DeclarationStatus,
    RiskRule,
    RuleHit,
    SamplingPolicy,
)
from customs.models import Regime as DeclarationRegime
from customs.selectors import commodity_codes_known, document_mismatches_of
from customs.services.assessment import (
    ASSESSED_LINE_FIELDS,
    assessment_audit_payload,
    assessment_decide,
)
from customs.services.audit import SYSTEM, AuditDraft, audit_deferred, audit_record_many
from customs.services.declarations import (
    VALIDATED,
    Move,
    export_release_move,
    findings_decide,
    findings_move,
    route_decide,
)
from customs.services.document_match import document_matches_recheck
from customs.services.risk import (
    facts_build,
    merchants_trusted,
    party_list_entries,
    party_list_wanted,
    risk_apply,
    risk_audit_payload,
    risk_decide,
    rule_hit_rows,
    sampling_policy_current,
)
from customs.services.transitions import DECIDING, decision_audit_draft
from customs.tariff_source import DatabaseTariff
from customs.taxes import Regime
from ewtp.core.errors import InvalidTransition
from ewtp.events.bus import EventDraft, publish_many

BATCH_SIZE = 200
# A submitted declaration older than this has lost its job (a flushed broker, a job that gave
# up): the sweeper queues it again.
SWEEP_AFTER = timedelta(minutes=1)

# What an assessment and the risk step set on a declaration, with their PostgreSQL types.
_ASSESSED_FIELDS = {
    "assessed_at": "timestamptz",
    "acceptance_date": "date",
    "rule_pack": "text",
    "assessment_currency": "text",
    "exchange_rate": "numeric",
    "admissible": "boolean",
    "assessment_reasons": "jsonb",
    "customs_value": "numeric",
    "duty": "numeric",
    "excise": "numeric",
    "vat": "numeric",
    "checkout_vat": "numeric",
    "total_tax": "numeric",
    "lane": "text",
    "sampled": "boolean",
    "risk_assessed_at": "timestamptz",
}
_ASSESSED_LINE_TYPES = dict.fromkeys(ASSESSED_LINE_FIELDS, "numeric")


def _update_rows(
    table: str, key_type: str, types: dict[str, str], rows: Sequence[Sequence[Any]]
) -> None:
    """One UPDATE for many rows, each with its own values (`rows`: the key, then the values
    in the order of `types`): the values travel as one array per column and are unnested
    side by side. (Django's bulk_update builds a CASE per column and row: for a batch that
    costs more in Python than the whole assessment.)"""
    columns = list(types)
    arrays = [[row[i] for row in rows] for i in range(len(columns) + 1)]
    unnest = ", ".join(
        f"%s::{kind}[]" for kind in [key_type, *(types[column] for column in columns)]
    )
    sql = (
        f"UPDATE {table} AS t SET {', '.join(f'{c} = v.{c}' for c in columns)} "  # noqa: S608 (names are constants)
        f"FROM unnest({unnest}) AS v(key, {', '.join(columns)}) WHERE t.id = v.key"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, arrays)


def _assessed_row(declaration: Declaration) -> list[Any]:
    values = [getattr(declaration, field) for field in _ASSESSED_FIELDS]
    values[list(_ASSESSED_FIELDS).index("assessment_reasons")] = json.dumps(
        declaration.assessment_reasons
    )
    return [str(declaration.pk), *values]


@dataclass
class ClearanceBatch:
    """What a batch did: the status each declaration cleared ended in. Ids asked for but not
    cleared were not `submitted`, or another job held them."""

    statuses: dict[uuid.UUID, str] = field(default_factory=dict)

    def count(self, status: str) -> int:
        return sum(1 for value in self.statuses.values() if value == status)


@dataclass
class _Writes:
    """Everything the batch writes, gathered in the order the single path would write it."""

    now: datetime
    decisions: list[ClearanceDecision] = field(default_factory=list)
    # (how many events the declaration published before this one, the event)
    events: list[tuple[int, EventDraft]] = field(default_factory=list)
    published: dict[uuid.UUID, int] = field(default_factory=lambda: defaultdict(int))
    audit: list[AuditDraft] = field(default_factory=list)
    hits: list[RuleHit] = field(default_factory=list)
    assessed: list[Declaration] = field(default_factory=list)
    lines: list[DeclarationLine] = field(default_factory=list)
    # (status, hold reason) -> the declarations that end there
    final: dict[tuple[str, str], list[uuid.UUID]] = field(default_factory=lambda: defaultdict(list))

    def move(self, declaration: Declaration, move: Move) -> None:
        """`declaration_move` in memory: check the table, move, and gather the decision, the
        event and the audit entry."""
        if not declaration.can_move_to(move.to):
            raise InvalidTransition(
                f"A declaration that is {declaration.status} cannot become {move.to}.",
                code="declaration_invalid_transition",
            )
        decision = ClearanceDecision(
            declaration=declaration,
            from_status=declaration.status,
            to_status=move.to,
            reason_code=move.reason_code,
            reason=move.reason[:1000],
            actor=None,
            decided_at=self.now,
        )
        declaration.status = move.to
        if move.to == DeclarationStatus.HELD:
            declaration.hold_reason_code = move.reason_code
        self.decisions.append(decision)
        event_type = declaration_event_type(declaration)
        if event_type is not None:  # an export publishes no status events
            draft = EventDraft(
                type=event_type,
                data=declaration_event_data(declaration, decision),
                recipients=[declaration.submitter, declaration.merchant],
            )
            self.events.append((self.published[declaration.pk], draft))
            self.published[declaration.pk] += 1
        self.audit.append(decision_audit_draft(declaration, decision, move.audit_extra))

    def system_entry(self, declaration: Declaration, action: str, payload: dict[str, Any]) -> None:
        self.audit.append(AuditDraft(SYSTEM, action, "declaration", str(declaration.pk), payload))


def _lock(declaration_ids: Sequence[uuid.UUID], top_up_to: int) -> list[Declaration]:
    """The submitted declarations among these ids, and up to `top_up_to` in all with the
    oldest others waiting, locked; rows another transaction holds are skipped, not waited for."""
    lines = Prefetch("lines", queryset=DeclarationLine.objects.order_by("line_number"))
    waiting = (
        Declaration.objects.filter(status=DeclarationStatus.SUBMITTED)
        .select_related("merchant", "submitter")
        .prefetch_related(lines)
        # Lock only the declarations: their merchants and filers are shared by other batches.
        .select_for_update(skip_locked=True, of=("self",))
    )
    locked = list(waiting.filter(pk__in=list(declaration_ids)).order_by("created_at", "id"))
    room = top_up_to - len(locked)
    if room > 0:
        others = waiting.exclude(pk__in=list(declaration_ids)).order_by("created_at", "id")
        locked += list(others[:room])
    return locked


def _assess_and_route(
    declaration: Declaration,
    writes: _Writes,
    *,
    context: _BatchContext,
) -> None:
    lines = list(declaration.lines.all())
    findings = findings_decide(declaration=declaration, lines=lines, known=context.known)
    if findings:
        writes.move(declaration, findings_move(findings))
        return
    writes.move(declaration, VALIDATED)
    if declaration.regime == DeclarationRegime.EU_EXPORT:
        writes.move(declaration, export_release_move(declaration))
        return
    if assessment_decide(
        declaration=declaration,
        lines=lines,
        exchange_rates=context.exchange_rates,
        tariff=context.tariff,
    ):
        writes.lines.extend(lines)
    writes.system_entry(declaration, "declaration.assessed", assessment_audit_payload(declaration))
    facts = facts_build(
        declaration=declaration,
        lines=lines,
        trusted=declaration.merchant_id in context.trusted,
        party_entries=context.party_entries,
        document_mismatches=context.document_mismatches.get(declaration.pk, frozenset()),
    )
    risk = risk_decide(
        declaration=declaration, facts=facts, rules=context.rules, policy=context.policy
    )
    risk_apply(declaration, risk, writes.now)
    writes.hits.extend(rule_hit_rows(declaration, risk, writes.now))
    writes.system_entry(declaration, "declaration.risk_evaluated", risk_audit_payload(risk))
    writes.assessed.append(declaration)
    writes.move(declaration, route_decide(declaration, risk))


@dataclass
class _BatchContext:
    """What every declaration of the batch is judged against, read once."""

    known: set[str]
    exchange_rates: ExchangeRates
    tariff: DatabaseTariff
    rules: list[RiskRule]
    policy: SamplingPolicy | None
    trusted: set[Any]
    party_entries: set[tuple[str, str]]
    document_mismatches: dict[uuid.UUID, frozenset[str]]


def _context(declarations: Sequence[Declaration], exchange_rates: ExchangeRates) -> _BatchContext:
    codes = {line.hs_code for d in declarations for line in d.lines.all()}
    tariff = DatabaseTariff()
    for regime in {d.regime for d in declarations}:
        try:
            jurisdiction = Regime(regime).jurisdiction
        except ValueError:
            continue  # the assessment says why it cannot quote this regime
        tariff.prefetch(jurisdiction, codes)
    wanted = {value for d in declarations for _, value in party_list_wanted(d)}
    return _BatchContext(
        known=commodity_codes_known(codes=codes),
        exchange_rates=exchange_rates,
        tariff=tariff,
        rules=list(RiskRule.objects.filter(active=True)),
        policy=sampling_policy_current(),
        trusted=merchants_trusted(d.merchant_id for d in declarations),
        party_entries=party_list_entries(wanted),
        document_mismatches=document_mismatches_of(declaration_ids=[d.pk for d in declarations]),
    )


def _publication_order(events: list[tuple[int, EventDraft]]) -> list[EventDraft]:
    """Every declaration's first event, then every second one, and within each, the events of
    one type side by side (types in the order they first appear, declarations in the batch's
    order): each declaration's events keep their order, and the subscribers get runs of one
    type they can handle set-wise (see ewtp.events.bus)."""
    types: dict[str, int] = {}
    for _, draft in events:
        types.setdefault(draft.type, len(types))
    ordered = sorted(events, key=lambda item: (item[0], types[item[1].type]))
    return [draft for _, draft in ordered]


def _write(writes: _Writes, declarations: Sequence[Declaration]) -> None:
    """Set-wise: the declarations, their lines, the decisions and hits, the events (whose
    handlers see the declarations decided), then the audit entries."""
    for declaration in declarations:
        writes.final[(declaration.status, declaration.hold_reason_code)].append(declaration.pk)
    if writes.assessed:
        document_matches_recheck(order_ids=[d.order_id for d in writes.assessed if d.order_id])
        _update_rows(
            "customs_declaration",
            "uuid",
            _ASSESSED_FIELDS,
            [_assessed_row(declaration) for declaration in writes.assessed],
        )
    if writes.lines:
        _update_rows(
            "customs_declarationline",
            "bigint",
            _ASSESSED_LINE_TYPES,
            [[line.pk, *(getattr(line, f) for f in ASSESSED_LINE_FIELDS)] for line in writes.lines],
        )
    for (status, hold_reason), ids in writes.final.items():
        changes: dict[str, object] = {"status": status, "updated_at": writes.now}
        if status in DECIDING:
            changes["decided_at"] = writes.now
        if status == DeclarationStatus.HELD:
            changes["hold_reason_code"] = hold_reason
        Declaration.objects.filter(pk__in=ids).update(**changes)
    ClearanceDecision.objects.bulk_create(writes.decisions)
    RuleHit.objects.bulk_create(writes.hits)
    # The subscribers (the marketplace's, logistics', the export filing on release) audit what
    # they do too: their entries are gathered and appended with the batch's own.
    with audit_deferred() as gathered:
        publish_many(_publication_order(writes.events))
    # Last: the chain lock is held from here to the commit, so audited transactions elsewhere
    # wait for one INSERT, not for the whole batch and its subscribers.
    audit_record_many(drafts=[*writes.audit, *gathered])


@transaction.atomic
def declarations_clear_batch(
    *,
    declaration_ids: Sequence[uuid.UUID],
    top_up_to: int = 0,
    exchange_rates: ExchangeRates | None = None,
) -> ClearanceBatch:
    """Clear many submitted declarations in one transaction, each exactly as
    `declaration_clear` would (same findings, assessment, lanes, sample and routing; same
    decisions, events and audit entries, in the same order per declaration). Declarations not
    `submitted`, or held by another job, are left alone, so re-running a batch changes nothing.
    With `top_up_to`, the oldest other waiting declarations fill the batch up to that size."""
    declarations = _lock(declaration_ids, top_up_to)
    outcome = ClearanceBatch()
    if not declarations:
        return outcome
    context = _context(declarations, exchange_rates or EcbReferenceRates())
    writes = _Writes(now=timezone.now())
    for declaration in declarations:
        _assess_and_route(declaration, writes, context=context)
        declaration.updated_at = writes.now
        outcome.statuses[declaration.pk] = declaration.status
    _write(writes, declarations)
    return outcome


@transaction.atomic
def declarations_dispatch_waiting(
    *, older_than: timedelta = SWEEP_AFTER, batch_size: int = BATCH_SIZE, limit: int = 5_000
) -> int:
    """Queue `customs.clear_declarations` jobs, `batch_size` ids each, for the declarations
    still `submitted` after `older_than` (oldest first, at most `limit`). Beat runs it every
    minute, so a declaration whose job was lost is cleared all the same; a declaration queued
    twice is cleared once. The limit keeps a long backlog (whose own jobs are still queued)
    from being queued again in full every minute. Returns how many were queued."""
    cutoff = timezone.now() - older_than
    ids = [
        str(pk)
        for pk in Declaration.objects.filter(
            status=DeclarationStatus.SUBMITTED, created_at__lte=cutoff
        )
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    ]
    chunks = [ids[start : start + batch_size] for start in range(0, len(ids), batch_size)]
    transaction.on_commit(lambda: _queue(chunks))
    return len(ids)


def _queue(chunks: list[list[str]]) -> None:
    for chunk in chunks:
        tasks.clear_declarations.delay(chunk)
