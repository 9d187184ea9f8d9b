"""Where monotonicity stops: pro-rata apportionment across lines with different rates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from customs.taxes import GoodsLine, InMemoryTariff, Regime, TaxQuoteRequest, quote

D = Decimal


def h1_book_and_jacket(book_price: str) -> TaxQuoteRequest:
    return TaxQuoteRequest(
        regime=Regime.EU_H1,
        destination_country="DE",
        currency="EUR",
        acceptance_date=date(2025, 5, 5),
        items=(
            GoodsLine("490199", "book", 1, D(book_price)),
            GoodsLine("620193", "jacket", 1, D("10.00")),
        ),
        freight=D("100.00"),
    )


def test_a_dearer_duty_free_line_can_draw_freight_away_from_a_dutiable_one(
    tariff: InMemoryTariff,
) -> None:
    # Book 0 % duty, jacket 12 %, VAT 19 %, freight 100.00 shared pro rata to the goods.
    # Book at 10.00: shares 50.00 / 50.00
    #   book:   customs value 60.00, VAT 11.40
    #   jacket: customs value 60.00, duty 7.20, VAT 67.20 x 19 % = 12.768 -> 12.77
    #   total 7.20 + 11.40 + 12.77 = 31.37
    # Book at 11.00: 10,000 c x 11/21 = 5,238.095, x 10/21 = 4,761.905 -> 5,238 + 4,761,
    #   1 c to the jacket -> 52.38 / 47.62
    #   book:   customs value 63.38, VAT 12.0422 -> 12.04
    #   jacket: customs value 57.62, duty 6.9144 -> 6.91, VAT 64.53 x 19 % = 12.2607 -> 12.26
    #   total 6.91 + 12.04 + 12.26 = 31.21
    # The rule (freight follows value) lowers the tax when a duty-free line gets dearer; the
    # engine follows the rule rather than the intuition.
    cheaper = quote(h1_book_and_jacket("10.00"), tariff)
    dearer = quote(h1_book_and_jacket("11.00"), tariff)

    assert cheaper.total_tax == D("31.37")
    assert dearer.total_tax == D("31.21")


def cbec_chocolate_pair(first_price: str) -> TaxQuoteRequest:
    return TaxQuoteRequest(
        regime=Regime.CN_CBEC,
        destination_country="CN",
        currency="CNY",
        acceptance_date=date(2025, 5, 5),
        items=(
            GoodsLine("1806310000", "milk chocolate", 1, D(first_price)),
            GoodsLine("1806310000", "dark chocolate", 1, D("179.14")),
        ),
        freight=D("6.16"),
    )


def test_per_line_rounding_can_cost_a_cent_when_a_price_rises(tariff: InMemoryTariff) -> None:
    # Same rates on both lines (VAT 13 % x 0.7 = 9.1 %), freight 6.16 = 616 c.
    # First line at 270.35 (goods 449.49): exact shares 370.499 c / 245.501 c -> 370 + 245,
    #   1 c to line 2 -> 3.70 / 2.46; values 274.05 / 181.60
    #   VAT 274.05 x 0.091 = 24.93855 -> 24.94; 181.60 x 0.091 = 16.5256 -> 16.53; total 41.47
    # First line at 270.36: exact shares 370.504 c / 245.496 c -> 1 c to line 1 -> 3.71 / 2.45;
    #   values 274.07 / 181.59
    #   VAT 274.07 x 0.091 = 24.94037 -> 24.94; 181.59 x 0.091 = 16.52469 -> 16.52; total 41.46
    # Both the apportionment and the per-line rounding are prescribed, so a cent can go either
    # way; the property test therefore claims exact monotonicity only without shared charges.
    assert quote(cbec_chocolate_pair("270.35"), tariff).total_tax == D("41.47")
    assert quote(cbec_chocolate_pair("270.36"), tariff).total_tax == D("41.46")
