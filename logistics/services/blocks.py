"""Blocks on loading a parcel: customs holds and ICS2 referrals, each from its own source.

A parcel may carry several blocks at once (a customs hold and an ICS2 request for screening);
each is lifted only by its own source, so a customs release never lifts an ICS2 "do not load".
The shipment's `customs_hold` flag is the routing planner's fast test: it is set while any
block is active. An outbound parcel is held and released through the routing services
(`shipment_customs_hold` / `shipment_customs_release`), which also take a booked parcel off its
flight and re-plan; an inbound parcel never flies out, so only its flag moves.

Customs names an inbound parcel by the transport documents of its H7/H1 filing: a reference
that is the carrier's parcel (tracking or house waybill) number. When the filing also names a
manifest's master air waybill, only that manifest's parcels match; otherwise the reference
must name exactly one parcel, so one filer can never release another carrier's parcel that
happens to share a number.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from ewtp.core.errors import Conflict
from ewtp.core.models import Organization, User
from ewtp.events.bus import publish
from logistics.events import (
    SHIPMENT_DO_NOT_LOAD,
    SHIPMENT_LOADING_BLOCKED,
    SHIPMENT_LOADING_UNBLOCKED,
    block_event_data,
)
from logistics.models import (
    BlockKind,
    BlockSource,
    InboundParcel,
    Shipment,
    ShipmentBlock,
    ShipmentDirection,
    ShipmentException,
    ShipmentExceptionKind,
    ShipmentStatusChange,
    WaitingReason,
)
from logistics.services.routing import shipment_customs_hold, shipment_customs_release

logger = logging.getLogger(__name__)

# EU document type codes (UCC annex B, list of codes) of a transport document: a house
# waybill, an air waybill, a master air waybill.
TRANSPORT_DOCUMENT_CODES = frozenset({"N703", "N740", "N741"})


@dataclass(frozen=True, slots=True)
class BlockOutcome:
    block: ShipmentBlock
    changed: bool  # False: the same block was already active (or already lifted)


def _audit(shipment: Shipment, reason: str) -> None:
    # A block does not move the lifecycle: the audit row records the same status on both sides.
    ShipmentStatusChange.objects.create(
        shipment=shipment,
        from_status=shipment.status,
        to_status=shipment.status,
        reason=reason[:500],
        changed_at=timezone.now(),
    )


def _recipients(shipment: Shipment) -> list[Organization]:
    shipment = Shipment.objects.select_related("marketplace", "merchant", "carrier").get(
        pk=shipment.pk
    )
    found = [shipment.marketplace, shipment.merchant, shipment.carrier]
    return [org for org in found if org is not None]


def block_place(
    *,
    shipment: Shipment,
    kind: BlockKind,
    source: BlockSource,
    reference: str = "",
    reason: str = "",
    placed_by: Organization | None = None,
    placed_by_user: User | None = None,
) -> BlockOutcome:
    """Block a locked shipment from loading (callers hold the row lock and the transaction).
    The same kind already active is that block, unchanged. A booked outbound parcel is taken
    off its flight and re-planned, the way a customs hold does it."""
    active = ShipmentBlock.objects.active().filter(shipment=shipment, kind=kind).first()
    if active is not None:
        return BlockOutcome(active, changed=False)
    now = timezone.now()
    block = ShipmentBlock.objects.create(
        shipment=shipment,
        kind=kind,
        source=source,
        reference=reference[:70],
        reason=reason[:500],
        placed_by=placed_by,
        placed_by_user=placed_by_user,
        placed_at=now,
    )
    _audit(shipment, f"loading blocked: {BlockKind(kind).label} {reference} {reason}".strip())
    if not shipment.customs_hold:
        if shipment.direction == ShipmentDirection.OUTBOUND and shipment.order_id is not None:
            shipment_customs_hold(order_id=shipment.order_id, reason=str(kind))
        else:
            Shipment.objects.filter(pk=shipment.pk).update(
                customs_hold=True, waiting_reason=WaitingReason.CUSTOMS_HOLD, updated_at=now
            )
        shipment.refresh_from_db()
    if kind == BlockKind.DO_NOT_LOAD:
        # Hub staff see it at once, not at the next sweep of the exception job.
        ShipmentException.objects.get_or_create(
            shipment=shipment,
            kind=ShipmentExceptionKind.DO_NOT_LOAD,
            since=now,
            defaults={"tracking_status": shipment.tracking_status, "detected_at": now},
        )
    return BlockOutcome(block, changed=True)


def block_lift(*, shipment: Shipment, kind: BlockKind, reason: str = "") -> BlockOutcome | None:
    """Lift the locked shipment's active block of this kind, and nothing else; the parcel may
    be loaded again once no block is left. None: no such block is active. A "do not load" is
    final: lifting one is a conflict."""
    if kind == BlockKind.DO_NOT_LOAD:
        raise Conflict(
            'An ICS2 "do not load" is final; the parcel is never loaded.',
            code="do_not_load_final",
            field="kind",
        )
    block = ShipmentBlock.objects.active().filter(shipment=shipment, kind=kind).first()
    if block is None:
        return None
    now = timezone.now()
    block.lifted_at = now
    block.lifted_reason = reason[:500]
    block.save(update_fields=["lifted_at", "lifted_reason"])
    _audit(shipment, f"loading unblocked: {BlockKind(kind).label} {reason}".strip())
    if not ShipmentBlock.objects.active().filter(shipment=shipment).exists():
        if shipment.direction == ShipmentDirection.OUTBOUND and shipment.order_id is not None:
            shipment_customs_release(order_id=shipment.order_id)
        else:
            Shipment.objects.filter(pk=shipment.pk).update(
                customs_hold=False, waiting_reason="", updated_at=now
            )
        shipment.refresh_from_db()
    return BlockOutcome(block, changed=True)


def publish_block_event(outcome: BlockOutcome, *, shipment: Shipment) -> None:
    """Tell the parcel's parties that a block was placed or lifted."""
    block = outcome.block
    if block.lifted_at is not None:
        event = SHIPMENT_LOADING_UNBLOCKED
    elif block.kind == BlockKind.DO_NOT_LOAD:
        event = SHIPMENT_DO_NOT_LOAD
    else:
        event = SHIPMENT_LOADING_BLOCKED
    publish(
        type=event,
        data=block_event_data(block, shipment=shipment),
        recipients=_recipients(shipment),
    )


