"""FSU messages from airlines and ground handlers, stored as tracking reports of their MAWB.

Each status line becomes one report through the bulk ingest (`tracking_events_ingest`), so the
rules are the same as for JSON reports: the reporter must have recorded the AWB, a line that
happened in the future is rejected, and parcels move forward only. A line's event id is derived
from the AWB and the line's own facts, so a message sent twice adds nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from ewtp.core.errors import NotFound
from ewtp.core.models import Organization
from logistics import fsu
from logistics.awb import AwbNumber
from logistics.selectors import master_waybill_list
from logistics.services.tracking_batch import ACCEPTED, DUPLICATE, tracking_events_ingest

MAX_REMARKS = 500


@dataclass(slots=True)
class FsuLineResult:
    line: int
    status_code: str
    result: str
    event_id: str
    id: str | None = None
    code: str | None = None
    field: str | None = None
    message: str | None = None


@dataclass(slots=True)
class FsuOutcome:
    awb_number: str
    lines: list[FsuLineResult] = field(default_factory=list)
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    shipments_moved: int = 0


def fsu_event_id(awb_number: AwbNumber, status: fsu.FsuStatus) -> str:
    """The same line of the same waybill always gets the same id (at most 60 characters)."""
    return (
        f"FSU:{awb_number.digits}:{status.code}:{status.flight or '-'}:{status.station}:"
        f"{status.occurred_at:%Y%m%dT%H%M}Z"
    )


@transaction.atomic
def fsu_message_ingest(*, reporter: Organization, text: str) -> FsuOutcome:
    """Record every status line of one FSU message as a report about its MAWB. A malformed
    message stores nothing (FsuMalformed names the line), nor does one about a MAWB the
    reporter has not recorded (NotFound); otherwise each line is accepted, a duplicate, or
    rejected with the bulk ingest's code."""
    message = fsu.parse(text, now=timezone.now())
    number = str(message.awb)
    # The whole message is about one waybill: one the reporter never recorded (or another
    # organisation's) is not found, as anywhere else in the API.
    if not master_waybill_list(organization=reporter, awb_number=message.awb.digits).exists():
        raise NotFound(
            f"No air waybill {number} of yours.",
            code="MAWB_UNKNOWN",
            field=f"line.{message.waybill_line}",
        )
    events = [
        {
            "event_id": fsu_event_id(message.awb, status),
            "awb_number": number,
            "code": status.code,
            "occurred_at": status.occurred_at.isoformat(),
            "location": status.station,
            "remarks": f"FSU {status.raw}"[:MAX_REMARKS],
        }
        for status in message.statuses
    ]
    batch = tracking_events_ingest(reporter=reporter, events=events)
    outcome = FsuOutcome(awb_number=number, shipments_moved=batch.shipments_moved)
    for status, event, result in zip(message.statuses, events, batch.results, strict=True):
        outcome.lines.append(
            FsuLineResult(
                line=status.line,
                status_code=status.code,
                result=result.result,
                event_id=event["event_id"],
                id=result.id,
                code=result.code,
                field=result.field,
                message=result.message,
            )
        )
        if result.result == ACCEPTED:
            outcome.accepted += 1
        elif result.result == DUPLICATE:
            outcome.duplicates += 1
        else:
            outcome.rejected += 1
    return outcome


__all__ = ["FsuLineResult", "FsuOutcome", "fsu_event_id", "fsu_message_ingest"]
