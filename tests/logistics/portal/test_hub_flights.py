"""The hub staff's flights view: fill bars, waiting reasons, a re-plan button."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from logistics.models import Flight, RoutingRun, TrackingEvent
from logistics.selectors import hub_flight_board
from logistics.services import airport_upsert, shipments_plan
from tests.factories import UserFactory
from tests.logistics import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def hub():
    _, hgh = factories.network()
    operator = factories.carrier()
    soon = factories.flight(operator, hgh, departs_in=timedelta(hours=10))
    Flight.objects.filter(pk=soon.pk).update(capacity_kg=Decimal("4"), capacity_m3=Decimal("1"))
    pvg = airport_upsert(
        iata="PVG", name="Pudong", city="Shanghai", country="CN", timezone_name="Asia/Shanghai"
    )
    factories.flight(operator, pvg, departs_in=timedelta(hours=72))  # beyond 48 h
    for _ in range(3):
        factories.waiting_parcel(hgh, weight_kg=Decimal("1.5"), volume_m3=Decimal("0.25"))
    factories.waiting_parcel(hgh, customs_hold=True)
    shipments_plan()
    return soon


def test_staff_see_the_next_48_hours_with_fill_bars_and_waiting_reasons(hub):
    client = Client()
    client.force_login(UserFactory.create(is_staff=True))

    page = client.get("/hub/flights/").content.decode()

    assert page.count('data-flight="') == 1
    assert f'data-flight="{hub.number}"' in page
    assert 'aria-label="Weight 75% full: 3.0 of 4 kg"' in page
    assert 'aria-label="Volume 50% full: 0.50 of 1 m³"' in page
    assert "OVER_CAPACITY" in page
    assert "CUSTOMS_HOLD" in page


def test_only_staff_may_open_it(hub):
    client = Client()
    assert client.get("/hub/flights/")["Location"].startswith("/login/")
    client.force_login(UserFactory.create(is_staff=False))
    assert client.get("/hub/flights/").status_code == 302
    assert client.post("/hub/flights/replan/").status_code == 302
    assert not RoutingRun.objects.exists()


def test_the_replan_button_queues_the_routing_job(hub, django_capture_on_commit_callbacks):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory.create(is_staff=True, username="hubstaff"))
    page = client.get("/hub/flights/")
    token = page.cookies["csrftoken"].value

    assert client.post("/hub/flights/replan/").status_code == 403  # no CSRF token
    with django_capture_on_commit_callbacks() as queued:
        response = client.post("/hub/flights/replan/", {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert len(queued) == 1
    assert RoutingRun.objects.get().trigger == "staff hubstaff"


def test_the_throughput_chart_counts_reports_received_per_hour(hub):
    shipment = factories.waiting_parcel(hub.destination)
    carrier = shipment.carrier or factories.carrier()
    now = timezone.now()
    for minutes_ago in (5, 10, 70):
        TrackingEvent.objects.create(
            carrier=carrier,
            shipment=shipment,
            partner_event_id=f"scan-{minutes_ago}",
            code="HUB_IN",
            status="at_hub",
            occurred_at=now - timedelta(minutes=minutes_ago),
            received_at=now - timedelta(minutes=minutes_ago),
        )
    this_hour = now.replace(minute=0, second=0, microsecond=0)
    expected_now = sum(1 for m in (5, 10, 70) if now - timedelta(minutes=m) >= this_hour)
    expected_before = 3 - expected_now

    board = hub_flight_board(now=now)
    client = Client()
    client.force_login(UserFactory.create(is_staff=True))
    page = client.get("/hub/flights/").content.decode()

    assert len(board.throughput) == 24
    assert board.throughput[-1] == (this_hour, expected_now)
    assert sum(n for _, n in board.throughput[-3:-1]) == expected_before
    assert 'id="hub-throughput"' in page
    assert "Tracking reports received per hour" in page
