"""Carriers send the CBEC waybill through the API and read back the match of their own
waybills; another carrier finds nothing."""

from __future__ import annotations

import uuid

import pytest

from customs.models import DocumentMatch
from customs.services import document_match_run
from ewtp.core.models import OrganizationKind
from tests.marketplace.flows import organization, pay, place

pytestmark = pytest.mark.django_db

URL = "/api/v1/customs/cbec-waybills/"


def waybill(order: uuid.UUID, **change: str) -> dict[str, str]:
    return {
        "order_id": str(order),
        "waybill_number": "784-12345675",
        "consignee_name": "Li Wei",
        "consignee_address": "1 Binjiang Road, Hangzhou",
        "consignee_country": "CN",
    } | change


def test_a_carrier_sends_the_waybill_and_reads_the_match(trade, partner_client):
    order = pay(trade, place(trade))
    client = partner_client(trade.carrier)

    sent = client.post(URL, waybill(order.pk), format="json")
    document_match_run(order_id=order.pk)  # the job the arrival queued
    read = client.get(f"{URL}{order.pk}/")

    assert sent.status_code == 202
    assert sent.json()["status"] == "waiting"
    assert read.status_code == 200
    assert (read.json()["status"], read.json()["codes"]) == ("matched", [])
    stored = DocumentMatch.objects.get(order_id=order.pk).waybill_document
    assert stored is not None
    assert stored["consignee_address"] == "1 Binjiang Road, Hangzhou"


def test_a_mismatch_is_read_with_its_code(trade, partner_client):
    order = pay(trade, place(trade))
    client = partner_client(trade.carrier)

    client.post(URL, waybill(order.pk, consignee_name="Wang Fang"), format="json")
    document_match_run(order_id=order.pk)
    body = client.get(f"{URL}{order.pk}/").json()

    assert body["status"] == "mismatched"
    assert body["codes"] == ["CONSIGNEE_MISMATCH"]
    assert body["mismatches"][0]["code"] == "CONSIGNEE_MISMATCH"


def test_another_carrier_finds_nothing(trade, partner_client):
    order_id = uuid.uuid4()
    partner_client(trade.carrier).post(URL, waybill(order_id), format="json")
    rival = partner_client(organization(OrganizationKind.CARRIER))

    read = rival.get(f"{URL}{order_id}/")
    sent = rival.post(URL, waybill(order_id, consignee_name="Someone"), format="json")

    assert read.status_code == 404
    assert (sent.status_code, sent.json()["code"]) == (404, "unknown_order")
    kept = DocumentMatch.objects.get(order_id=order_id).waybill_document
    assert kept is not None
    assert kept["consignee_name"] == "Li Wei"


def test_only_carriers_send_waybills(trade, partner_client):
    response = partner_client(trade.marketplace).post(URL, waybill(uuid.uuid4()), format="json")

    assert response.status_code == 403
    assert not DocumentMatch.objects.exists()


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        ({"order_id": "not-a-uuid"}, "/order_id"),
        ({"waybill_number": "784 123"}, "/waybill_number"),
        ({"consignee_country": "china"}, "/consignee_country"),
        ({"consignee_name": ""}, "/consignee_name"),
    ],
)
def test_bad_input_is_a_problem_naming_the_field(trade, partner_client, change, pointer):
    response = partner_client(trade.carrier).post(
        URL, waybill(uuid.uuid4(), **change), format="json"
    )

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert pointer in [error["pointer"] for error in response.json()["errors"]]
    assert not DocumentMatch.objects.exists()


def test_the_same_idempotency_key_answers_the_same(trade, partner_client):
    client = partner_client(trade.carrier)
    order_id = uuid.uuid4()

    first = client.post(URL, waybill(order_id), format="json", HTTP_IDEMPOTENCY_KEY="wb-1")
    again = client.post(URL, waybill(order_id), format="json", HTTP_IDEMPOTENCY_KEY="wb-1")

    assert first.status_code == again.status_code == 202
    assert first.json() == again.json()
