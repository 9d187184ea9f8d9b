"""EU: low-value consignments (H7) and release for free circulation (H1).

The customs value of a line is its goods value plus its shares of freight and insurance to the
EU border (Regulation (EU) No 952/2013, Union Customs Code, Art. 70-71). Import VAT is charged
at the destination state's standard rate on the customs value plus duty plus the transport to
the destination (Directive 2006/112/EC, Art. 85-86). Every tax is rounded half-up per line.
"""

from __future__ import annotations

from decimal import Decimal

from customs.taxes.apportionment import LineCharges
from customs.taxes.assessment import Assessment, Declaration
from customs.taxes.ioss import ioss_number_is_valid
from customs.taxes.results import Reason, ReasonCode, TaxLine
from ewtp.core.money import round_half_up

HUNDRED = Decimal(100)


def customs_value(charges: LineCharges) -> Decimal:
    return charges.goods + charges.freight + charges.insurance


def _transport(charges: LineCharges) -> Decimal:
    """All transport and insurance to the buyer: to the border and onward."""
    return charges.freight + charges.insurance + charges.onward_transport


def assess_h7(declaration: Declaration) -> Assessment:
    """H7 low-value consignment: intrinsic value (the goods alone) at most EUR 150.

    Duty: nil under the relief for goods of negligible value (Council Regulation (EC)
    No 1186/2009, Art. 23) until the flat duty of the pack in force (EU-LVC-2026-07: EUR 3 per
    distinct 6-digit classification, charged on the first line of each classification).
    VAT: with a valid IOSS number the seller collected it at checkout on the goods plus all
    transport to the buyer, and none is due at import; without one, import VAT is due on the
    intrinsic value plus all transport and insurance to the destination plus duty. An IOSS number
    that is given but malformed makes the consignment inadmissible rather than silently taxed
    again at import: the seller has probably charged the buyer VAT already.
    """
    rules = declaration.pack.require_low_value()
    request = declaration.request
    reasons: list[Reason] = []
    intrinsic_value = request.goods_value
    if intrinsic_value > rules.intrinsic_value_limit:
        reasons.append(
            Reason(
                ReasonCode.H7_INTRINSIC_VALUE_EXCEEDS_150,
                f"Intrinsic value {intrinsic_value} EUR exceeds "
                f"{rules.intrinsic_value_limit} EUR; declare under H1.",
            )
        )
    ioss = request.ioss_number
    if ioss is not None and not ioss_number_is_valid(ioss):
        reasons.append(
            Reason(
                ReasonCode.IOSS_NUMBER_INVALID,
                f"{ioss!r} is not IM + a member state's 3-digit code + 7 digits.",
            )
        )
    lines: list[TaxLine] = []
    classified: set[str] = set()
    for line in declaration.lines:
        charges = line.charges
        duty = Decimal("0.00") if line.hs6 in classified else rules.duty_per_classification
        classified.add(line.hs6)
        if ioss is not None:
            vat = Decimal("0.00")
            checkout_vat = round_half_up(
                (charges.goods + _transport(charges)) * line.vat_rate / HUNDRED
            )
        else:
            vat = round_half_up(
                (charges.goods + _transport(charges) + duty) * line.vat_rate / HUNDRED
            )
            checkout_vat = Decimal("0.00")
        lines.append(
            TaxLine(
                code=charges.code,
                customs_value=round_half_up(customs_value(charges)),
                duty=round_half_up(duty),
                vat=vat,
                checkout_vat=checkout_vat,
            )
        )
    return Assessment(lines=lines, reasons=reasons)


def assess_h1(declaration: Declaration) -> Assessment:
    """H1: duty = customs value x tariff rate; VAT = (customs value + duty + onward transport to
    the destination) x the destination's standard rate. An IOSS number plays no part here."""
    lines = []
    for line in declaration.lines:
        charges = line.charges
        value = customs_value(charges)
        duty = round_half_up(value * line.tariff.duty_rate / HUNDRED)
        vat = round_half_up((value + duty + charges.onward_transport) * line.vat_rate / HUNDRED)
        lines.append(
            TaxLine(code=charges.code, customs_value=round_half_up(value), duty=duty, vat=vat)
        )
    return Assessment(lines=lines)
