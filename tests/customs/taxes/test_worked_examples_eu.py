"""EU worked examples, derived by hand from the rules and asserted to the cent.

Tariff (conftest): 610910 T-shirts 12 %, 420292 bags 3 %, 620193 jackets 12 %, 640399 shoes 8 %,
490199 books 0 %. VAT at the destination's standard rate (DE 19 %, NL 21 %, IT 22 %).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from customs.taxes import (
    GoodsLine,
    InMemoryTariff,
    ReasonCode,
    Regime,
    TaxQuote,
    TaxQuoteRequest,
    quote,
)

D = Decimal
BEFORE_FLAT_DUTY = date(2026, 6, 30)
FLAT_DUTY_FROM = date(2026, 7, 1)


def eu_request(
    *lines: GoodsLine,
    regime: Regime = Regime.EU_H7,
    destination: str = "DE",
    accepted: date = BEFORE_FLAT_DUTY,
    freight: str = "0.00",
    insurance: str = "0.00",
    onward: str = "0.00",
    ioss_number: str | None = None,
) -> TaxQuoteRequest:
    return TaxQuoteRequest(
        regime=regime,
        destination_country=destination,
        currency="EUR",
        acceptance_date=accepted,
        items=lines,
        freight=D(freight),
        insurance=D(insurance),
        onward_transport=D(onward),
        ioss_number=ioss_number,
    )


def parcel(
    accepted: date, *, destination: str = "DE", ioss_number: str | None = None
) -> TaxQuoteRequest:
    """Two lines of HS6 610910 and one of 420292; intrinsic value 75.00, freight 9.00,
    onward transport 6.00. Shares pro rata to 20 : 15 : 40 come out exact:
    freight 2.40, 1.80, 4.80; onward 1.60, 1.20, 3.20."""
    return eu_request(
        GoodsLine("6109100010", "cotton T-shirt", 2, D("10.00")),
        GoodsLine("6109100090", "printed T-shirt", 1, D("15.00")),
        GoodsLine("4202929000", "tote bag", 1, D("40.00")),
        destination=destination,
        accepted=accepted,
        freight="9.00",
        onward="6.00",
        ioss_number=ioss_number,
    )


def codes(result: TaxQuote) -> list[ReasonCode]:
    return [reason.code for reason in result.reasons]


def test_h7_before_july_2026_pays_no_duty_and_import_vat_on_everything(
    tariff: InMemoryTariff,
) -> None:
    # VAT 19 % on goods + freight + onward (+ duty 0):
    #   (20.00 + 2.40 + 1.60) = 24.00 -> 4.56; (15.00 + 1.80 + 1.20) = 18.00 -> 3.42;
    #   (40.00 + 4.80 + 3.20) = 48.00 -> 9.12; total 17.10
    # customs values (goods + freight): 22.40, 16.80, 44.80 = 84.00
    result = quote(parcel(BEFORE_FLAT_DUTY), tariff)

    assert result.admissible
    assert result.rule_pack == "EU-LVC-2021"
    assert result.customs_value == D("84.00")
    assert result.duty == D("0.00")
    assert [line.vat for line in result.lines] == [D("4.56"), D("3.42"), D("9.12")]
    assert result.vat == D("17.10")
    assert result.total_tax == D("17.10")


def test_h7_from_july_2026_pays_3_euro_per_distinct_hs6(tariff: InMemoryTariff) -> None:
    # Two classifications (610910 twice, 420292 once) -> duty 3.00 + 0.00 + 3.00 = 6.00,
    # on the first line of each.
    # VAT 19 %: (24.00 + 3.00) = 27.00 -> 5.13; 18.00 -> 3.42; (48.00 + 3.00) = 51.00 -> 9.69
    #   = 18.24; total tax 6.00 + 18.24 = 24.24
    result = quote(parcel(FLAT_DUTY_FROM), tariff)

    assert result.rule_pack == "EU-LVC-2026-07"
    assert [line.duty for line in result.lines] == [D("3.00"), D("0.00"), D("3.00")]
    assert result.duty == D("6.00")
    assert [line.vat for line in result.lines] == [D("5.13"), D("3.42"), D("9.69")]
    assert result.total_tax == D("24.24")


def test_h7_with_ioss_collects_vat_at_checkout_and_none_at_import(
    tariff: InMemoryTariff,
) -> None:
    # IM0560000001: Belgium (056) + 7 digits. To NL at 21 %, from July 2026:
    # checkout VAT on goods + all transport: 24.00 -> 5.04; 18.00 -> 3.78; 48.00 -> 10.08 = 18.90
    # import VAT 0; the flat duty is still due: total tax 6.00
    result = quote(parcel(FLAT_DUTY_FROM, destination="NL", ioss_number="IM0560000001"), tariff)

    assert result.admissible
    assert result.vat == D("0.00")
    assert [line.checkout_vat for line in result.lines] == [D("5.04"), D("3.78"), D("10.08")]
    assert result.checkout_vat == D("18.90")
    assert result.total_tax == D("6.00")


def test_h7_refuses_a_malformed_ioss_number(tariff: InMemoryTariff) -> None:
    result = quote(parcel(FLAT_DUTY_FROM, ioss_number="IM9990000001"), tariff)

    assert not result.admissible
    assert codes(result) == [ReasonCode.IOSS_NUMBER_INVALID]
    assert result.total_tax == D("0.00")


def test_h7_refuses_an_intrinsic_value_over_150(tariff: InMemoryTariff) -> None:
    result = quote(eu_request(GoodsLine("620193", "jacket", 1, D("150.01"))), tariff)

    assert not result.admissible
    assert codes(result) == [ReasonCode.H7_INTRINSIC_VALUE_EXCEEDS_150]


def test_h7_limit_counts_the_goods_only_not_the_transport(tariff: InMemoryTariff) -> None:
    # intrinsic value 150.00 (at the limit); freight 20.00 does not count towards it.
    # VAT 19 % on 170.00 = 32.30
    result = quote(
        eu_request(GoodsLine("620193", "jacket", 1, D("150.00")), freight="20.00"), tariff
    )

    assert result.admissible
    assert result.vat == D("32.30")


def test_h1_charges_duty_on_the_customs_value_and_vat_on_the_onward_transport_too(
    tariff: InMemoryTariff,
) -> None:
    # goods 400.00 (jacket) and 2 x 37.45 = 74.90 (shoes): 474.90
    # freight 25.00 = 2,500 c: 2,105.706 / 394.294 -> 2,105 + 394 = 2,499, 1 c to line 1
    #   -> 21.06, 3.94
    # insurance 3.50 = 350 c: 294.799 / 55.201 -> 294 + 55, 1 c to line 1 -> 2.95, 0.55
    # onward 11.00 = 1,100 c: 926.511 / 173.489 -> 926 + 173, 1 c to line 1 -> 9.27, 1.73
    # line 1: customs value 400.00 + 21.06 + 2.95 = 424.01; duty 12 % = 50.8812 -> 50.88
    #         VAT 22 % x (424.01 + 50.88 + 9.27 = 484.16) = 106.5152 -> 106.52
    # line 2: customs value 74.90 + 3.94 + 0.55 = 79.39; duty 8 % = 6.3512 -> 6.35
    #         VAT 22 % x (79.39 + 6.35 + 1.73 = 87.47) = 19.2434 -> 19.24
    # totals: customs value 503.40, duty 57.23, VAT 125.76, total tax 182.99
    result = quote(
        eu_request(
            GoodsLine("6201930000", "jacket", 1, D("400.00")),
            GoodsLine("6403990000", "shoes", 2, D("37.45")),
            regime=Regime.EU_H1,
            destination="IT",
            freight="25.00",
            insurance="3.50",
            onward="11.00",
        ),
        tariff,
    )

    assert result.admissible
    assert [line.customs_value for line in result.lines] == [D("424.01"), D("79.39")]
    assert [line.duty for line in result.lines] == [D("50.88"), D("6.35")]
    assert [line.vat for line in result.lines] == [D("106.52"), D("19.24")]
    assert (result.customs_value, result.duty, result.vat) == (
        D("503.40"),
        D("57.23"),
        D("125.76"),
    )
    assert result.total_tax == D("182.99")


def test_h1_has_no_value_limit(tariff: InMemoryTariff) -> None:
    result = quote(
        eu_request(GoodsLine("620193", "coat", 1, D("900.00")), regime=Regime.EU_H1), tariff
    )

    assert result.admissible
    assert result.duty == D("108.00")


def test_vat_is_rounded_half_up_not_to_even(tariff: InMemoryTariff) -> None:
    # 12.50 x 21 % = 2.625: half-up gives 2.63 (banker's rounding would give 2.62)
    result = quote(
        eu_request(
            GoodsLine("490199", "book", 1, D("12.50")), regime=Regime.EU_H1, destination="NL"
        ),
        tariff,
    )

    assert result.vat == D("2.63")
