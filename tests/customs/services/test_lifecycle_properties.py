"""A property of the declaration lifecycle: whatever officers try, in whatever order, no move
outside the transition table succeeds, and every move that succeeds is audited."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from customs.models import DECLARATION_TRANSITIONS, AuditEntry, Declaration, RiskRule
from customs.services import (
    declaration_clear,
    declaration_hold,
    declaration_inspect,
    declaration_reject,
    declaration_release,
    declaration_request_information,
)
from ewtp.core.errors import DomainError
from ewtp.core.models import UserRole
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

    for name, who in steps:
        service, code = CALLS[name]
        before = Declaration.objects.get(pk=declaration.pk).status
        audited = AuditEntry.objects.count()
        try:
            service(declaration=declaration, officer=officers[who], reason_code=code, note="n")
        except DomainError:
            assert Declaration.objects.get(pk=declaration.pk).status == before
            assert AuditEntry.objects.count() == audited
            continue
        after = Declaration.objects.get(pk=declaration.pk).status
        assert after == before or after in DECLARATION_TRANSITIONS[before]
        assert AuditEntry.objects.count() == audited + 1
    RiskRule.objects.update(active=False)
