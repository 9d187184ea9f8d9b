"""Requests for information: an officer asks the trader a question with a deadline; an answer
closes it; unanswered past the deadline, the declaration goes on hold (a beat job)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from customs.attachments import AttachmentUpload, attachments_check
from customs.events import DECLARATION_INFORMATION_REQUESTED
from customs.models import (
    Declaration,
    DeclarationStatus,
    InformationRequest,
    InformationRequestAttachment,
)
from customs.models.review import RFI_UNANSWERED
from customs.services.audit import SYSTEM, audit_actor, audit_record
from customs.services.decisions import decision_reason_check
from customs.services.transitions import declaration_lock, declaration_move
from ewtp.core.errors import DomainError, InvalidTransition
from ewtp.core.models import User
from ewtp.events.bus import publish


def rfi_deadline_default(now: datetime) -> datetime:
    return now + timedelta(hours=getattr(settings, "CUSTOMS_RFI_HOURS", 48))


@transaction.atomic
def declaration_request_information(
    *,
    declaration: Declaration,
    officer: User,
    reason_code: str,
    note: str,
    deadline: datetime | None = None,
) -> InformationRequest:
    """Ask the trader for information about a declaration in the review queue. The declaration
    keeps its status; the request is published to the trader and audited."""
    note = decision_reason_check(
        officer=officer, decision="request_information", reason_code=reason_code, note=note
    )
    locked = declaration_lock(declaration)
    if locked.status not in (DeclarationStatus.RISK_ASSESSED, DeclarationStatus.HELD):
        raise InvalidTransition(
            f"No request for information on a declaration that is {locked.status}.",
            code="declaration_invalid_transition",
        )
    now = timezone.now()
    deadline = deadline or rfi_deadline_default(now)
    if deadline <= now:
        raise DomainError("The deadline is in the past.", code="deadline_past", field="deadline")
    request = InformationRequest.objects.create(
        declaration=locked,
        officer=officer,
        reason_code=reason_code,
        question=note[:1000],
        requested_at=now,
        deadline=deadline,
    )
    merchant, submitter = locked.merchant, locked.submitter
    publish(
        type=DECLARATION_INFORMATION_REQUESTED,
        data={
            "id": str(locked.pk),
            "order_id": str(locked.order_id) if locked.order_id else None,
            "order_reference": locked.order_reference,
            "submitter_reference": locked.submitter_reference,
            "status": locked.status,
            "reason_code": reason_code,
            "question": request.question,
            "deadline": deadline.isoformat(),
        },
        recipients=[submitter, merchant],
    )
    audit_record(
        actor=audit_actor(user=officer),
        action="declaration.information_requested",
        object_type="declaration",
        object_id=str(locked.pk),
        payload={"reason_code": reason_code, "question": request.question, "deadline": deadline},
    )
    return request


@transaction.atomic
def information_request_answer(
    *,
    request: InformationRequest,
    answer: str,
    attachments: Sequence[AttachmentUpload] = (),
    actor: str = SYSTEM,
) -> InformationRequest:
    """The trader's answer, with the documents asked for; a request that lapsed or was
    answered stays as it was (409). Attachments are checked by their content, not their name
    (PDF, PNG or JPEG, within the size limit), kept whole with their SHA-256, and the hashes
    go into the audit trail with the answer."""
    locked = InformationRequest.objects.select_for_update().get(pk=request.pk)
    if not locked.open:
        raise InvalidTransition("This request is closed.", code="information_request_closed")
    answer = answer.strip()
    if not answer:
        raise DomainError("An answer cannot be empty.", code="answer_required", field="answer")
    checked = attachments_check(attachments)
    now = timezone.now()
    locked.answer = answer[:4000]
    locked.answered_at = now
    locked.save(update_fields=["answer", "answered_at"])
    InformationRequestAttachment.objects.bulk_create(
        InformationRequestAttachment(
            request=locked,
            file_name=item.file_name,
            content_type=item.content_type,
            size=len(item.content),
            sha256=item.sha256,
            content=item.content,
            uploaded_by=actor,
            uploaded_at=now,
        )
        for item in checked
    )
    audit_record(
        actor=actor,
        action="declaration.information_provided",
        object_type="declaration",
        object_id=str(locked.declaration_id),
        payload={
            "request": locked.pk,
            "attachments": [
                {"file_name": item.file_name, "size": len(item.content), "sha256": item.sha256}
                for item in checked
            ],
        },
    )
    return locked


def information_requests_hold_overdue(*, now: datetime | None = None) -> int:
    """Hold every declaration whose request for information passed its deadline unanswered;
    each in its own transaction. Returns how many were held. Running it again changes nothing:
    a lapsed request is closed."""
    now = now or timezone.now()
    held = 0
    overdue = InformationRequest.objects.filter(
        answered_at=None, lapsed_at=None, deadline__lte=now
    ).values_list("pk", flat=True)
    for request_id in list(overdue):
        held += _hold_overdue(request_id, now)
    return held


@transaction.atomic
def _hold_overdue(request_id: int, now: datetime) -> int:
    request = InformationRequest.objects.select_for_update().get(pk=request_id)
    if not request.open or request.deadline > now:
        return 0
    request.lapsed_at = now
    request.save(update_fields=["lapsed_at"])
    declaration = declaration_lock(request.declaration)
    if not declaration.can_move_to(DeclarationStatus.HELD):
        return 0  # already held or decided: the lapse is recorded, nothing else to do
    declaration_move(
        declaration=declaration,
        to=DeclarationStatus.HELD,
        reason_code=RFI_UNANSWERED,
        reason=f"No answer to the request for information by {request.deadline:%Y-%m-%d %H:%M}"
        " UTC.",
        actor=None,
    )
    return 1
