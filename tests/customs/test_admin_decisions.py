"""Officers decide in the admin: an action that asks for the reason, then calls the service."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from customs.models import DeclarationStatus
from ewtp.core.models import UserRole
from tests.customs.listings import mystery_product
from tests.marketplace.flows import clear, declaration_of, pay, place, staff_user

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/customs/declaration/"


def staff_client(role: str) -> Client:
    user = staff_user(role)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="customs",
            codename__in=["view_declaration", "change_declaration"],
        )
    )
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def held(trade):
    mystery_product(trade)
    order = pay(trade, place(trade, lines=[("MYSTERY", 1)]))
    clear(order)
    return declaration_of(order)


def test_an_officer_releases_with_a_reason_through_the_action(held):
    client = staff_client(UserRole.OFFICER)
    chosen = {"action": "release", "_selected_action": [str(held.pk)]}

    asked = client.post(CHANGELIST, chosen)
    decided = client.post(
        CHANGELIST,
        chosen | {"apply": "1", "reason_code": "DOCUMENTS_VERIFIED", "note": "Checked the goods."},
    )

    assert asked.status_code == 200
    assert b'name="reason_code"' in asked.content
    assert decided.status_code == 302
    held.refresh_from_db()
    assert held.status == DeclarationStatus.RELEASED
    assert held.decisions.get(to_status="released").reason == "Checked the goods."


def test_without_a_reason_nothing_is_decided(held):
    client = staff_client(UserRole.OFFICER)

    response = client.post(
        CHANGELIST,
        {
            "action": "release",
            "_selected_action": [str(held.pk)],
            "apply": "1",
            "reason_code": "DOCUMENTS_VERIFIED",
            "note": "",
        },
    )

    assert response.status_code == 200  # the form again, with its error
    held.refresh_from_db()
    assert held.status == DeclarationStatus.HELD


def test_staff_who_are_not_officers_get_no_decision_actions(held):
    client = staff_client(UserRole.STAFF)

    page = client.get(CHANGELIST)
    attempt = client.post(
        CHANGELIST,
        {
            "action": "release",
            "_selected_action": [str(held.pk)],
            "apply": "1",
            "note": "ok",
            "reason_code": "DOCUMENTS_VERIFIED",
        },
    )

    assert page.status_code == 200
    assert b'value="release"' not in page.content
    assert attempt.status_code in (200, 302)
    held.refresh_from_db()
    assert held.status == DeclarationStatus.HELD
