from __future__ import annotations

import pytest

from customs.demo import seed_commodity_codes
from customs.selectors import commodity_codes_known
from ewtp.core.models import OrganizationKind
from marketplace.demo import DEMO_CATALOGUE, DEMO_MERCHANTS, seed_products
from marketplace.identifiers import gtin_problem, iban_problem, vat_problem
from marketplace.models import MerchantProfile, MerchantStatus, Product, ProductStatus
from marketplace.selectors import ListingQuery, listing_search, merchant_checklist
from tests.marketplace.flows import organization

pytestmark = pytest.mark.django_db


def test_the_demo_merchants_are_approved_and_their_catalogue_published_once():
    merchants = {
        slug: organization(OrganizationKind.MERCHANT, slug, approved=False)
        for slug in ("chocolatier-bruges", "brasserie-namur", "antwerp-diamonds")
    }

    seed_products(merchants)
    seed_products(merchants)

    expected = sum(len(DEMO_CATALOGUE[slug]) for slug in merchants)
    assert Product.objects.count() == expected
    assert set(Product.objects.values_list("merchant__slug", flat=True)) == set(merchants)
    assert set(Product.objects.values_list("status", flat=True)) == {ProductStatus.PUBLISHED}
    for merchant in merchants.values():
        profile = MerchantProfile.objects.get(organization=merchant)
        assert profile.status == MerchantStatus.APPROVED
        assert all(r.met for r in merchant_checklist(profile=profile))
        assert profile.contacts.count() == 1
        assert profile.status_changes.count() == 2
    pralines = Product.objects.get(sku="PRL-ASSORT-250")
    assert (pralines.hs_code, pralines.currency, pralines.category) == (
        "180690",
        "EUR",
        "chocolate",
    )
    assert pralines.translations.get(language="zh-Hans").title.startswith("什锦果仁糖")
    assert pralines.certifications == ["gacc_registration"]
    found = listing_search(query=ListingQuery(text="果仁糖"))
    assert {p.sku for p in found.results} == {"PRL-ASSORT-250", "PRL-BALLOTIN-500"}


def test_the_demo_identifiers_pass_their_check_digits():
    for demo in DEMO_MERCHANTS.values():
        assert vat_problem(demo.vat_number) is None
        assert iban_problem(demo.iban) is None
    for items in DEMO_CATALOGUE.values():
        for item in items:
            assert gtin_problem(item.gtin) is None
            assert item.title_zh


def test_every_demo_hs_code_is_known_to_customs(db):
    seed_commodity_codes()
    used = {item.hs_code for items in DEMO_CATALOGUE.values() for item in items}

    assert used == {"180690", "220300", "190532", "330499", "710239"}
    assert commodity_codes_known(codes=used) == used
