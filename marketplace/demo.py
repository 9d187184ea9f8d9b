"""Demo catalogue: Belgian goods that sell to China, with their real HS subheadings."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from ewtp.core.models import Organization
from marketplace.models import ProductStatus
from marketplace.selectors import product_find_by_sku
from marketplace.services import product_create


@dataclass(frozen=True, slots=True)
class DemoProduct:
    sku: str
    title: str
    hs_code: str
    unit_price: str
    weight_kg: str
    stock: int


DEMO_CATALOGUE: dict[str, tuple[DemoProduct, ...]] = {
    "chocolatier-bruges": (
        DemoProduct(
            "PRL-ASSORT-250",
            "Assorted pralines, box of 20 (250 g)",
            "180690",
            "24.50",
            "0.350",
            400,
        ),
        DemoProduct(
            "PRL-BALLOTIN-500",
            "Ballotin of hand-made pralines (500 g)",
            "180690",
            "42.00",
            "0.620",
            250,
        ),
        DemoProduct(
            "TRF-CHAMPAGNE-200", "Champagne truffles (200 g)", "180690", "19.90", "0.280", 300
        ),
    ),
    "brasserie-namur": (
        DemoProduct(
            "TRIPEL-33-6", "Abbey tripel 8.5 %, 6 x 33 cl", "220300", "14.90", "2.400", 600
        ),
        DemoProduct("DUBBEL-75", "Dubbel 7 %, 75 cl corked bottle", "220300", "8.50", "1.300", 500),
    ),
    "gaufres-liege": (
        DemoProduct(
            "GAUFRE-LIEGE-10", "Liège sugar waffles, pack of 10", "190532", "12.90", "0.900", 800
        ),
        DemoProduct("GAUFRETTE-VAN-250", "Vanilla wafers (250 g)", "190532", "5.90", "0.300", 800),
    ),
    "cosmetiques-bruxelles": (
        DemoProduct(
            "SERUM-VITC-30", "Vitamin C face serum, 30 ml", "330499", "34.00", "0.120", 350
        ),
        DemoProduct(
            "CREME-NUIT-50",
            "Night cream with Belgian hops extract, 50 ml",
            "330499",
            "39.00",
            "0.180",
            350,
        ),
    ),
    "antwerp-diamonds": (
        # Small stones only: China's CBEC single-purchase limit is CNY 5,000.
        DemoProduct(
            "DIA-RB-010-FVS2",
            "Polished diamond, round brilliant 0.10 ct F VS2",
            "710239",
            "220.00",
            "0.050",
            40,
        ),
    ),
}


@transaction.atomic
def seed_products(merchants: dict[str, Organization]) -> None:
    """List the demo catalogue for whichever demo merchants are given. Run it twice, get it once."""
    for slug, products in DEMO_CATALOGUE.items():
        merchant = merchants.get(slug)
        if merchant is None:
            continue
        for item in products:
            if product_find_by_sku(merchant=merchant, sku=item.sku) is not None:
                continue
            product_create(
                merchant=merchant,
                sku=item.sku,
                title=item.title,
                hs_code=item.hs_code,
                origin_country="BE",
                unit_price=Decimal(item.unit_price),
                currency="EUR",
                stock=item.stock,
                weight_kg=Decimal(item.weight_kg),
                status=ProductStatus.PUBLISHED,
            )
