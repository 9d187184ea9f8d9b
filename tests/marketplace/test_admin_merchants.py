"""Platform staff review merchants in the admin: actions that ask for a reason and call the
services; the checklist is shown from the profile's data."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from ewtp.core.models import OrganizationKind, UserRole
from marketplace.models import MerchantProfile, MerchantStatus
from marketplace.services import merchant_review_start
from tests.marketplace.flows import merchant_application, organization, staff_user

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/marketplace/merchantprofile/"


def staff_client(role: str = UserRole.STAFF) -> Client:
    user = staff_user(role)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="marketplace",
            codename__in=[
                "view_merchantprofile",
                "change_merchantprofile",
                "add_merchantprofile",
                "view_merchantcontact",
                "add_merchantcontact",
                "change_merchantcontact",
            ],
        )
    )
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def application():
    return merchant_application(organization(OrganizationKind.MERCHANT, approved=False))


def test_staff_take_an_application_into_review_and_approve_it_with_reasons(application):
    client = staff_client()
    review = {"action": "start_review", "_selected_action": [str(application.pk)]}
    approve = {"action": "approve", "_selected_action": [str(application.pk)]}

    asked = client.post(CHANGELIST, review)
    client.post(CHANGELIST, review | {"apply": "1", "reason": "Documents received"})
    approved = client.post(CHANGELIST, approve | {"apply": "1", "reason": "All checked"})

    assert asked.status_code == 200
    assert b'name="reason"' in asked.content
    assert approved.status_code == 302
    application.refresh_from_db()
    assert application.status == MerchantStatus.APPROVED
    assert application.status_changes.last().reason == "All checked"


def test_an_incomplete_application_is_not_approved_and_the_admin_says_why(application):
    MerchantProfile.objects.filter(pk=application.pk).update(iban="")
    merchant_review_start(profile=application, by=None, reason="Started")
    client = staff_client()

    response = client.post(
        CHANGELIST,
        {
            "action": "approve",
            "_selected_action": [str(application.pk)],
            "apply": "1",
            "reason": "Looks fine",
        },
        follow=True,
    )

    application.refresh_from_db()
    assert application.status == MerchantStatus.UNDER_REVIEW
    assert "Bank details (IBAN)" in response.content.decode()


def test_the_change_page_shows_the_checklist(application):
    client = staff_client()

    page = client.get(f"{CHANGELIST}{application.pk}/change/").content.decode()

    assert "Checklist" in page
    assert "A contact who signed off the application" in page


def test_an_edit_with_a_bad_vat_number_is_refused_in_place(application):
    client = staff_client()
    page = client.get(f"{CHANGELIST}{application.pk}/change/")
    form = page.context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update(
        {
            "vat_number": "BE0456781216",
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
            "status_changes-TOTAL_FORMS": "0",
            "status_changes-INITIAL_FORMS": "0",
        }
    )

    response = client.post(f"{CHANGELIST}{application.pk}/change/", data)

    assert response.status_code == 200
    assert "fails its check digits" in response.content.decode()
    application.refresh_from_db()
    assert application.vat_number == "BE0456781215"


def test_without_a_reason_nothing_moves_and_members_without_the_role_see_no_actions(
    application,
):
    client = staff_client()
    response = client.post(
        CHANGELIST,
        {
            "action": "start_review",
            "_selected_action": [str(application.pk)],
            "apply": "1",
            "reason": "",
        },
    )
    officer = staff_client(UserRole.OFFICER).get(CHANGELIST).content.decode()

    assert response.status_code == 200
    application.refresh_from_db()
    assert application.status == MerchantStatus.APPLICATION
    assert "start_review" not in officer
