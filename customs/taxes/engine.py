"""quote(): the taxes due on one consignment under one regime, as of its acceptance date."""

from __future__ import annotations

from decimal import Decimal

from customs.taxes import cn, eu
from customs.taxes.apportionment import LineCharges, apportion_charges
from customs.taxes.assessment import Declaration, RatedLine, RegimeAssessor
from customs.taxes.eu_states import standard_vat_rate
from customs.taxes.regimes import Regime
from customs.taxes.requests import InvalidTaxQuoteRequest, TaxQuoteRequest
from customs.taxes.results import Reason, ReasonCode, TaxLine, TaxQuote
from customs.taxes.rule_packs import RulePack, select_rule_pack
from customs.taxes.tariff import TariffSource
from ewtp.core.money import round_half_up

_ASSESSORS: dict[Regime, RegimeAssessor] = {
    Regime.CN_CBEC: cn.assess_cbec,
    Regime.CN_GENERAL: cn.assess_general,
    Regime.EU_H7: eu.assess_h7,
    Regime.EU_H1: eu.assess_h1,
}


def _customs_value(regime: Regime, charges: LineCharges) -> Decimal:
    if regime.jurisdiction == "CN":
        return cn.dutiable_value(charges)
    return eu.customs_value(charges)


def _vat_rate(request: TaxQuoteRequest) -> tuple[Decimal | None, list[Reason]]:
    """The EU destination's standard rate; China's rate comes from each tariff line instead."""
    destination = request.destination_country
    if request.regime.jurisdiction == "CN":
        if destination == "CN":
            return None, []
        return None, [
            Reason(ReasonCode.DESTINATION_NOT_SUPPORTED, f"{request.regime} imports into CN only.")
        ]
    rate = standard_vat_rate(destination, request.acceptance_date)
    if rate is None:
        return None, [
            Reason(
                ReasonCode.DESTINATION_NOT_SUPPORTED,
                f"{destination} is not an EU member state with a VAT rate on "
                f"{request.acceptance_date}.",
            )
        ]
    return rate, []


def quote(
    request: TaxQuoteRequest,
    tariff: TariffSource,
    *,
    buyer_year_total: Decimal | None = None,
) -> TaxQuote:
    """The duty, consumption tax and VAT of a consignment, or why it is not admissible.

    The pack in force on the acceptance date sets the regime's parameters; amounts must already be
    in the regime's currency (CNY for China, EUR for the EU). `buyer_year_total` is what the buyer
    has already imported under CBEC in the acceptance date's calendar year (Asia/Shanghai); other
    regimes ignore it. Anything that stops the regime from being applied at all (no pack, wrong
    currency or destination, an unknown code) is reported without assessing the regime's rules.
    """
    if buyer_year_total is not None and not (
        buyer_year_total.is_finite() and buyer_year_total >= 0
    ):
        raise InvalidTaxQuoteRequest(
            "buyer_year_total must be a non-negative amount.", field="buyer_year_total"
        )
    regime = request.regime
    charges = apportion_charges(request)
    pack = select_rule_pack(
        jurisdiction=regime.jurisdiction, regime=regime, on=request.acceptance_date
    )
    if pack is None:
        reasons = [
            Reason(
                ReasonCode.NO_RULE_PACK_IN_FORCE,
                f"No {regime} rules are held for {request.acceptance_date}.",
            )
        ]
    else:
        reasons = _gate_reasons(request, pack)
        eu_vat_rate, destination_reasons = _vat_rate(request)
        rated, tariff_reasons = _rate_lines(request, charges, tariff, eu_vat_rate)
        reasons += destination_reasons + tariff_reasons
    if pack is None or reasons:
        tax_lines = [
            TaxLine(code=line.code, customs_value=round_half_up(_customs_value(regime, line)))
            for line in charges
        ]
    else:
        assessment = _ASSESSORS[regime](
            Declaration(request=request, pack=pack, lines=rated, buyer_year_total=buyer_year_total)
        )
        tax_lines, reasons = assessment.lines, assessment.reasons
    return TaxQuote.from_lines(
        regime=regime,
        currency=request.currency,
        rule_pack=None if pack is None else pack.id,
        reasons=reasons,
        lines=tax_lines,
    )


def _gate_reasons(request: TaxQuoteRequest, pack: RulePack) -> list[Reason]:
    reasons = []
    if request.currency != pack.currency:
        reasons.append(
            Reason(
                ReasonCode.CURRENCY_NOT_SUPPORTED,
                f"{request.regime} declarations are in {pack.currency}; convert before quoting.",
            )
        )
    if request.regime.jurisdiction == "EU" and request.discount > 0:
        # EU customs value is the price actually paid: discounted unit prices, not a deduction.
        reasons.append(
            Reason(
                ReasonCode.DISCOUNT_NOT_SUPPORTED,
                "EU regimes take the price actually paid; give unit prices net of discounts.",
            )
        )
    return reasons


def _rate_lines(
    request: TaxQuoteRequest,
    charges: list[LineCharges],
    tariff: TariffSource,
    eu_vat_rate: Decimal | None,
) -> tuple[list[RatedLine], list[Reason]]:
    """Each line with its tariff line and VAT rate; a line China holds no VAT rate for is as
    unknown as one without a tariff line. (An EU line without a rate means the destination
    was refused already.)"""
    jurisdiction = request.regime.jurisdiction
    rated: list[RatedLine] = []
    reasons: list[Reason] = []
    for line in charges:
        rate = tariff.rate_for(jurisdiction, line.code)
        vat_rate = eu_vat_rate if jurisdiction == "EU" or rate is None else rate.vat_rate
        if rate is None or (jurisdiction == "CN" and vat_rate is None):
            reasons.append(
                Reason(
                    ReasonCode.TARIFF_CODE_UNKNOWN,
                    f"{line.code} has no {jurisdiction} tariff line"
                    + ("." if rate is None else " with an import VAT rate."),
                )
            )
        elif vat_rate is not None:
            rated.append(RatedLine(charges=line, tariff=rate, vat_rate=vat_rate))
    return rated, reasons
