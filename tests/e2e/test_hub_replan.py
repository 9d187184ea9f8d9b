"""In a real browser: hub staff ask for a re-plan and watch its progress bar until the run is
over, then read what it did; each flight shows its ULD fill."""

from __future__ import annotations

import itertools
import threading
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from playwright.sync_api import Page, Response, expect

from logistics.models import FlightUldAllotment, RoutingRun, RoutingRunStatus
from logistics.services import routing_run, uld_types_load
from tests.factories import UserFactory
from tests.logistics import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


class _Job:
    """Runs the routing job the way a worker would, in a thread of its own (its own database
    connection), when the request that queued it has committed."""

    def __init__(self) -> None:
        self.threads: list[threading.Thread] = []
        self.errors: list[BaseException] = []

    def delay(self, run_id: str) -> None:
        thread = threading.Thread(target=self._run, args=(run_id,))
        self.threads.append(thread)
        thread.start()

    def _run(self, run_id: str) -> None:
        try:
            routing_run(run_id=run_id)  # type: ignore[arg-type]  # the task passes a str too
        except BaseException as error:  # noqa: BLE001  # reported by the test, not lost
            self.errors.append(error)
        finally:
            connection.close()

    def join(self) -> None:
        for thread in self.threads:
            thread.join(timeout=60)


@pytest.fixture
def job(monkeypatch: pytest.MonkeyPatch) -> Any:
    job = _Job()
    monkeypatch.setattr("logistics.tasks.route_ready_shipments.delay", job.delay)
    yield job
    job.join()
    assert not job.errors


def test_hub_staff_follow_a_replan_to_its_result(live_server, page: Page, job: _Job, settings):
    settings.LOGISTICS_BAG_MAX_KG = "5"
    uld_types_load()  # reference data: a transactional test starts from an empty table
    _, hgh = factories.network()
    soon = factories.flight(factories.carrier(), hgh, departs_in=timedelta(hours=10))
    FlightUldAllotment.objects.create(flight=soon, uld_type_id="AKE", positions=1)
    for _ in range(30):
        factories.waiting_parcel(hgh, weight_kg=Decimal("2"), volume_m3=Decimal("0.05"))
    factories.waiting_parcel(hgh, volume_m3=Decimal("5"))  # no AKE takes 5 m³
    factories.waiting_parcel(hgh, customs_hold=True)
    UserFactory(username="hub", is_staff=True)
    progress: list[dict[str, Any]] = []

    def heard(response: Response) -> None:
        if "/hub/flights/replan/" in response.url and response.request.method == "GET":
            progress.append(response.json())

    page.on("response", heard)

    page.goto(f"{live_server.url}/hub/flights/")
    page.get_by_label("Username").fill("hub")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    row = page.locator(f'tr[data-flight="{soon.number}"]')
    expect(row).to_contain_text("none built")

    page.get_by_role("button", name="Re-plan now").click()

    bar = page.get_by_test_id("replan-bar")
    expect(bar).to_be_visible()
    expect(bar).to_have_attribute("value", "100", timeout=60_000)
    expect(page.get_by_role("status")).to_have_text("Done (32 of 32)")
    expect(page.get_by_test_id("replan-result")).to_have_text(
        "30 booked of 32 planned; 2 left waiting."
    )
    waiting = page.get_by_role("table", name="Left waiting by reason")
    expect(waiting).to_contain_text("NO_ULD_SPACE")
    expect(waiting).to_contain_text("CUSTOMS_HOLD")
    assert progress[-1]["status"] == "done"
    assert all(p["percent"] <= q["percent"] for p, q in itertools.pairwise(progress))
    run = RoutingRun.objects.get()
    assert (run.status, run.routed) == (RoutingRunStatus.DONE, 30)

    # The page drawn again shows the AKE built up: 15 bags of 4.3 kg (two parcels and the
    # 0.3 kg tare each) and the unit's own 82 kg.
    page.reload()
    expect(
        row.get_by_role(
            "img",
            name="AKE 1: weight 9% (146.5 of 1588 kg), volume 35% (1.50 of 4.3 m³), 15 bags",
        )
    ).to_be_visible()
