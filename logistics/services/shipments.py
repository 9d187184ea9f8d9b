"""Writes of shipments: creating one for cleared goods, and moving it forward."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from ewtp.core.errors import Conflict, DomainError
from ewtp.core.models import Organization
from ewtp.events.bus import EventDraft, publish, publish_many
from logistics import tasks, tracking_numbers
from logistics.events import EVENT_FOR_STATUS, shipment_event_data
from logistics.models import (
    HUB_IATA,
    SHIPMENT_STATUS_RANK,
    Airport,
    Flight,
    Shipment,
    ShipmentStatus,
    ShipmentStatusChange,
    TrackingEvent,
)
from logistics.services.subscriptions import (
    MILESTONES,
    ShipmentMilestone,
    shipment_milestones_notify,
)

TRACKING_NUMBER_ATTEMPTS = 5


def publish_shipment_event(shipment: Shipment) -> None:
    """The shipment's current state to everyone who may read it: marketplace, merchant and,
    once it is booked on a flight (or, inbound, once it is manifested), the carrier."""
    shipment = Shipment.objects.select_related(
        "marketplace", "merchant", "carrier", "flight__carrier"
    ).get(pk=shipment.pk)
    recipients = [
        org
        for org in (shipment.marketplace, shipment.merchant, shipment.carrier)
        if org is not None
    ]
    publish(
        type=EVENT_FOR_STATUS[shipment.status],
        data=shipment_event_data(shipment),
        recipients=recipients,
    )


def shipment_move(
    *,
    shipment: Shipment,
    to: ShipmentStatus,
    reason: str = "",
    tracking_event: TrackingEvent | None = None,
    flight: Flight | None = None,
    at: datetime | None = None,
) -> Shipment:
    """Move a locked shipment forward, audit it and publish. Callers hold the row lock."""
    if SHIPMENT_STATUS_RANK[to] <= SHIPMENT_STATUS_RANK[shipment.status]:
        raise DomainError(
            f"A shipment that is {shipment.status} cannot go back to {to}.",
            code="shipment_status_backwards",
        )
    now = timezone.now()
    previous = shipment.status
    shipment.status = to
    shipment.updated_at = now
    fields = ["status", "updated_at"]
    if flight is not None:
        shipment.flight = flight
        shipment.carrier_id = flight.carrier_id
        shipment.routed_at = now
        fields += ["flight", "carrier", "routed_at"]
    if to == ShipmentStatus.DELIVERED:
        shipment.delivered_at = at or now
        fields.append("delivered_at")
    shipment.save(update_fields=fields)
    ShipmentStatusChange.objects.create(
        shipment=shipment,
        from_status=previous,
        to_status=to,
        reason=reason[:500],
        tracking_event=tracking_event,
        changed_at=now,
    )
    publish_shipment_event(shipment)
    if to in MILESTONES:
        shipment_milestones_notify(
            milestones=[
                ShipmentMilestone(str(shipment.pk), shipment.tracking_number, to.value, at or now)
            ]
        )
    shipment.refresh_from_db()
    return shipment


@dataclass(frozen=True, slots=True)
class ShipmentRequest:
    """The cleared goods of one order, as `shipment_create` takes them."""

    order_id: uuid.UUID
    order_reference: str
    marketplace: Organization
    merchant: Organization
    consignee_country: str
    destination_iata: str
    weight_kg: Decimal


def tracking_numbers_free(count: int) -> list[str]:
    """`count` distinct tracking numbers no shipment has, drawn together and checked with one
    query per draw."""
    numbers: list[str] = []
    for _ in range(TRACKING_NUMBER_ATTEMPTS):
        drawn = list(dict.fromkeys(tracking_numbers.generate() for _ in range(count)))
        drawn = [n for n in drawn if n not in numbers]
        taken = set(
            Shipment.objects.filter(tracking_number__in=drawn).values_list(
                "tracking_number", flat=True
            )
        )
        numbers += [n for n in drawn if n not in taken][: count - len(numbers)]
        if len(numbers) == count:
            return numbers
    raise Conflict("Could not draw a free tracking number.", code="tracking_number_exhausted")


def _destinations(requests: Sequence[ShipmentRequest]) -> dict[str, Airport]:
    """The served airports the requests name; an airport the hub does not serve is refused."""
    wanted = {request.destination_iata for request in requests}
    served = Airport.objects.exclude(iata=HUB_IATA).filter(iata__in=wanted, served=True)
    found = {airport.iata: airport for airport in served}
    for request in requests:
        if request.destination_iata not in found:
            raise DomainError(
                f"The hub does not serve {request.destination_iata}.",
                code="destination_not_served",
            )
    return found


def _shipments_insert(
    requests: Sequence[ShipmentRequest], destinations: dict[str, Airport]
) -> list[Shipment]:
    """Insert a shipment per request, each with a free tracking number. Another transaction
    may commit a number drawn here after it was checked (the unique index then refuses the
    INSERT, which is one statement: all or none): the numbers are drawn again. An order that
    got its shipment meanwhile is a conflict."""
    now = timezone.now()
    for _ in range(TRACKING_NUMBER_ATTEMPTS):
        numbers = tracking_numbers_free(len(requests))
        shipments = [
            Shipment(
                order_id=request.order_id,
                order_reference=request.order_reference,
                marketplace=request.marketplace,
                merchant=request.merchant,
                consignee_country=request.consignee_country,
                destination=destinations[request.destination_iata],
                weight_kg=request.weight_kg,
                tracking_number=number,
                created_at=now,
                updated_at=now,
            )
            for request, number in zip(requests, numbers, strict=True)
        ]
        try:
            with transaction.atomic():
                return Shipment.objects.bulk_create(shipments)
        except IntegrityError:
            if Shipment.objects.filter(order_id__in=[r.order_id for r in requests]).exists():
                raise Conflict(
                    "A shipment for this order or tracking number already exists.",
                    code="shipment_exists",
                ) from None
    raise Conflict("Could not draw a free tracking number.", code="tracking_number_exhausted")


@transaction.atomic
def shipment_create_many(*, requests: Sequence[ShipmentRequest]) -> list[Shipment]:
    """Take the cleared goods of many orders into the hub and queue their routing: the same
    rules as `shipment_create`, written set-wise (one INSERT each for the shipments and their
    status rows, one `publish_many`, one routing job). One shipment per order: an order that
    has one (or is asked for twice) gets that one back, with no new event. Returns a shipment
    per request, in the requests' order."""
    if not requests:
        return []
    existing = {
        shipment.order_id: shipment
        for shipment in Shipment.objects.filter(
            order_id__in={request.order_id for request in requests}
        )
    }
    # The first request of each order without a shipment (an order asked for twice gets one).
    first: dict[uuid.UUID, ShipmentRequest] = {}
    for request in requests:
        if request.order_id not in existing:
            first.setdefault(request.order_id, request)
    new = list(first.values())
    if new:
        destinations = _destinations(new)
        if any(request.weight_kg <= 0 for request in new):
            raise DomainError("A shipment weighs something.", code="weight_not_positive")
        shipments = _shipments_insert(new, destinations)
        ShipmentStatusChange.objects.bulk_create(
            ShipmentStatusChange(
                shipment=shipment,
                from_status="",
                to_status=ShipmentStatus.CREATED,
                reason=f"order {shipment.order_reference} cleared",
                changed_at=shipment.created_at,
            )
            for shipment in shipments
        )
        created = Shipment.objects.select_related(
            "marketplace", "merchant", "carrier", "flight__carrier"
        ).in_bulk([shipment.pk for shipment in shipments])
        publish_many(
            [
                EventDraft(
                    type=EVENT_FOR_STATUS[ShipmentStatus.CREATED],
                    data=shipment_event_data(created[shipment.pk]),
                    recipients=[o for o in (shipment.marketplace, shipment.merchant) if o],
                )
                for shipment in shipments
            ]
        )
        _routing_queue([str(shipment.pk) for shipment in shipments])
    # In-process subscribers of the events may already have moved the shipments further.
    after = {
        shipment.order_id: shipment
        for shipment in Shipment.objects.filter(
            order_id__in={request.order_id for request in requests}
        )
    }
    return [after[request.order_id] for request in requests]


