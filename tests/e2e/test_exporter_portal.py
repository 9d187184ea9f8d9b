"""An exporter's main flows in a real browser: sign in, create a listing (an error shown in
place first, then fixed), publish it, find an order with its customs status, and see the
dashboard's charts. Every step works without JavaScript: the portal's pages ship none."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from ewtp.core.models import UserRole
from marketplace.models import Product, ProductStatus
from tests.factories import UserFactory
from tests.marketplace.flows import Trade, clear, pay, place, trade_setup

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Kept after the run so a person can look at what the browser saw.
SHOTS = Path(tempfile.gettempdir())


@pytest.fixture
def trade() -> Trade:
    built = trade_setup()
    UserFactory.create(
        username="lotte", first_name="Lotte", organization=built.merchant, role=UserRole.ADMIN
    )
    return built


def sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    page.get_by_label("Username").fill("lotte")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{base}/")


def test_exporter_lists_a_product_publishes_it_and_follows_its_order(
    live_server, page: Page, trade: Trade
):
    base = live_server.url
    sign_in(page, base)

    # The skip link is the first stop of the keyboard.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Listings").click()
    page.get_by_role("link", name="New listing").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New listing")

    # Every input can be reached by its label.
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('main input, main select, main textarea')]
              .filter(el => el.type !== 'hidden' && el.labels.length === 0)
              .map(el => el.name)"""
    )
    assert unlabelled == []

    page.get_by_label("SKU").fill("WFL-LIEGE-6")
    page.get_by_label("Title (English)").fill("Liège waffles, pack of 6")
    page.get_by_label("Title (Simplified Chinese)").fill("列日华夫饼 6个装")
    page.get_by_label("Category").select_option(label="Biscuits, waffles and bakery")
    page.get_by_label("HS code").fill("1806")  # one digit pair short
    page.get_by_label("Country of origin").fill("BE")
    page.get_by_label("Price per unit").fill("12.90")
    page.get_by_label("Stock").fill("300")
    page.get_by_label("Gross weight (kg)").fill("0.420")
    page.get_by_role("button", name="Save draft").click()

    hs_code = page.get_by_label("HS code")
    expect(page.get_by_role("alert")).to_contain_text("Please correct the 1 field")
    expect(page.locator("#id_hs_code_error")).to_have_text("An HS code is 6 digits.")
    expect(hs_code).to_have_attribute("aria-invalid", "true")
    expect(hs_code).to_have_attribute("aria-describedby", re.compile("id_hs_code_error"))
    expect(page.get_by_label("Title (English)")).to_have_value("Liège waffles, pack of 6")
    assert not Product.objects.filter(sku="WFL-LIEGE-6").exists()

    hs_code.fill("180690")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text("Listing WFL-LIEGE-6 saved as a draft.")
    expect(page.get_by_role("list", name="Ready to publish")).to_contain_text(
        "HS code 180690 is in the nomenclature"
    )

    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status")).to_contain_text("WFL-LIEGE-6 is published")
    expect(page.get_by_role("button", name="Unpublish")).to_be_visible()
    assert Product.objects.get(sku="WFL-LIEGE-6").status == ProductStatus.PUBLISHED

    # A marketplace orders it, the buyer pays, customs releases it.
    order = place(trade, lines=[("WFL-LIEGE-6", 4)], reference="TM-2026-0042")
    pay(trade, order)
    clear(order)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Orders").click()
    row = page.locator("tr", has_text="TM-2026-0042")
    expect(row).to_contain_text("51.60 EUR")
    expect(row).to_contain_text("Released")
    expect(row).to_contain_text("L*** W***")
    row.get_by_role("link", name="TM-2026-0042").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Order TM-2026-0042")
    customs = page.get_by_role("region", name="Customs")
    expect(customs).to_contain_text("Released")
    expect(page.get_by_role("region", name="Status history")).to_contain_text("Cleared by customs")
    page.screenshot(path=SHOTS / "ewtp-portal-order.png", full_page=True)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("img", name=re.compile("Revenue per week in EUR"))).to_be_visible()
    expect(page.get_by_role("img", name="Orders per destination")).to_be_visible()
    expect(page.get_by_role("table", name="Revenue per week")).to_contain_text("51.60 EUR")
    expect(page.get_by_role("table", name="Orders per destination")).to_contain_text("HGH")
    page.screenshot(path=SHOTS / "ewtp-portal-dashboard-charts.png", full_page=True)


def test_the_portal_pages_work_with_javascript_switched_off(live_server, browser, trade: Trade):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, live_server.url)
        page.goto(f"{live_server.url}/marketplace/listings/new/")
        page.get_by_label("SKU").fill("NOJS-1")
        page.get_by_role("button", name="Save draft").click()
        expect(page.locator("#id_title_error")).to_have_text("This field is required.")
    finally:
        context.close()
