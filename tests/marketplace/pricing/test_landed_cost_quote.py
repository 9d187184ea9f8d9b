"""Landed-cost quotes worked to the cent from the rules in docs/customs.md.

The expected figures are derived by hand in each test; the engine is not asked twice.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from ewtp.core.errors import Conflict, DomainError
from ewtp.core.models import OrganizationKind
from marketplace.models import OrderLandedCost
from marketplace.services.landed_cost import (
    LandedCostLineRequest,
    landed_cost_quote,
    order_landed_cost_record,
)
from tests.marketplace.flows import organization, place, product

pytestmark = pytest.mark.django_db

D = Decimal


def quote(priced, *, country="CN", airport="HGH", currency="CNY", lines=None):
    return landed_cost_quote(
        destination_country=country,
        destination_airport=airport,
        currency=currency,
        lines=lines or [LandedCostLineRequest(priced.pralines.pk, 2)],
    )


def test_cbec_pralines_to_hangzhou_in_yuan(priced):
    # 2 x 24.50 EUR, 0.35 kg each: 0.7 kg gross -> 1.0 kg chargeable; 4.00 EUR/kg is under the
    # 12.00 EUR minimum. At 7.80 CNY/EUR: unit 191.10, goods 382.20, freight 93.60.
    # CBEC: dutiable value 382.20 + 93.60 = 475.80; duty nil; VAT 13 % x 70 % = 43.2978 -> 43.30.
    result = quote(priced)

    [consignment] = result.consignments
    assert consignment.regime == "CN_CBEC"
    assert consignment.admissible
    assert consignment.chargeable_weight_kg == D("1.0")
    assert consignment.goods == D("382.20")
    assert consignment.freight == D("93.60")
    [tax] = consignment.tax_lines
    assert (tax.customs_value, tax.duty, tax.excise, tax.vat) == (
        D("475.80"), D("0.00"), D("0.00"), D("43.30"),
    )  # fmt: skip
    assert (tax.duty_rate, tax.vat_rate) == (D("8"), D("13"))
    assert consignment.taxes == D("43.30")
    assert result.total == D("519.10")
    assert [(r.base, r.quote, r.rate) for r in result.rates] == [("EUR", "CNY", D("7.8"))]


def test_the_buyers_currency_is_crossed_through_the_euro(priced):
    # Goods 49.00 EUR x 1.05 = 51.45 USD; freight 12.00 x 1.05 = 12.60. The tax is in CNY:
    # CNY->USD = 1.05 / 7.80 = 0.134615 (6 places); VAT 43.30 x 0.134615 = 5.8288 -> 5.83;
    # the base 475.80 x 0.134615 = 64.0498 -> 64.05.
    result = quote(priced, currency="USD")

    [consignment] = result.consignments
    assert (consignment.goods, consignment.freight, consignment.taxes) == (
        D("51.45"), D("12.60"), D("5.83"),
    )  # fmt: skip
    assert consignment.tax_lines[0].customs_value == D("64.05")
    assert result.total == D("69.88")
    assert {(r.base, r.quote): r.rate for r in result.rates}[("CNY", "USD")] == D("0.134615")


def test_an_eu_consignment_up_to_150_euro_is_h7(priced):
    # 49.00 EUR of goods <= 150: H7. Pack EU-LVC-2026-07: flat duty 3.00 per classification.
    # Freight from the Liege hub is onward transport (after the EU border): not in the customs
    # value, in the VAT base. VAT DE 19 % x (49.00 + 12.00 + 3.00) = 12.16.
    result = quote(priced, country="DE", airport="FRA", currency="EUR")

    [consignment] = result.consignments
    assert consignment.regime == "EU_H7"
    [tax] = consignment.tax_lines
    assert (tax.customs_value, tax.duty, tax.vat, tax.vat_rate) == (
        D("49.00"), D("3.00"), D("12.16"), D("19"),
    )  # fmt: skip
    assert result.total == D("76.16")


def test_an_eu_consignment_over_150_euro_is_h1(priced):
    # 7 x 24.50 = 171.50 EUR > 150: H1. 2.45 kg -> 2.5 kg, 10.00 EUR < minimum 12.00.
    # Duty 8.3 % x 171.50 = 14.2345 -> 14.23; VAT 19 % x (171.50 + 14.23 + 12.00) = 37.5687
    # -> 37.57. Total 171.50 + 12.00 + 14.23 + 37.57 = 235.30.
    result = quote(
        priced,
        country="DE",
        airport="FRA",
        currency="EUR",
        lines=[LandedCostLineRequest(priced.pralines.pk, 7)],
    )

    [consignment] = result.consignments
    assert consignment.regime == "EU_H1"
    assert (consignment.tax_lines[0].duty, consignment.tax_lines[0].vat) == (D("14.23"), D("37.57"))
    assert result.total == D("235.30")


def test_a_basket_is_one_consignment_per_merchant(priced):
    brewer = organization(OrganizationKind.MERCHANT)
    beer = product(
        priced.trade, merchant=brewer, sku="BEER-33", hs_code="220300", unit_price="3.00",
        weight_kg="0.500",
    )  # fmt: skip
    # Beer: 6 x 3.00 EUR; 3.0 kg x 4.00 = 12.00 EUR = the minimum. Unit 23.40 CNY, goods 140.40,
    # freight 93.60, value 234.00, VAT 13 % x 70 % = 21.294 -> 21.29. Consignment 255.29.
    result = quote(
        priced,
        lines=[
            LandedCostLineRequest(priced.pralines.pk, 2),
            LandedCostLineRequest(beer.pk, 6),
        ],
    )

    assert [c.merchant_slug for c in result.consignments] == [
        priced.trade.merchant.slug,
        brewer.slug,
    ]
    assert [c.total for c in result.consignments] == [D("519.10"), D("255.29")]
    assert (result.goods, result.freight, result.taxes) == (D("522.60"), D("187.20"), D("64.59"))
    assert result.total == D("774.39")


def test_goods_off_the_cbec_positive_list_are_quoted_inadmissible_and_untaxed(priced):
    diamond = product(priced.trade, sku="DIA-1", hs_code="710239", unit_price="100.00")

    result = quote(priced, lines=[LandedCostLineRequest(diamond.pk, 1)])

    [consignment] = result.consignments
    assert not consignment.admissible
    assert [r.code for r in consignment.reasons] == ["CBEC_NOT_ON_POSITIVE_LIST"]
    assert consignment.taxes == D("0.00")
    assert consignment.goods == D("780.00")


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"airport": "PEK"}, "destination_not_served", "destination_airport"),
        ({"country": "DE"}, "destination_not_served", "destination_airport"),
        ({"currency": "JPY"}, "exchange_rate_unavailable", "currency"),
    ],
)
def test_bad_destinations_and_currencies_are_coded(priced, kwargs, code, field):
    with pytest.raises(DomainError) as raised:
        quote(priced, **kwargs)

    assert (raised.value.code, raised.value.field) == (code, field)


def test_a_quantity_under_the_minimum_order_is_refused(priced):
    boxed = product(priced.trade, sku="BOX-12", min_order_quantity=12)

    with pytest.raises(DomainError) as raised:
        quote(priced, lines=[LandedCostLineRequest(boxed.pk, 11)])

    assert raised.value.code == "below_minimum_order_quantity"
    assert raised.value.field == "lines.0.quantity"


def test_a_placed_order_keeps_the_quote_of_its_consignment_once(priced):
    order = place(priced.trade, presentment_currency="CNY")
    result = quote(priced)

    recorded = order_landed_cost_record(order=order, quote=result)

    assert (recorded.goods, recorded.freight, recorded.taxes, recorded.total) == (
        D("382.20"), D("93.60"), D("43.30"), D("519.10"),
    )  # fmt: skip
    assert recorded.quote["tax_lines"][0]["vat"] == "43.30"
    [rate] = recorded.quote["rates"]
    assert (rate["base"], rate["quote"], rate["rate"]) == ("EUR", "CNY", "7.800000")
    with pytest.raises(Conflict):
        order_landed_cost_record(order=order, quote=result)
    assert OrderLandedCost.objects.count() == 1


def test_a_quote_in_another_currency_is_not_recorded_on_the_order(priced):
    order = place(priced.trade, presentment_currency="CNY")

    with pytest.raises(DomainError) as raised:
        order_landed_cost_record(order=order, quote=quote(priced, currency="USD"))

    assert raised.value.code == "landed_cost_mismatch"
    assert not OrderLandedCost.objects.exists()
