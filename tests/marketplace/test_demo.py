from __future__ import annotations

import pytest

from customs.demo import seed_commodity_codes
from customs.selectors import commodity_codes_known
from ewtp.core.models import OrganizationKind
from marketplace.demo import DEMO_CATALOGUE, seed_products
from marketplace.models import Product, ProductStatus
from tests.marketplace.flows import organization

pytestmark = pytest.mark.django_db


def test_the_demo_catalogue_is_seeded_once_for_the_merchants_given():
    merchants = {
        slug: organization(OrganizationKind.MERCHANT, slug)
        for slug in ("chocolatier-bruges", "brasserie-namur", "antwerp-diamonds")
    }

    seed_products(merchants)
    seed_products(merchants)

    expected = sum(len(DEMO_CATALOGUE[slug]) for slug in merchants)
    assert Product.objects.count() == expected
    assert set(Product.objects.values_list("merchant__slug", flat=True)) == set(merchants)
    assert set(Product.objects.values_list("status", flat=True)) == {ProductStatus.PUBLISHED}
    pralines = Product.objects.get(sku="PRL-ASSORT-250")
    assert (pralines.hs_code, pralines.currency) == ("180690", "EUR")


def test_every_demo_hs_code_is_known_to_customs(db):
    seed_commodity_codes()
    used = {item.hs_code for items in DEMO_CATALOGUE.values() for item in items}

    assert used == {"180690", "220300", "190532", "330499", "710239"}
    assert commodity_codes_known(codes=used) == used
