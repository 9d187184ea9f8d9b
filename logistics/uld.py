"""Unit load devices (IATA ULD Regulations): ids like `AKE12345LH` — a 3-letter type code, a 4-
or 5-digit serial and the 2-character code of the owner (usually an airline's IATA code).

The type decides the largest gross weight the unit may carry; `ULD_TYPES` seeds the table.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass
from decimal import Decimal

from ewtp.core.errors import DomainError

ULD_MALFORMED = "ULD_MALFORMED"
ULD_TYPE_UNKNOWN = "ULD_TYPE_UNKNOWN"

_SHAPE = re.compile(r"^([A-Z]{3})([0-9]{4,5})([A-Z0-9]{2})$")


@dataclass(frozen=True, slots=True)
class UldTypeSpec:
    code: str
    name: str
    max_gross_kg: Decimal
    tare_kg: Decimal = Decimal("0")
    volume_m3: Decimal = Decimal("0")


# Maximum gross weights as rated for the common wide-body positions (pallets: main deck).
# Tares are typical aluminium units; volumes the usable cargo volume of the unit (pallets: built
# up to the lower-deck contour, which fits either deck).
ULD_TYPES: tuple[UldTypeSpec, ...] = (
    UldTypeSpec("AKE", "LD3 lower-deck container", Decimal("1588"), Decimal("82"), Decimal("4.3")),
    UldTypeSpec(
        "AKH",
        "LD3-45 lower-deck container (narrow-body)",
        Decimal("1134"),
        Decimal("75"),
        Decimal("3.6"),
    ),
    UldTypeSpec("DPE", "LD2 lower-deck container", Decimal("1225"), Decimal("72"), Decimal("3.4")),
    UldTypeSpec("DQF", "LD8 lower-deck container", Decimal("2449"), Decimal("130"), Decimal("7.2")),
    UldTypeSpec("ALF", "LD6 lower-deck container", Decimal("3175"), Decimal("150"), Decimal("8.9")),
    UldTypeSpec(
        "AMJ", "M6 main-deck container (10 ft)", Decimal("6804"), Decimal("360"), Decimal("17.5")
    ),
    UldTypeSpec("PMC", "P6P pallet 96 x 125 in", Decimal("6804"), Decimal("110"), Decimal("11.5")),
    UldTypeSpec("PAG", "P1P pallet 88 x 125 in", Decimal("6033"), Decimal("105"), Decimal("10.6")),
    UldTypeSpec("PLA", "P5 pallet 60.4 x 125 in", Decimal("3174"), Decimal("90"), Decimal("7.0")),
)


class UldInvalid(DomainError):
    status = 400
    title = "Invalid ULD id"

    def __init__(self, detail: str, *, code: str, field: str | None = "uld_id") -> None:
        super().__init__(detail, code=code, field=field)


@dataclass(frozen=True, slots=True)
class UldId:
    type_code: str
    serial: str
    owner: str

    def __str__(self) -> str:
        return f"{self.type_code}{self.serial}{self.owner}"


def parse(text: str, *, known_types: Container[str] | None = None) -> UldId:
    """Parse a ULD id (upper case, no spaces). With `known_types`, the type code must be one of
    them. Raises UldInvalid with ULD_MALFORMED or ULD_TYPE_UNKNOWN."""
    match = _SHAPE.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise UldInvalid(
            "A ULD id is a 3-letter type, a 4- or 5-digit serial and a 2-character owner code, "
            "e.g. AKE12345LH.",
            code=ULD_MALFORMED,
        )
    uld = UldId(type_code=match[1], serial=match[2], owner=match[3])
    if known_types is not None and uld.type_code not in known_types:
        raise UldInvalid(f"{uld.type_code} is not a ULD type we know.", code=ULD_TYPE_UNKNOWN)
    return uld


def is_valid(text: str) -> bool:
    try:
        parse(text, known_types={spec.code for spec in ULD_TYPES})
    except UldInvalid:
        return False
    return True
