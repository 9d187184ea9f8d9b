"""Tax quotes: the engine with the imported tariff and, for CBEC, the buyer's quota ledger.

Every quote goes one way, whoever asks (the partner API, the marketplace's landed-cost quote,
the clearance job assessing a declaration): build the request with `tax_quote_request_build`,
then `tax_quote_compute`. Neither writes anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from customs import buyer_ids
from customs.services.quota import quota_used
from customs.tariff_source import DatabaseTariff
from customs.taxes import (
    GoodsLine,
    InvalidTaxQuoteRequest,
    Regime,
    TaxQuote,
    TaxQuoteRequest,
    quote,
)

ZERO = Decimal("0.00")
# The calendar a regime's dates are read in: China's (the CBEC year is Asia/Shanghai), and for
# the EU that of the office of import, Liège.
TIME_ZONES = {"CN": ZoneInfo("Asia/Shanghai"), "EU": ZoneInfo("Europe/Brussels")}


@dataclass(frozen=True, slots=True)
class QuoteItem:
    code: str
    description: str
    quantity: int
    unit_price: Decimal


def acceptance_date_at(regime: Regime, moment: datetime | None = None) -> date:
    """The acceptance date of a declaration lodged at `moment` (now by default), as the
    regime's calendar reads it."""
    return (moment or timezone.now()).astimezone(TIME_ZONES[regime.jurisdiction]).date()


def _regime(value: str | Regime) -> Regime:
    try:
        return Regime(value)
    except ValueError:
        raise InvalidTaxQuoteRequest(f"Unknown regime {value!r}.", field="regime") from None


def tax_quote_request_build(
    *,
    regime: str | Regime,
    destination_country: str,
    currency: str,
    items: Iterable[QuoteItem],
    acceptance_date: date | None = None,
    freight: Decimal = ZERO,
    insurance: Decimal = ZERO,
    discount: Decimal = ZERO,
    onward_transport: Decimal = ZERO,
    ioss_number: str | None = None,
) -> TaxQuoteRequest:
    """The engine's request from plain values: omitted amounts are 0 and the acceptance date is
    today in the regime's calendar. An invalid value raises InvalidTaxQuoteRequest (422) naming
    its field as the API spells it (`items.1.quantity`)."""
    chosen = _regime(regime)
    lines = []
    for index, item in enumerate(items):
        try:
            lines.append(
                GoodsLine(
                    code=item.code,
                    description=item.description,
                    quantity=item.quantity,
                    unit_price=item.unit_price,
                )
            )
        except InvalidTaxQuoteRequest as exc:
            exc.field = f"items.{index}.{exc.field}" if exc.field else f"items.{index}"
            raise
    return TaxQuoteRequest(
        regime=chosen,
        destination_country=destination_country,
        currency=currency,
        acceptance_date=acceptance_date or acceptance_date_at(chosen),
        items=tuple(lines),
        freight=freight,
        insurance=insurance,
        discount=discount,
        onward_transport=onward_transport,
        ioss_number=ioss_number,
    )


def tax_quote_compute(
    *,
    request: TaxQuoteRequest,
    buyer_id_number: str | None = None,
    tariff: DatabaseTariff | None = None,
) -> TaxQuote:
    """The duty, consumption tax and VAT of the goods under the regime asked for, with the
    imported tariff (one query for all lines), or why they are not admissible.

    With a buyer's ID number, a CBEC quote also counts what that buyer has already used of the
    annual allowance in the acceptance date's year. The number is checked (BuyerIdInvalid, 400,
    for a bad check character) and then only its HMAC is used; it is never stored or logged.
    """
    buyer_year_total: Decimal | None = None
    if buyer_id_number is not None:
        number = buyer_ids.resident_id_validate(buyer_id_number)
        if request.regime == Regime.CN_CBEC:
            buyer_year_total = quota_used(
                buyer_key=buyer_ids.buyer_key(number), year=request.acceptance_date.year
            )
    jurisdiction = request.regime.jurisdiction
    # A caller quoting many requests (the batched clearance) passes one tariff for them all.
    tariff = (tariff or DatabaseTariff()).prefetch(
        jurisdiction, (line.code for line in request.items)
    )
    return quote(request, tariff, buyer_year_total=buyer_year_total)
