"""A merchant signs in to the portal, sees the dashboard, and signs out — in a real browser."""

from __future__ import annotations

import re
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from customs.services import commodity_codes_load
from ewtp.core.models import Organization, OrganizationKind, UserRole
from marketplace.models import ProductStatus
from marketplace.services import TranslationRequest, product_create
from tests.factories import UserFactory
from tests.marketplace.flows import approved_profile

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Kept after the run so a person can look at the dashboard the browser saw.
SCREENSHOT = Path(tempfile.gettempdir()) / "ewtp-portal-dashboard.png"


def test_merchant_signs_in_after_a_wrong_password_and_signs_out(live_server, page: Page):
    merchant = Organization.objects.create(
        slug="chocolatier-bruges",
        name="Chocolaterie Van Acker BV",
        kind=OrganizationKind.MERCHANT,
        vat_number="BE0456781215",
        eori="BE0456781215",
    )
    UserFactory(
        username="lotte",
        first_name="Lotte",
        last_name="Van Acker",
        organization=merchant,
        role=UserRole.ADMIN,
    )
    # Only an approved merchant publishes, an HS code the nomenclature knows, a Chinese title.
    approved_profile(merchant)
    commodity_codes_load(codes=[("180690", "Chocolate preparations n.e.s.")])
    product_create(
        merchant=merchant,
        sku="PRL-ASSORT-250",
        title="Assorted pralines, box of 20 (250 g)",
        hs_code="180690",
        origin_country="BE",
        unit_price=Decimal("24.50"),
        currency="EUR",
        stock=400,
        weight_kg=Decimal("0.350"),
        status=ProductStatus.PUBLISHED,
        translations=[TranslationRequest("zh-Hans", "什锦果仁糖巧克力礼盒 250克")],
    )

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))

    page.get_by_label("Username").fill("lotte")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    expect(page.get_by_label("Username")).to_have_value("lotte")

    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Chocolaterie Van Acker BV")
    expect(page.get_by_text("BE0456781215").first).to_be_visible()
    expect(page.get_by_role("cell", name="Assorted pralines, box of 20 (250 g)")).to_be_visible()
    page.screenshot(path=SCREENSHOT, full_page=True)

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{live_server.url}/login/")
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
