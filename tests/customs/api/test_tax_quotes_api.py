"""POST /api/v1/customs/tax-quotes/: the engine's worked examples through the API, with the
imported tariff; every kind of bad input as a problem document naming the field."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from rest_framework.test import APIClient

from customs.buyer_ids import buyer_key
from customs.models import AuditEntry, QuotaLedgerEntry, TariffLine
from customs.services import quota_reserve
from customs.taxes import quote
from ewtp.core.models import OrganizationKind
from tests.customs.tariffs import ENGINE_TARIFF, import_tariff_text

pytestmark = pytest.mark.django_db

URL = "/api/v1/customs/tax-quotes/"
BUYER_ID = "11010519491231002X"


@pytest.fixture
def client(db, make_org, partner_client):
    import_tariff_text(ENGINE_TARIFF)
    # No scope at all: any valid key may quote.
    return partner_client(make_org(OrganizationKind.CARRIER), scopes=[])


def cn(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "regime": "CN_CBEC",
        "destination_country": "CN",
        "currency": "CNY",
        "acceptance_date": "2025-03-14",
        "items": [
            {
                "code": "1806310000",
                "description": "dark chocolate",
                "quantity": 2,
                "unit_price": "150.00",
            }
        ],
        "freight": "20.00",
    }
    return body | overrides


def eu_parcel(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "regime": "EU_H7",
        "destination_country": "DE",
        "currency": "EUR",
        "acceptance_date": "2026-07-01",
        "items": [
            {
                "code": "6109100010",
                "description": "cotton T-shirt",
                "quantity": 2,
                "unit_price": "10.00",
            },
            {
                "code": "6109100090",
                "description": "printed T-shirt",
                "quantity": 1,
                "unit_price": "15.00",
            },
            {"code": "4202929000", "description": "tote bag", "quantity": 1, "unit_price": "40.00"},
        ],
        "freight": "9.00",
        "onward_transport": "6.00",
    }
    return body | overrides


def post(client, body: dict[str, Any]):
    return client.post(URL, data=json.dumps(body), content_type="application/json")


def problem(response) -> tuple[int, str, list[str]]:
    assert response["Content-Type"] == "application/problem+json"
    data = response.json()
    return response.status_code, data["code"], [e["field"] for e in data.get("errors", [])]


# --- Worked examples (tests/customs/taxes/test_worked_examples_*.py) through the API


def test_cn_cbec_chocolate_pays_70_percent_of_vat_and_no_duty(client):
    response = post(client, cn())

    assert response.status_code == 200
    assert response.json() == {
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
                "code": "1806310000",
                "customs_value": "320.00",
                "duty": "0.00",
                "excise": "0.00",
                "vat": "29.12",
                "checkout_vat": "0.00",
            }
        ],
    }


def test_cn_cbec_cosmetics_take_the_8_digit_line_and_pay_consumption_tax(client):
    body = cn(
        items=[{"code": "3304990010", "quantity": 2, "unit_price": "200.00"}],
        freight="30.00",
        insurance="2.00",
        discount="12.00",
    )

    data = post(client, body).json()

    assert (data["customs_value"], data["duty"], data["excise"], data["vat"]) == (
        "420.00",
        "0.00",
        "51.88",
        "44.96",
    )
    assert data["total_tax"] == "96.84"


def test_cn_general_trade_charges_full_duty_consumption_tax_and_vat(client):
    # value 6,050.00; duty 1 % = 60.50; CT (6,110.50 / 0.85 x 0.15) = 1,078.32;
    # VAT (7,188.82 x 13 %) = 934.55
    body = cn(
        regime="CN_GENERAL",
        items=[{"code": "3304990010", "quantity": 1, "unit_price": "6000.00"}],
        freight="50.00",
    )

    data = post(client, body).json()

    assert data["admissible"] is True
    assert (data["duty"], data["excise"], data["vat"], data["total_tax"]) == (
        "60.50",
        "1078.32",
        "934.55",
        "2073.37",
    )


def test_eu_h7_from_july_2026_pays_3_euro_per_distinct_hs6(client):
    data = post(client, eu_parcel()).json()

    assert data["rule_pack"] == "EU-LVC-2026-07"
    assert [line["duty"] for line in data["lines"]] == ["3.00", "0.00", "3.00"]
    assert [line["vat"] for line in data["lines"]] == ["5.13", "3.42", "9.69"]
    assert data["total_tax"] == "24.24"


def test_eu_h7_with_ioss_moves_vat_to_checkout(client):
    data = post(client, eu_parcel(destination_country="NL", ioss_number="IM0560000001")).json()

    assert (data["vat"], data["checkout_vat"], data["total_tax"]) == ("0.00", "18.90", "6.00")


def test_eu_h7_over_150_is_not_admissible_with_its_reason(client):
    body = eu_parcel(items=[{"code": "620193", "quantity": 1, "unit_price": "150.01"}])

    data = post(client, body).json()

    assert data["admissible"] is False
    assert [r["code"] for r in data["reasons"]] == ["H7_INTRINSIC_VALUE_EXCEEDS_150"]
    assert data["total_tax"] == "0.00"


def test_eu_h1_charges_duty_and_vat_on_the_onward_transport(client):
    body = eu_parcel(
        regime="EU_H1",
        destination_country="IT",
        acceptance_date="2026-06-30",
        items=[
            {"code": "6201930000", "quantity": 1, "unit_price": "400.00"},
            {"code": "6403990000", "quantity": 2, "unit_price": "37.45"},
        ],
        freight="25.00",
        insurance="3.50",
        onward_transport="11.00",
    )

    data = post(client, body).json()

    assert [line["customs_value"] for line in data["lines"]] == ["424.01", "79.39"]
    assert (data["customs_value"], data["duty"], data["vat"], data["total_tax"]) == (
        "503.40",
        "57.23",
        "125.76",
        "182.99",
    )


def test_a_code_without_a_tariff_line_is_not_admissible(client):
    body = cn(items=[{"code": "999999", "quantity": 1, "unit_price": "10.00"}])

    data = post(client, body).json()

    assert [r["code"] for r in data["reasons"]] == ["TARIFF_CODE_UNKNOWN"]


def test_omitted_amounts_are_zero_and_the_date_defaults_to_today_in_china(client):
    body = cn()
    del body["freight"], body["acceptance_date"]
    # 2026-12-31 17:30 UTC is already 2027-01-01 in Shanghai.
    new_years_eve = datetime(2026, 12, 31, 17, 30, tzinfo=UTC)
    with (
        mock.patch("django.utils.timezone.now", return_value=new_years_eve),
        mock.patch("customs.services.tax_quotes.quote", wraps=quote) as engine,
    ):
        data = post(client, body).json()

    asked = engine.call_args.args[0]
    assert asked.acceptance_date == date(2027, 1, 1)
    assert asked.freight == Decimal("0.00")
    assert data["customs_value"] == "300.00"


# --- The buyer's annual allowance


def test_a_buyer_with_room_left_is_admissible(client):
    quota_reserve(buyer_key=buyer_key(BUYER_ID), amount=Decimal("25680.00"), on=date(2025, 3, 1))

    data = post(client, cn(buyer_id_number=BUYER_ID)).json()

    assert data["admissible"] is True


def test_a_buyer_whose_allowance_is_used_up_is_refused_without_revealing_how_much(client):
    quota_reserve(buyer_key=buyer_key(BUYER_ID), amount=Decimal("25700.01"), on=date(2025, 3, 1))

    response = post(client, cn(buyer_id_number=BUYER_ID))
    data = response.json()

    assert [r["code"] for r in data["reasons"]] == ["CBEC_ANNUAL_LIMIT_EXCEEDED"]
    assert BUYER_ID not in response.content.decode()
    assert BUYER_ID.lower() not in response.content.decode().lower()


def test_last_years_purchases_do_not_count(client):
    quota_reserve(buyer_key=buyer_key(BUYER_ID), amount=Decimal("26000.00"), on=date(2024, 12, 31))

    assert post(client, cn(buyer_id_number=BUYER_ID)).json()["admissible"] is True


def test_a_quote_reserves_nothing(client):
    post(client, cn(buyer_id_number=BUYER_ID))

    assert not QuotaLedgerEntry.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_wrong_check_character_is_a_400_naming_the_field_without_echoing_it(client):
    wrong = "110105194912310021"

    response = post(client, cn(buyer_id_number=wrong))

    assert problem(response) == (400, "ID_CHECKSUM_INVALID", ["buyer_id_number"])
    assert wrong not in response.content.decode()


# --- Bad input: 400 problem documents naming the field, nothing written


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"regime": "CN_MAGIC"}, "regime"),
        ({"destination_country": "china"}, "destination_country"),
        ({"currency": "cny"}, "currency"),
        ({"acceptance_date": "10/09/2026"}, "acceptance_date"),
        ({"items": []}, "items"),
        ({"items": "180631"}, "items"),
        ({"items": [{"code": "1806", "quantity": 1, "unit_price": "1.00"}]}, "items.0.code"),
        ({"items": [{"code": "180631", "quantity": 0, "unit_price": "1.00"}]}, "items.0.quantity"),
        ({"items": [{"code": "180631", "quantity": 1, "unit_price": 1.5}]}, "items.0.unit_price"),
        (
            {"items": [{"code": "180631", "quantity": 1, "unit_price": "1.001"}]},
            "items.0.unit_price",
        ),
        ({"items": [{"code": "180631", "quantity": 1}]}, "items.0.unit_price"),
        (
            {"items": [{"code": "180631", "quantity": 1, "unit_price": "1.00", "hs": "x"}]},
            "items.0.hs",
        ),
        (
            {"items": [{"code": "180631", "quantity": 1, "unit_price": "1000000000.01"}]},
            "items.0.unit_price",
        ),
        # Worth more than any consignment: its taxes would not fit the answer's money fields.
        (
            {"items": [{"code": "180631", "quantity": 250000, "unit_price": "40000000.00"}]},
            "items",
        ),
        ({"freight": "9999999999999.00"}, "items"),
        ({"freight": "-1.00"}, "freight"),
        ({"insurance": "abc"}, "insurance"),
        ({"discount": None}, "discount"),
        ({"buyer_id_number": "1101051949123100"}, "buyer_id_number"),
        ({"buyer": "Li Wei"}, "buyer"),
    ],
)
def test_malformed_input_is_a_400_naming_the_field(client, change, field):
    response = post(client, cn() | change)

    assert problem(response) == (400, "validation_failed", [field])


def test_missing_required_fields_are_each_named(client):
    response = post(client, {"items": cn()["items"]})

    status, code, fields = problem(response)
    assert (status, code) == (400, "validation_failed")
    assert sorted(fields) == ["currency", "destination_country", "regime"]


def test_a_body_that_is_not_json_is_a_400(client):
    response = client.post(URL, data="{not json", content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"discount": "400.00"}, "discount"),  # more than the 300.00 of goods
        ({"items": [{"code": "180631", "quantity": 1, "unit_price": "0.00"}]}, "items"),
    ],
)
def test_a_well_formed_request_the_engine_cannot_quote_is_a_422_naming_the_field(
    client, change, field
):
    response = post(client, cn() | change)

    assert problem(response) == (422, "invalid_tax_quote_request", [field])


def test_a_refused_request_writes_nothing_of_customs(client):
    before = (TariffLine.objects.count(), QuotaLedgerEntry.objects.count())

    response = post(client, cn(freight="-1.00", buyer_id_number=BUYER_ID))

    assert response.status_code == 400
    assert (TariffLine.objects.count(), QuotaLedgerEntry.objects.count()) == before
    assert not AuditEntry.objects.exists()


# --- Access


def test_any_kind_of_partner_may_quote_but_not_without_a_key(db, make_org, partner_client):
    import_tariff_text(ENGINE_TARIFF)
    kinds = [OrganizationKind.MARKETPLACE, OrganizationKind.MERCHANT, OrganizationKind.CARRIER]

    statuses = [post(partner_client(make_org(kind), scopes=[]), cn()).status_code for kind in kinds]
    anonymous = post(APIClient(), cn())

    assert statuses == [200, 200, 200]
    assert problem(anonymous)[:2] == (401, "not_authenticated")