# --- Customs: an order's declaration (outbound)


@transaction.atomic
def shipment_customs_block(*, order_id: uuid.UUID, reason: str = "") -> Shipment | None:
    """Customs held an order's goods: block its shipment. An order with no shipment yet (the
    usual case: shipments exist once goods are released) changes nothing."""
    shipment = Shipment.objects.select_for_update().filter(order_id=order_id).first()
    if shipment is None:
        return None
    block_place(
        shipment=shipment,
        kind=BlockKind.CUSTOMS_HOLD,
        source=BlockSource.CUSTOMS,
        reason=f"customs hold {reason}".strip(),
    )
    return shipment


@transaction.atomic
def shipment_customs_unblock(*, order_id: uuid.UUID) -> Shipment | None:
    """Customs released an order's held goods: lift its customs hold (only that)."""
    shipment = Shipment.objects.select_for_update().filter(order_id=order_id).first()
    if shipment is None:
        return None
    block_lift(shipment=shipment, kind=BlockKind.CUSTOMS_HOLD, reason="customs released")
    return shipment


def shipments_customs_block(*, holds: Sequence[tuple[uuid.UUID, str]]) -> list[Shipment]:
    """`shipment_customs_block` for a batch of held orders: one query finds the few that have
    a shipment (holds come before release, as a rule), and only those are blocked."""
    shipped = _orders_shipped([order_id for order_id, _ in holds])
    blocked = (
        shipment_customs_block(order_id=order_id, reason=reason)
        for order_id, reason in holds
        if order_id in shipped
    )
    return [shipment for shipment in blocked if shipment is not None]


def shipments_customs_unblock(*, order_ids: Sequence[uuid.UUID]) -> list[Shipment]:
    """`shipment_customs_unblock` for a batch of released orders: one query finds those with a
    shipment under a customs hold (a release usually comes before the shipment exists)."""
    held = set(
        ShipmentBlock.objects.filter(
            shipment__order_id__in=list(order_ids),
            kind=BlockKind.CUSTOMS_HOLD,
            lifted_at__isnull=True,
        ).values_list("shipment__order_id", flat=True)
    )
    lifted = (shipment_customs_unblock(order_id=o) for o in order_ids if o in held)
    return [shipment for shipment in lifted if shipment is not None]


