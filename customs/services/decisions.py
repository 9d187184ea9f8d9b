"""Officers' decisions on a declaration in the review queue: release (four eyes on the red
lane), hold, order an inspection, refuse. Each names a reason code from the decision's list and
a note, goes through the transition table, and is audited."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from customs.models import Declaration, DeclarationStatus, Lane, ReleaseApproval
from customs.models.review import REASON_CODES_FOR
from customs.services.audit import audit_actor, audit_record
from customs.services.transitions import declaration_lock, declaration_move
from ewtp.core.errors import Conflict, DomainError, InvalidTransition, PermissionDenied
from ewtp.core.models import User, UserRole

OFFICER_ROLES = frozenset({UserRole.OFFICER, UserRole.SUPERVISOR})


def officer_may_decide(user: User) -> bool:
    """Customs officers and supervisors (the "Customs officers" group grants the admin's
    permission; the role is what the services check)."""
    return user.is_active and (user.role in OFFICER_ROLES or user.is_superuser)


def decision_reason_check(*, officer: User, decision: str, reason_code: str, note: str) -> str:
    """The stripped note; PermissionDenied for a non-officer, DomainError for a reason code the
    decision does not take or an empty note."""
    if not officer_may_decide(officer):
        raise PermissionDenied(
            "Only customs officers decide on declarations.", code="not_an_officer"
        )
    if reason_code not in REASON_CODES_FOR[decision]:
        raise DomainError(
            f"{reason_code!r} is not a reason code for {decision}.",
            code="reason_code_invalid",
            field="reason_code",
        )
    note = note.strip()
    if not note:
        raise DomainError("Say why.", code="reason_required", field="note")
    return note


def _decide(
    *,
    declaration: Declaration,
    officer: User,
    decision: str,
    to: DeclarationStatus,
    reason_code: str,
    note: str,
) -> Declaration:
    note = decision_reason_check(
        officer=officer, decision=decision, reason_code=reason_code, note=note
    )
    return declaration_move(
        declaration=declaration, to=to, reason_code=reason_code, reason=note, actor=officer
    )


@transaction.atomic
def declaration_release(
    *, declaration: Declaration, officer: User, reason_code: str, note: str
) -> Declaration:
    """Release goods for entry. A red-lane declaration needs two different officers: the first
    release records an approval and leaves it where it is; a second officer's release confirms
    it; the same officer twice is refused (409)."""
    note = decision_reason_check(
        officer=officer, decision="release", reason_code=reason_code, note=note
    )
    locked = declaration_lock(declaration)
    if not locked.can_move_to(DeclarationStatus.RELEASED):
        raise InvalidTransition(
            f"A declaration that is {locked.status} cannot become released.",
            code="declaration_invalid_transition",
        )
    if locked.lane != Lane.RED:
        return declaration_move(
            declaration=locked,
            to=DeclarationStatus.RELEASED,
            reason_code=reason_code,
            reason=note,
            actor=officer,
        )
    pending = locked.release_approvals.filter(for_status=locked.status, confirmed_at=None)
    first = pending.exclude(officer=officer).first()
    if first is None:
        if pending.filter(officer=officer).exists():
            raise Conflict(
                "A red-lane release needs a second, different officer to confirm it.",
                code="four_eyes_same_officer",
            )
        approval = ReleaseApproval.objects.create(
            declaration=locked,
            officer=officer,
            for_status=locked.status,
            reason_code=reason_code,
            note=note[:1000],
        )
        audit_record(
            actor=audit_actor(user=officer),
            action="declaration.release_approved",
            object_type="declaration",
            object_id=str(locked.pk),
            payload={"status": locked.status, "reason_code": reason_code, "note": approval.note},
        )
        return locked
    pending.update(confirmed_at=timezone.now())
    return declaration_move(
        declaration=locked,
        to=DeclarationStatus.RELEASED,
        reason_code=reason_code,
        reason=note,
        actor=officer,
        audit_extra={"four_eyes": [f"user:{first.officer_id}", f"user:{officer.pk}"]},
    )


def release_awaits_second_officer(declaration: Declaration) -> bool:
    return declaration.release_approvals.filter(
        for_status=declaration.status, confirmed_at=None
    ).exists()


@transaction.atomic
def declaration_hold(
    *, declaration: Declaration, officer: User, reason_code: str, note: str
) -> Declaration:
    """Hold goods for a check. Only a declaration not yet decided for good can be held."""
    return _decide(
        declaration=declaration,
        officer=officer,
        decision="hold",
        to=DeclarationStatus.HELD,
        reason_code=reason_code,
        note=note,
    )


@transaction.atomic
def declaration_inspect(
    *, declaration: Declaration, officer: User, reason_code: str, note: str
) -> Declaration:
    """Order a physical inspection; it ends in a release or a refusal."""
    return _decide(
        declaration=declaration,
        officer=officer,
        decision="inspect",
        to=DeclarationStatus.INSPECTION,
        reason_code=reason_code,
        note=note,
    )


@transaction.atomic
def declaration_reject(
    *, declaration: Declaration, officer: User, reason_code: str, note: str
) -> Declaration:
    """Refuse goods entry. Final: a refused declaration cannot be released later."""
    return _decide(
        declaration=declaration,
        officer=officer,
        decision="reject",
        to=DeclarationStatus.REJECTED,
        reason_code=reason_code,
        note=note,
    )
