"""The officers' review queue in the admin: filters, SLA timer, actions with reason codes,
four eyes; and the dashboard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from customs.models import ClearanceDecision, Declaration, DeclarationStatus
from customs.services import declaration_clear
from ewtp.core.models import User, UserRole
from tests.customs.risk_setup import risk_rule
from tests.marketplace.flows import declaration_of, pay, place, staff_user

pytestmark = pytest.mark.django_db

QUEUE = "/admin/customs/declarationinqueue/"
DASHBOARD = "/admin/customs/clearancedashboard/"


def officer_client(role: str = UserRole.OFFICER) -> tuple[Client, User]:
    user = staff_user(role)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="customs",
            codename__in=["view_declaration", "change_declaration"],
        )
    )
    client = Client()
    client.force_login(user)
    return client, user


def routed(trade, lane: str = "red") -> Declaration:
    risk_rule(f"cocoa {lane}", lane, hs_prefix="18")
    return declaration_clear(declaration_id=declaration_of(pay(trade, place(trade))).pk)


def release(client: Client, declaration: Declaration, note: str = "Checked.") -> None:
    client.post(
        QUEUE,
        {
            "action": "release",
            "_selected_action": [str(declaration.pk)],
            "apply": "1",
            "reason_code": "DOCUMENTS_VERIFIED",
            "note": note,
        },
    )


def test_the_queue_lists_routed_declarations_with_an_overdue_sla_in_red(trade):
    declaration = routed(trade, "red")
    released = declaration_clear(declaration_id=declaration_of(pay(trade, place(trade))).pk)
    Declaration.objects.filter(pk=declaration.pk).update(
        risk_assessed_at=timezone.now() - timedelta(hours=5)
    )
    client, _ = officer_client()

    page = client.get(QUEUE)
    red_only = client.get(QUEUE, {"lane": "red", "age": "lt4h"})

    assert page.status_code == 200
    assert declaration.order_reference.encode() in page.content
    assert released.status == "risk_assessed"  # the rule applies to it as well
    assert b"sla-overdue" in page.content
    assert red_only.status_code == 200


def test_a_decision_needs_a_reason_code(trade):
    declaration = routed(trade, "yellow")
    client, _ = officer_client()

    response = client.post(
        QUEUE,
        {"action": "hold", "_selected_action": [str(declaration.pk)], "apply": "1", "note": "x y"},
    )

    assert response.status_code == 200
    assert b'name="reason_code"' in response.content
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.RISK_ASSESSED


def test_a_red_release_in_the_admin_takes_two_officers(trade):
    declaration = routed(trade, "red")
    (first, _), (second, _) = officer_client(), officer_client(UserRole.SUPERVISOR)

    release(first, declaration)
    release(first, declaration)
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.RISK_ASSESSED
    release(second, declaration)

    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.RELEASED
    assert (
        ClearanceDecision.objects.filter(declaration=declaration, to_status="released").count() == 1
    )


def test_request_information_through_the_admin_sets_a_deadline(trade):
    declaration = routed(trade, "yellow")
    client, _ = officer_client()

    client.post(
        QUEUE,
        {
            "action": "request_information",
            "_selected_action": [str(declaration.pk)],
            "apply": "1",
            "reason_code": "VALUATION_DOUBT",
            "note": "Please send the invoice.",
        },
    )

    rfi = declaration.information_requests.get()
    assert rfi.question == "Please send the invoice."


def test_staff_who_are_not_officers_cannot_decide_in_the_queue(trade):
    declaration = routed(trade, "yellow")
    client, _ = officer_client(UserRole.STAFF)

    page = client.get(QUEUE)
    release(client, declaration)

    assert b'value="release"' not in page.content
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.RISK_ASSESSED


def test_the_dashboard_shows_charts_and_the_right_figures(trade):
    risk_rule("cocoa", "yellow", hs_prefix="18")
    routed_ones = [
        declaration_clear(declaration_id=declaration_of(pay(trade, place(trade))).pk)
        for _ in range(3)
    ]
    client, _ = officer_client()
    release(client, routed_ones[0])
    client.post(
        QUEUE,
        {
            "action": "hold",
            "_selected_action": [str(routed_ones[1].pk)],
            "apply": "1",
            "reason_code": "VALUATION_DOUBT",
            "note": "Too cheap.",
        },
    )

    page = client.get(DASHBOARD)

    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" id=') == 3  # per hour, times, hits
    assert "3 declaration(s) assessed in the last 24 hours." in html
    assert "(1 declaration(s))" in html  # one final decision: the release
    assert '<title id="per-hour-title">' in html
    assert "1 of 3 declarations put on hold" in html
    assert '<th scope="row">cocoa</th><td>3</td>' in html
    assert "None recorded." in html
