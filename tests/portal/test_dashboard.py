"""The dashboard shows a merchant its own organisation, listings and orders, and no one else's."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from ewtp.core.models import Organization, OrganizationKind, User, UserRole
from marketplace.services import product_create

pytestmark = pytest.mark.django_db


def merchant_with_product(slug: str, title: str) -> Organization:
    merchant = Organization.objects.create(
        slug=slug, name=slug.title(), kind=OrganizationKind.MERCHANT
    )
    product_create(
        merchant=merchant,
        sku=f"{slug}-1",
        title=title,
        hs_code="180690",
        origin_country="BE",
        unit_price=Decimal("10.00"),
        currency="EUR",
        stock=5,
        weight_kg=Decimal("0.250"),
    )
    return merchant


def signed_in(organization: Organization | None) -> Client:
    user = User.objects.create_user(
        username=f"user-{organization.slug if organization else 'none'}",
        password="correct horse battery",
        organization=organization,
        role=UserRole.ADMIN,
    )
    client = Client()
    client.force_login(user)
    return client


def test_anonymous_visitors_are_sent_to_sign_in():
    response = Client().get("/")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/"


def test_a_merchant_sees_its_own_listings_and_not_another_merchants():
    mine = merchant_with_product("chocolates", "Dark pralines")
    merchant_with_product("waffles", "Sugar waffles")

    page = signed_in(mine).get("/").content.decode()

    assert "Dark pralines" in page
    assert "Sugar waffles" not in page
    assert "Chocolates" in page


def test_a_partner_without_a_portal_role_is_pointed_to_the_api():
    carrier = Organization.objects.create(
        slug="sky", name="Sky Cargo", kind=OrganizationKind.CARRIER
    )

    page = signed_in(carrier).get("/").content.decode()

    assert "works through the API" in page
    assert "Your listings" not in page


def test_sign_out_needs_a_post_with_a_csrf_token():
    client = Client(enforce_csrf_checks=True)
    user = User.objects.create_user(username="solo", password="correct horse battery")
    client.force_login(user)

    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").status_code == 403
    assert client.get("/").status_code == 200
