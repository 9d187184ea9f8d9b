"""POST/GET /api/v1/logistics/manifests/ (JSON), POST .../manifests/csv/ (text/csv)."""

from __future__ import annotations

import pytest

from ewtp.core.models import OrganizationKind
from logistics.models import Manifest, Shipment
from logistics.services.manifests import MAX_MANIFEST_PARCELS
from tests.logistics import factories
from tests.logistics.inbound.setup import AWB, FLIGHT, URL, body, hub, item, today

pytestmark = pytest.mark.django_db

CSV_URL = f"{URL}csv/"


@pytest.fixture
def carrier():
    hub()
    return factories.carrier()


@pytest.fixture
def client(carrier, partner_client):
    return partner_client(carrier)


def csv_url(**change: str) -> str:
    query = {
        "awb_number": AWB,
        "flight_number": FLIGHT,
        "flight_date": today().isoformat(),
        "origin": "HGH",
    } | change
    return CSV_URL + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def test_a_carrier_posts_a_manifest_and_reads_it_back(client):
    response = client.post(URL, body([item("A1"), item("A2")]), format="json")

    assert response.status_code == 200, response.json()
    answer = response.json()
    assert (answer["created"], answer["duplicates"], answer["rejected"]) == (2, 0, 0)
    assert answer["manifest"]["awb_number"] == AWB
    assert answer["manifest"]["parcel_count"] == 2
    assert [r["result"] for r in answer["results"]] == ["created", "created"]
    listed = client.get(URL).json()["results"]
    assert [m["id"] for m in listed] == [answer["manifest"]["id"]]
    detail = client.get(f"{URL}{answer['manifest']['id']}/").json()
    assert [p["parcel_reference"] for p in detail["parcels"]] == ["A1", "A2"]
    assert detail["parcels"][0]["loading_blocked"] is True
    assert [b["kind"] for b in detail["parcels"][0]["blocks"]] == ["customs_hold"]
    shipment = client.get(f"/api/v1/logistics/shipments/{answer['results'][0]['shipment_id']}/")
    assert shipment.status_code == 200
    assert (shipment.json()["direction"], shipment.json()["order_id"]) == ("inbound", None)
    assert shipment.json()["blocks"][0]["kind"] == "customs_hold"


def test_a_partial_batch_keeps_the_good_parcels_and_reports_the_bad(client):
    response = client.post(
        URL, body([item("G1"), item("US1", consignee_country="US"), item("G2")]), format="json"
    )

    answer = response.json()
    assert response.status_code == 200
    assert answer["results"][1] == {
        "result": "rejected",
        "line": 2,
        "parcel_reference": "US1",
        "code": "CONSIGNEE_NOT_IN_EU",
        "field": "consignee_country",
        "message": "US is not an EU member state: inbound parcels are for the EU.",
    }
    assert (answer["created"], answer["rejected"]) == (2, 1)


def test_a_replay_adds_nothing(client):
    first = client.post(URL, body([item("R1")]), format="json").json()
    again = client.post(URL, body([item("R1")]), format="json").json()

    assert (again["created"], again["duplicates"]) == (0, 1)
    assert again["results"][0]["shipment_id"] == first["results"][0]["shipment_id"]
    assert Shipment.objects.count() == 1


def test_the_idempotency_key_replays_the_first_answer(client):
    first = client.post(URL, body([item("K1")]), format="json", HTTP_IDEMPOTENCY_KEY="m-1")
    again = client.post(URL, body([item("K1")]), format="json", HTTP_IDEMPOTENCY_KEY="m-1")
    other = client.post(URL, body([item("K2")]), format="json", HTTP_IDEMPOTENCY_KEY="m-1")

    assert again.json() == first.json()
    assert again.json()["created"] == 1
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"


@pytest.mark.parametrize(
    ("change", "status", "code", "field"),
    [
        ({"awb_number": "784-24681356"}, 400, "validation_failed", "awb_number"),
        ({"awb_number": "998-24681355"}, 400, "AWB_UNKNOWN_PREFIX", "awb_number"),
        ({"origin": "XYZ"}, 400, "AIRPORT_UNKNOWN", "origin"),
        ({"flight_number": "QQ1"}, 400, "FLIGHT_AIRLINE_UNKNOWN", "flight_number"),
        ({"flight_date": "someday"}, 400, "validation_failed", "flight_date"),
        ({"parcels": "A1"}, 400, "MANIFEST_INVALID", "parcels"),
        ({"colour": "red"}, 400, "validation_failed", "colour"),
    ],
)
def test_bad_input_is_a_coded_problem_and_nothing_is_written(client, change, status, code, field):
    response = client.post(URL, body([item("B1")]) | change, format="json")

    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == code
    assert field in {e["field"] for e in problem.get("errors", [])} | {problem.get("field")}
    assert (Manifest.objects.count(), Shipment.objects.count()) == (0, 0)


def test_an_awb_with_a_bad_check_digit_says_so(client):
    response = client.post(URL, body([item("B1")], awb_number="784-24681356"), format="json")

    assert response.json()["errors"][0]["code"] == "AWB_CHECK_DIGIT_INVALID"


def test_too_many_parcels_is_413(client):
    many = [item(f"P{i}") for i in range(MAX_MANIFEST_PARCELS + 1)]

    response = client.post(URL, body(many), format="json")

    assert response.status_code == 413
    assert response.json()["code"] == "MANIFEST_TOO_LARGE"


def test_another_carrier_sees_none_of_it(client, partner_client, make_org):
    made = client.post(URL, body([item("T1")]), format="json").json()
    stranger = partner_client(factories.carrier())
    marketplace = partner_client(make_org(OrganizationKind.MARKETPLACE))

    assert stranger.get(f"{URL}{made['manifest']['id']}/").status_code == 404
    assert stranger.get(URL).json()["results"] == []
    shipment_url = f"/api/v1/logistics/shipments/{made['results'][0]['shipment_id']}/"
    assert stranger.get(shipment_url).status_code == 404
    assert marketplace.get(URL).status_code == 403


def test_the_csv_manifest_answers_each_row_with_its_line(client):
    text = (
        "parcel_reference,consignee_country,weight_kg,declared_value,currency,hs_codes\n"
        "C1,DE,1.5,12.00,EUR,090210;210690\n"
        "\n"
        'C2,"FR",abc,12.00,EUR,\n'
        "C3,NL,0.4,3.10,EUR,\n"
        "C1,DE,1.5,12.00,EUR,\n"
    )

    response = client.post(csv_url(), text, content_type="text/csv")

    assert response.status_code == 200, response.json()
    rows = [(r["line"], r["result"], r.get("code")) for r in response.json()["results"]]
    assert rows == [
        (2, "created", None),
        (4, "rejected", "WEIGHT_INVALID"),
        (5, "created", None),
        (6, "duplicate", None),
    ]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("parcel_reference,colour\nC1,red\n", "CSV_COLUMN_UNKNOWN"),
        ("parcel_reference,weight_kg\nC1,1\n", "CSV_HEADER_INVALID"),
    ],
)
def test_a_bad_csv_header_is_a_coded_400(client, text, code):
    response = client.post(csv_url(), text, content_type="text/csv")

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert Shipment.objects.count() == 0


def test_the_csv_manifest_needs_its_header_in_the_query(client):
    response = client.post(CSV_URL, "parcel_reference\n", content_type="text/csv")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_the_csv_manifest_refuses_json(client):
    response = client.post(csv_url(), body([item("J1")]), format="json")

    assert response.status_code == 415
