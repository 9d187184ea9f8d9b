from __future__ import annotations

import pytest
from django.utils import timezone

from ewtp.core.models import OrganizationKind
from marketplace.campaign_selectors import campaigns_running
from marketplace.demo import DEMO_CAMPAIGN_NAME, seed_demo_campaign, seed_products
from marketplace.models import Campaign
from tests.marketplace.flows import organization

pytestmark = pytest.mark.django_db


def test_the_demo_campaign_features_the_chocolate_in_china_once():
    merchants = {
        slug: organization(OrganizationKind.MERCHANT, slug, approved=False)
        for slug in ("chocolatier-bruges", "brasserie-namur")
    }
    seed_products(merchants)

    seed_demo_campaign()
    seed_demo_campaign()

    campaign = Campaign.objects.get(name=DEMO_CAMPAIGN_NAME)
    assert campaign.agency.kind == OrganizationKind.TRADE_AGENCY
    [running] = campaigns_running(destination_country="CN", on=timezone.now().date())
    assert running.campaign == campaign
    skus = {featured.listing.sku for featured in running.listings}
    assert "PRL-ASSORT-250" in skus
    assert all(f.listing.category == "chocolate" for f in running.listings)
