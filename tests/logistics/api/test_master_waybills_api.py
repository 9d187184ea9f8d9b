from __future__ import annotations

import pytest

from ewtp.core.models import OrganizationKind
from logistics.models import Airport, MasterWaybill
from tests.logistics import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/logistics/master-waybills/"


@pytest.fixture
def handler(make_org):
    factories.network()
    return make_org(OrganizationKind.GROUND_HANDLER)


def body(**change):
    return {
        "awb_number": "784-24681355",
        "origin": "LGG",
        "destination": "PVG",
        "pieces": 10,
        "weight_kg": "120.5",
    } | change


def test_a_ground_handler_records_a_mawb_and_reads_it_back(handler, partner_client):
    client = partner_client(handler, scopes=["shipments:write", "shipments:read"])

    created = client.post(URL, body(), format="json")

    assert created.status_code == 201, created.json()
    waybill = created.json()
    assert waybill["awb_number"] == "784-24681355"
    assert (waybill["airline_code"], waybill["airline"]) == ("CZ", "China Southern Airlines Cargo")
    assert (waybill["origin"], waybill["destination"]) == ("LGG", "PVG")
    assert (waybill["pieces"], waybill["weight_kg"]) == (10, "120.500")
    assert created["Location"].endswith(f"{waybill['id']}/")
    assert MasterWaybill.objects.get().awb_number == "78424681355"
    # PVG was referenced, so it is loaded with its time zone, but the hub does not serve it
    pvg = Airport.objects.get(iata="PVG")
    assert (pvg.timezone, pvg.served) == ("Asia/Shanghai", False)
    assert client.get(f"{URL}{waybill['id']}/").json() == waybill
    assert [w["id"] for w in client.get(URL).json()["results"]] == [waybill["id"]]
    assert [w["id"] for w in client.get(URL, {"awb_number": "78424681355"}).json()["results"]] == [
        waybill["id"]
    ]


@pytest.mark.parametrize(
    ("awb_number", "code"),
    [
        ("784-24681350", "AWB_CHECK_DIGIT_INVALID"),  # the example: 2468135 mod 7 = 5
        ("123-12345675", "AWB_UNKNOWN_PREFIX"),
        ("784-2468135", "AWB_MALFORMED"),
        ("CZ 784 24681355", "AWB_MALFORMED"),
    ],
)
def test_a_bad_awb_number_is_a_problem_naming_the_field_and_its_code(
    handler, partner_client, awb_number, code
):
    response = partner_client(handler).post(URL, body(awb_number=awb_number), format="json")

    assert response.status_code == 400, response.json()
    assert response["Content-Type"] == "application/problem+json"
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("awb_number", code)]
    assert not MasterWaybill.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"origin": "XXQ"}, "origin", "AIRPORT_UNKNOWN"),
        ({"destination": "pvg"}, "destination", "invalid"),
        ({"pieces": 0}, "pieces", "min_value"),
        ({"weight_kg": 120.5}, "weight_kg", "invalid"),  # a float, not a decimal string
        ({"weight_kg": "-1"}, "weight_kg", "min_value"),
        ({"destination": "LGG"}, "destination", "origin_is_destination"),
        ({"colour": "red"}, "colour", "unknown_field"),
    ],
)
def test_other_bad_input_is_a_400_naming_the_field(handler, partner_client, change, field, code):
    response = partner_client(handler).post(URL, body(**change), format="json")

    assert response.status_code == 400, response.json()
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [(field, code)]
    assert not MasterWaybill.objects.exists()


def test_the_same_awb_twice_is_a_conflict(handler, partner_client):
    client = partner_client(handler)
    client.post(URL, body(), format="json")

    again = client.post(URL, body(), format="json")

    assert again.status_code == 409
    assert again.json()["code"] == "mawb_exists"


def test_another_organisations_mawb_is_not_found(handler, make_org, partner_client):
    mine = partner_client(handler).post(URL, body(), format="json").json()
    other = partner_client(make_org(OrganizationKind.CARRIER))

    assert other.get(f"{URL}{mine['id']}/").status_code == 404
    assert other.get(URL).json()["results"] == []
    # and it may record the same AWB for itself
    assert other.post(URL, body(), format="json").status_code == 201


def test_only_waybill_kinds_with_the_scope_record_mawbs(handler, make_org, partner_client):
    marketplace = partner_client(make_org(OrganizationKind.MARKETPLACE))
    read_only = partner_client(handler, scopes=["shipments:read"])

    assert marketplace.post(URL, body(), format="json").status_code == 403
    assert read_only.post(URL, body(), format="json").json()["code"] == "scope_missing"
    assert not MasterWaybill.objects.exists()
