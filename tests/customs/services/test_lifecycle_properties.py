"""A property of the declaration lifecycle: whatever officers try, in whatever order, no move
outside the transition table succeeds, and every move that succeeds is audited."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from customs.models import (
    DECLARATION_TRANSITIONS,
    AuditEntry,
    Declaration,
    DeclarationStatus,
    RiskRule,
)
from customs.services import (
    declaration_amend,
    declaration_cancel,
    declaration_clear,
    declaration_file,
    declaration_hold,
    declaration_inspect,
    declaration_reject,
    declaration_release,
    declaration_request_information,
)
from ewtp.core.errors import DomainError
from ewtp.core.models import Organization, OrganizationKind, UserRole
from tests.customs.filing_setup import filing_of, h7_body
from tests.customs.risk_setup import risk_rule
from tests.marketplace.flows import declaration_of, pay, place, staff_user

pytestmark = pytest.mark.django_db

CALLS: dict[str, tuple[Callable[..., object], str]] = {
    "release": (declaration_release, "DOCUMENTS_VERIFIED"),
    "hold": (declaration_hold, "VALUATION_DOUBT"),
    "inspect": (declaration_inspect, "RISK_CONFIRMED"),
    "reject": (declaration_reject, "FALSE_DECLARATION"),
    "request_information": (declaration_request_information, "DOCUMENTS_MISSING"),
}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    lane=st.sampled_from(["yellow", "red"]),
    steps=st.lists(
        st.tuples(st.sampled_from(sorted(CALLS)), st.integers(min_value=0, max_value=1)),
        max_size=8,
    ),
)
def test_no_illegal_transition_succeeds_and_every_success_is_audited(trade, lane, steps):
    risk_rule(f"rule {len(steps)} {lane} {Declaration.objects.count()}", lane, hs_prefix="18")
    declaration = declaration_clear(declaration_id=declaration_of(pay(trade, place(trade))).pk)
    officers = [staff_user(UserRole.OFFICER), staff_user(UserRole.SUPERVISOR)]

    # A release also files the goods' export (audited on the export): count this one's entries.
    entries = AuditEntry.objects.filter(object_id=str(declaration.pk))
    for name, who in steps:
        service, code = CALLS[name]
        before = Declaration.objects.get(pk=declaration.pk).status
        audited = entries.count()
        try:
            service(declaration=declaration, officer=officers[who], reason_code=code, note="n")
        except DomainError:
            assert Declaration.objects.get(pk=declaration.pk).status == before
            assert entries.count() == audited
            continue
        after = Declaration.objects.get(pk=declaration.pk).status
        assert after == before or after in DECLARATION_TRANSITIONS[before]
        assert entries.count() == audited + 1
    RiskRule.objects.update(active=False)


def _amend(*, declaration: Declaration, officer: object, reason_code: str, note: str) -> object:
    body = h7_body(submitter_reference=declaration.submitter_reference, transport_costs=note)
    return declaration_amend(
        declaration=declaration,
        filing=filing_of(body),
        submitter=declaration.submitter,
        actor="api_key:test",
    )


def _cancel(*, declaration: Declaration, officer: object, reason_code: str, note: str) -> object:
    return declaration_cancel(declaration=declaration, reason=note, actor="api_key:test")


def _clear(*, declaration: Declaration, officer: object, reason_code: str, note: str) -> object:
    return declaration_clear(declaration_id=declaration.pk)


# Officers' decisions, and what the declarant and the clearance job do between them.
FILER_CALLS: dict[str, tuple[Callable[..., object], str]] = {
    **CALLS,
    "amend": (_amend, ""),
    "cancel": (_cancel, ""),
    "clear": (_clear, ""),
}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    lane=st.sampled_from(["green", "yellow", "red"]),
    steps=st.lists(
        st.tuples(st.sampled_from(sorted(FILER_CALLS)), st.integers(min_value=0, max_value=1)),
        max_size=10,
    ),
)
def test_a_partner_filing_amended_cancelled_and_decided_never_moves_illegally(
    nomenclature, lane, steps
):
    number = Declaration.objects.count()
    broker = Organization.objects.create(
        slug=f"broker-{number}", name="Broker", kind=OrganizationKind.CUSTOMS_BROKER
    )
    if lane != "green":
        risk_rule(f"filer rule {number} {lane}", lane, hs_prefix="18")
    declaration = declaration_file(
        filing=filing_of(h7_body(submitter_reference=f"REF-{number}")),
        submitter=broker,
        actor="api_key:test",
    )
    declaration_clear(declaration_id=declaration.pk)
    officers = [staff_user(UserRole.OFFICER), staff_user(UserRole.SUPERVISOR)]

    for name, who in steps:
        service, code = FILER_CALLS[name]
        before = Declaration.objects.get(pk=declaration.pk)
        audited = AuditEntry.objects.count()
        last_decision = before.decisions.order_by("-pk").values_list("pk", flat=True)[0]
        try:
            service(declaration=before, officer=officers[who], reason_code=code, note=f"{who}.00")
        except DomainError:
            after = Declaration.objects.get(pk=declaration.pk)
            assert (after.status, after.version) == (before.status, before.version)
            assert AuditEntry.objects.count() == audited
            continue
        after = Declaration.objects.get(pk=declaration.pk)
        # Each move the step made (the clearance job makes several) is in the table, and
        # they chain from the status before to the status after.
        moves = list(after.decisions.filter(pk__gt=last_decision).order_by("pk"))
        for move in moves:
            assert move.to_status in DECLARATION_TRANSITIONS[move.from_status] or (
                (move.from_status, move.to_status, move.reason_code)
                == ("submitted", "submitted", "amended")
            )
        if moves:
            assert (moves[0].from_status, moves[-1].to_status) == (before.status, after.status)
        else:
            assert after.status == before.status
        # Released goods never change again: no amendment, no cancellation.
        if before.status == DeclarationStatus.RELEASED:
            assert (after.status, after.version) == (before.status, before.version)
    RiskRule.objects.update(active=False)


def test_every_status_is_reachable_and_cancelled_is_final_and_only_before_release():
    reachable = {DeclarationStatus.SUBMITTED.value}
    frontier = [DeclarationStatus.SUBMITTED.value]
    while frontier:
        for target in DECLARATION_TRANSITIONS[frontier.pop()]:
            if target not in reachable:
                reachable.add(target)
                frontier.append(target)

    assert reachable == set(DeclarationStatus.values)
    assert DECLARATION_TRANSITIONS[DeclarationStatus.CANCELLED] == frozenset()
    assert DeclarationStatus.CANCELLED not in DECLARATION_TRANSITIONS[DeclarationStatus.RELEASED]
    assert {
        status
        for status, targets in DECLARATION_TRANSITIONS.items()
        if DeclarationStatus.SUBMITTED in targets
    } == {DeclarationStatus.RISK_ASSESSED, DeclarationStatus.HELD}
