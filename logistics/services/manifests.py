"""Inbound parcels from carriers' manifests: a master air waybill flown into the hub and the
parcels it carries, each for a consignee in the EU.

One request is one manifest (JSON, or CSV rows under the same rules). The header (MAWB,
flight, origin) is all or nothing: a bad one refuses the request and writes nothing. Each
parcel is answered in order as `created`, `duplicate` (the carrier's reference is already on
this manifest: a replay adds nothing) or `rejected` with a stable code and the field at fault;
the good parcels are stored even when others are bad. Items are checked in plain Python and
written set-wise (a few statements whatever their number), as the bulk tracking path does.

Every inbound parcel starts under a customs hold (`ShipmentBlock`), lifted when customs
releases the H7/H1 filing that names its reference (logistics.services.blocks). Inbound
shipments never fly out of the hub: the routing job does not plan them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from customs import selectors as customs_selectors
from customs.taxes import member_states
from ewtp.core.errors import Conflict, DomainError
from ewtp.core.models import Organization
from ewtp.events.bus import publish
from logistics import awb
from logistics.events import MANIFEST_RECORDED, manifest_event_data
from logistics.models import (
    HUB_IATA,
    Airline,
    Airport,
    BlockKind,
    BlockSource,
    InboundParcel,
    Manifest,
    Shipment,
    ShipmentBlock,
    ShipmentDirection,
    ShipmentStatus,
    ShipmentStatusChange,
    WaitingReason,
)
from logistics.services.blocks import TRANSPORT_DOCUMENT_CODES, inbound_customs_release
from logistics.services.shipments import tracking_numbers_free

MAX_MANIFEST_PARCELS = 1000

CREATED = "created"
DUPLICATE = "duplicate"
REJECTED = "rejected"

# Parcel codes, stable for partners (the API documents them as an enum).
PARCEL_NOT_AN_OBJECT = "PARCEL_NOT_AN_OBJECT"
FIELD_UNKNOWN = "FIELD_UNKNOWN"
PARCEL_REFERENCE_INVALID = "PARCEL_REFERENCE_INVALID"
PARCEL_ON_ANOTHER_MANIFEST = "PARCEL_ON_ANOTHER_MANIFEST"
CONSIGNEE_COUNTRY_INVALID = "CONSIGNEE_COUNTRY_INVALID"
CONSIGNEE_NOT_IN_EU = "CONSIGNEE_NOT_IN_EU"
WEIGHT_INVALID = "WEIGHT_INVALID"
DIMENSIONS_INVALID = "DIMENSIONS_INVALID"
DECLARED_VALUE_INVALID = "DECLARED_VALUE_INVALID"
CURRENCY_INVALID = "CURRENCY_INVALID"
HS_CODE_INVALID = "HS_CODE_INVALID"
PARCEL_CODES = (
    PARCEL_NOT_AN_OBJECT,
    FIELD_UNKNOWN,
    PARCEL_REFERENCE_INVALID,
    PARCEL_ON_ANOTHER_MANIFEST,
    CONSIGNEE_COUNTRY_INVALID,
    CONSIGNEE_NOT_IN_EU,
    WEIGHT_INVALID,
    DIMENSIONS_INVALID,
    DECLARED_VALUE_INVALID,
    CURRENCY_INVALID,
    HS_CODE_INVALID,
)

# A parcel's fields, in the order the CSV form documents its columns.
PARCEL_FIELDS = (
    "parcel_reference",
    "consignee_country",
    "weight_kg",
    "length_cm",
    "width_cm",
    "height_cm",
    "declared_value",
    "currency",
    "hs_codes",
)
_REFERENCE = re.compile(r"^[A-Z0-9]{1,35}$")
# IATA designator (two letters, or a letter and a digit either way), 1-4 digits, a suffix.
_FLIGHT = re.compile(r"^([A-Z]{2}|[A-Z][0-9]|[0-9][A-Z])([0-9]{1,4})([A-Z]?)$")
_HS = re.compile(r"^[0-9]{6,10}$")
# A parcel, not a pallet: anything heavier is a typo (grams for kilograms).
MAX_PARCEL_KG = Decimal("1000")
MAX_SIDE_CM = Decimal("999.9")
MAX_DECLARED_VALUE = Decimal("9999999999.99")
MAX_HS_CODES = 20
# How far from today a manifest's flight date may be.
FLIGHT_DATE_WINDOW = timedelta(days=30)
WEIGHT_STEP = Decimal("0.001")
VALUE_STEP = Decimal("0.01")
SIDE_STEP = Decimal("0.1")
VOLUME_STEP = Decimal("0.0001")
CM3_PER_M3 = Decimal(1_000_000)


@dataclass(frozen=True, slots=True)
class ParcelResult:
    result: str
    line: int  # the parcel's position (1-based), or the CSV line
    parcel_reference: str | None = None
    shipment_id: str | None = None
    tracking_number: str | None = None
    code: str | None = None
    field: str | None = None
    message: str | None = None


@dataclass(slots=True)
class ManifestOutcome:
    manifest: Manifest
    created: int = 0
    duplicates: int = 0
    rejected: int = 0
    results: list[ParcelResult] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Parcel:
    index: int
    line: int
    reference: str
    consignee_country: str
    weight_kg: Decimal
    dimensions: tuple[Decimal, Decimal, Decimal] | None
    declared_value: Decimal
    currency: str
    hs_codes: list[str]


class _Refused(Exception):
    def __init__(self, code: str, field: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.field = field
        self.message = message


def _decimal(value: Any, *, allow_float: bool) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float):
        if not allow_float:
            return None
        value = repr(value)
    if not isinstance(value, int | str):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _text(item: dict[str, Any], name: str) -> str:
    value = item.get(name)
    return value.strip().upper() if isinstance(value, str) else ""


def _parse_parcel(item: Any, index: int, line: int) -> _Parcel:
    """One parcel as a partner sent it, checked field by field in document order."""
    if not isinstance(item, dict):
        raise _Refused(PARCEL_NOT_AN_OBJECT, "", "Each parcel is an object.")
    unknown = sorted(set(item) - set(PARCEL_FIELDS))
    if unknown:
        raise _Refused(FIELD_UNKNOWN, str(unknown[0]), "Unknown field.")
    reference = _text(item, "parcel_reference").replace(" ", "")
    if not _REFERENCE.fullmatch(reference):
        raise _Refused(
            PARCEL_REFERENCE_INVALID,
            "parcel_reference",
            "The carrier's tracking or house waybill number: 1 to 35 letters and digits.",
        )
    country = _text(item, "consignee_country")
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise _Refused(
            CONSIGNEE_COUNTRY_INVALID, "consignee_country", "An ISO 3166-1 alpha-2 country code."
        )
    if country not in member_states():  # the EU's 27, from customs' reference data
        raise _Refused(
            CONSIGNEE_NOT_IN_EU,
            "consignee_country",
            f"{country} is not an EU member state: inbound parcels are for the EU.",
        )
    weight = _decimal(item.get("weight_kg"), allow_float=True)
    if weight is None or not (0 < weight <= MAX_PARCEL_KG):
        raise _Refused(
            WEIGHT_INVALID, "weight_kg", f"A weight in kilograms, above 0, at most {MAX_PARCEL_KG}."
        )
    weight = weight.quantize(WEIGHT_STEP)
    if weight <= 0:
        raise _Refused(WEIGHT_INVALID, "weight_kg", "At least 1 gram.")
    sides = [item.get(name) for name in ("length_cm", "width_cm", "height_cm")]
    dimensions = None
    if any(side is not None for side in sides):
        parsed = [_decimal(side, allow_float=True) for side in sides]
        cleaned = [p.quantize(SIDE_STEP) for p in parsed if p is not None and 0 < p <= MAX_SIDE_CM]
        if len(cleaned) != 3 or any(p <= 0 for p in cleaned):
            raise _Refused(
                DIMENSIONS_INVALID,
                "length_cm",
                f"Give length, width and height in cm (each above 0, at most {MAX_SIDE_CM}), "
                "or none of them.",
            )
        dimensions = (cleaned[0], cleaned[1], cleaned[2])
    value = _decimal(item.get("declared_value"), allow_float=False)
    if value is None or not (0 <= value <= MAX_DECLARED_VALUE):
        raise _Refused(
            DECLARED_VALUE_INVALID,
            "declared_value",
            "The goods' declared value as a decimal string (never a float), 0 or more.",
        )
    currency = _text(item, "currency")
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise _Refused(CURRENCY_INVALID, "currency", "An ISO 4217 code such as EUR or CNY.")
    hs_codes = item.get("hs_codes", [])
    if hs_codes is None:
        hs_codes = []
    if not isinstance(hs_codes, list) or len(hs_codes) > MAX_HS_CODES:
        raise _Refused(HS_CODE_INVALID, "hs_codes", f"A list of at most {MAX_HS_CODES} HS codes.")
    for position, code in enumerate(hs_codes):
        if not isinstance(code, str) or not _HS.fullmatch(code):
            raise _Refused(HS_CODE_INVALID, f"hs_codes/{position}", "An HS code is 6 to 10 digits.")
    return _Parcel(
        index=index,
        line=line,
        reference=reference,
        consignee_country=country,
        weight_kg=weight,
        dimensions=dimensions,
        declared_value=value.quantize(VALUE_STEP),
        currency=currency,
        hs_codes=list(hs_codes),
    )


def _header(
    *, awb_number: str, flight_number: str, flight_date: date, origin: str
) -> tuple[str, Airline, str, Airport]:
    """The manifest's header, checked whole: any fault refuses the request (400)."""
    number = awb.parse(awb_number, known_prefixes=set(Airline.objects.values_list("pk", flat=True)))
    airline = Airline.objects.get(pk=number.prefix)
    flight = flight_number.strip().upper().replace(" ", "")
    match = _FLIGHT.fullmatch(flight)
    if match is None:
        raise DomainError(
            "A flight number is the airline's 2-character code and 1 to 4 digits, e.g. CK263.",
            code="FLIGHT_NUMBER_INVALID",
            field="flight_number",
            status=400,
        )
    if not Airline.objects.filter(iata_code=match[1]).exists():
        raise DomainError(
            f"{match[1]} is not the code of an airline we know.",
            code="FLIGHT_AIRLINE_UNKNOWN",
            field="flight_number",
            status=400,
        )
    today = timezone.now().date()
    if abs(flight_date - today) > FLIGHT_DATE_WINDOW:
        raise DomainError(
            f"The flight date must be within {FLIGHT_DATE_WINDOW.days} days of today.",
            code="FLIGHT_DATE_OUT_OF_RANGE",
            field="flight_date",
            status=400,
        )
    code = origin.strip().upper()
    if code == HUB_IATA:
        raise DomainError(
            "An inbound flight comes from another airport than the hub.",
            code="ORIGIN_IS_HUB",
            field="origin",
            status=400,
        )
    airport = Airport.objects.filter(iata=code).first()
    if airport is None:
        raise DomainError(
            f"{code} is not an airport we know.",
            code="AIRPORT_UNKNOWN",
            field="origin",
            status=400,
        )
    return number.digits, airline, flight, airport


