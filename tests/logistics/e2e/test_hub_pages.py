"""In a real browser: a buyer tracks a parcel; hub staff look at the flights' fill."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from logistics.models import Flight, Shipment, ShipmentException
from logistics.services import shipments_flag_stale, shipments_plan, tracking_events_ingest
from tests.factories import UserFactory
from tests.logistics import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_buyer_looks_up_a_parcel_and_sees_its_timeline(live_server, page: Page):
    _, hgh = factories.network()
    operator = factories.carrier()
    parcel = factories.parcel(factories.flight(operator, hgh, departs_in=timedelta(hours=8)))
    tracking_events_ingest(
        reporter=operator,
        events=[
            {"event_id": "1", "tracking_number": parcel.tracking_number, "code": "HUB_IN",
             "occurred_at": "2026-11-24T13:05:00Z", "location": "LGG"},
            {"event_id": "2", "tracking_number": parcel.tracking_number, "code": "ULD_LOADED",
             "occurred_at": "2026-11-24T16:05:00Z", "location": "LGG"},
        ],
    )  # fmt: skip

    page.goto(f"{live_server.url}/track/")
    page.get_by_label("Tracking number").fill(parcel.tracking_number)
    page.get_by_role("button", name="Track").click()

    expect(page).to_have_url(f"{live_server.url}/track/{parcel.tracking_number}/")
    timeline = page.get_by_role("table", name="Tracking timeline")
    expect(timeline.get_by_role("row")).to_have_count(3)
    expect(timeline).to_contain_text("2026-11-24 14:05")
    expect(timeline).to_contain_text("Liège Airport (LGG)")
    expect(page.get_by_test_id("eta")).to_be_visible()

    page.goto(f"{live_server.url}/track/EW000000000BE/")
    expect(page.get_by_role("heading", level=1)).to_have_text("No parcel with this number")


def test_hub_staff_see_the_flights_fill_bars_and_ask_for_a_replan(
    live_server, page: Page, monkeypatch
):
    queued: list[str] = []  # this test commits: keep the job off the broker
    monkeypatch.setattr("logistics.tasks.route_ready_shipments.delay", queued.append)
    _, hgh = factories.network()
    soon = factories.flight(factories.carrier(), hgh, departs_in=timedelta(hours=10))
    Flight.objects.filter(pk=soon.pk).update(capacity_kg=Decimal("4"), capacity_m3=Decimal("1"))
    for _ in range(2):
        factories.waiting_parcel(hgh, weight_kg=Decimal("1.5"), volume_m3=Decimal("0.25"))
    shipments_plan()
    UserFactory(username="hub", is_staff=True)

    page.goto(f"{live_server.url}/hub/flights/")
    page.get_by_label("Username").fill("hub")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()

    row = page.locator(f'tr[data-flight="{soon.number}"]')
    expect(row.get_by_role("img", name="Weight 75% full: 3.0 of 4 kg")).to_be_visible()
    expect(row.get_by_role("img", name="Volume 50% full: 0.50 of 1 m³")).to_be_visible()
    assert row.get_by_test_id("weight-bar").get_attribute("width") == "75.0"

    page.get_by_role("button", name="Re-plan now").click()
    expect(page.get_by_role("status")).to_contain_text("Re-plan queued")
    assert len(queued) == 1


def test_hub_staff_resolve_a_stale_parcel_with_a_note(live_server, page: Page):
    _, hgh = factories.network()
    parcel = factories.parcel(factories.flight(factories.carrier(), hgh))
    Shipment.objects.filter(pk=parcel.pk).update(
        tracking_status="at_hub", tracking_status_at=timezone.now() - timedelta(hours=30)
    )
    shipments_flag_stale()
    UserFactory(username="hub", is_staff=True)

    page.goto(f"{live_server.url}/hub/exceptions/")
    page.get_by_label("Username").fill("hub")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()

    queue = page.get_by_role("table", name="Open exceptions", exact=True)
    expect(queue).to_contain_text(parcel.tracking_number)
    page.get_by_role("combobox", name="Kind").select_option("stale")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(f"{live_server.url}/hub/exceptions/?kind=stale")
    page.get_by_label(f"Note for {parcel.tracking_number}").fill("Rescanned at gate 4")
    page.get_by_role("button", name=f"Resolve {parcel.tracking_number}").click()

    expect(page.get_by_role("status")).to_contain_text(f"Resolved: {parcel.tracking_number}")
    expect(page.get_by_text("No open exception of this kind.")).to_be_visible()
    resolved = ShipmentException.objects.get(shipment=parcel)
    assert resolved.note == "Rescanned at gate 4"
    assert resolved.resolved_by is not None
    assert resolved.resolved_by.username == "hub"
