"""Writes of merchants' onboarding: the profile, its contacts, and one service per status move."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from ewtp.core.errors import Conflict, DomainError, InvalidTransition, PermissionDenied
from ewtp.core.models import Organization, OrganizationKind, User
from ewtp.events.bus import publish
from marketplace.countries import is_country
from marketplace.events import MERCHANT_EVENT_FOR_STATUS, merchant_event_data
from marketplace.identifiers import (
    bic_problem,
    compact,
    eori_problem,
    iban_problem,
    vat_problem,
)
from marketplace.models import (
    MerchantContact,
    MerchantProfile,
    MerchantStatus,
    MerchantStatusChange,
)
from marketplace.selectors import Requirement, merchant_checklist

PROFILE_FIELDS = frozenset(
    {
        "legal_name",
        "street_address",
        "postal_code",
        "city",
        "country",
        "eori",
        "vat_number",
        "bank_account_holder",
        "iban",
        "bic",
    }
)
# Compacted before they are checked and stored: "BE 0456.781.215" is BE0456781215.
_IDENTIFIERS = {
    "eori": eori_problem,
    "vat_number": vat_problem,
    "iban": iban_problem,
    "bic": bic_problem,
}


class MerchantRequirementsUnmet(DomainError):
    """Approval refused: `unmet` names the checklist items still open (their codes)."""

    code = "merchant_requirements_unmet"

    def __init__(self, unmet: list[Requirement]) -> None:
        super().__init__(
            "The application is incomplete: " + "; ".join(f"{r.label}: {r.detail}" for r in unmet)
        )
        self.unmet = [r.code for r in unmet]


def _clean_profile_data(data: Mapping[str, Any]) -> dict[str, str]:
    unknown = sorted(set(data) - PROFILE_FIELDS)
    if unknown:
        raise DomainError(
            f"Unknown profile field {unknown[0]!r}.", code="unknown_field", field=unknown[0]
        )
    cleaned: dict[str, str] = {}
    for name, raw in data.items():
        value = str(raw or "").strip()
        if name in _IDENTIFIERS and value:
            value = compact(value)
            problem = _IDENTIFIERS[name](value)
            if problem is not None:
                raise DomainError(problem, code=f"{name}_invalid", field=name)
        if name == "country" and value:
            value = value.upper()
            if not is_country(value):
                raise DomainError(
                    f"{value!r} is not an ISO 3166-1 alpha-2 country code.",
                    code="country_invalid",
                    field="country",
                )
        cleaned[name] = value
    return cleaned


@transaction.atomic
def merchant_profile_create(
    *, organization: Organization, data: Mapping[str, Any] | None = None
) -> MerchantProfile:
    """Open a merchant's application. One profile per merchant organisation; identifiers that
    are given must pass their check digits, missing ones only keep the checklist open."""
    if organization.kind != OrganizationKind.MERCHANT:
        raise PermissionDenied("Only merchants apply to sell.", code="not_a_merchant")
    cleaned = _clean_profile_data(data or {})
    if MerchantProfile.objects.filter(organization=organization).exists():
        raise Conflict("This merchant already has a profile.", code="merchant_profile_exists")
    return MerchantProfile.objects.create(organization=organization, **cleaned)


@transaction.atomic
def merchant_profile_update(
    *, profile: MerchantProfile, data: Mapping[str, Any]
) -> MerchantProfile:
    """Change the application's data. An approved merchant's profile may change too: the
    checklist is checked again when a suspended merchant is reinstated."""
    cleaned = _clean_profile_data(data)
    locked = MerchantProfile.objects.select_for_update().get(pk=profile.pk)
    for name, value in cleaned.items():
        setattr(locked, name, value)
    locked.updated_at = timezone.now()
    locked.save(update_fields=[*cleaned, "updated_at"])
    return locked


@transaction.atomic
def merchant_contact_add(
    *,
    profile: MerchantProfile,
    name: str,
    role: str,
    email: str,
    phone: str = "",
    signed_off_at: datetime | None = None,
) -> MerchantContact:
    """Add a person who speaks for the merchant; `signed_off_at` if they signed the
    application's declaration."""
    if not name.strip() or not email.strip():
        raise DomainError("A contact has a name and an email.", code="contact_incomplete")
    return MerchantContact.objects.create(
        profile=profile,
        name=name.strip(),
        role=role.strip(),
        email=email.strip(),
        phone=phone.strip(),
        signed_off_at=signed_off_at,
    )


