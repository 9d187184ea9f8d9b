"""InMemoryTariff: longest-prefix lookup, 10 then 8 then 6 digits."""

from __future__ import annotations

from decimal import Decimal

import pytest

from customs.taxes import InMemoryTariff, TariffRate, TariffSource

D = Decimal


@pytest.fixture
def layered() -> InMemoryTariff:
    return InMemoryTariff(
        {
            "CN": [
                TariffRate("180631", D("8"), D("13")),
                TariffRate("18063100", D("7"), D("13")),
                TariffRate("1806310010", D("6"), D("13")),
            ],
            "EU": [TariffRate("180631", D("8.3"))],
        }
    )


@pytest.mark.parametrize(
    ("code", "matched"),
    [
        ("1806310010", "1806310010"),
        ("1806310020", "18063100"),
        ("1806319000", "180631"),
        ("18063100", "18063100"),
        ("180631", "180631"),
        ("1806310010123", "1806310010"),  # China's 13-digit code: its first 10 digits
    ],
)
def test_the_longest_matching_tariff_line_wins(
    layered: InMemoryTariff, code: str, matched: str
) -> None:
    rate = layered.rate_for("CN", code)

    assert rate is not None
    assert rate.code == matched


@pytest.mark.parametrize("code", ["180632", "18063", "", "1806x10010", "0000000000"])
def test_a_code_without_a_matching_line_is_unknown(layered: InMemoryTariff, code: str) -> None:
    assert layered.rate_for("CN", code) is None


def test_jurisdictions_have_separate_tariffs(layered: InMemoryTariff) -> None:
    eu = layered.rate_for("EU", "1806310010")

    assert eu is not None
    assert eu.duty_rate == D("8.3")
    assert layered.rate_for("US", "180631") is None


def test_in_memory_tariff_is_a_tariff_source(layered: InMemoryTariff) -> None:
    source: TariffSource = layered

    assert source.rate_for("CN", "180631") is not None


def test_a_tariff_line_cannot_appear_twice() -> None:
    with pytest.raises(ValueError, match="appears twice"):
        InMemoryTariff({"CN": [TariffRate("180631", D("8")), TariffRate("180631", D("9"))]})


@pytest.mark.parametrize("code", ["18063", "1806311", "180631001", "18063100101", "18O631"])
def test_a_tariff_line_is_6_8_or_10_digits(code: str) -> None:
    with pytest.raises(ValueError, match="6, 8 or 10 digits"):
        TariffRate(code, D("8"))


@pytest.mark.parametrize(
    ("duty", "vat", "excise"),
    [("-1", None, None), ("0", "100", None), ("0", None, "100")],
)
def test_rates_are_percentages_below_100(duty: str, vat: str | None, excise: str | None) -> None:
    with pytest.raises(ValueError, match="percentage"):
        TariffRate(
            "180631",
            D(duty),
            vat_rate=None if vat is None else D(vat),
            excise_rate=None if excise is None else D(excise),
        )
