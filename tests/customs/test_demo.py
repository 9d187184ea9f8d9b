from __future__ import annotations

import pytest

from customs.demo import DEMO_CODES, seed_commodity_codes
from customs.models import CommodityCode, TariffLine
from customs.services import commodity_codes_load
from ewtp.core.errors import DomainError

pytestmark = pytest.mark.django_db


def test_the_demo_codes_load_once():
    seed_commodity_codes()
    seed_commodity_codes()

    assert CommodityCode.objects.count() == len(DEMO_CODES)
    assert CommodityCode.objects.get(code="220300").description == "Beer made from malt"


def test_the_demo_ships_a_cn_and_an_eu_tariff_line_for_every_demo_code():
    seed_commodity_codes()
    seed_commodity_codes()

    for jurisdiction in ("CN", "EU"):
        codes = set(
            TariffLine.objects.filter(jurisdiction=jurisdiction).values_list("code", flat=True)
        )
        assert {code for code, _ in DEMO_CODES} <= codes
    assert TariffLine.objects.filter(jurisdiction="CN", code="33049900").get().excise_rate == 15
    assert not TariffLine.objects.get(jurisdiction="CN", code="710239").cbec_positive_list


def test_the_loader_refuses_a_code_that_is_not_six_digits():
    with pytest.raises(DomainError):
        commodity_codes_load(codes=[("2203", "Beer")])

    assert not CommodityCode.objects.exists()