@transaction.atomic
def merchant_contact_sign_off(
    *, contact: MerchantContact, signed_off_at: datetime | None = None
) -> MerchantContact:
    """Record that the contact signed the application's declaration (the first time counts)."""
    locked = MerchantContact.objects.select_for_update().get(pk=contact.pk)
    if locked.signed_off_at is None:
        locked.signed_off_at = signed_off_at or timezone.now()
        locked.save(update_fields=["signed_off_at"])
    return locked


def _merchant_move(
    *, profile: MerchantProfile, to: MerchantStatus, by: User | None, reason: str
) -> MerchantProfile:
    """Lock the profile, check the transition table, move, audit, publish."""
    reason = reason.strip()
    if not reason:
        raise DomainError("Give a reason; the merchant is told it.", code="reason_required")
    if by is not None and not (by.is_staff or by.is_superuser):
        raise PermissionDenied("Only platform staff review merchants.", code="not_staff")
    locked = (
        MerchantProfile.objects.select_for_update()
        .select_related("organization")
        .get(pk=profile.pk)
    )
    if not locked.can_move_to(to):
        raise InvalidTransition(
            f"A merchant whose profile is {locked.status} cannot become {to}.",
            code="merchant_invalid_transition",
        )
    if to == MerchantStatus.APPROVED:
        unmet = [r for r in merchant_checklist(profile=locked) if not r.met]
        if unmet:
            raise MerchantRequirementsUnmet(unmet)
    previous = locked.status
    now = timezone.now()
    locked.status = to
    locked.status_changed_at = now
    locked.updated_at = now
    locked.save(update_fields=["status", "status_changed_at", "updated_at"])
    MerchantStatusChange.objects.create(
        profile=locked,
        from_status=previous,
        to_status=to,
        reason=reason[:1000],
        changed_by=by,
        changed_at=now,
    )
    publish(
        type=MERCHANT_EVENT_FOR_STATUS[to],
        data=merchant_event_data(locked, from_status=previous, reason=reason),
        recipients=[locked.organization],
    )
    return locked


@transaction.atomic
def merchant_review_start(
    *, profile: MerchantProfile, by: User | None, reason: str
) -> MerchantProfile:
    """Staff take an application into review."""
    return _merchant_move(profile=profile, to=MerchantStatus.UNDER_REVIEW, by=by, reason=reason)


@transaction.atomic
def merchant_approve(*, profile: MerchantProfile, by: User | None, reason: str) -> MerchantProfile:
    """Approve an application under review. Refused while any checklist item is unmet."""
    return _merchant_move(profile=profile, to=MerchantStatus.APPROVED, by=by, reason=reason)


@transaction.atomic
def merchant_reject(*, profile: MerchantProfile, by: User | None, reason: str) -> MerchantProfile:
    """Refuse an application under review; the reason goes to the merchant."""
    return _merchant_move(profile=profile, to=MerchantStatus.REJECTED, by=by, reason=reason)


@transaction.atomic
def merchant_suspend(*, profile: MerchantProfile, by: User | None, reason: str) -> MerchantProfile:
    """Take an approved merchant off sale: its listings leave search and cannot be ordered."""
    return _merchant_move(profile=profile, to=MerchantStatus.SUSPENDED, by=by, reason=reason)


@transaction.atomic
def merchant_reinstate(
    *, profile: MerchantProfile, by: User | None, reason: str
) -> MerchantProfile:
    """Put a suspended merchant back on sale; its checklist must be complete again."""
    return _merchant_move(profile=profile, to=MerchantStatus.APPROVED, by=by, reason=reason)
