"""Officers' decisions in the review queue: four eyes on red releases, inspections, requests
for information and their deadline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from customs.models import AuditEntry, DeclarationStatus, InformationRequest
from customs.services import (
    declaration_clear,
    declaration_inspect,
    declaration_release,
    declaration_request_information,
    information_request_answer,
    information_requests_hold_overdue,
)
from customs.tasks import hold_overdue_information_requests
from ewtp.core.errors import Conflict, DomainError
from ewtp.core.models import UserRole
from tests.customs.risk_setup import risk_rule
from tests.marketplace.flows import declaration_of, pay, place, staff_user

pytestmark = pytest.mark.django_db
OK = {"reason_code": "DOCUMENTS_VERIFIED", "note": "Invoice and photos match."}


def routed(trade, lane):
    risk_rule(f"cocoa {lane}", lane, hs_prefix="18")
    return declaration_clear(declaration_id=declaration_of(pay(trade, place(trade))).pk)


def test_a_red_release_needs_a_second_different_officer(trade):
    declaration = routed(trade, "red")
    first, second = staff_user(UserRole.OFFICER), staff_user(UserRole.SUPERVISOR)

    after_first = declaration_release(declaration=declaration, officer=first, **OK)
    with pytest.raises(Conflict) as twice:
        declaration_release(declaration=declaration, officer=first, **OK)
    after_second = declaration_release(declaration=declaration, officer=second, **OK)

    assert after_first.status == DeclarationStatus.RISK_ASSESSED
    assert twice.value.code == "four_eyes_same_officer"
    assert after_second.status == DeclarationStatus.RELEASED
    entry = AuditEntry.objects.filter(action="declaration.released").get()
    assert entry.payload["four_eyes"] == [f"user:{first.pk}", f"user:{second.pk}"]
    assert AuditEntry.objects.filter(action="declaration.release_approved").count() == 1


def test_a_yellow_release_needs_one_officer(trade):
    declaration = routed(trade, "yellow")

    released = declaration_release(
        declaration=declaration, officer=staff_user(UserRole.OFFICER), **OK
    )

    assert released.status == DeclarationStatus.RELEASED


def test_a_reason_code_must_be_one_the_decision_takes(trade):
    declaration = routed(trade, "yellow")

    with pytest.raises(DomainError) as wrong:
        declaration_release(
            declaration=declaration,
            officer=staff_user(UserRole.OFFICER),
            reason_code="PROHIBITED_GOODS",
            note="x",
        )

    assert wrong.value.code == "reason_code_invalid"


def test_an_inspection_ends_in_a_release(trade):
    declaration = routed(trade, "yellow")
    officer = staff_user(UserRole.OFFICER)

    inspected = declaration_inspect(
        declaration=declaration, officer=officer, reason_code="RISK_CONFIRMED", note="Open it."
    )
    released = declaration_release(
        declaration=inspected, officer=officer, reason_code="INSPECTION_CLEAR", note="Fine."
    )

    assert (inspected.status, released.status) == ("inspection", "released")


def test_an_unanswered_request_for_information_puts_the_declaration_on_hold(trade):
    declaration = routed(trade, "yellow")
    officer = staff_user(UserRole.OFFICER)
    rfi = declaration_request_information(
        declaration=declaration, officer=officer, reason_code="VALUATION_DOUBT", note="Invoice?"
    )
    assert rfi.deadline - rfi.requested_at == timedelta(hours=48)

    assert information_requests_hold_overdue(now=timezone.now()) == 0
    held = information_requests_hold_overdue(now=rfi.deadline + timedelta(seconds=1))
    again = information_requests_hold_overdue(now=rfi.deadline + timedelta(hours=1))

    declaration.refresh_from_db()
    assert (held, again) == (1, 0)
    assert (declaration.status, declaration.hold_reason_code) == ("held", "RFI_UNANSWERED")
    assert InformationRequest.objects.get().lapsed_at is not None


def test_an_answered_request_for_information_holds_nothing(trade):
    declaration = routed(trade, "yellow")
    rfi = declaration_request_information(
        declaration=declaration,
        officer=staff_user(UserRole.OFFICER),
        reason_code="DOCUMENTS_MISSING",
        note="Send the invoice.",
        deadline=timezone.now() + timedelta(minutes=1),
    )
    information_request_answer(request=rfi, answer="Attached.")
    InformationRequest.objects.filter(pk=rfi.pk).update(deadline=timezone.now())

    assert hold_overdue_information_requests() == 0
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.RISK_ASSESSED
