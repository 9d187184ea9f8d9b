"""The flights view's re-plan: asked for as JSON, followed by polling the run's progress; and
each flight's ULD fill."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client

from logistics.models import FlightUldAllotment, RoutingRun, RoutingRunStatus
from logistics.routing_progress import progress_report
from logistics.services import routing_run, shipments_plan, uld_types_load
from tests.factories import UserFactory
from tests.logistics import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff() -> Client:
    client = Client()
    client.force_login(UserFactory.create(is_staff=True))
    return client


def test_a_replan_asked_for_as_json_answers_where_to_follow_it(
    staff, monkeypatch, django_capture_on_commit_callbacks
):
    queued: list[str] = []
    monkeypatch.setattr("logistics.tasks.route_ready_shipments.delay", queued.append)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post("/hub/flights/replan/", HTTP_ACCEPT="application/json")

    assert response.status_code == 202
    run = RoutingRun.objects.get()
    body = response.json()
    assert body["id"] == str(run.pk)
    assert body["progress_url"] == f"/hub/flights/replan/{run.pk}/"
    assert body["message"].startswith("Re-plan queued at ")
    assert queued == [str(run.pk)]  # queued on commit


def test_progress_shows_the_phase_and_how_far_it_is(staff):
    run = RoutingRun.objects.create(trigger="test", status=RoutingRunStatus.RUNNING)
    url = f"/hub/flights/replan/{run.pk}/"

    assert staff.get(url).json()["phase"] == "queued"  # no report yet
    progress_report(run.pk, phase="planning", done=500, total=1000)
    body = staff.get(url).json()

    assert body["status"] == "running"
    assert (body["phase"], body["done"], body["total"]) == ("planning", 500, 1000)
    assert body["label"] == "Booking and stowing parcels"
    assert body["percent"] == 45  # planning spans 10 % to 80 %
    assert body["result"] is None


def test_a_finished_run_shows_what_it_booked_and_why_the_rest_waits(staff):
    _, hgh = factories.network()
    FlightUldAllotment.objects.create(
        flight=factories.flight(factories.carrier(), hgh), uld_type_id="AKE", positions=1
    )
    uld_types_load()
    factories.waiting_parcel(hgh)
    factories.waiting_parcel(hgh, volume_m3=Decimal("5"))
    factories.waiting_parcel(hgh, customs_hold=True)
    run = RoutingRun.objects.create(trigger="test")
    routing_run(run_id=run.pk)

    body = staff.get(f"/hub/flights/replan/{run.pk}/").json()

    assert (body["status"], body["phase"], body["percent"]) == ("done", "done", 100)
    assert body["result"]["routed"] == 1
    assert body["result"]["parcels"] == 3
    assert {r["reason"]: r["parcels"] for r in body["result"]["waiting_by_reason"]} == {
        "NO_ULD_SPACE": 1,
        "CUSTOMS_HOLD": 1,
    }


def test_an_unknown_run_is_not_found_and_only_staff_may_follow_one(staff):
    assert staff.get(f"/hub/flights/replan/{uuid.uuid4()}/").status_code == 404
    run = RoutingRun.objects.create(trigger="test")
    outsider = Client()
    outsider.force_login(UserFactory.create(is_staff=False))
    assert outsider.get(f"/hub/flights/replan/{run.pk}/").status_code == 302


def test_the_flights_view_shows_each_flights_uld_fill(staff, settings):
    settings.LOGISTICS_BAG_MAX_KG = "5"
    uld_types_load()
    _, hgh = factories.network()
    flight = factories.flight(factories.carrier(), hgh, departs_in=timedelta(hours=10))
    FlightUldAllotment.objects.create(flight=flight, uld_type_id="AKE", positions=2)
    for _ in range(3):
        factories.waiting_parcel(hgh, weight_kg=Decimal("2"), volume_m3=Decimal("0.43"))
    shipments_plan()

    page = staff.get("/hub/flights/").content.decode()

    # 3 parcels of 2 kg in 5 kg bags (0.3 kg tare): two bags, 6.6 kg plus the AKE's 82 kg.
    assert (
        'aria-label="AKE 1: weight 6% (88.6 of 1588 kg), volume 30% (1.29 of 4.3 m³), 2 bags"'
        in page
    )
