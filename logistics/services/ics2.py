"""ICS2 referrals: what the EU's Import Control System 2 tells a carrier about a consignment
before it is loaded, recorded against the parcel by the carrier (API) or platform staff (admin).

A "do not load" is final: the parcel is never loaded again (a booked parcel is taken off its
flight and re-planned away from it: the customs hold's path), and hub staff see an exception
at once. A request for information or for screening blocks loading until the carrier lifts
it. Each is a `ShipmentBlock` of its own, so lifting one never lifts a customs hold or another
referral. Placing a referral already active, or lifting one already lifted, changes nothing.
"""

from __future__ import annotations

import uuid

from django.db import transaction
from django.db.models import Q

from ewtp.core.errors import DomainError, NotFound
from ewtp.core.models import Organization, User
from logistics.models import (
    ICS2_KINDS,
    BlockKind,
    BlockSource,
    Shipment,
    ShipmentBlock,
    ShipmentStatus,
)
from logistics.services.blocks import BlockOutcome, block_lift, block_place, publish_block_event


def _kind(kind: str) -> BlockKind:
    if kind not in ICS2_KINDS:
        raise DomainError(
            f"{kind!r} is not an ICS2 referral: one of {', '.join(ICS2_KINDS)}.",
            code="referral_kind_invalid",
            field="kind",
            status=400,
        )
    return BlockKind(kind)


def _locked(*, shipment_id: uuid.UUID, carrier: Organization | None) -> Shipment:
    """The shipment, locked: a carrier's own (manifested inbound, booked on its flight, or one
    it placed a referral on: a "do not load" takes the parcel off its flight); any for staff
    (carrier None). Another carrier's is not found."""
    shipments = Shipment.objects.select_for_update()
    if carrier is not None:
        referred = ShipmentBlock.objects.filter(placed_by=carrier).values("shipment_id")
        shipments = shipments.filter(Q(carrier=carrier) | Q(pk__in=referred))
    shipment = shipments.filter(pk=shipment_id).first()
    if shipment is None:
        raise NotFound("No such shipment.")
    return shipment


@transaction.atomic
def shipment_ics2_referral_place(
    *,
    shipment_id: uuid.UUID,
    kind: str,
    reference: str = "",
    reason: str = "",
    carrier: Organization | None = None,
    staff: User | None = None,
) -> BlockOutcome:
    """Record an ICS2 referral on a parcel (see the module docstring). A delivered parcel
    takes none (409 `shipment_delivered`)."""
    block_kind = _kind(kind)
    shipment = _locked(shipment_id=shipment_id, carrier=carrier)
    if shipment.status == ShipmentStatus.DELIVERED:
        raise DomainError(
            f"Shipment {shipment.tracking_number} was delivered.",
            code="shipment_delivered",
            status=409,
        )
    outcome = block_place(
        shipment=shipment,
        kind=block_kind,
        source=BlockSource.CARRIER if staff is None else BlockSource.STAFF,
        reference=reference.strip(),
        reason=reason.strip(),
        placed_by=carrier,
        placed_by_user=staff,
    )
    if outcome.changed:
        publish_block_event(outcome, shipment=shipment)
    return outcome


@transaction.atomic
def shipment_ics2_referral_lift(
    *,
    shipment_id: uuid.UUID,
    kind: str,
    reason: str = "",
    carrier: Organization | None = None,
    staff: User | None = None,
) -> BlockOutcome:
    """Lift a parcel's ICS2 request for information or screening (only that block). Lifting
    one already lifted answers the last one, unchanged; one never placed is a 409
    `referral_not_active`; a "do not load" is final (409 `do_not_load_final`)."""
    block_kind = _kind(kind)
    shipment = _locked(shipment_id=shipment_id, carrier=carrier)
    who = f"by {staff.get_username()}" if staff is not None else ""
    outcome = block_lift(shipment=shipment, kind=block_kind, reason=f"{reason.strip()} {who}")
    if outcome is not None:
        publish_block_event(outcome, shipment=shipment)
        return outcome
    last = shipment.blocks.filter(kind=block_kind).order_by("-placed_at", "-id").first()
    if last is None:
        raise DomainError(
            f"Shipment {shipment.tracking_number} has no {block_kind.label} to lift.",
            code="referral_not_active",
            field="kind",
            status=409,
        )
    return BlockOutcome(last, changed=False)


__all__ = ["shipment_ics2_referral_lift", "shipment_ics2_referral_place"]
