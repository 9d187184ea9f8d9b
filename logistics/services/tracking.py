"""Tracking: what carriers report about the shipments they fly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from ewtp.core.errors import Conflict, DomainError, NotFound
from ewtp.core.models import Organization
from ewtp.events.bus import publish
from logistics.events import TRACKING_EVENT_RECORDED, tracking_event_data
from logistics.models import (
    SHIPMENT_STATUS_FOR_TRACKING,
    SHIPMENT_STATUS_RANK,
    TRACKING_STATUS_FOR_CODE,
    Shipment,
    TrackingCode,
    TrackingEvent,
)
from logistics.services.shipments import shipment_move

# Carrier clocks drift; a report a little ahead of ours is still believable.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class TrackingRecord:
    event: TrackingEvent
    created: bool


def _same_report(
    event: TrackingEvent, *, shipment: Shipment, code: str, occurred_at: datetime
) -> bool:
    return (
        event.shipment_id == shipment.pk and event.code == code and event.occurred_at == occurred_at
    )


@transaction.atomic
def tracking_event_record(
    *,
    carrier: Organization,
    tracking_number: str,
    partner_event_id: str,
    code: str,
    occurred_at: datetime,
    location: str = "",
    remarks: str = "",
) -> TrackingRecord:
    """Record a carrier's report on a shipment it flies and move the shipment forward if the
    report says it got further. A resent report (same event id) is a duplicate, not a second
    row; a late report is recorded but never moves the shipment back."""
    shipment = (
        Shipment.objects.select_for_update()
        .filter(tracking_number=tracking_number, carrier=carrier)
        .first()
    )
    if shipment is None:
        raise NotFound("No such shipment.")
    if code not in TrackingCode.values:
        raise DomainError(
            f"Unknown tracking code {code!r}.", code="tracking_code_unknown", field="code"
        )
    if occurred_at.tzinfo is None:
        raise DomainError(
            "Times must be timezone-aware.", code="naive_datetime", field="occurred_at"
        )
    if occurred_at > timezone.now() + CLOCK_SKEW:
        raise DomainError(
            "An event cannot have happened in the future.",
            code="occurred_in_future",
            field="occurred_at",
        )
    earlier = TrackingEvent.objects.filter(
        carrier=carrier, partner_event_id=partner_event_id
    ).first()
    if earlier is not None:
        if _same_report(earlier, shipment=shipment, code=code, occurred_at=occurred_at):
            return TrackingRecord(event=earlier, created=False)
        raise Conflict(
            f"Event {partner_event_id!r} was already reported with other details.",
            code="tracking_event_id_reused",
            field="event_id",
        )
    status = TRACKING_STATUS_FOR_CODE[code]
    try:
        with transaction.atomic():
            event = TrackingEvent.objects.create(
                shipment=shipment,
                carrier=carrier,
                partner_event_id=partner_event_id,
                code=code,
                status=status,
                location=location,
                remarks=remarks[:500],
                occurred_at=occurred_at,
            )
    except IntegrityError:
        # the same event id reported concurrently for another shipment of this carrier
        raise Conflict(
            f"Event {partner_event_id!r} was already reported.",
            code="tracking_event_id_reused",
            field="event_id",
        ) from None

    moves_to = SHIPMENT_STATUS_FOR_TRACKING.get(status)
    if (
        moves_to is not None
        and SHIPMENT_STATUS_RANK[moves_to] > SHIPMENT_STATUS_RANK[shipment.status]
    ):
        shipment = shipment_move(
            shipment=shipment,
            to=moves_to,
            reason=f"{code} reported by {carrier.slug}",
            tracking_event=event,
            at=occurred_at,
        )
    event = TrackingEvent.objects.select_related("shipment", "carrier").get(pk=event.pk)
    publish(
        type=TRACKING_EVENT_RECORDED,
        data=tracking_event_data(event),
        recipients=_recipients(event.shipment),
    )
    return TrackingRecord(event=event, created=True)


def _recipients(shipment: Shipment) -> list[Organization]:
    shipment = Shipment.objects.select_related("marketplace", "merchant", "carrier").get(
        pk=shipment.pk
    )
    recipients = [shipment.marketplace, shipment.merchant]
    if shipment.carrier is not None:
        recipients.append(shipment.carrier)
    return recipients
