"""Listings for customs tests that the marketplace would not normally let through."""

from __future__ import annotations

from customs.models import CommodityCode
from customs.services import commodity_codes_load
from marketplace.models import Product
from tests.marketplace.flows import Trade, product


def mystery_product(trade: Trade, *, sku: str = "MYSTERY") -> Product:
    """A listing whose HS code customs no longer knows: listed while the code was in the
    nomenclature, which then dropped it (as an HS revision does). The marketplace refuses to
    list an unknown code, so this is how an unknown code still reaches a declaration."""
    commodity_codes_load(codes=[("999999", "Commodities not specified according to kind")])
    listed = product(trade, sku=sku, hs_code="999999")
    CommodityCode.objects.filter(code="999999").delete()
    return listed
