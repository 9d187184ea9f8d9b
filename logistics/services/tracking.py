"""Tracking: what carriers report about the shipments they fly, one report at a time.

The bulk path (`tracking_batch`) follows the same rules for many reports in a few statements.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ewtp.core.errors import Conflict, DomainError, NotFound
from ewtp.core.models import Organization
from ewtp.events.bus import publish
from logistics import airports
from logistics.events import TRACKING_EVENT_RECORDED, tracking_event_data
from logistics.models import (
    SHIPMENT_STATUS_FOR_TRACKING,
    SHIPMENT_STATUS_RANK,
    Shipment,
    TrackingEvent,
    TrackingEventKey,
)
from logistics.public_cache import public_payloads_forget
from logistics.services.partitions import (
    is_missing_partition,
    tracking_partition_open,
    tracking_partitions_forget,
)
from logistics.services.shipments import shipment_move
from logistics.tracking_codes import TrackingPosition, advance, spec_for
from logistics.uuid7 import uuid7

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


def _partition_missing() -> DomainError:
    return DomainError(
        "Reports received this month cannot be stored yet (no partition); send it again later.",
        code="tracking_partition_missing",
        status=503,
    )


def _earlier_report(carrier: Organization, partner_event_id: str) -> TrackingEvent | None:
    """The report stored under this event id, looked up by its key (in one partition)."""
    key = TrackingEventKey.objects.filter(
        carrier=carrier, partner_event_id=partner_event_id
    ).first()
    if key is None:
        return None
    return TrackingEvent.objects.filter(id=key.event_id, received_at=key.received_at).first()


def _key_claim(event: TrackingEvent) -> bool:
    """Claim the event id for this report; False if another report holds it (a concurrent
    request's insert is waited for, then seen)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO logistics_trackingeventkey
                 (carrier_id, partner_event_id, event_id, received_at)
               VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING RETURNING event_id""",
            [event.carrier_id, event.partner_event_id, event.id, event.received_at],
        )
        return cursor.fetchone() is not None


def shipment_position(shipment: Shipment) -> TrackingPosition:
    return TrackingPosition(
        status=shipment.tracking_status,
        rank=shipment.tracking_rank,
        at=shipment.tracking_status_at,
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
    report says it got further (see logistics.tracking_codes). A resent report (same event id)
    is a duplicate, not a second row; a late report is recorded but never moves the shipment
    back; an airline's DLV never delivers a parcel — only a last-mile DELIVERED does."""
    shipment = (
        Shipment.objects.select_for_update()
        .filter(tracking_number=tracking_number, carrier=carrier)
        .first()
    )
    if shipment is None:
        raise NotFound("No such shipment.")
    spec = spec_for(code)
    if spec is None:
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
    if location and not airports.is_known(location):
        raise DomainError(
            f"{location!r} is not an IATA airport code.", code="location_unknown", field="location"
        )
    now = timezone.now()
    if not tracking_partition_open(at=now):
        raise _partition_missing()
    event = TrackingEvent(
        id=uuid7(),
        shipment=shipment,
        carrier=carrier,
        partner_event_id=partner_event_id,
        code=code,
        status=spec.status,
        location=location,
        remarks=remarks[:500],
        occurred_at=occurred_at,
        received_at=now,
    )
    if not _key_claim(event):
        earlier = _earlier_report(carrier, partner_event_id)
        if earlier is not None and _same_report(
            earlier, shipment=shipment, code=code, occurred_at=occurred_at
        ):
            return TrackingRecord(event=earlier, created=False)
        raise Conflict(
            f"Event {partner_event_id!r} was already reported with other details.",
            code="tracking_event_id_reused",
            field="event_id",
        )
    try:
        event.save(force_insert=True)
    except IntegrityError as error:  # the month's partition detached by hand since last seen
        if not is_missing_partition(error):
            raise
        tracking_partitions_forget()
        raise _partition_missing() from None

    public_payloads_forget([shipment.tracking_number])
    position = advance(shipment_position(shipment), spec, occurred_at)
    if position is not None:
        shipment.tracking_status = position.status
        shipment.tracking_rank = position.rank
        shipment.tracking_status_at = position.at
        shipment.updated_at = timezone.now()
        shipment.save(
            update_fields=["tracking_status", "tracking_rank", "tracking_status_at", "updated_at"]
        )
    moves_to = SHIPMENT_STATUS_FOR_TRACKING.get(spec.status) if spec.moves_parcel else None
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
    event.shipment = shipment
    publish(
        type=TRACKING_EVENT_RECORDED,
        data=tracking_event_data(event, shipment=shipment, reporter=carrier),
        recipients=_recipients(shipment),
    )
    return TrackingRecord(event=event, created=True)


def _recipients(shipment: Shipment) -> list[Organization]:
    shipment = Shipment.objects.select_related("marketplace", "merchant", "carrier").get(
        pk=shipment.pk
    )
    # An inbound parcel has no marketplace or merchant: its carrier hears of it.
    found = (shipment.marketplace, shipment.merchant, shipment.carrier)
    return [org for org in found if org is not None]
