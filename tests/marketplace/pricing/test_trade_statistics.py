"""Platform staff's trade statistics: GMV in EUR by origin, destination, HS chapter and month."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from ewtp.core.models import User, UserRole
from marketplace import trade_statistics
from marketplace.models import Language
from marketplace.services import OrderLineRequest, TranslationRequest, order_place, product_create
from marketplace.trade_statistics import GmvRow
from tests.marketplace.flows import pay, place, resident_id, staff_user
from tests.marketplace.pricing.conftest import ecb_rate

pytestmark = pytest.mark.django_db

D = Decimal
PAGE = "/admin/marketplace/tradestatistics/"


@pytest.fixture
def orders(priced):
    """Three paid orders and one only placed:

    - 2 x 24.50 EUR pralines (BE, HS 18) to HGH, CN: 49.00 EUR;
    - 3 x 10.00 GBP ale (GB, HS 22) to FRA, DE, shown in EUR: the stored rate GBP->EUR is
      1 / 0.85 = 1.176471, presentment 30.00 x 1.176471 = 35.29 EUR;
    - the same ale to HGH, CN, shown in CNY: 30.00 GBP / 0.85 (ECB) = 35.294118 EUR;
    - 1 x pralines placed, not paid: not GMV.
    """
    trade = priced.trade
    ecb_rate("GBP", "0.8500")
    product_create(
        merchant=trade.merchant,
        sku="ALE-1",
        title="Pale ale",
        hs_code="220300",
        origin_country="GB",
        unit_price=D("10.00"),
        currency="GBP",
        stock=100,
        weight_kg=D("0.500"),
        status="published",
        translations=[TranslationRequest(Language.ZH_HANS, "淡色艾尔啤酒")],
    )

    def ale(reference: str, country: str, airport: str, shown_in: str):
        return order_place(
            marketplace=trade.marketplace,
            reference=reference,
            merchant_slug=trade.merchant.slug,
            payment_provider_slug=trade.provider.slug,
            buyer_name="Anna",
            buyer_id_number=resident_id() if country == "CN" else None,
            destination_country=country,
            destination_airport=airport,
            currency="GBP",
            presentment_currency=shown_in,
            lines=[OrderLineRequest(sku="ALE-1", quantity=3)],
        )

    paid = [
        place(trade, lines=[("PRL-250", 2)]),
        ale("ALE-DE", "DE", "FRA", "EUR"),
        ale("ALE-CN", "CN", "HGH", "CNY"),
    ]
    for order in paid:
        pay(trade, order)
    place(trade, lines=[("PRL-250", 1)])
    return paid


def test_gmv_by_each_breakdown_to_the_cent(orders):
    month = f"{timezone.now():%Y-%m}"

    assert trade_statistics.gmv_by_origin() == [
        GmvRow("BE", 1, D("49.00")),
        GmvRow("GB", 2, D("70.58")),  # 35.29 + 35.294118
    ]
    assert trade_statistics.gmv_by_destination() == [
        GmvRow("CN", 2, D("84.29")),  # 49.00 + 35.294118
        GmvRow("DE", 1, D("35.29")),
    ]
    assert trade_statistics.gmv_by_hs_chapter() == [
        GmvRow("18", 1, D("49.00")),
        GmvRow("22", 2, D("70.58")),
    ]
    assert trade_statistics.gmv_by_month() == [GmvRow(month, 3, D("119.58"))]


def staff_client(role: str = UserRole.STAFF) -> Client:
    client = Client()
    client.force_login(staff_user(role))
    return client


def test_staff_see_charts_and_tables_of_the_same_figures(orders):
    response = staff_client().get(PAGE)

    assert response.status_code == 200
    page = response.content.decode()
    for dimension in trade_statistics.DIMENSIONS:
        assert f'id="gmv-{dimension}"' in page  # the SVG chart
        assert f'id="table-{dimension}"' in page
    assert "<td>70.58</td>" in page
    assert "<title" in page


def test_each_breakdown_downloads_as_csv(orders):
    response = staff_client().get(PAGE + "origin.csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [["origin", "orders", "gmv_eur"], ["BE", "1", "49.00"], ["GB", "2", "70.58"]]
    assert staff_client().get(PAGE + "colour.csv").status_code == 404


def test_customs_officers_and_non_staff_users_are_refused(orders):
    officer = staff_client(UserRole.OFFICER)
    outsider = Client()
    outsider.force_login(User.objects.create_user(username="rep", password=None, is_staff=False))

    assert officer.get(PAGE).status_code == 403
    assert officer.get(PAGE + "origin.csv").status_code == 403
    assert outsider.get(PAGE).status_code == 302  # to the admin's sign-in
    assert Client().get(PAGE + "origin.csv").status_code == 302
