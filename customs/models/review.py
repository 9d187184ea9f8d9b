"""What officers' decisions leave behind beyond the decision itself: the reason codes they
choose from, first approvals of red-lane releases (four eyes), and requests for information."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class OfficerReasonCode(models.TextChoices):
    """Why an officer decided as they did (stable: traders see it and partners branch on it)."""

    DOCUMENTS_VERIFIED = "DOCUMENTS_VERIFIED", "Documents verified"
    INSPECTION_CLEAR = "INSPECTION_CLEAR", "Inspection found nothing wrong"
    RISK_NOT_CONFIRMED = "RISK_NOT_CONFIRMED", "Risk indication not confirmed"
    DOCUMENTS_MISSING = "DOCUMENTS_MISSING", "Documents missing or incomplete"
    VALUATION_DOUBT = "VALUATION_DOUBT", "Doubt about the declared value"
    CLASSIFICATION_DOUBT = "CLASSIFICATION_DOUBT", "Doubt about the HS classification"
    ORIGIN_DOUBT = "ORIGIN_DOUBT", "Doubt about the origin"
    PARTY_LIST_MATCH = "PARTY_LIST_MATCH", "A party is on a watch list"
    RISK_CONFIRMED = "RISK_CONFIRMED", "Risk indication confirmed"
    PROHIBITED_GOODS = "PROHIBITED_GOODS", "Prohibited or restricted goods"
    NOT_ADMISSIBLE = "NOT_ADMISSIBLE", "Not admissible under the regime"
    FALSE_DECLARATION = "FALSE_DECLARATION", "False or misleading declaration"
    NO_RESPONSE = "NO_RESPONSE", "The trader did not answer"


_R = OfficerReasonCode
_DOUBTS = (
    _R.DOCUMENTS_MISSING,
    _R.VALUATION_DOUBT,
    _R.CLASSIFICATION_DOUBT,
    _R.ORIGIN_DOUBT,
    _R.PARTY_LIST_MATCH,
)
# The codes each decision accepts: a release cites what cleared the doubt, a refusal the ground.
REASON_CODES_FOR: dict[str, tuple[OfficerReasonCode, ...]] = {
    "release": (_R.DOCUMENTS_VERIFIED, _R.INSPECTION_CLEAR, _R.RISK_NOT_CONFIRMED),
    "hold": (*_DOUBTS, _R.RISK_CONFIRMED, _R.NO_RESPONSE),
    "request_information": _DOUBTS,
    "inspect": (*_DOUBTS, _R.RISK_CONFIRMED),
    "reject": (_R.PROHIBITED_GOODS, _R.NOT_ADMISSIBLE, _R.FALSE_DECLARATION, _R.NO_RESPONSE),
}

# The system's own codes beside the officers'.
RFI_UNANSWERED = "RFI_UNANSWERED"


class ReleaseApproval(models.Model):
    """The first officer's release of a red-lane declaration: it is released only when a
    different officer confirms (four eyes). Consumed by that release."""

    declaration = models.ForeignKey(
        "customs.Declaration", on_delete=models.CASCADE, related_name="release_approvals"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    for_status = models.CharField(max_length=16, help_text="The status it was approved in")
    reason_code = models.CharField(max_length=40, choices=OfficerReasonCode.choices)
    note = models.CharField(max_length=1000)
    approved_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["approved_at", "id"]

    def __str__(self) -> str:
        return f"release approval by {self.officer_id} ({self.reason_code})"


class InformationRequest(models.Model):
    """An officer's request for information to the trader. Unanswered by `deadline`, the
    declaration goes on hold (beat job `customs.hold_overdue_information_requests`)."""

    declaration = models.ForeignKey(
        "customs.Declaration", on_delete=models.CASCADE, related_name="information_requests"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason_code = models.CharField(max_length=40, choices=OfficerReasonCode.choices)
    question = models.CharField(max_length=1000)
    requested_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField(db_index=True)
    answer = models.CharField(max_length=4000, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    lapsed_at = models.DateTimeField(null=True, blank=True, help_text="Put on hold, unanswered")

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deadline__gt=models.F("requested_at")),
                name="information_request_deadline_after_request",
            )
        ]

    def __str__(self) -> str:
        return f"RFI {self.reason_code} until {self.deadline:%Y-%m-%d %H:%M}"

    @property
    def open(self) -> bool:
        return self.answered_at is None and self.lapsed_at is None


class InformationRequestAttachment(models.Model):
    """A document the trader sent with an answer: kept whole, with its SHA-256 so that what the
    officer read can be shown to be what was sent (the hash is also in the audit trail)."""

    request = models.ForeignKey(
        InformationRequest, on_delete=models.CASCADE, related_name="attachments"
    )
    file_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    uploaded_by = models.CharField(max_length=64, help_text="Who sent it, as the audit trail says")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(size__gt=0), name="rfi_attachment_not_empty"),
            models.CheckConstraint(
                condition=models.Q(sha256__regex=r"^[0-9a-f]{64}$"), name="rfi_attachment_sha256"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.size} bytes, sha256 {self.sha256[:12]}…)"
