"""Reads of trade-promotion campaigns: an agency's own (another agency's is NotFound), the ones
running in a market with their listings on sale, and a campaign's results per day."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncDate

from ewtp.core.errors import NotFound
from ewtp.core.models import Organization
from ewtp.core.money import round_half_up
from marketplace.models import (
    Campaign,
    CampaignListing,
    CampaignStatus,
    MerchantStatus,
    OrderLineDiscount,
    OrderStatus,
    Product,
    ProductStatus,
)


def _with_listings(campaigns: QuerySet[Campaign]) -> QuerySet[Campaign]:
    return campaigns.select_related("agency").prefetch_related(
        Prefetch(
            "entries",
            queryset=CampaignListing.objects.select_related("product__merchant").order_by(
                "added_at", "pk"
            ),
        )
    )


def campaign_list(*, agency: Organization) -> QuerySet[Campaign]:
    return _with_listings(Campaign.objects.of_agency(agency))


def campaign_get(*, agency: Organization, campaign_id: uuid.UUID) -> Campaign:
    campaign = campaign_list(agency=agency).filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound("No such campaign.")
    return campaign


def campaign_featuring(*, merchant: Organization, campaign_id: uuid.UUID) -> Campaign:
    """A campaign, not ended, that features one of the merchant's listings or that it opted
    out of already (what it may opt out of)."""
    campaign = (
        Campaign.objects.filter(pk=campaign_id)
        .filter(Q(entries__product__merchant=merchant) | Q(opt_outs__merchant=merchant))
        .exclude(status=CampaignStatus.ENDED)
        .distinct()
        .first()
    )
    if campaign is None:
        raise NotFound("No such campaign.")
    return campaign


@dataclass(frozen=True, slots=True)
class FeaturedListing:
    listing: Product
    discounted_price: Decimal  # one unit at the base price, half-up to the cent


@dataclass(frozen=True, slots=True)
class RunningCampaign:
    campaign: Campaign
    listings: list[FeaturedListing]


def campaigns_running(*, destination_country: str, on: date) -> list[RunningCampaign]:
    """Active campaigns in the market on `on`, each with its listings still on sale (a listing
    unpublished or a merchant suspended since it was added drops out), soonest-ending first."""
    on_sale = CampaignListing.objects.filter(
        product__status=ProductStatus.PUBLISHED,
        product__merchant__merchant_profile__status=MerchantStatus.APPROVED,
    ).select_related("product__merchant")
    campaigns = (
        Campaign.objects.running(destination_country=destination_country, on=on)
        .select_related("agency")
        .prefetch_related(Prefetch("entries", queryset=on_sale.order_by("added_at", "pk")))
        .order_by("ends_on", "created_at")
    )
    running = []
    for campaign in campaigns:
        featured = []
        for entry in campaign.entries.all():
            listing = entry.product
            off = campaign.unit_discount(listing.unit_price, listing.currency) or Decimal(0)
            price = max(Decimal("0.00"), round_half_up(listing.unit_price - off))
            featured.append(FeaturedListing(listing, price))
        running.append(RunningCampaign(campaign, featured))
    return running


@dataclass(frozen=True, slots=True)
class CampaignDay:
    day: date
    currency: str
    orders: int
    merchants: int
    gmv: Decimal  # the discounted lines as paid (a line total is net of its discount)
    discount: Decimal


def campaign_results(*, campaign: Campaign) -> list[CampaignDay]:
    """Per UTC day the orders were placed (and per order currency): orders carrying the
    campaign's discounts, merchants reached, GMV and discount given. Cancelled and expired
    orders do not count. One aggregate query."""
    rows = (
        OrderLineDiscount.objects.filter(campaign=campaign)
        .exclude(order_line__order__status__in=[OrderStatus.CANCELLED, OrderStatus.EXPIRED])
        .annotate(day=TruncDate("order_line__order__created_at", tzinfo=UTC))
        .values("day", "order_line__order__currency")
        .annotate(
            orders=Count("order_line__order", distinct=True),
            merchants=Count("order_line__order__merchant", distinct=True),
            gmv=Sum("order_line__line_total"),
            discount=Sum("amount"),
        )
        .order_by("day", "order_line__order__currency")
    )
    return [
        CampaignDay(
            day=row["day"],
            currency=row["order_line__order__currency"],
            orders=row["orders"],
            merchants=row["merchants"],
            gmv=row["gmv"],
            discount=row["discount"],
        )
        for row in rows
    ]
