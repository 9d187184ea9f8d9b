"""Partners' milestone subscriptions, and the notifications they are owed.

A subscriber hears of a MAWB's milestones (departed, arrived) once per milestone: the first
report of it for the MAWB publishes one `logistics.master_waybill.milestone` to every
subscriber, listing its house waybills, whether it carries one or five hundred. A shipment's
subscribers hear `logistics.shipment.milestone` when the shipment itself departs or arrives.
Both go through the outbox, in the transaction of the report that caused them.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from ewtp.core.errors import DomainError, NotFound
from ewtp.core.models import Organization
from ewtp.events.bus import publish
from logistics import selectors
from logistics.events import MASTER_WAYBILL_MILESTONE, SHIPMENT_MILESTONE
from logistics.models import HouseWaybill, MasterWaybill, MilestoneSubscription, TrackingEvent
from logistics.tracking_codes import TrackingStatus

MILESTONES: frozenset[str] = frozenset({TrackingStatus.DEPARTED, TrackingStatus.ARRIVED})


@dataclass(frozen=True, slots=True)
class MawbMilestone:
    master_waybill_id: str
    milestone: str
    code: str
    location: str
    occurred_at: datetime
    event_id: str  # the stored report's id


@dataclass(frozen=True, slots=True)
class ShipmentMilestone:
    shipment_id: str
    tracking_number: str
    milestone: str
    occurred_at: datetime | None


@transaction.atomic
def milestone_subscription_create(
    *,
    organization: Organization,
    master_waybill_id: uuid.UUID | None = None,
    shipment_id: uuid.UUID | None = None,
) -> tuple[MilestoneSubscription, bool]:
    """Follow a MAWB the organisation recorded or carries parcels of, or a shipment it may
    see; anything else is not found. Subscribing twice returns the first subscription
    (the flag says whether it is new)."""
    if (master_waybill_id is None) == (shipment_id is None):
        raise DomainError(
            "Give either master_waybill_id or shipment_id.",
            code="subscription_target_required",
            field="master_waybill_id",
            status=400,
        )
    if master_waybill_id is not None:
        waybill = selectors.master_waybill_followed_get(
            organization=organization, master_waybill_id=master_waybill_id
        )
        return MilestoneSubscription.objects.get_or_create(
            organization=organization, master_waybill=waybill
        )
    assert shipment_id is not None
    shipment = selectors.shipment_get(organization=organization, shipment_id=shipment_id)
    return MilestoneSubscription.objects.get_or_create(organization=organization, shipment=shipment)


@transaction.atomic
def milestone_subscription_delete(
    *, organization: Organization, subscription_id: uuid.UUID
) -> None:
    """Stop following. Another organisation's subscription is not found."""
    deleted, _ = MilestoneSubscription.objects.filter(
        pk=subscription_id, organization=organization
    ).delete()
    if not deleted:
        raise NotFound("No such subscription.")


def _subscribers(**target: Iterable[str]) -> dict[str, list[Organization]]:
    ((field, ids),) = target.items()
    found: dict[str, list[Organization]] = defaultdict(list)
    for subscription in MilestoneSubscription.objects.filter(
        **{f"{field}__in": list(ids)}
    ).select_related("organization"):
        found[str(getattr(subscription, f"{field}_id"))].append(subscription.organization)
    return found


def master_waybill_milestones_notify(*, milestones: Iterable[MawbMilestone]) -> int:
    """One notification per MAWB milestone to its subscribers, for the first report of that
    milestone (a second DEP of the same MAWB is news to nobody). Returns how many were sent.
    Called by the ingest inside its transaction, after the reports are stored."""
    first: dict[tuple[str, str], MawbMilestone] = {}
    new_reports: dict[tuple[str, str], list[str]] = defaultdict(list)
    for m in sorted(milestones, key=lambda m: m.occurred_at):
        first.setdefault((m.master_waybill_id, m.milestone), m)
        new_reports[m.master_waybill_id, m.milestone].append(m.event_id)
    if not first:
        return 0
    subscribers = _subscribers(master_waybill=[mawb for mawb, _ in first])
    sent = 0
    for (mawb_id, milestone), m in first.items():
        recipients = subscribers.get(mawb_id)
        if not recipients:
            continue
        # Any report of this milestone stored before this batch, whenever it says it happened.
        told = TrackingEvent.objects.filter(
            master_waybill_id=uuid.UUID(mawb_id), status=milestone
        ).exclude(pk__in=new_reports[mawb_id, milestone])
        if told.exists():
            continue
        waybill = MasterWaybill.objects.get(pk=mawb_id)
        houses = list(
            HouseWaybill.objects.filter(master_waybill_id=uuid.UUID(mawb_id))
            .order_by("number")
            .values_list("number", flat=True)
        )
        publish(
            type=MASTER_WAYBILL_MILESTONE,
            data={
                "milestone": milestone,
                "master_waybill_id": mawb_id,
                "awb_number": waybill.awb_display,
                "code": m.code,
                "location": m.location,
                "occurred_at": m.occurred_at.isoformat(),
                "house_waybills": houses,
            },
            recipients=recipients,
        )
        sent += 1
    return sent


def shipment_milestones_notify(*, milestones: Iterable[ShipmentMilestone]) -> int:
    """One notification per shipment milestone to the shipment's subscribers."""
    listed = list(milestones)
    if not listed:
        return 0
    subscribers = _subscribers(shipment=[m.shipment_id for m in listed])
    sent = 0
    for m in listed:
        recipients = subscribers.get(m.shipment_id)
        if not recipients:
            continue
        publish(
            type=SHIPMENT_MILESTONE,
            data={
                "milestone": m.milestone,
                "shipment_id": m.shipment_id,
                "tracking_number": m.tracking_number,
                "occurred_at": m.occurred_at.isoformat() if m.occurred_at else None,
            },
            recipients=recipients,
        )
        sent += 1
    return sent


__all__ = [
    "MawbMilestone",
    "ShipmentMilestone",
    "master_waybill_milestones_notify",
    "milestone_subscription_create",
    "milestone_subscription_delete",
    "shipment_milestones_notify",
]
