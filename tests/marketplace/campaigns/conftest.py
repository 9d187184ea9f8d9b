from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ewtp.core.models import Organization, OrganizationKind
from marketplace.models import Campaign
from marketplace.services.campaigns import campaign_activate, campaign_create, campaign_listing_add
from tests.marketplace.flows import organization


@pytest.fixture
def agency(db: None) -> Organization:
    return organization(OrganizationKind.TRADE_AGENCY)


def campaign(
    agency: Organization,
    *,
    listings=(),
    kind: str = "percentage",
    value: str = "15.00",
    currency: str = "",
    funded_by: str = "agency",
    country: str = "CN",
    starts_in: int = -1,
    days: int = 10,
    active: bool = True,
) -> Campaign:
    today = timezone.now().date()
    made = campaign_create(
        agency=agency,
        name=f"Belgian week {kind} {value}",
        destination_country=country,
        starts_on=today + timedelta(days=starts_in),
        ends_on=today + timedelta(days=starts_in + days),
        discount_kind=kind,
        discount_value=Decimal(value),
        discount_currency=currency,
        funded_by=funded_by,
    )
    for listing in listings:
        campaign_listing_add(campaign=made, listing_id=listing.pk)
    if active:
        made = campaign_activate(campaign=made)
    return made
