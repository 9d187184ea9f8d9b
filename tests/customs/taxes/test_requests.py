"""The request is validated on creation; what stops a regime from applying is a reason."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from customs.taxes import (
    GoodsLine,
    InMemoryTariff,
    InvalidTaxQuoteRequest,
    ReasonCode,
    Regime,
    TaxQuoteRequest,
    quote,
)

D = Decimal
CHOCOLATE = GoodsLine("180631", "chocolate", 2, D("150.00"))
BOOK = GoodsLine("490199", "book", 1, D("20.00"))


def request_with(**changes: Any) -> TaxQuoteRequest:
    fields: dict[str, Any] = {
        "regime": Regime.CN_CBEC,
        "destination_country": "CN",
        "currency": "CNY",
        "acceptance_date": date(2025, 3, 14),
        "items": (CHOCOLATE,),
        "freight": D("20.00"),
    }
    return TaxQuoteRequest(**(fields | changes))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"regime": "US_ENTRY"}, "regime"),
        ({"items": ()}, "items"),
        ({"currency": "cny"}, "currency"),
        ({"destination_country": "CHN"}, "destination_country"),
        ({"acceptance_date": datetime(2025, 3, 14, 12, 0)}, "acceptance_date"),  # noqa: DTZ001
        ({"freight": D("-0.01")}, "freight"),
        ({"insurance": D("0.001")}, "insurance"),
        ({"onward_transport": D("NaN")}, "onward_transport"),
        ({"discount": D("300.01")}, "discount"),
        ({"items": (GoodsLine("180631", "free sample", 1, D("0.00")),)}, "items"),
    ],
)
def test_a_malformed_request_is_refused(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidTaxQuoteRequest) as refused:
        request_with(**changes)

    assert refused.value.field == field
    assert refused.value.code == "invalid_tax_quote_request"


@pytest.mark.parametrize(
    ("code", "quantity", "unit_price", "field"),
    [
        ("18063", 1, "1.00", "code"),
        ("1806.31", 1, "1.00", "code"),
        ("180631", 0, "1.00", "quantity"),
        ("180631", True, "1.00", "quantity"),
        ("180631", 1, "1.005", "unit_price"),
        ("180631", 1, "-1.00", "unit_price"),
    ],
)
def test_a_malformed_goods_line_is_refused(
    code: str, quantity: int, unit_price: str, field: str
) -> None:
    with pytest.raises(InvalidTaxQuoteRequest) as refused:
        GoodsLine(code, "goods", quantity, D(unit_price))

    assert refused.value.field == field


def test_json_shaped_input_is_coerced() -> None:
    request = request_with(regime="CN_CBEC", items=[CHOCOLATE])

    assert request.regime is Regime.CN_CBEC
    assert request.items == (CHOCOLATE,)


def test_a_negative_year_total_is_refused(tariff: InMemoryTariff) -> None:
    with pytest.raises(InvalidTaxQuoteRequest):
        quote(request_with(), tariff, buyer_year_total=D("-1"))


@pytest.mark.parametrize(
    "changes",
    [
        {"currency": "EUR"},
        {"regime": Regime.EU_H7, "destination_country": "FR", "currency": "CNY"},
    ],
)
def test_amounts_in_another_currency_than_the_regimes_are_refused(
    tariff: InMemoryTariff, changes: dict[str, Any]
) -> None:
    result = quote(request_with(**changes), tariff)

    assert ReasonCode.CURRENCY_NOT_SUPPORTED in [reason.code for reason in result.reasons]


@pytest.mark.parametrize(
    "changes",
    [
        {"destination_country": "HK"},
        {"regime": Regime.EU_H7, "destination_country": "GB", "currency": "EUR", "items": (BOOK,)},
        {"regime": Regime.EU_H1, "destination_country": "CN", "currency": "EUR", "items": (BOOK,)},
    ],
)
def test_a_destination_outside_the_regime_is_refused(
    tariff: InMemoryTariff, changes: dict[str, Any]
) -> None:
    result = quote(request_with(**changes), tariff)

    assert [reason.code for reason in result.reasons] == [ReasonCode.DESTINATION_NOT_SUPPORTED]


def test_eu_regimes_refuse_a_discount(tariff: InMemoryTariff) -> None:
    request = request_with(
        regime=Regime.EU_H7,
        destination_country="FR",
        currency="EUR",
        items=(BOOK,),
        discount=D("2.00"),
    )

    result = quote(request, tariff)

    assert [reason.code for reason in result.reasons] == [ReasonCode.DISCOUNT_NOT_SUPPORTED]


def test_as_dict_is_json_ready_with_two_decimal_money(tariff: InMemoryTariff) -> None:
    result = quote(request_with(), tariff)

    document = json.loads(json.dumps(result.as_dict()))

    assert document == {
        "regime": "CN_CBEC",
        "currency": "CNY",
        "rule_pack": "CN-CBEC-2019",
        "admissible": True,
        "reasons": [],
        "customs_value": "320.00",
        "duty": "0.00",
        "excise": "0.00",
        "vat": "29.12",
        "checkout_vat": "0.00",
        "total_tax": "29.12",
        "lines": [
            {
                "code": "180631",
                "customs_value": "320.00",
                "duty": "0.00",
                "excise": "0.00",
                "vat": "29.12",
                "checkout_vat": "0.00",
            }
        ],
    }


def test_as_dict_lists_the_reasons(tariff: InMemoryTariff) -> None:
    result = quote(request_with(), tariff, buyer_year_total=D("26000.00"))

    reasons = result.as_dict()["reasons"]

    assert [reason["code"] for reason in reasons] == ["CBEC_ANNUAL_LIMIT_EXCEEDED"]
    assert "26000" in reasons[0]["detail"]
