"""China worked examples, derived by hand from the rules and asserted to the fen.

Tariff (conftest): 180631 chocolate duty 8 %, VAT 13 %, no consumption tax, positive list;
33049900 cosmetics duty 1 %, VAT 13 %, consumption tax 15 %, positive list; 850440 adapters,
not on the positive list. CBEC factor 0.7, limits CNY 5,000 / 26,000 (CN-CBEC-2019).
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
ACCEPTED = date(2025, 3, 14)


def cn_request(
    *lines: GoodsLine,
    regime: Regime = Regime.CN_CBEC,
    freight: str = "0.00",
    insurance: str = "0.00",
    discount: str = "0.00",
) -> TaxQuoteRequest:
    return TaxQuoteRequest(
        regime=regime,
        destination_country="CN",
        currency="CNY",
        acceptance_date=ACCEPTED,
        items=lines,
        freight=D(freight),
        insurance=D(insurance),
        discount=D(discount),
    )


def chocolate(quantity: int, unit_price: str) -> GoodsLine:
    return GoodsLine("1806310000", "dark chocolate", quantity, D(unit_price))


def cosmetics(quantity: int, unit_price: str) -> GoodsLine:
    return GoodsLine("3304990010", "face cream", quantity, D(unit_price))


def codes(result: TaxQuote) -> list[ReasonCode]:
    return [reason.code for reason in result.reasons]


def test_cbec_chocolate_pays_70_percent_of_vat_and_no_duty(tariff: InMemoryTariff) -> None:
    # value = 2 x 150.00 + 20.00 freight = 320.00 (<= 5,000; year 0 + 320 <= 26,000)
    # duty 0; consumption tax 0 (none on chocolate)
    # VAT = (320.00 + 0) x 13 % x 0.7 = 29.12
    result = quote(cn_request(chocolate(2, "150.00"), freight="20.00"), tariff)

    assert result.admissible
    assert result.rule_pack == "CN-CBEC-2019"
    assert (result.customs_value, result.duty, result.excise, result.vat) == (
        D("320.00"),
        D("0.00"),
        D("0.00"),
        D("29.12"),
    )
    assert result.total_tax == D("29.12")


def test_cbec_cosmetics_pay_70_percent_of_consumption_tax_and_vat(
    tariff: InMemoryTariff,
) -> None:
    # 3304990010 takes the 8-digit line 33049900 (longest prefix).
    # value = 2 x 200.00 + 30.00 freight + 2.00 insurance - 12.00 non-cash discount = 420.00
    # consumption tax = 420.00 / (1 - 0.15) x 0.15 x 0.7 = 494.1176... x 0.105 = 51.8823... -> 51.88
    # VAT = (420.00 + 420.00 / 0.85 x 0.15) x 13 % x 0.7 = 494.1176... x 0.091 = 44.9647... -> 44.96
    # total = 0 + 51.88 + 44.96 = 96.84
    result = quote(
        cn_request(cosmetics(2, "200.00"), freight="30.00", insurance="2.00", discount="12.00"),
        tariff,
    )

    assert result.admissible
    assert result.customs_value == D("420.00")
    assert (result.duty, result.excise, result.vat) == (D("0.00"), D("51.88"), D("44.96"))
    assert result.total_tax == D("96.84")


def test_cbec_single_piece_over_5000_pays_full_general_trade_taxes(
    tariff: InMemoryTariff,
) -> None:
    # value = 1 x 6,000.00 + 50.00 freight = 6,050.00 > 5,000, but one piece and
    # 10,000 used + 6,050 = 16,050 <= 26,000: admissible, general-trade taxes, no 0.7 factor.
    # duty = 6,050.00 x 1 % = 60.50
    # consumption tax = (6,050.00 + 60.50) / (1 - 0.15) x 0.15 = 91,657.50 / 85
    #                 = 1,078.3235... -> 1,078.32
    # VAT = (6,050.00 + 60.50 + 1,078.32) x 13 % = 7,188.82 x 0.13 = 934.5466 -> 934.55
    # total = 60.50 + 1,078.32 + 934.55 = 2,073.37
    result = quote(
        cn_request(cosmetics(1, "6000.00"), freight="50.00"),
        tariff,
        buyer_year_total=D("10000.00"),
    )

    assert result.admissible
    assert (result.customs_value, result.duty, result.excise, result.vat) == (
        D("6050.00"),
        D("60.50"),
        D("1078.32"),
        D("934.55"),
    )
    assert result.total_tax == D("2073.37")


def test_cbec_refuses_two_pieces_over_5000(tariff: InMemoryTariff) -> None:
    # value = 2 x 2,600.00 = 5,200.00 > 5,000 with 2 pieces: not admissible, no tax quoted.
    result = quote(cn_request(chocolate(2, "2600.00")), tariff)

    assert not result.admissible
    assert codes(result) == [ReasonCode.CBEC_SINGLE_LIMIT_EXCEEDED]
    assert result.customs_value == D("5200.00")
    assert result.total_tax == D("0.00")
    assert result.lines[0].vat == D("0.00")


def test_cbec_takes_two_pieces_at_exactly_5000(tariff: InMemoryTariff) -> None:
    # value = 2 x 2,500.00 = 5,000.00, at the limit: VAT = 5,000.00 x 13 % x 0.7 = 455.00
    result = quote(cn_request(chocolate(2, "2500.00")), tariff)

    assert result.admissible
    assert result.vat == D("455.00")


def test_cbec_refuses_an_order_that_takes_the_buyer_over_26000_a_year(
    tariff: InMemoryTariff,
) -> None:
    # 25,800.00 already used + 300.00 = 26,100.00 > 26,000
    result = quote(cn_request(chocolate(2, "150.00")), tariff, buyer_year_total=D("25800.00"))

    assert not result.admissible
    assert codes(result) == [ReasonCode.CBEC_ANNUAL_LIMIT_EXCEEDED]
    assert result.total_tax == D("0.00")


def test_cbec_takes_an_order_that_reaches_26000_exactly(tariff: InMemoryTariff) -> None:
    # 25,700.00 + 300.00 = 26,000.00; VAT = 300.00 x 13 % x 0.7 = 27.30
    result = quote(cn_request(chocolate(2, "150.00")), tariff, buyer_year_total=D("25700.00"))

    assert result.admissible
    assert result.vat == D("27.30")


def test_cbec_single_piece_over_5000_still_needs_room_in_the_year(
    tariff: InMemoryTariff,
) -> None:
    # one piece, 6,050.00: the single-piece rule applies, but 20,000 + 6,050 > 26,000
    result = quote(
        cn_request(cosmetics(1, "6000.00"), freight="50.00"),
        tariff,
        buyer_year_total=D("20000.00"),
    )

    assert codes(result) == [ReasonCode.CBEC_ANNUAL_LIMIT_EXCEEDED]


def test_cbec_reports_every_limit_that_is_broken(tariff: InMemoryTariff) -> None:
    result = quote(cn_request(chocolate(3, "2000.00")), tariff, buyer_year_total=D("21000.00"))

    assert codes(result) == [
        ReasonCode.CBEC_SINGLE_LIMIT_EXCEEDED,
        ReasonCode.CBEC_ANNUAL_LIMIT_EXCEEDED,
    ]


def test_cbec_refuses_goods_not_on_the_positive_list(tariff: InMemoryTariff) -> None:
    adapter = GoodsLine("8504409999", "power adapter", 1, D("80.00"))

    result = quote(cn_request(chocolate(1, "150.00"), adapter), tariff)

    assert not result.admissible
    assert codes(result) == [ReasonCode.CBEC_NOT_ON_POSITIVE_LIST]
    assert "8504409999" in result.reasons[0].detail


def test_general_trade_takes_goods_not_on_the_positive_list(tariff: InMemoryTariff) -> None:
    # value 80.00; duty 0 %; VAT = 80.00 x 13 % = 10.40
    adapter = GoodsLine("8504409999", "power adapter", 1, D("80.00"))

    result = quote(cn_request(adapter, regime=Regime.CN_GENERAL), tariff)

    assert result.admissible
    assert result.vat == D("10.40")


def test_an_unknown_code_is_refused(tariff: InMemoryTariff) -> None:
    result = quote(cn_request(GoodsLine("999999", "mystery", 1, D("10.00"))), tariff)

    assert codes(result) == [ReasonCode.TARIFF_CODE_UNKNOWN]
    assert result.rule_pack == "CN-CBEC-2019"


def test_a_cn_tariff_line_without_a_vat_rate_counts_as_unknown(tariff: InMemoryTariff) -> None:
    result = quote(cn_request(GoodsLine("71039100", "ruby", 1, D("10.00"))), tariff)

    assert codes(result) == [ReasonCode.TARIFF_CODE_UNKNOWN]


def test_general_trade_taxes_in_full_without_limits(tariff: InMemoryTariff) -> None:
    # value = 2 x 150.00 + 20.00 = 320.00; duty = 320.00 x 8 % = 25.60; no consumption tax
    # VAT = (320.00 + 25.60) x 13 % = 44.928 -> 44.93; total = 25.60 + 44.93 = 70.53
    result = quote(
        cn_request(chocolate(2, "150.00"), regime=Regime.CN_GENERAL, freight="20.00"), tariff
    )

    assert result.admissible
    assert (result.duty, result.excise, result.vat) == (D("25.60"), D("0.00"), D("44.93"))
    assert result.total_tax == D("70.53")


def test_general_trade_ignores_the_cbec_limits(tariff: InMemoryTariff) -> None:
    result = quote(
        cn_request(chocolate(10, "3000.00"), regime=Regime.CN_GENERAL),
        tariff,
        buyer_year_total=D("26000.00"),
    )

    assert result.admissible


def test_freight_is_apportioned_by_largest_remainder_before_taxing_each_line(
    tariff: InMemoryTariff,
) -> None:
    # goods 100.00, 200.00, 400.00 (700.00); freight 10.00 = 1,000 fen:
    #   exact shares 142.857, 285.714, 571.428 fen -> floors 142, 285, 571 (998; 2 fen left)
    #   largest remainders .857 (line 1) and .714 (line 2) get them -> 1.43, 2.86, 5.71
    #   ("last line takes the remainder" would give 1.42, 2.85, 5.73)
    # values 101.43, 202.86, 405.71; VAT at 13 % x 0.7 = 9.1 %:
    #   101.43 x 0.091 = 9.23013 -> 9.23; 202.86 x 0.091 = 18.46026 -> 18.46;
    #   405.71 x 0.091 = 36.91961 -> 36.92; total 64.61
    result = quote(
        cn_request(
            chocolate(1, "100.00"), chocolate(2, "100.00"), chocolate(4, "100.00"), freight="10.00"
        ),
        tariff,
    )

    assert [line.customs_value for line in result.lines] == [
        D("101.43"),
        D("202.86"),
        D("405.71"),
    ]
    assert [line.vat for line in result.lines] == [D("9.23"), D("18.46"), D("36.92")]
    assert result.vat == D("64.61")