def _routing_queue(shipment_ids: list[str]) -> None:
    """One routing job for what one transaction created, queued once it commits: a lone
    shipment is booked by its own job, as soon as it exists; many by one routing run, which
    plans every ready shipment at once, as beat's run does. (Not `routing_run_request`: its
    lock on the queued run would make concurrent clearance batches wait for each other.)"""
    if len(shipment_ids) == 1:
        shipment_id = shipment_ids[0]
        transaction.on_commit(lambda: tasks.route_shipment.delay(shipment_id))
    else:
        transaction.on_commit(lambda: tasks.route_ready_shipments.delay())


@transaction.atomic
def shipment_create(
    *,
    order_id: uuid.UUID,
    order_reference: str,
    marketplace: Organization,
    merchant: Organization,
    consignee_country: str,
    destination_iata: str,
    weight_kg: Decimal,
) -> Shipment:
    """Take cleared goods into the hub and queue their routing. One shipment per order:
    creating it again returns the first one."""
    return shipment_create_many(
        requests=[
            ShipmentRequest(
                order_id=order_id,
                order_reference=order_reference,
                marketplace=marketplace,
                merchant=merchant,
                consignee_country=consignee_country,
                destination_iata=destination_iata,
                weight_kg=weight_kg,
            )
        ]
    )[0]
