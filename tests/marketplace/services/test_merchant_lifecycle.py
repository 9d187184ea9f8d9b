"""Merchants' onboarding: application -> under review -> approved | rejected, approved <->
suspended. Each move is one service that locks, audits and publishes; others are 409s."""

from __future__ import annotations

import pytest

from ewtp.core.errors import Conflict, DomainError, InvalidTransition, PermissionDenied
from ewtp.core.models import OrganizationKind, UserRole
from ewtp.events.models import OutboxEvent
from marketplace.models import MerchantProfile, MerchantStatus, MerchantStatusChange
from marketplace.selectors import merchant_checklist, merchant_is_approved
from marketplace.services import (
    MerchantRequirementsUnmet,
    merchant_approve,
    merchant_contact_add,
    merchant_contact_sign_off,
    merchant_profile_create,
    merchant_profile_update,
    merchant_reinstate,
    merchant_reject,
    merchant_review_start,
    merchant_suspend,
)
from tests.marketplace.flows import (
    COMPLETE_PROFILE,
    merchant_application,
    organization,
    staff_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return staff_user(UserRole.STAFF)


@pytest.fixture
def merchant():
    return organization(OrganizationKind.MERCHANT, approved=False)


def in_review(merchant, staff, **data):
    profile = merchant_application(merchant, **data)
    return merchant_review_start(profile=profile, by=staff, reason="Documents received")


def test_an_application_is_reviewed_then_approved_with_an_audit_row_and_an_event_per_move(
    merchant, staff
):
    profile = merchant_application(merchant)

    merchant_review_start(profile=profile, by=staff, reason="Documents received")
    approved = merchant_approve(profile=profile, by=staff, reason="All checked")

    assert approved.status == MerchantStatus.APPROVED
    assert merchant_is_approved(merchant=merchant)
    moves = list(MerchantStatusChange.objects.filter(profile=profile))
    assert [(m.from_status, m.to_status, m.reason, m.changed_by) for m in moves] == [
        ("application", "under_review", "Documents received", staff),
        ("under_review", "approved", "All checked", staff),
    ]
    events = OutboxEvent.objects.filter(type__startswith="marketplace.merchant.")
    assert [e.type for e in events] == [
        "marketplace.merchant.under_review",
        "marketplace.merchant.approved",
    ]
    approval = events.last()
    assert approval is not None
    assert approval.recipient_ids == [merchant.pk]
    assert approval.data["merchant"] == merchant.slug
    assert approval.data["reason"] == "All checked"


def test_approval_is_refused_listing_every_unmet_requirement_and_nothing_changes(merchant, staff):
    profile = merchant_profile_create(
        organization=merchant, data={"legal_name": "Half Done BV", "country": "BE"}
    )
    merchant_review_start(profile=profile, by=staff, reason="Started")

    with pytest.raises(MerchantRequirementsUnmet) as refused:
        merchant_approve(profile=profile, by=staff, reason="Looks fine")

    assert refused.value.code == "merchant_requirements_unmet"
    assert refused.value.status == 422
    assert refused.value.unmet == [
        "company_data",
        "eori",
        "vat_number",
        "bank_details",
        "signed_off_contact",
    ]
    assert "street address" in refused.value.detail
    profile.refresh_from_db()
    assert profile.status == MerchantStatus.UNDER_REVIEW
    assert not OutboxEvent.objects.filter(type="marketplace.merchant.approved").exists()


def test_the_checklist_needs_a_signed_off_contact_not_just_a_contact(merchant, staff):
    profile = merchant_profile_create(organization=merchant, data=COMPLETE_PROFILE)
    contact = merchant_contact_add(
        profile=profile, name="Jan Peeters", role="Export manager", email="jan@example.test"
    )
    merchant_review_start(profile=profile, by=staff, reason="Started")

    with pytest.raises(MerchantRequirementsUnmet) as refused:
        merchant_approve(profile=profile, by=staff, reason="Checked")
    merchant_contact_sign_off(contact=contact)
    approved = merchant_approve(profile=profile, by=staff, reason="Checked")

    assert refused.value.unmet == ["signed_off_contact"]
    assert approved.status == MerchantStatus.APPROVED
    assert all(r.met for r in merchant_checklist(profile=approved))


@pytest.mark.parametrize(
    ("move", "start"),
    [
        (merchant_approve, "application"),  # must be reviewed first
        (merchant_reject, "application"),
        (merchant_suspend, "under_review"),
        (merchant_reinstate, "approved"),
        (merchant_review_start, "rejected"),  # rejected is final
        (merchant_approve, "rejected"),
    ],
)
def test_moves_outside_the_transition_table_are_409s_and_leave_no_trace(
    merchant, staff, move, start
):
    profile = merchant_application(merchant)
    if start != "application":
        merchant_review_start(profile=profile, by=staff, reason="Started")
    if start == "approved":
        merchant_approve(profile=profile, by=staff, reason="Checked")
    if start == "rejected":
        merchant_reject(profile=profile, by=staff, reason="Not an exporter")
    audit_rows = MerchantStatusChange.objects.count()

    with pytest.raises(InvalidTransition) as refused:
        move(profile=profile, by=staff, reason="Try")

    assert refused.value.status == 409
    assert refused.value.code == "merchant_invalid_transition"
    profile.refresh_from_db()
    assert profile.status == start
    assert MerchantStatusChange.objects.count() == audit_rows


def test_a_suspended_merchant_is_reinstated_only_while_its_checklist_is_complete(merchant, staff):
    profile = in_review(merchant, staff)
    merchant_approve(profile=profile, by=staff, reason="Checked")
    merchant_suspend(profile=profile, by=staff, reason="Bank account closed")
    merchant_profile_update(profile=profile, data={"iban": ""})

    with pytest.raises(MerchantRequirementsUnmet) as refused:
        merchant_reinstate(profile=profile, by=staff, reason="Appeal")
    merchant_profile_update(profile=profile, data={"iban": "BE55 0682 3456 7144"})
    reinstated = merchant_reinstate(profile=profile, by=staff, reason="New account checked")

    assert refused.value.unmet == ["bank_details"]
    assert reinstated.status == MerchantStatus.APPROVED
    assert reinstated.iban == "BE55068234567144"  # stored compact
    assert [e.type for e in OutboxEvent.objects.filter(type__startswith="marketplace.merchant.")][
        -2:
    ] == ["marketplace.merchant.suspended", "marketplace.merchant.approved"]


def test_a_rejection_reaches_the_merchant_with_its_reason(merchant, staff):
    profile = in_review(merchant, staff)

    rejected = merchant_reject(profile=profile, by=staff, reason="No export licence")

    event = OutboxEvent.objects.get(type="marketplace.merchant.rejected")
    assert rejected.status == MerchantStatus.REJECTED
    assert event.data["reason"] == "No export licence"
    assert event.data["from_status"] == "under_review"


def test_every_move_needs_a_reason_and_a_staff_member(merchant, staff):
    profile = merchant_application(merchant)
    member = staff_user(UserRole.MEMBER)
    member.is_staff = False

    with pytest.raises(DomainError) as no_reason:
        merchant_review_start(profile=profile, by=staff, reason="  ")
    with pytest.raises(PermissionDenied) as not_staff:
        merchant_review_start(profile=profile, by=member, reason="Me")

    assert no_reason.value.code == "reason_required"
    assert not_staff.value.code == "not_staff"
    profile.refresh_from_db()
    assert profile.status == MerchantStatus.APPLICATION


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("vat_number", "BE0456781216", "vat_number_invalid"),
        ("eori", "BE0456781216", "eori_invalid"),
        ("iban", "BE71096123456768", "iban_invalid"),
        ("bic", "GKCC", "bic_invalid"),
        ("country", "XX", "country_invalid"),
        ("website", "https://example.test", "unknown_field"),
    ],
)
def test_a_profile_with_a_bad_identifier_is_refused_naming_the_field(merchant, field, value, code):
    with pytest.raises(DomainError) as refused:
        merchant_profile_create(organization=merchant, data=COMPLETE_PROFILE | {field: value})

    assert (refused.value.code, refused.value.field) == (code, field)
    assert not MerchantProfile.objects.exists()


def test_one_profile_per_merchant_and_only_merchants_apply(merchant):
    merchant_profile_create(organization=merchant)

    with pytest.raises(Conflict):
        merchant_profile_create(organization=merchant)
    with pytest.raises(PermissionDenied):
        merchant_profile_create(organization=organization(OrganizationKind.MARKETPLACE))
