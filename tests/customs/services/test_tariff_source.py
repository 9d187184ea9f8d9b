"""The tariff the engine reads from the database: longest prefix, one query per quote."""

from __future__ import annotations

from decimal import Decimal

import pytest

from customs.tariff_source import DatabaseTariff
from tests.customs.tariffs import HEADER, import_tariff_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def tariff_lines(db):
    import_tariff_text(
        f"{HEADER}\n"
        "CN,330499,Beauty preparations,5,13,,yes\n"
        "CN,33049900,Beauty preparations n.e.s.,1,13,15,yes\n"
        "CN,3304990010,Premium face cream,2,13,30,yes\n"
        "EU,330499,Beauty preparations,0,,,\n"
    )


def code_for(tariff: DatabaseTariff, jurisdiction: str, code: str) -> str | None:
    rate = tariff.rate_for(jurisdiction, code)
    return None if rate is None else rate.code


def test_the_longest_matching_line_wins(tariff_lines):
    tariff = DatabaseTariff()

    assert code_for(tariff, "CN", "3304990010") == "3304990010"
    assert code_for(tariff, "CN", "3304990099") == "33049900"
    assert code_for(tariff, "CN", "3304991234") == "330499"


def test_a_code_with_no_line_in_the_jurisdiction_has_no_rate(tariff_lines):
    tariff = DatabaseTariff()

    assert tariff.rate_for("CN", "180631") is None
    assert code_for(tariff, "EU", "3304990010") == "330499"


def test_rates_come_back_as_the_engine_wants_them(tariff_lines):
    rate = DatabaseTariff().rate_for("CN", "33049900")

    assert rate is not None
    assert (rate.duty_rate, rate.vat_rate, rate.excise_rate, rate.cbec_positive_list) == (
        Decimal("1.0000"),
        Decimal("13.0000"),
        Decimal("15.0000"),
        True,
    )


def test_prefetching_a_quote_costs_one_query_for_all_its_lines(
    tariff_lines, django_assert_num_queries
):
    codes = ["3304990010", "3304990099", "330499", "180631", "1806310000"]

    with django_assert_num_queries(1):
        tariff = DatabaseTariff().prefetch("CN", codes)
        rates = [tariff.rate_for("CN", code) for code in codes]

    assert [rate.code if rate else None for rate in rates] == [
        "3304990010",
        "33049900",
        "330499",
        None,
        None,
    ]
