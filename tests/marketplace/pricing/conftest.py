"""A priced world: ECB rates, the hub's freight tariff, CN and EU tariff lines, an EU airport."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from logistics.models import FreightRate
from logistics.services import airport_upsert
from marketplace.models import ExchangeRate, Product
from tests.customs.tariffs import HEADER, import_tariff_text
from tests.marketplace.flows import Trade, product

D = Decimal

TARIFF = f"""{HEADER}
CN,180690,Chocolate preparations,8,13,,yes
CN,220300,Beer made from malt,0,13,,yes
CN,710239,Diamonds worked,8,13,,no
EU,180690,Chocolate preparations,8.3,,,
"""


@dataclass
class Priced:
    trade: Trade
    pralines: Product  # 24.50 EUR, 0.350 kg, HS 180690, offered in CN and DE


def freight_rate(iata: str, per_kg: str = "4.00", minimum: str = "12.00") -> FreightRate:
    return FreightRate.objects.create(
        destination_id=iata,
        currency="EUR",
        price_per_kg=D(per_kg),
        minimum_charge=D(minimum),
        valid_from=timezone.now().date() - timedelta(days=30),
    )


def ecb_rate(currency: str, value: str) -> None:
    ExchangeRate.objects.create(
        date=timezone.now().date() - timedelta(days=1), currency=currency, rate=D(value)
    )


@pytest.fixture
def priced(db: None) -> Priced:
    from tests.marketplace.flows import trade_setup

    trade = trade_setup()
    airport_upsert(
        iata="FRA", name="Frankfurt", city="Frankfurt", country="DE", timezone_name="Europe/Berlin"
    )
    freight_rate("HGH")
    freight_rate("FRA")
    ecb_rate("CNY", "7.8000")
    ecb_rate("USD", "1.0500")
    import_tariff_text(TARIFF)
    pralines = product(trade, sku="PRL-250", markets=["CN", "DE"])
    return Priced(trade=trade, pralines=pralines)
