"""POST /api/v1/logistics/fsu/: a Cargo-IMP FSU message as text/plain, one result per line."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from ewtp.core.models import OrganizationKind
from logistics.models import Shipment, TrackingEvent
from logistics.services import (
    house_waybill_attach_shipments,
    house_waybill_create,
    master_waybill_create,
)
from tests.factories import OrganizationFactory
from tests.logistics import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/logistics/fsu/"
LIEGE = ZoneInfo("Europe/Brussels")


@pytest.fixture
def consolidation():
    """A carrier's MAWB 784-24681355 with two booked parcels under one house waybill."""
    _, hgh = factories.network()
    operator = factories.carrier()
    booked = factories.flight(operator, hgh)
    parcels = [factories.parcel(booked) for _ in range(2)]
    mawb = master_waybill_create(
        organization=operator,
        awb_number="784-24681355",
        pieces=2,
        weight_kg=Decimal("1.4"),
        origin="LGG",
        destination="HGH",
    )
    house = house_waybill_create(
        master_waybill=mawb, number="H1", pieces=2, weight_kg=Decimal("1.4")
    )
    house_waybill_attach_shipments(
        house_waybill=house, shipment_ids=[p.pk for p in parcels], carrier=operator
    )
    return operator, parcels


def day(hours_ago: int) -> str:
    """An FSU day-and-time (Liège local) some hours ago."""
    moment = (timezone.now() - timedelta(hours=hours_ago)).astimezone(LIEGE)
    return moment.strftime("%d%b%H%M").upper()


def message(*lines: str, awb: str = "784-24681355") -> str:
    return "\n".join(["FSU/14", f"{awb}LGGHGH/T2K1.4", *lines])


def post(client, text: str, content_type: str = "text/plain"):
    return client.generic("POST", URL, text.encode(), content_type=content_type)


def test_each_status_line_is_stored_on_the_mawb_and_a_replay_adds_nothing(
    consolidation, partner_client
):
    operator, parcels = consolidation
    client = partner_client(operator, scopes=["tracking:write"])
    text = message(
        f"RCS/{day(6)}/LGG/T2K1.4",
        f"MAN/CA1042/{day(4)[:5]}/LGGHGH/T2K1.4/AD{day(4)[5:]}",
        f"DEP/CA1042/{day(2)[:5]}/LGGHGH/T2K1.4/AD{day(2)[5:]}",
    )

    first = post(client, text)
    replay = post(client, text)

    assert first.status_code == 200, first.json()
    body = first.json()
    assert (body["awb_number"], body["accepted"], body["duplicates"], body["rejected"]) == (
        "784-24681355",
        3,
        0,
        0,
    )
    assert [(r["line"], r["status_code"], r["result"]) for r in body["lines"]] == [
        (3, "RCS", "accepted"),
        (4, "MAN", "accepted"),
        (5, "DEP", "accepted"),
    ]
    assert body["shipments_moved"] == 2
    assert {s.tracking_status for s in Shipment.objects.filter(pk__in=[p.pk for p in parcels])} == {
        "departed"
    }
    events = TrackingEvent.objects.filter(master_waybill__awb_number="78424681355")
    assert sorted(events.values_list("code", flat=True)) == ["DEP", "MAN", "RCS"]
    assert replay.status_code == 200
    assert [r["result"] for r in replay.json()["lines"]] == ["duplicate"] * 3
    assert events.count() == 3


def test_a_malformed_message_is_a_coded_problem_naming_the_line_and_stores_nothing(
    consolidation, partner_client
):
    operator, _ = consolidation
    client = partner_client(operator, scopes=["tracking:write"])

    response = post(client, message(f"RCS/{day(6)}/LGG/T2K1.4", "DEP/15NOV/LGGHGH/T2K1.4"))

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "FSU_LINE_INVALID"
    assert problem["errors"][0]["field"] == "line.4"
    assert problem["detail"].startswith("Line 4:")
    assert not TrackingEvent.objects.exists()


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        ("garbage", "text/plain", 400, "FSU_HEADER_INVALID"),
        ("", "text/plain", 400, "MESSAGE_NOT_TEXT"),
        ('{"events": []}', "application/json", 415, None),
        ("FSU/14\n" + "X" * 70_000, "text/plain", 413, "MESSAGE_TOO_LARGE"),
    ],
)
def test_what_is_not_an_fsu_is_refused_with_a_code(
    consolidation, partner_client, body, content_type, status, code
):
    operator, _ = consolidation
    client = partner_client(operator, scopes=["tracking:write"])

    response = post(client, body, content_type)

    assert response.status_code == status
    if code is not None:
        assert response.json()["code"] == code
    assert not TrackingEvent.objects.exists()


def test_bytes_that_are_not_utf8_are_refused(consolidation, partner_client):
    operator, _ = consolidation
    client = partner_client(operator, scopes=["tracking:write"])

    response = client.generic("POST", URL, b"FSU/14\n\xff\xfe", content_type="text/plain")

    assert response.status_code == 400
    assert response.json()["code"] == "MESSAGE_NOT_TEXT"


def test_another_carriers_waybill_is_not_found_and_nothing_is_stored(consolidation, partner_client):
    other = factories.carrier()
    client = partner_client(other, scopes=["tracking:write"])

    response = post(client, message(f"RCS/{day(6)}/LGG/T2K1.4"))

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "MAWB_UNKNOWN"
    assert problem["errors"][0]["field"] == "line.2"
    assert not TrackingEvent.objects.exists()


def test_only_carriers_and_ground_handlers_with_the_scope_may_post(consolidation, partner_client):
    operator, _ = consolidation
    marketplace = OrganizationFactory.create(kind=OrganizationKind.MARKETPLACE)
    text = message(f"RCS/{day(6)}/LGG/T2K1.4")

    assert post(partner_client(marketplace), text).status_code == 403
    assert post(partner_client(operator, scopes=["tracking:read"]), text).status_code == 403
    assert not TrackingEvent.objects.exists()
