from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from logistics.weights import chargeable_weight_kg, round_up_to_half_kg, volumetric_weight_kg

D = Decimal
weights = st.decimals(min_value=D("0.001"), max_value=D("100000"), places=3)
sides = st.decimals(min_value=D("0.1"), max_value=D("2000"), places=1)


@pytest.mark.parametrize(
    ("gross", "dims", "chargeable"),
    [
        ("10", None, "10.0"),  # a multiple of 0.5 stays
        ("10.01", None, "10.5"),
        ("10.5", None, "10.5"),
        ("10.51", None, "11.0"),
        ("0.2", None, "0.5"),
        ("2", ("40", "30", "20"), "4.0"),  # 24,000 cm³ / 6000 = 4 kg > 2 kg
        ("2", ("40", "30", "21"), "4.5"),  # 4.2 kg volumetric
        ("30", ("40", "30", "20"), "30.0"),  # gross wins
    ],
)
def test_worked_examples(gross, dims, chargeable):
    dimensions = (
        {}
        if dims is None
        else dict(zip(("length_cm", "width_cm", "height_cm"), map(D, dims), strict=True))
    )
    assert chargeable_weight_kg(gross_kg=D(gross), **dimensions) == D(chargeable)


@given(gross=weights, length=sides, width=sides, height=sides)
def test_chargeable_weight_is_the_greater_weight_rounded_up_to_half_a_kilo(
    gross, length, width, height
):
    volumetric = length * width * height / D(6000)

    charged = chargeable_weight_kg(
        gross_kg=gross, length_cm=length, width_cm=width, height_cm=height
    )

    assert charged >= gross
    assert charged >= volumetric_weight_kg(length_cm=length, width_cm=width, height_cm=height)
    assert charged - max(gross, volumetric) < D("0.5")
    assert (charged * 2) == (charged * 2).to_integral_value()  # a multiple of 0.5
    assert isinstance(charged, Decimal)


@given(a=weights, b=weights)
def test_rounding_is_monotonic_and_idempotent(a, b):
    low, high = sorted((a, b))
    assert round_up_to_half_kg(low) <= round_up_to_half_kg(high)
    assert round_up_to_half_kg(round_up_to_half_kg(a)) == round_up_to_half_kg(a)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"gross_kg": D("0")},
        {"gross_kg": D("-1")},
        {"gross_kg": D("NaN")},
        {"gross_kg": D("1"), "length_cm": D("0"), "width_cm": D("1"), "height_cm": D("1")},
        {"gross_kg": D("1"), "length_cm": D("Infinity"), "width_cm": D("1"), "height_cm": D("1")},
    ],
)
def test_nonsense_is_refused(kwargs):
    with pytest.raises(ValueError, match="positive"):
        chargeable_weight_kg(**kwargs)
