"""In a real browser, with a real Celery worker: a merchant signs in, checks a catalogue file,
imports it, watches the progress bar reach 100 % and reads the summary."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, Request, expect

from customs.services import commodity_codes_load
from ewtp.core.models import Organization, OrganizationKind, UserRole
from marketplace.models import Product, ProductStatus
from tests.factories import UserFactory
from tests.marketplace.catalog_io.files import csv_bytes, listing
from tests.marketplace.flows import approved_profile
from tests.worker.conftest import celery_worker_process

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

__all__ = ["celery_worker_process"]  # the real worker fixture, used below

ROWS = 1200  # three batches, so the bar has somewhere to go
SCREENSHOT = Path(tempfile.gettempdir()) / "ewtp-portal-catalog-import.png"


@pytest.mark.usefixtures("celery_worker_process")
def test_a_merchant_imports_a_catalogue_and_watches_it_land(live_server, page: Page, tmp_path):
    merchant = Organization.objects.create(
        slug="gaufres-liege", name="Gaufrerie Liégeoise SRL", kind=OrganizationKind.MERCHANT
    )
    UserFactory.create(username="marie", organization=merchant, role=UserRole.ADMIN)
    approved_profile(merchant)
    commodity_codes_load(codes=[("180690", "Chocolate preparations n.e.s.")])
    rows = [listing(f"GAU-{n:04d}") for n in range(ROWS)]
    good = tmp_path / "catalogue.csv"
    good.write_bytes(csv_bytes(rows, bom=True))
    flawed = tmp_path / "flawed.csv"
    flawed.write_bytes(csv_bytes([*rows[:2], listing("GAU-BAD", hs_code="18069")]))
    polls: list[str] = []
    page.on("request", lambda r: polls.append(r.url) if _is_poll(r) else None)

    page.goto(f"{live_server.url}/marketplace/catalog/imports/")
    page.get_by_label("Username").fill("marie")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import catalogue")

    page.get_by_label("Catalogue file").set_input_files(flawed)
    page.get_by_role("button", name="Check file").click()
    expect(page.get_by_test_id("dry-run-summary")).to_contain_text("3 rows: 2 to create")
    errors = page.get_by_role("table", name="Row errors")
    expect(errors.get_by_role("row")).to_have_count(2)
    expect(errors).to_contain_text("hs_code_invalid")
    assert not Product.objects.filter(merchant=merchant).exists()

    page.get_by_label("Catalogue file").set_input_files(good)
    page.get_by_role("button", name="Import").click()
    expect(page).to_have_url(re.compile(r"/marketplace/catalog/imports/[0-9a-f-]{36}/$"))
    bar = page.get_by_label("Rows imported")
    expect(bar).to_have_attribute("value", "100", timeout=90_000)
    expect(page.get_by_test_id("job-status")).to_have_text("Succeeded")
    expect(page.get_by_test_id("job-summary")).to_have_text(
        f"{ROWS} created, 0 updated, 0 unchanged, 0 with errors."
    )
    page.screenshot(path=SCREENSHOT, full_page=True)

    assert polls, "the job page polled its progress"
    published = Product.objects.filter(merchant=merchant, status=ProductStatus.PUBLISHED)
    assert published.count() == ROWS


def _is_poll(request: Request) -> bool:
    return request.url.endswith("/progress/")
