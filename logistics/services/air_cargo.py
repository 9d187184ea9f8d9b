"""Writes of air-cargo reference data and waybills: airlines, ULDs, MAWBs and HAWBs."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from ewtp.core.errors import Conflict, DomainError, NotFound
from ewtp.core.models import Organization
from logistics import awb, uld, weights
from logistics.airlines import AIRLINES, AirlineSpec
from logistics.models import (
    Airline,
    Flight,
    HouseWaybill,
    MasterWaybill,
    Shipment,
    UldType,
    UnitLoadDevice,
)
from logistics.services.network import airport_ensure

HAWB_NUMBER = re.compile(r"^[A-Z0-9]{1,16}$")
MAX_PIECES = 100_000
MAX_WEIGHT_KG = Decimal("9999999")  # ten digits with three decimals


@transaction.atomic
def airlines_load(*, airlines: Iterable[AirlineSpec] = AIRLINES) -> int:
    """Add or correct airlines by AWB prefix. Returns how many were given."""
    count = 0
    for spec in airlines:
        Airline.objects.update_or_create(
            awb_prefix=spec.awb_prefix, defaults={"iata_code": spec.iata_code, "name": spec.name}
        )
        count += 1
    return count


@transaction.atomic
def uld_types_load(*, types: Iterable[uld.UldTypeSpec] = uld.ULD_TYPES) -> int:
    count = 0
    for spec in types:
        UldType.objects.update_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "max_gross_kg": spec.max_gross_kg,
                "tare_kg": spec.tare_kg,
                "volume_m3": spec.volume_m3,
            },
        )
        count += 1
    return count


@transaction.atomic
def uld_register(*, uld_id: str) -> UnitLoadDevice:
    """Know a ULD by its IATA id; registering it again returns the same one."""
    parsed = uld.parse(uld_id, known_types=set(UldType.objects.values_list("code", flat=True)))
    device, _ = UnitLoadDevice.objects.get_or_create(
        uld_id=str(parsed),
        defaults={"uld_type_id": parsed.type_code, "owner_code": parsed.owner},
    )
    return device


def _positive(value: Decimal | int, *, field: str, most: Decimal | int) -> None:
    if value <= 0 or value > most:
        raise DomainError(
            f"{field} must be more than 0 and at most {most}.",
            code="value_out_of_range",
            field=field,
            status=400,
        )


@transaction.atomic
def master_waybill_create(
    *,
    organization: Organization,
    awb_number: str,
    pieces: int,
    weight_kg: Decimal,
    origin: str | None = None,
    destination: str | None = None,
    flight_id: uuid.UUID | None = None,
) -> MasterWaybill:
    """Record a master air waybill. Its number must be a valid AWB of an airline we know
    (AWB_MALFORMED / AWB_CHECK_DIGIT_INVALID / AWB_UNKNOWN_PREFIX); airports are IATA codes
    (loaded from the reference when first named); a flight, if given, must be one the
    organisation operates. One record per AWB per organisation."""
    number = awb.parse(
        awb_number, known_prefixes=set(Airline.objects.values_list("awb_prefix", flat=True))
    )
    _positive(pieces, field="pieces", most=MAX_PIECES)
    _positive(weight_kg, field="weight_kg", most=MAX_WEIGHT_KG)
    if origin is not None and origin == destination:
        raise DomainError(
            "Origin and destination are different airports.",
            code="origin_is_destination",
            field="destination",
            status=400,
        )
    origin_airport = airport_ensure(iata=origin, field="origin") if origin else None
    destination_airport = (
        airport_ensure(iata=destination, field="destination") if destination else None
    )
    flight = None
    if flight_id is not None:
        flight = Flight.objects.operated_by(organization).filter(pk=flight_id).first()
        if flight is None:
            raise DomainError("No such flight of yours.", code="FLIGHT_UNKNOWN", field="flight_id")
    try:
        with transaction.atomic():
            return MasterWaybill.objects.create(
                organization=organization,
                awb_number=number.digits,
                airline_id=number.prefix,
                origin=origin_airport,
                destination=destination_airport,
                flight=flight,
                pieces=pieces,
                weight_kg=weight_kg,
            )
    except IntegrityError:
        raise Conflict(
            f"You already recorded air waybill {number}.", code="mawb_exists", field="awb_number"
        ) from None


@transaction.atomic
def house_waybill_create(
    *,
    master_waybill: MasterWaybill,
    number: str,
    pieces: int,
    weight_kg: Decimal,
    dimensions_cm: tuple[Decimal, Decimal, Decimal] | None = None,
) -> HouseWaybill:
    """Add a house waybill to a MAWB, with its chargeable weight (max of gross and volumetric
    weight, up to the next 0.5 kg)."""
    if not HAWB_NUMBER.fullmatch(number):
        raise DomainError(
            "A house waybill number is 1 to 16 capital letters and digits.",
            code="hawb_number_invalid",
            field="number",
            status=400,
        )
    _positive(pieces, field="pieces", most=MAX_PIECES)
    _positive(weight_kg, field="weight_kg", most=MAX_WEIGHT_KG)
    length, width, height = dimensions_cm or (None, None, None)
    try:
        chargeable = weights.chargeable_weight_kg(
            gross_kg=weight_kg, length_cm=length, width_cm=width, height_cm=height
        )
    except ValueError as error:
        raise DomainError(
            str(error), code="dimensions_invalid", field="dimensions_cm", status=400
        ) from None
    try:
        with transaction.atomic():
            return HouseWaybill.objects.create(
                master_waybill=master_waybill,
                number=number,
                pieces=pieces,
                weight_kg=weight_kg,
                chargeable_weight_kg=chargeable,
            )
    except IntegrityError:
        raise Conflict(
            f"House waybill {number} is already in {master_waybill}.", code="hawb_exists"
        ) from None


@transaction.atomic
def house_waybill_attach_shipments(
    *, house_waybill: HouseWaybill, shipment_ids: Iterable[uuid.UUID], carrier: Organization
) -> int:
    """Put parcels under a house waybill, so they see its MAWB's milestones. Only parcels the
    carrier flies can be attached; any other id is NotFound and nothing is attached."""
    wanted = set(shipment_ids)
    shipments = Shipment.objects.select_for_update().filter(pk__in=wanted, carrier=carrier)
    found = {s.pk for s in shipments}
    if found != wanted:
        raise NotFound("No such shipment.")
    return Shipment.objects.filter(pk__in=found).update(
        house_waybill=house_waybill, updated_at=timezone.now()
    )
