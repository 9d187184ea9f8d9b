"""A listing's parts in a real browser: the exporter adds a variant, sets a quantity price
(after a refusal shown on its row) and records a certificate that lapses soon, and sees each
on the listing's page. Every input on the page can be reached by its label."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from ewtp.core.models import UserRole
from marketplace.models import Product, ProductPriceTier, ProductVariant
from tests.factories import UserFactory
from tests.marketplace.flows import Trade, product, trade_setup

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def trade() -> Trade:
    built = trade_setup()
    UserFactory.create(username="lotte", organization=built.merchant, role=UserRole.ADMIN)
    product(built, sku="PRL-250", title="Dark pralines, box of 20")
    return built


def test_exporter_adds_a_variant_a_quantity_price_and_a_certificate(
    live_server, page: Page, trade: Trade
):
    base = live_server.url
    listing = Product.objects.get(merchant=trade.merchant)
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill("lotte")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{base}/marketplace/listings/{listing.pk}/")

    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('main input, main select, main textarea')]
              .filter(el => el.type !== 'hidden' && el.labels.length === 0)
              .map(el => el.name)"""
    )
    assert unlabelled == []

    add = page.get_by_role("form", name="Add a variant")
    add.get_by_label("Variant SKU").fill("PRL-250-MILK")
    add.get_by_label("What makes it different").fill("flavour: milk")
    add.get_by_label("Stock").fill("25")
    add.get_by_role("button", name="Add variant").click()
    expect(page.locator(".messages")).to_contain_text("Variant PRL-250-MILK added.")
    expect(page.get_by_role("form", name="Variant PRL-250-MILK")).to_be_visible()

    tiers = page.locator("#price-tiers")
    tiers.get_by_role("group", name="Tier 1").get_by_label("From quantity").fill("10")
    tiers.get_by_role("group", name="Tier 1").get_by_label("Price per unit").fill("99.00")
    tiers.get_by_role("button", name="Save quantity prices").click()
    expect(page.locator("#id_tiers-0-unit_price_error")).to_contain_text("no higher")
    page.locator("#price-tiers").get_by_role("group", name="Tier 1").get_by_label(
        "Price per unit"
    ).fill("22.00")
    page.locator("#price-tiers").get_by_role("button", name="Save quantity prices").click()
    expect(page.locator(".messages")).to_contain_text("1 quantity price saved.")

    soon = timezone.localdate() + timedelta(days=20)
    record = page.get_by_role("form", name="Record a certificate")
    record.get_by_label("Kind").select_option("health_certificate")
    record.get_by_label("Certificate number").fill("FAVV-2026-00417")
    record.get_by_label("Issuer").fill("FAVV-AFSCA")
    record.get_by_label("Valid from").fill(timezone.localdate().isoformat())
    record.get_by_label("Valid until").fill(soon.isoformat())
    record.get_by_role("button", name="Record certificate").click()
    certificates = page.locator("#certificates")
    expect(certificates.get_by_role("cell", name="FAVV-2026-00417")).to_be_visible()
    expect(certificates).to_contain_text(re.compile(r"Expires in 20 days"))

    assert ProductVariant.objects.get(product=listing).sku == "PRL-250-MILK"
    assert list(
        ProductPriceTier.objects.filter(product=listing).values_list("min_quantity", "unit_price")
    ) == [(10, Decimal("22.00"))]
