"""Chargeable weight: what air freight is billed and planned on.

IATA's volumetric rule counts 6,000 cm³ as 1 kg; the chargeable weight is the greater of the
gross weight and the volumetric weight, rounded up to the next half kilogram.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal, localcontext

VOLUMETRIC_DIVISOR_CM3_PER_KG = Decimal(6000)
STEP_KG = Decimal("0.5")
# Enough digits that products of real dimensions are exact and a volume just above a half-kilo
# boundary is never rounded down onto it before the ceiling is taken.
_PRECISION = 60


def volumetric_weight_kg(*, length_cm: Decimal, width_cm: Decimal, height_cm: Decimal) -> Decimal:
    """L x W x H in cm over 6,000, exact (not rounded)."""
    for name, value in (("length", length_cm), ("width", width_cm), ("height", height_cm)):
        if not value.is_finite() or value <= 0:
            raise ValueError(f"The {name} must be a positive number of centimetres.")
    return length_cm * width_cm * height_cm / VOLUMETRIC_DIVISOR_CM3_PER_KG


def round_up_to_half_kg(weight_kg: Decimal) -> Decimal:
    """Up to the next multiple of 0.5 kg (a multiple stays as it is), with one decimal."""
    halves = (weight_kg / STEP_KG).to_integral_value(rounding=ROUND_CEILING)
    return (halves * STEP_KG).quantize(Decimal("0.1"))


def chargeable_weight_kg(
    *,
    gross_kg: Decimal,
    length_cm: Decimal | None = None,
    width_cm: Decimal | None = None,
    height_cm: Decimal | None = None,
) -> Decimal:
    """max(gross, LxWxH / 6000) rounded up to the next 0.5 kg. Without all three dimensions the
    gross weight alone counts."""
    if not gross_kg.is_finite() or gross_kg <= 0:
        raise ValueError("The gross weight must be a positive number of kilograms.")
    with localcontext() as context:
        context.prec = _PRECISION
        weight = gross_kg
        if length_cm is not None and width_cm is not None and height_cm is not None:
            weight = max(
                weight,
                volumetric_weight_kg(length_cm=length_cm, width_cm=width_cm, height_cm=height_cm),
            )
        return round_up_to_half_kg(weight)
