"""Brokers and carriers file EU H7 / H1 declarations; the clearance job clears them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from customs import tasks
from customs.models import Declaration, DeclarationStatus
from ewtp.core.models import OrganizationKind
from ewtp.events.models import OutboxEvent
from tests.customs.filing_setup import (
    URL,
    VALIDATE_URL,
    file,
    h1_body,
    h7_body,
    table_counts,
)

pytestmark = pytest.mark.django_db


def test_a_broker_files_an_h7_consignment_and_the_clearance_job_releases_it(broker_client):
    response = file(broker_client, h7_body())

    assert response.status_code == 201
    filed = response.json()
    assert (filed["regime"], filed["status"], filed["version"]) == ("EU_H7", "submitted", 1)
    assert (filed["order_id"], filed["submitter_reference"]) == (None, "BRK-1001")
    assert (filed["destination_country"], filed["consignee_name"]) == ("DE", "Anna Müller")
    assert (filed["total_value"], filed["transport_costs"]) == ("42.00", "8.50")
    assert sorted(p["role"] for p in filed["parties"]) == ["consignee", "consignor", "declarant"]
    assert [d["type_code"] for d in filed["documents"]] == ["N380"]
    assert [v["number"] for v in filed["versions"]] == [1]
    assert filed["receipt_code"] is None  # China's receipts are for CN_CBEC only

    # The job the filing queued on commit, run here in-process.
    assert tasks.clear_declaration(filed["id"]) == DeclarationStatus.RELEASED

    cleared = broker_client.get(f"{URL}{filed['id']}/").json()
    assert cleared["status"] == "released"
    assert [d["to_status"] for d in cleared["decisions"]] == ["submitted", "validated", "released"]
    # Under IOSS the seller charged the VAT at checkout: none is due at import.
    assessment = cleared["assessment"]
    assert (assessment["currency"], assessment["admissible"]) == ("EUR", True)
    assert Decimal(assessment["vat"]) == 0
    assert Decimal(assessment["checkout_vat"]) > 0
    types = list(OutboxEvent.objects.order_by("occurred_at").values_list("type", flat=True))
    assert types == [
        "customs.import_declaration.submitted",
        "customs.import_declaration.validated",
        "customs.import_declaration.released",
    ]


def test_a_carrier_files_an_h1_import_and_pays_duty_and_vat(nomenclature, make_org, partner_client):
    carrier = partner_client(make_org(OrganizationKind.CARRIER))

    response = file(carrier, h1_body())
    tasks.clear_declaration(response.json()["id"])

    assert response.status_code == 201
    cleared = carrier.get(f"{URL}{response.json()['id']}/").json()
    assert cleared["status"] == "released"
    assert Decimal(cleared["assessment"]["duty"]) > 0
    assert Decimal(cleared["assessment"]["vat"]) > 0


def test_a_bad_filing_is_refused_with_every_problem_and_nothing_is_written(broker_client):
    body = h7_body(ioss_number="IM9991234567")
    body["items"][1]["hs_code"] = "999999"
    body["parties"]["declarant"]["eori"] = ""
    before = table_counts()

    response = file(broker_client, body)
    dry_run = broker_client.post(VALIDATE_URL, body, format="json").json()

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "declaration_invalid"
    found = [(e["code"], e["pointer"]) for e in problem["errors"]]
    assert found == [
        ("ioss_number_invalid", "/ioss_number"),
        ("eori_missing", "/parties/declarant/eori"),
        ("hs_code_unknown", "/items/1/hs_code"),
    ]
    assert [(e["code"], e["pointer"]) for e in dry_run["errors"]] == found
    assert table_counts() == before


def test_the_dry_run_lists_every_problem_at_once_and_writes_nothing(broker_client):
    body = h7_body(currency="XXX")
    body["items"][0].update(hs_code="18069", origin_country="ZZ", quantity=0)
    body["parties"]["consignee"]["country"] = "US"
    del body["parties"]["consignor"]
    before = table_counts()

    response = broker_client.post(VALIDATE_URL, body, format="json")

    assert response.status_code == 200
    assert response.json() == {
        "valid": False,
        "errors": [
            {
                "code": "currency_unknown",
                "pointer": "/currency",
                "detail": "No ECB reference rate for 'XXX'.",
            },
            {
                "code": "party_missing",
                "pointer": "/parties/consignor",
                "detail": "The consignor is missing.",
            },
            {
                "code": "consignee_not_in_eu",
                "pointer": "/parties/consignee/country",
                "detail": "US is not an EU member state: H7 and H1 are EU imports.",
            },
            {
                "code": "hs_code_invalid",
                "pointer": "/items/0/hs_code",
                "detail": "'18069' is not a 6-digit HS subheading.",
            },
            {
                "code": "origin_country_invalid",
                "pointer": "/items/0/origin_country",
                "detail": "'ZZ' is not an ISO 3166-1 alpha-2 country code.",
            },
            {
                "code": "quantity_invalid",
                "pointer": "/items/0/quantity",
                "detail": "At least 1 unit.",
            },
        ],
    }
    assert table_counts() == before


def test_the_dry_run_of_a_good_filing_is_valid(broker_client):
    response = broker_client.post(VALIDATE_URL, h7_body(), format="json")

    assert response.json() == {"valid": True, "errors": []}
    assert Declaration.objects.count() == 0


def test_a_malformed_filing_is_a_400_and_the_dry_run_lists_the_same_pointer(broker_client):
    body = h7_body()
    body["items"][0]["quantity"] = "two"
    body["items"][1]["value"] = 18.5  # a float cannot carry exact cents
    before = table_counts()

    response = file(broker_client, body)
    dry_run = broker_client.post(VALIDATE_URL, body, format="json").json()

    assert response.status_code == 400
    assert response.json()["code"] == "validation_failed"
    found = sorted((e["code"], e["pointer"]) for e in response.json()["errors"])
    assert found == [("invalid", "/items/0/quantity"), ("invalid", "/items/1/value")]
    assert dry_run["valid"] is False
    assert sorted((e["code"], e["pointer"]) for e in dry_run["errors"]) == found
    assert table_counts() == before


def test_an_h7_consignment_over_150_euros_is_refused_pointing_at_the_items(broker_client):
    body = h7_body()
    body["items"][0]["value"] = "140.00"

    response = file(broker_client, body)

    assert response.status_code == 422
    assert [(e["code"], e["pointer"]) for e in response.json()["errors"]] == [
        ("h7_intrinsic_value_exceeds_150", "/items")
    ]


def test_the_same_key_replays_the_filing_and_files_it_once(broker_client):
    first = file(broker_client, h7_body(), HTTP_IDEMPOTENCY_KEY="filing-1")
    again = file(broker_client, h7_body(), HTTP_IDEMPOTENCY_KEY="filing-1")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    assert again["Idempotent-Replayed"] == "true"
    assert Declaration.objects.count() == 1


def test_a_reference_is_filed_once_per_filer(broker_client, make_org, partner_client):
    other = partner_client(make_org(OrganizationKind.CUSTOMS_BROKER))
    file(broker_client, h7_body())

    again = file(broker_client, h7_body())
    elsewhere = file(other, h7_body())

    assert [(e["code"], e["pointer"]) for e in again.json()["errors"]] == [
        ("submitter_reference_taken", "/submitter_reference")
    ]
    assert elsewhere.status_code == 201


@pytest.mark.parametrize("kind", [OrganizationKind.MARKETPLACE, OrganizationKind.MERCHANT])
def test_only_brokers_and_carriers_file(nomenclature, make_org, partner_client, kind):
    client = partner_client(make_org(kind))

    filing = file(client, h7_body())
    dry_run = client.post(VALIDATE_URL, h7_body(), format="json")

    assert (filing.status_code, filing.json()["code"]) == (403, "organization_kind_not_allowed")
    assert (dry_run.status_code, dry_run.json()["code"]) == (403, "organization_kind_not_allowed")
    assert Declaration.objects.count() == 0


def test_a_key_without_the_write_scope_cannot_file(nomenclature, broker, partner_client):
    client = partner_client(broker, scopes=["declarations:read"])

    response = file(client, h7_body())

    assert (response.status_code, response.json()["code"]) == (403, "scope_missing")


def test_another_broker_cannot_read_amend_or_cancel_a_filing(
    broker_client, make_org, partner_client
):
    declaration_id = file(broker_client, h7_body()).json()["id"]
    other = partner_client(make_org(OrganizationKind.CUSTOMS_BROKER))

    responses = [
        other.get(f"{URL}{declaration_id}/"),
        other.post(f"{URL}{declaration_id}/amendments/", h7_body(), format="json"),
        other.post(f"{URL}{declaration_id}/cancel/", {}, format="json"),
    ]

    assert [(r.status_code, r.json()["code"]) for r in responses] == [(404, "not_found")] * 3
    assert other.get(URL).json()["results"] == []
    assert Declaration.objects.get().status == DeclarationStatus.SUBMITTED