def _orders_shipped(order_ids: Sequence[uuid.UUID]) -> set[uuid.UUID | None]:
    return set(
        Shipment.objects.filter(order_id__in=list(order_ids)).values_list("order_id", flat=True)
    )


# --- Customs: a broker's or carrier's H7/H1 filing (inbound)


def parcel_references(documents: Iterable[dict[str, Any]]) -> set[str]:
    """The references of a filing's transport documents, as parcels store them."""
    return {
        str(d.get("reference") or "").strip().upper().replace(" ", "")
        for d in documents
        if str(d.get("type_code") or "") in TRANSPORT_DOCUMENT_CODES and d.get("reference")
    }


def filings_naming_parcels(*, filings: Sequence[list[dict[str, Any]]]) -> list[int]:
    """Which of these H7/H1 filings (by position) name a manifested inbound parcel, in one
    query for a clearance batch: most filings name parcels this hub never saw, and those need
    no lock and no further read."""
    references = [parcel_references(documents) for documents in filings]
    wanted = set().union(*references)
    if not wanted:
        return []
    known = set(
        InboundParcel.objects.filter(parcel_reference__in=wanted).values_list(
            "parcel_reference", flat=True
        )
    )
    return [index for index, named in enumerate(references) if named & known]


def _inbound_named(references: set[str]) -> list[Shipment]:
    """The inbound parcels a filing's references name (see the module's docstring), locked."""
    if not references:
        return []
    awbs = {r for r in references if len(r) == 11 and r.isdigit()}
    found = list(
        InboundParcel.objects.filter(parcel_reference__in=references)
        .select_related("manifest")
        .order_by("shipment_id")
    )
    of_named_awb = [p for p in found if p.manifest.awb_number in awbs]
    if of_named_awb:
        found = of_named_awb
    else:
        by_reference: dict[str, list[InboundParcel]] = {}
        for p in found:
            by_reference.setdefault(p.parcel_reference, []).append(p)
        ambiguous = {ref for ref, parcels in by_reference.items() if len(parcels) > 1}
        if ambiguous:
            logger.warning(
                "customs filing names parcels of several carriers (%s): none matched",
                ", ".join(sorted(ambiguous)),
            )
        found = [p for p in found if p.parcel_reference not in ambiguous]
    ids = [p.shipment_id for p in found]
    return list(Shipment.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


@transaction.atomic
def inbound_customs_release(*, declaration_id: str, documents: list[dict[str, Any]]) -> int:
    """Customs released an H7/H1 filing: lift the customs hold of each inbound parcel it names
    (only that block). Returns how many parcels had a hold lifted."""
    lifted = 0
    for shipment in _inbound_named(parcel_references(documents)):
        outcome = block_lift(
            shipment=shipment,
            kind=BlockKind.CUSTOMS_HOLD,
            reason=f"declaration {declaration_id} released",
        )
        if outcome is not None:
            publish_block_event(outcome, shipment=shipment)
            lifted += 1
    return lifted


@transaction.atomic
def inbound_customs_refuse(
    *, declaration_id: str, documents: list[dict[str, Any]], status: str, reason: str
) -> int:
    """Customs held, refused or cancelled an H7/H1 filing: each inbound parcel it names keeps
    (or gets back) its customs hold, which now says why. Returns how many parcels it named."""
    named = _inbound_named(parcel_references(documents))
    why = f"declaration {declaration_id} {status}: {reason}".strip().rstrip(":")
    for shipment in named:
        outcome = block_place(
            shipment=shipment,
            kind=BlockKind.CUSTOMS_HOLD,
            source=BlockSource.CUSTOMS,
            reference=declaration_id,
            reason=why,
        )
        if not outcome.changed:
            ShipmentBlock.objects.filter(pk=outcome.block.pk).update(
                reference=declaration_id[:70], reason=why[:500]
            )
            _audit(shipment, f"customs: {why}")
        else:
            publish_block_event(outcome, shipment=shipment)
    return len(named)


__all__ = [
    "TRANSPORT_DOCUMENT_CODES",
    "BlockOutcome",
    "block_lift",
    "block_place",
    "filings_naming_parcels",
    "inbound_customs_refuse",
    "inbound_customs_release",
    "parcel_references",
    "publish_block_event",
    "shipment_customs_block",
    "shipment_customs_unblock",
    "shipments_customs_block",
    "shipments_customs_unblock",
]
