from __future__ import annotations

import pytest

from logistics import uld

KNOWN = {spec.code for spec in uld.ULD_TYPES}


@pytest.mark.parametrize(
    ("text", "type_code", "serial", "owner"),
    [
        ("AKE12345LH", "AKE", "12345", "LH"),
        ("PMC1234CV", "PMC", "1234", "CV"),
        ("AKH54321R7", "AKH", "54321", "R7"),  # owner codes may hold a digit
    ],
)
def test_valid_ids_parse(text, type_code, serial, owner):
    parsed = uld.parse(text, known_types=KNOWN)

    assert (parsed.type_code, parsed.serial, parsed.owner) == (type_code, serial, owner)
    assert str(parsed) == text


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("AKE123LH", uld.ULD_MALFORMED),  # 3-digit serial
        ("AKE123456LH", uld.ULD_MALFORMED),  # 6-digit serial
        ("ake12345lh", uld.ULD_MALFORMED),
        ("AKE1234L", uld.ULD_MALFORMED),
        ("AK12345LH", uld.ULD_MALFORMED),
        ("AKE 12345 LH", uld.ULD_MALFORMED),
        ("ZZZ12345LH", uld.ULD_TYPE_UNKNOWN),
    ],
)
def test_bad_ids_are_refused_with_a_stable_code(text, code):
    with pytest.raises(uld.UldInvalid) as refused:
        uld.parse(text, known_types=KNOWN)

    assert refused.value.code == code


def test_every_type_has_a_positive_max_gross_weight_and_an_ld3_takes_1588_kg():
    assert all(spec.max_gross_kg > 0 for spec in uld.ULD_TYPES)
    assert {spec.code: spec.max_gross_kg for spec in uld.ULD_TYPES}["AKE"] == 1588
    assert len(KNOWN) == len(uld.ULD_TYPES)