def _manifest_lock(
    *,
    carrier: Organization,
    awb_digits: str,
    airline: Airline,
    flight: str,
    flight_date: date,
    origin: Airport,
) -> Manifest:
    """The carrier's manifest of this MAWB, created if new, locked: two requests for one MAWB
    take turns, so a parcel sent twice at once is created once."""
    Manifest.objects.bulk_create(
        [
            Manifest(
                carrier=carrier,
                awb_number=awb_digits,
                airline=airline,
                flight_number=flight,
                flight_date=flight_date,
                origin=origin,
            )
        ],
        ignore_conflicts=True,
    )
    manifest = Manifest.objects.select_for_update().get(carrier=carrier, awb_number=awb_digits)
    if (manifest.flight_number, manifest.flight_date, manifest.origin_id) != (
        flight,
        flight_date,
        origin.pk,
    ):
        raise Conflict(
            f"MAWB {manifest.awb_display} was manifested on {manifest.flight_number} "
            f"{manifest.flight_date} from {manifest.origin_id}.",
            code="MANIFEST_FLIGHT_DIFFERS",
            field="flight_number",
        )
    return manifest


@transaction.atomic
def manifest_record(
    *,
    carrier: Organization,
    awb_number: str,
    flight_number: str,
    flight_date: date,
    origin: str,
    parcels: list[Any],
    lines: list[int] | None = None,
) -> ManifestOutcome:
    """Record a carrier's manifest of inbound parcels (see the module docstring). Each parcel
    becomes an inbound shipment at the hub under a customs hold; a reference already on this
    manifest is a duplicate, on another of the carrier's manifests a rejection. `lines`
    numbers the results (CSV: each row's line); by default the parcels count from 1."""
    if len(parcels) > MAX_MANIFEST_PARCELS:
        raise DomainError(
            f"At most {MAX_MANIFEST_PARCELS:,} parcels per manifest request.",
            code="MANIFEST_TOO_LARGE",
            field="parcels",
            status=413,
        )
    awb_digits, airline, flight, airport = _header(
        awb_number=awb_number, flight_number=flight_number, flight_date=flight_date, origin=origin
    )
    hub = Airport.objects.filter(iata=HUB_IATA).first()
    if hub is None:
        raise DomainError("The hub airport is not set up.", code="hub_unknown", status=503)
    manifest = _manifest_lock(
        carrier=carrier,
        awb_digits=awb_digits,
        airline=airline,
        flight=flight,
        flight_date=flight_date,
        origin=airport,
    )
    outcome = ManifestOutcome(manifest=manifest)
    results: dict[int, ParcelResult] = {}
    good: list[_Parcel] = []
    for index, item in enumerate(parcels):
        line = lines[index] if lines is not None else index + 1
        try:
            good.append(_parse_parcel(item, index, line))
        except _Refused as refused:
            reference = item.get("parcel_reference") if isinstance(item, dict) else None
            results[index] = ParcelResult(
                result=REJECTED,
                line=line,
                parcel_reference=reference if isinstance(reference, str) else None,
                code=refused.code,
                field=refused.field or None,
                message=refused.message,
            )
    known = {
        p.parcel_reference: p
        for p in InboundParcel.objects.filter(
            carrier=carrier, parcel_reference__in={p.reference for p in good}
        ).select_related("shipment")
    }
    fresh: list[_Parcel] = []
    first_of: dict[str, _Parcel] = {}
    for parcel in good:
        stored = known.get(parcel.reference)
        if stored is not None and stored.manifest_id != manifest.pk:
            results[parcel.index] = ParcelResult(
                result=REJECTED,
                line=parcel.line,
                parcel_reference=parcel.reference,
                code=PARCEL_ON_ANOTHER_MANIFEST,
                field="parcel_reference",
                message="This reference is already on another manifest of yours.",
            )
        elif stored is not None or parcel.reference in first_of:
            continue  # a duplicate: answered below, once the first one has its shipment
        else:
            first_of[parcel.reference] = parcel
            fresh.append(parcel)
    created = _create(fresh, carrier=carrier, manifest=manifest, hub=hub)
    for parcel in good:
        index = parcel.index
        if index in results:
            continue
        new = created.get(parcel.reference)
        if new is not None and first_of[parcel.reference] is parcel:
            results[index] = ParcelResult(
                result=CREATED,
                line=parcel.line,
                parcel_reference=parcel.reference,
                shipment_id=str(new.pk),
                tracking_number=new.tracking_number,
            )
            continue
        shipment = new if new is not None else known[parcel.reference].shipment
        results[index] = ParcelResult(
            result=DUPLICATE,
            line=parcel.line,
            parcel_reference=parcel.reference,
            shipment_id=str(shipment.pk),
            tracking_number=shipment.tracking_number,
        )
    outcome.results = [results[i] for i in range(len(parcels))]
    outcome.created = sum(r.result == CREATED for r in outcome.results)
    outcome.duplicates = sum(r.result == DUPLICATE for r in outcome.results)
    outcome.rejected = sum(r.result == REJECTED for r in outcome.results)
    if created:
        _release_filed_already(set(created))
    if not created and not manifest.parcels.exists():
        # Every parcel of a new manifest was refused: no empty manifest is left behind.
        manifest.delete()
    if created:
        Manifest.objects.filter(pk=manifest.pk).update(updated_at=timezone.now())
        publish(
            type=MANIFEST_RECORDED,
            data=manifest_event_data(
                manifest,
                created=[
                    {
                        "parcel_reference": r.parcel_reference or "",
                        "shipment_id": r.shipment_id or "",
                        "tracking_number": r.tracking_number or "",
                    }
                    for r in outcome.results
                    if r.result == CREATED
                ],
                duplicates=outcome.duplicates,
                rejected=outcome.rejected,
            ),
            recipients=[carrier],
        )
    return outcome


