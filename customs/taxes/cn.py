"""China: cross-border e-commerce retail import (CBEC) and general trade.

The dutiable value of a line is its goods value plus its shares of freight and insurance to the
place of import, less its share of any non-cash discount. Domestic onward transport is not part
of it. Every tax is computed per line and rounded half-up to the fen.
"""

from __future__ import annotations

from decimal import Decimal

from customs.taxes.apportionment import LineCharges
from customs.taxes.assessment import Assessment, Declaration, RatedLine
from customs.taxes.results import Reason, ReasonCode, TaxLine
from ewtp.core.money import round_half_up

HUNDRED = Decimal(100)


def dutiable_value(charges: LineCharges) -> Decimal:
    return charges.goods + charges.freight + charges.insurance - charges.discount


def general_trade_line(line: RatedLine) -> TaxLine:
    """General trade: duty at the tariff rate; consumption tax levied on the tax-inclusive price,
    (value + duty) / (1 - ct) x ct; VAT on value + duty + consumption tax. Each later base uses
    the rounded amounts of the taxes before it, as they are the amounts actually payable."""
    value = dutiable_value(line.charges)
    ct = line.tariff.excise_rate or Decimal(0)
    duty = round_half_up(value * line.tariff.duty_rate / HUNDRED)
    excise = round_half_up((value + duty) * ct / (HUNDRED - ct))
    vat = round_half_up((value + duty + excise) * line.vat_rate / HUNDRED)
    return TaxLine(
        code=line.charges.code,
        customs_value=round_half_up(value),
        duty=duty,
        excise=excise,
        vat=vat,
    )


def cbec_line(line: RatedLine, tax_factor: Decimal) -> TaxLine:
    """CBEC within the limits (MOF/GACC/SAT Caiguanshui [2016] No. 18): no duty; consumption tax
    and VAT at `tax_factor` (70 %) of what general trade would levy without duty:

        consumption tax = value / (1 - ct) x ct x 0.7
        VAT = (value + value / (1 - ct) x ct) x vat x 0.7 = value / (1 - ct) x vat x 0.7

    With rates in percent these are value x ct x 0.7 / (100 - ct) and
    value x vat x 0.7 / (100 - ct): one division, done last, so an exact half cent stays exact.
    """
    value = dutiable_value(line.charges)
    ct = line.tariff.excise_rate or Decimal(0)
    excise = round_half_up(value * ct * tax_factor / (HUNDRED - ct))
    vat = round_half_up(value * line.vat_rate * tax_factor / (HUNDRED - ct))
    return TaxLine(
        code=line.charges.code,
        customs_value=round_half_up(value),
        excise=excise,
        vat=vat,
    )


def assess_cbec(declaration: Declaration) -> Assessment:
    """CBEC retail import (MOF/GACC/SAT Caiguanshui [2018] No. 49, from 2019-01-01).

    Admissible when every code is on the CBEC positive list, the order's dutiable value is within
    the single-transaction limit (CNY 5,000) and the buyer's calendar-year total (Asia/Shanghai,
    passed in by the caller; None counts as nothing used yet) plus this order is within the annual
    limit (CNY 26,000). An order over the single-transaction limit that is one piece is still
    admissible if the annual limit allows, but pays full general-trade taxes.
    """
    limits = declaration.pack.require_cbec()
    reasons = [
        Reason(
            ReasonCode.CBEC_NOT_ON_POSITIVE_LIST,
            f"{line.charges.code} is not on the CBEC retail import positive list.",
        )
        for line in declaration.lines
        if not line.tariff.cbec_positive_list
    ]
    order_value = sum((dutiable_value(line.charges) for line in declaration.lines), Decimal(0))
    pieces = sum(line.charges.quantity for line in declaration.lines)
    over_single_limit = order_value > limits.single_transaction_limit
    if over_single_limit and pieces > 1:
        reasons.append(
            Reason(
                ReasonCode.CBEC_SINGLE_LIMIT_EXCEEDED,
                f"Dutiable value {order_value} CNY exceeds the single-transaction limit of "
                f"{limits.single_transaction_limit} CNY and the order has {pieces} pieces.",
            )
        )
    used = declaration.buyer_year_total or Decimal(0)
    if used + order_value > limits.annual_limit:
        reasons.append(
            Reason(
                ReasonCode.CBEC_ANNUAL_LIMIT_EXCEEDED,
                f"The buyer's {declaration.acceptance_date.year} total {used} CNY plus this order "
                f"{order_value} CNY exceeds the annual limit of {limits.annual_limit} CNY.",
            )
        )
    if over_single_limit:
        lines = [general_trade_line(line) for line in declaration.lines]
    else:
        lines = [cbec_line(line, limits.tax_factor) for line in declaration.lines]
    return Assessment(lines=lines, reasons=reasons)


def assess_general(declaration: Declaration) -> Assessment:
    """General trade: full duty, consumption tax and VAT; no value limits."""
    return Assessment(lines=[general_trade_line(line) for line in declaration.lines])
