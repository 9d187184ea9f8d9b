"""The one table that says what every raw tracking code means.

Two families of raw codes arrive:
- **IATA Cargo-IMP status codes** (as in FSU messages) describe a master air waybill: the
  airline's view of the consolidation, e.g. DEP, ARR, DLV. Posted against a MAWB they reach the
  MAWB's parcels by reference; posted against a parcel they describe that parcel.
- **Hub and last-mile scan codes** describe one parcel, e.g. HUB_IN, ULD_LOADED, DELIVERED.

Each raw code maps to exactly one normalised status (the words partners and buyers see,
whatever the source) — `tests/logistics/test_tracking_codes.py` enforces it.

How a parcel's current status moves (`advance`):
- Progress statuses have a rank (`PROGRESS_RANK`); the status never moves to a lower rank, so a
  late or out-of-order report is kept in the timeline but never takes the parcel back.
- `customs_hold`, `customs_released` and `exception` interrupt the journey wherever it is: they
  take the parcel's current rank, so they show if they are newer than the current status and a
  later step of the journey supersedes them.
- `delivered` and `returned` are final.
- Only a parcel-level (last-mile) code can deliver a parcel. The airline's DLV means it handed the
  consolidation to the consignee's agent at the destination airport (the parcel has *arrived*);
  and a MAWB-level code moves its parcels only as far as `arrived` (`MAWB_REACH`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.db import models


class TrackingStatus(models.TextChoices):
    """A report in our words, the same whichever partner sent it."""

    INFO_RECEIVED = "info_received", "Information received"
    AT_HUB = "at_hub", "At the hub"
    CUSTOMS_HOLD = "customs_hold", "Held by customs"
    CUSTOMS_RELEASED = "customs_released", "Released by customs"
    LOADED = "loaded", "Loaded for the flight"
    DEPARTED = "departed", "Departed"
    ARRIVED = "arrived", "Arrived at destination"
    OUT_FOR_DELIVERY = "out_for_delivery", "Out for delivery"
    DELIVERED = "delivered", "Delivered"
    EXCEPTION = "exception", "Exception"
    RETURNED = "returned", "Returned to sender"


class CodeLevel(StrEnum):
    MAWB = "mawb"  # IATA Cargo-IMP: the airline's view of a master air waybill
    PARCEL = "parcel"  # hub and last-mile scans of one parcel


@dataclass(frozen=True, slots=True)
class TrackingCodeSpec:
    code: str
    level: CodeLevel
    status: TrackingStatus
    description: str
    # Whether the report moves the parcel's status at all. Cargo-IMP discrepancy and customs
    # codes describe some pieces of a consolidation, not each parcel: timeline only.
    moves_parcel: bool = True


_S = TrackingStatus
_M, _P = CodeLevel.MAWB, CodeLevel.PARCEL

TRACKING_CODE_TABLE: tuple[TrackingCodeSpec, ...] = (
    # --- IATA Cargo-IMP status codes (MAWB level)
    TrackingCodeSpec("BKD", _M, _S.INFO_RECEIVED, "Booked on a flight"),
    TrackingCodeSpec("FOH", _M, _S.AT_HUB, "Freight on hand at the origin warehouse"),
    TrackingCodeSpec("RCS", _M, _S.AT_HUB, "Received from the shipper, ready for carriage"),
    TrackingCodeSpec("PRE", _M, _S.LOADED, "Prepared for loading (built up)"),
    TrackingCodeSpec("MAN", _M, _S.LOADED, "Manifested on a flight"),
    TrackingCodeSpec("DEP", _M, _S.DEPARTED, "Departed on a flight"),
    TrackingCodeSpec("TRM", _M, _S.ARRIVED, "To be transferred to another airline"),
    TrackingCodeSpec("TFD", _M, _S.ARRIVED, "Transferred to another airline"),
    TrackingCodeSpec("RCT", _M, _S.ARRIVED, "Received from another airline"),
    TrackingCodeSpec("ARR", _M, _S.ARRIVED, "Arrived on a flight"),
    TrackingCodeSpec("RCF", _M, _S.ARRIVED, "Received from the flight"),
    TrackingCodeSpec("NFD", _M, _S.ARRIVED, "Consignee notified for delivery"),
    TrackingCodeSpec("AWD", _M, _S.ARRIVED, "Documents delivered to the consignee"),
    TrackingCodeSpec("DLV", _M, _S.ARRIVED, "Delivered by the airline to the consignee's agent"),
    TrackingCodeSpec("DDL", _M, _S.ARRIVED, "Delivered by the airline to the consignee's door"),
    TrackingCodeSpec("CRC", _M, _S.CUSTOMS_HOLD, "Reported to customs", moves_parcel=False),
    TrackingCodeSpec(
        "TGC", _M, _S.CUSTOMS_HOLD, "Transferred to customs control", moves_parcel=False
    ),
    TrackingCodeSpec("CCD", _M, _S.CUSTOMS_RELEASED, "Cleared by customs", moves_parcel=False),
    TrackingCodeSpec("DIS", _M, _S.EXCEPTION, "Discrepancy reported", moves_parcel=False),
    # --- Hub scans and last-mile reports (parcel level)
    TrackingCodeSpec("MANIFEST_RECEIVED", _P, _S.INFO_RECEIVED, "Announced on a manifest"),
    TrackingCodeSpec("HUB_IN", _P, _S.AT_HUB, "Received at the hub"),
    TrackingCodeSpec("SORTED", _P, _S.AT_HUB, "Sorted at the hub"),
    TrackingCodeSpec("BAGGED", _P, _S.AT_HUB, "Packed into a bag"),
    TrackingCodeSpec("CUSTOMS_HOLD", _P, _S.CUSTOMS_HOLD, "Held by customs"),
    TrackingCodeSpec("CUSTOMS_RELEASED", _P, _S.CUSTOMS_RELEASED, "Released by customs"),
    TrackingCodeSpec("ULD_LOADED", _P, _S.LOADED, "Loaded into a ULD for the flight"),
    TrackingCodeSpec("LASTMILE_RECEIVED", _P, _S.ARRIVED, "Received by the last-mile carrier"),
    TrackingCodeSpec("OUT_FOR_DELIVERY", _P, _S.OUT_FOR_DELIVERY, "Out for delivery"),
    TrackingCodeSpec("DELIVERY_FAILED", _P, _S.EXCEPTION, "Delivery attempted, not completed"),
    TrackingCodeSpec("DELIVERED", _P, _S.DELIVERED, "Delivered to the consignee"),
    TrackingCodeSpec("RETURNED", _P, _S.RETURNED, "Returned to the sender"),
    TrackingCodeSpec("EXCEPTION", _P, _S.EXCEPTION, "Exception (see remarks)"),
)

TRACKING_CODES: dict[str, TrackingCodeSpec] = {spec.code: spec for spec in TRACKING_CODE_TABLE}
CODE_MAX_LENGTH = 24

# Progress along the journey. Statuses not listed interrupt it (see the module docstring).
PROGRESS_RANK: dict[str, int] = {
    _S.INFO_RECEIVED: 0,
    _S.AT_HUB: 1,
    _S.LOADED: 2,
    _S.DEPARTED: 3,
    _S.ARRIVED: 4,
    _S.OUT_FOR_DELIVERY: 5,
    _S.RETURNED: 6,
    _S.DELIVERED: 7,
}
INTERRUPTIONS: frozenset[str] = frozenset({_S.CUSTOMS_HOLD, _S.CUSTOMS_RELEASED, _S.EXCEPTION})
FINAL: frozenset[str] = frozenset({_S.DELIVERED, _S.RETURNED})
# A MAWB-level report moves a parcel at most this far along.
MAWB_REACH = PROGRESS_RANK[_S.ARRIVED]


@dataclass(frozen=True, slots=True)
class TrackingPosition:
    """Where a parcel stands: its status, the rank of its progress, and the time of the latest
    report that decided them (a newer report of the same status moves the time on, so a late
    interruption older than it is not shown as current)."""

    status: str
    rank: int
    at: datetime | None

    @classmethod
    def initial(cls) -> TrackingPosition:
        return cls(status=_S.INFO_RECEIVED, rank=0, at=None)


def spec_for(code: str) -> TrackingCodeSpec | None:
    return TRACKING_CODES.get(code)


def advance(
    position: TrackingPosition, spec: TrackingCodeSpec, occurred_at: datetime
) -> TrackingPosition | None:
    """The parcel's new position after this report, or None if the report does not move it."""
    if not spec.moves_parcel or position.status in FINAL:
        return None
    status = spec.status
    rank = position.rank if status in INTERRUPTIONS else PROGRESS_RANK[status]
    if spec.level is CodeLevel.MAWB and rank > MAWB_REACH:
        return None  # never: only last-mile reports take a parcel past arrival
    if position.at is not None and (rank, occurred_at) <= (position.rank, position.at):
        return None
    if position.at is None and rank < position.rank:
        return None
    return TrackingPosition(status=status, rank=rank, at=occurred_at)