def _release_filed_already(references: set[str]) -> None:
    """A broker may file (and customs release) a parcel's H7/H1 before the carrier manifests
    it: such a release is read from customs and applied as if its event came now."""
    for declaration_id, documents in customs_selectors.released_filings_naming(
        references=references, type_codes=TRANSPORT_DOCUMENT_CODES
    ):
        inbound_customs_release(declaration_id=declaration_id, documents=documents)


def _create(
    parcels: list[_Parcel], *, carrier: Organization, manifest: Manifest, hub: Airport
) -> dict[str, Shipment]:
    """The shipments of new parcels, with their manifest lines, customs holds and first audit
    rows: four inserts whatever their number."""
    if not parcels:
        return {}
    now = timezone.now()
    numbers = tracking_numbers_free(len(parcels))
    shipments = [
        Shipment(
            direction=ShipmentDirection.INBOUND,
            consignee_country=p.consignee_country,
            destination=hub,
            weight_kg=p.weight_kg,
            volume_m3=(
                (p.dimensions[0] * p.dimensions[1] * p.dimensions[2] / CM3_PER_M3).quantize(
                    VOLUME_STEP
                )
                if p.dimensions
                else Decimal("0")
            ),
            customs_hold=True,
            waiting_reason=WaitingReason.CUSTOMS_HOLD,
            tracking_number=number,
            status=ShipmentStatus.CREATED,
            carrier=carrier,
            created_at=now,
            updated_at=now,
        )
        for p, number in zip(parcels, numbers, strict=True)
    ]
    try:
        with transaction.atomic():
            Shipment.objects.bulk_create(shipments)
            InboundParcel.objects.bulk_create(
                [
                    InboundParcel(
                        shipment=s,
                        manifest=manifest,
                        carrier=carrier,
                        parcel_reference=p.reference,
                        declared_value=p.declared_value,
                        currency=p.currency,
                        hs_codes=p.hs_codes,
                        length_cm=p.dimensions[0] if p.dimensions else None,
                        width_cm=p.dimensions[1] if p.dimensions else None,
                        height_cm=p.dimensions[2] if p.dimensions else None,
                        created_at=now,
                    )
                    for s, p in zip(shipments, parcels, strict=True)
                ]
            )
    except IntegrityError:
        # Only a request for another MAWB of the carrier, at the same moment and with the same
        # reference, gets here (one MAWB's requests take turns on its manifest row).
        raise Conflict(
            "Another manifest of yours is storing one of these parcels right now; send again.",
            code="MANIFEST_CONCURRENT_WRITE",
            field="parcels",
        ) from None
    ShipmentBlock.objects.bulk_create(
        [
            ShipmentBlock(
                shipment=s,
                kind=BlockKind.CUSTOMS_HOLD,
                source=BlockSource.CUSTOMS,
                reason="awaiting the release of its H7/H1 declaration",
                placed_at=now,
            )
            for s in shipments
        ]
    )
    label = f"manifested on MAWB {manifest.awb_display}, flight {manifest.flight_number}"
    ShipmentStatusChange.objects.bulk_create(
        [
            ShipmentStatusChange(
                shipment=s,
                from_status="",
                to_status=ShipmentStatus.CREATED,
                reason=label[:500],
                changed_at=now,
            )
            for s in shipments
        ]
    )
    return {p.reference: s for p, s in zip(parcels, shipments, strict=True)}


__all__ = [
    "CREATED",
    "DUPLICATE",
    "MAX_MANIFEST_PARCELS",
    "PARCEL_CODES",
    "REJECTED",
    "ManifestOutcome",
    "ParcelResult",
    "manifest_record",
]
