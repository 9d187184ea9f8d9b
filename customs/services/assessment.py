"""The tax assessment of a declaration, made by the clearance job and stored on it.

The declaration is quoted exactly as a partner's quote would be (tax_quote_request_build, then
tax_quote_compute): in the regime's currency, each unit price converted from the declared
currency at the reference rate of the acceptance date and rounded half-up to the cent. The rate,
the converted unit prices and the result are stored, so quoting the same goods reproduces the
assessment to the cent.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from customs.exchange_rates import EcbReferenceRates, ExchangeRates, ExchangeRateUnknown
from customs.models import Declaration, DeclarationLine
from customs.services.audit import SYSTEM, audit_record
from customs.services.document_match import document_matches_recheck
from customs.services.tax_quotes import (
    QuoteItem,
    acceptance_date_at,
    tax_quote_compute,
    tax_quote_request_build,
)
from customs.tariff_source import DatabaseTariff
from customs.taxes import (
    InvalidTaxQuoteRequest,
    Regime,
    TaxQuote,
    TaxQuoteRequest,
    select_rule_pack,
)
from ewtp.core.money import round_half_up

# Why an assessment could not be made at all (beside the engine's own reason codes).
EXCHANGE_RATE_UNKNOWN = "EXCHANGE_RATE_UNKNOWN"
DECLARATION_NOT_QUOTABLE = "DECLARATION_NOT_QUOTABLE"


def declaration_tax_request(
    *,
    declaration: Declaration,
    exchange_rates: ExchangeRates,
    lines: Sequence[DeclarationLine] | None = None,
) -> tuple[TaxQuoteRequest, Decimal]:
    """The quote request a declaration amounts to, and the exchange rate it used. `lines`, in
    line order, spares the query when the caller has them (the batched clearance)."""
    regime = Regime(declaration.regime)
    on = acceptance_date_at(regime, declaration.created_at)
    pack = select_rule_pack(jurisdiction=regime.jurisdiction, regime=regime, on=on)
    currency = declaration.currency if pack is None else pack.currency
    # A marketplace order's declaration is assessed at the rate the order was priced at, so it
    # reproduces the taxes the buyer paid; other filings at the acceptance date's reference rate.
    rate = (
        declaration.declared_exchange_rate
        if declaration.declared_exchange_rate is not None and declaration.currency != currency
        else exchange_rates.rate(declaration.currency, currency, on)
    )
    # Brokers' EU filings carry the transport to the EU border (freight) and maybe an IOSS
    # number; a marketplace order's declaration carries the order's freight.
    request = tax_quote_request_build(
        regime=regime,
        destination_country=declaration.destination_country,
        currency=currency,
        acceptance_date=on,
        items=[
            QuoteItem(
                code=line.hs_code,
                description=line.description,
                quantity=line.quantity,
                unit_price=round_half_up(line.value * rate / line.quantity),
            )
            for line in (declaration.lines.all() if lines is None else lines)
        ],
        freight=round_half_up(declaration.transport_costs * rate),
        ioss_number=declaration.ioss_number or None,
    )
    return request, rate


def _store(
    declaration: Declaration,
    lines: Sequence[DeclarationLine],
    request: TaxQuoteRequest,
    rate: Decimal,
    result: TaxQuote,
) -> None:
    declaration.acceptance_date = request.acceptance_date
    declaration.rule_pack = result.rule_pack or ""
    declaration.assessment_currency = result.currency
    declaration.exchange_rate = rate
    declaration.admissible = result.admissible
    declaration.assessment_reasons = [
        {"code": str(reason.code), "detail": reason.detail} for reason in result.reasons
    ]
    declaration.customs_value = result.customs_value
    declaration.duty = result.duty
    declaration.excise = result.excise
    declaration.vat = result.vat
    declaration.checkout_vat = result.checkout_vat
    declaration.total_tax = result.total_tax
    for line, goods, taxed in zip(lines, request.items, result.lines, strict=True):
        line.assessed_unit_price = goods.unit_price
        line.customs_value = taxed.customs_value
        line.duty = taxed.duty
        line.excise = taxed.excise
        line.vat = taxed.vat


# The line fields an assessment sets.
ASSESSED_LINE_FIELDS = ["assessed_unit_price", "customs_value", "duty", "excise", "vat"]


def assessment_decide(
    *,
    declaration: Declaration,
    lines: Sequence[DeclarationLine],
    exchange_rates: ExchangeRates,
    tariff: DatabaseTariff | None = None,
) -> bool:
    """Assess the declaration and set the result on it and on `lines` (its lines, in order), in
    memory only: the single and the batched clearance both assess through here, then write. An
    assessment that cannot be made (no reference rate for the declared currency, goods without
    value) is not admissible, with why. `tariff` may come prefetched for a whole batch. True
    when the lines got amounts (and need writing)."""
    declaration.assessed_at = timezone.now()
    try:
        request, rate = declaration_tax_request(
            declaration=declaration, exchange_rates=exchange_rates, lines=lines
        )
    except (ExchangeRateUnknown, InvalidTaxQuoteRequest) as exc:
        code = (
            EXCHANGE_RATE_UNKNOWN
            if isinstance(exc, ExchangeRateUnknown)
            else DECLARATION_NOT_QUOTABLE
        )
        declaration.admissible = False
        declaration.assessment_reasons = [{"code": code, "detail": exc.detail}]
        return False
    result = tax_quote_compute(request=request, tariff=tariff)
    _store(declaration, lines, request, rate, result)
    return True


def assessment_audit_payload(declaration: Declaration) -> dict[str, Any]:
    """What the `declaration.assessed` audit entry records."""
    return {
        "rule_pack": declaration.rule_pack,
        "admissible": declaration.admissible,
        "reasons": [reason["code"] for reason in declaration.assessment_reasons],
        "currency": declaration.assessment_currency,
        "exchange_rate": declaration.exchange_rate,
        "customs_value": declaration.customs_value,
        "duty": declaration.duty,
        "excise": declaration.excise,
        "vat": declaration.vat,
        "total_tax": declaration.total_tax,
    }


@transaction.atomic
def declaration_assess(
    *, declaration: Declaration, exchange_rates: ExchangeRates | None = None
) -> Declaration:
    """Assess a declaration's taxes and store them on it, with an audit entry. Call it in the
    clearance job's transaction with the declaration locked. An assessment that cannot be made
    (no reference rate for the declared currency, goods without value) is stored as not
    admissible, with why."""
    lines = list(declaration.lines.all())
    lines_assessed = assessment_decide(
        declaration=declaration,
        lines=lines,
        exchange_rates=exchange_rates or EcbReferenceRates(),
    )
    declaration.save()
    if lines_assessed:
        DeclarationLine.objects.bulk_update(lines, ASSESSED_LINE_FIELDS)
    if declaration.order_id:
        document_matches_recheck(order_ids=[declaration.order_id])
    audit_record(
        actor=SYSTEM,
        action="declaration.assessed",
        object_type="declaration",
        object_id=str(declaration.pk),
        payload=assessment_audit_payload(declaration),
    )
    return declaration
