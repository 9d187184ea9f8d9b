"""Writes of trade-promotion campaigns, and the discount a running campaign gives a line.

Trade agencies create and curate campaigns; a merchant may opt out of one, which takes its
listings out and keeps them out. Only drafts are edited or deleted: once active, marketplaces
have shown the campaign to buyers and orders may carry its discounts.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from ewtp.core.errors import Conflict, DomainError, InvalidTransition, NotFound, PermissionDenied
from ewtp.core.models import Organization, OrganizationKind
from ewtp.core.money import round_half_up
from ewtp.events.bus import publish
from marketplace.models import (
    Campaign,
    CampaignListing,
    CampaignOptOut,
    CampaignStatus,
    CampaignStatusChange,
    DiscountFunder,
    DiscountKind,
    OrderLine,
    OrderLineDiscount,
)
from marketplace.selectors import listing_get

ZERO = Decimal("0.00")
CAMPAIGN_ACTIVATED = "marketplace.campaign.activated"
CAMPAIGN_ENDED = "marketplace.campaign.ended"
EDITABLE_FIELDS = frozenset(
    {
        "name",
        "description",
        "destination_country",
        "starts_on",
        "ends_on",
        "discount_kind",
        "discount_value",
        "discount_currency",
        "funded_by",
    }
)


def _check_rule(values: dict[str, Any]) -> None:
    """What the database also guarantees, refused first with the field it concerns."""
    if values["ends_on"] < values["starts_on"]:
        raise DomainError(
            "A campaign ends on or after the day it starts.",
            code="campaign_dates_reversed",
            field="ends_on",
        )
    value: Decimal = values["discount_value"]
    if value <= 0:
        raise DomainError(
            "A discount is positive.", code="discount_not_positive", field="discount_value"
        )
    if values["discount_kind"] == DiscountKind.PERCENTAGE:
        if value > 100:
            raise DomainError(
                "A percentage is at most 100.",
                code="discount_over_100_percent",
                field="discount_value",
            )
        if values["discount_currency"]:
            raise DomainError(
                "A percentage has no currency.",
                code="discount_currency_not_expected",
                field="discount_currency",
            )
    elif not values["discount_currency"]:
        raise DomainError(
            "A fixed amount needs its currency.",
            code="discount_currency_required",
            field="discount_currency",
        )


def _event_data(campaign: Campaign) -> dict[str, Any]:
    return {
        "id": str(campaign.pk),
        "name": campaign.name,
        "destination_country": campaign.destination_country,
        "starts_on": campaign.starts_on.isoformat(),
        "ends_on": campaign.ends_on.isoformat(),
        "status": campaign.status,
    }


@transaction.atomic
def campaign_create(
    *,
    agency: Organization,
    name: str,
    destination_country: str,
    starts_on: date,
    ends_on: date,
    discount_kind: str,
    discount_value: Decimal,
    funded_by: str,
    discount_currency: str = "",
    description: str = "",
) -> Campaign:
    """A draft campaign of a trade agency, with its market, dates and discount rule."""
    if agency.kind != OrganizationKind.TRADE_AGENCY:
        raise PermissionDenied("Only trade agencies run campaigns.", code="not_a_trade_agency")
    values: dict[str, Any] = {
        "name": name,
        "description": description,
        "destination_country": destination_country,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "discount_kind": discount_kind,
        "discount_value": discount_value,
        "discount_currency": discount_currency,
        "funded_by": funded_by,
    }
    _check_rule(values)
    return Campaign.objects.create(agency=agency, **values)


def _locked(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().get(pk=campaign.pk)


def _require_draft(campaign: Campaign, action: str) -> None:
    if campaign.status != CampaignStatus.DRAFT:
        raise Conflict(
            f"Only a draft campaign can be {action}; this one is {campaign.status}.",
            code="campaign_not_draft",
        )


@transaction.atomic
def campaign_update(*, campaign: Campaign, changes: dict[str, Any]) -> Campaign:
    """Change a draft's terms. Unknown fields are a programming error, not a user's."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    locked = _locked(campaign)
    _require_draft(locked, "changed")
    values = {name: getattr(locked, name) for name in EDITABLE_FIELDS} | changes
    if changes.get("discount_kind") == DiscountKind.PERCENTAGE and "discount_currency" not in (
        changes
    ):
        values["discount_currency"] = ""
    _check_rule(values)
    for name, value in values.items():
        setattr(locked, name, value)
    _check_listings_fit(locked)
    locked.updated_at = timezone.now()
    locked.save()
    return locked


def _check_listings_fit(campaign: Campaign) -> None:
    """New terms must still suit the listings already featured: the market, the currency."""
    for entry in CampaignListing.objects.filter(campaign=campaign).select_related("product"):
        listing = entry.product
        if campaign.destination_country not in listing.markets:
            raise DomainError(
                f"{listing.sku!r} is not offered in {campaign.destination_country}; "
                "remove it first.",
                code="not_offered_in_market",
                field="destination_country",
            )
        if campaign.unit_discount(listing.unit_price, listing.currency) is None:
            raise DomainError(
                f"{listing.sku!r} is priced in {listing.currency}; remove it first.",
                code="currency_mismatch",
                field="discount_currency",
            )


@transaction.atomic
def campaign_delete(*, campaign: Campaign) -> None:
    """Delete a draft (nothing has been shown or discounted under it)."""
    locked = _locked(campaign)
    _require_draft(locked, "deleted")
    locked.delete()


def _move(*, campaign: Campaign, to: str, reason: str = "") -> Campaign:
    locked = _locked(campaign)
    if not locked.can_move_to(to):
        raise InvalidTransition(
            f"A campaign that is {locked.status} cannot become {to}.",
            code="campaign_invalid_transition",
        )
    previous, now = locked.status, timezone.now()
    locked.status = to
    locked.updated_at = now
    locked.save(update_fields=["status", "updated_at"])
    CampaignStatusChange.objects.create(
        campaign=locked, from_status=previous, to_status=to, reason=reason[:500], changed_at=now
    )
    return locked


@transaction.atomic
def campaign_activate(*, campaign: Campaign) -> Campaign:
    """Put a draft before marketplaces. It needs a listing and must not have ended already."""
    if campaign.ends_on < timezone.now().date():
        raise DomainError(
            "The campaign's last day has passed.", code="campaign_already_over", field="ends_on"
        )
    if not CampaignListing.objects.filter(campaign=campaign).exists():
        raise DomainError("A campaign needs a listing.", code="campaign_empty", field="listings")
    activated = _move(campaign=campaign, to=CampaignStatus.ACTIVE)
    publish(type=CAMPAIGN_ACTIVATED, data=_event_data(activated), recipients=[activated.agency])
    return activated


@transaction.atomic
def campaign_end(*, campaign: Campaign, reason: str = "") -> Campaign:
    """End a campaign (a draft is ended unused). Ended is final."""
    ended = _move(campaign=campaign, to=CampaignStatus.ENDED, reason=reason)
    publish(type=CAMPAIGN_ENDED, data=_event_data(ended), recipients=[ended.agency])
    return ended


@transaction.atomic
def campaigns_end_expired(*, today: date | None = None) -> int:
    """End every active campaign whose last day is before `today` (UTC); how many ended."""
    today = today or timezone.now().date()
    expired = Campaign.objects.filter(status=CampaignStatus.ACTIVE, ends_on__lt=today)
    ended = 0
    for campaign in expired.order_by("pk"):
        campaign_end(campaign=campaign, reason="last day passed")
        ended += 1
    return ended


@transaction.atomic
def campaign_listing_add(*, campaign: Campaign, listing_id: uuid.UUID) -> CampaignListing:
    """Feature a listing on sale (published, approved merchant) offered in the campaign's
    market. Not into an ended campaign, not twice, not a merchant's who opted out, and for a
    fixed amount only listings priced in its currency."""
    locked = _locked(campaign)
    if locked.status == CampaignStatus.ENDED:
        raise Conflict("The campaign has ended.", code="campaign_ended")
    try:
        listing = listing_get(listing_id=listing_id)
    except NotFound:
        raise DomainError(
            "No listing on sale with this id.", code="listing_not_on_sale", field="listing"
        ) from None
    if locked.destination_country not in listing.markets:
        raise DomainError(
            f"The listing is not offered in {locked.destination_country}.",
            code="not_offered_in_market",
            field="listing",
        )
    if locked.unit_discount(listing.unit_price, listing.currency) is None:
        raise DomainError(
            f"The listing is priced in {listing.currency}, the discount in "
            f"{locked.discount_currency}.",
            code="currency_mismatch",
            field="listing",
        )
    if CampaignOptOut.objects.filter(campaign=locked, merchant=listing.merchant).exists():
        raise Conflict(
            "The merchant opted out of this campaign.", code="merchant_opted_out", field="listing"
        )
    entry, created = CampaignListing.objects.get_or_create(campaign=locked, product=listing)
    if not created:
        raise Conflict(
            "The listing is in the campaign already.", code="listing_in_campaign", field="listing"
        )
    return entry


@transaction.atomic
def campaign_listing_remove(*, campaign: Campaign, listing_id: uuid.UUID) -> None:
    """Take a listing out (discounts already given stay recorded)."""
    locked = _locked(campaign)
    if locked.status == CampaignStatus.ENDED:
        raise Conflict("The campaign has ended.", code="campaign_ended")
    removed, _ = CampaignListing.objects.filter(campaign=locked, product_id=listing_id).delete()
    if not removed:
        raise NotFound("The listing is not in this campaign.")


@transaction.atomic
def campaign_opt_out(*, campaign: Campaign, merchant: Organization) -> CampaignOptOut:
    """A merchant declines a campaign: its listings leave it and the agency cannot add them
    back. Once is enough (a second time changes nothing)."""
    locked = _locked(campaign)
    CampaignListing.objects.filter(campaign=locked, product__merchant=merchant).delete()
    opt_out, _ = CampaignOptOut.objects.get_or_create(campaign=locked, merchant=merchant)
    return opt_out


@dataclass(frozen=True, slots=True)
class DiscountLine:
    """A line at checkout: the listing, its unit price (in the listing's currency) and how many."""

    product_id: uuid.UUID
    unit_price: Decimal
    quantity: int


@dataclass(frozen=True, slots=True)
class LineDiscount:
    """What one campaign takes off a whole line, in the line's currency, and who pays it."""

    campaign_id: uuid.UUID
    amount: Decimal
    funded_by: str


def _line_discount(campaign: Campaign, line: DiscountLine, currency: str) -> Decimal | None:
    per_unit = campaign.unit_discount(line.unit_price, currency)
    if per_unit is None:
        return None
    line_total = round_half_up(line.unit_price * line.quantity)
    # Half-up to the cent on the whole line; never more than the line, never below zero.
    return max(ZERO, min(line_total, round_half_up(per_unit * line.quantity)))


def campaign_discounts(
    *,
    destination_country: str,
    on: date,
    lines: Sequence[DiscountLine | tuple[uuid.UUID, Decimal, int]],
) -> list[LineDiscount | None]:
    """For each line (listing, unit price, quantity), the best single discount of
    the campaigns running in the market on `on` that feature the listing (the largest amount;
    on a tie, the campaign that started first), or None. Reads only: checkout records what it
    applied with `order_line_discount_record`."""
    wanted = [line if isinstance(line, DiscountLine) else DiscountLine(*line) for line in lines]
    entries = (
        CampaignListing.objects.filter(
            product_id__in={line.product_id for line in wanted},
            campaign__in=Campaign.objects.running(destination_country=destination_country, on=on),
        )
        .select_related("campaign", "product")
        .order_by("campaign__starts_on", "campaign__created_at", "campaign_id")
    )
    by_product: dict[uuid.UUID, list[Campaign]] = {}
    currency: dict[uuid.UUID, str] = {}
    for entry in entries:
        by_product.setdefault(entry.product_id, []).append(entry.campaign)
        currency[entry.product_id] = entry.product.currency
    found: list[LineDiscount | None] = []
    for line in wanted:
        best: LineDiscount | None = None
        for campaign in by_product.get(line.product_id, []):
            amount = _line_discount(campaign, line, currency[line.product_id])
            if amount is not None and amount > 0 and (best is None or amount > best.amount):
                best = LineDiscount(campaign.pk, amount, campaign.funded_by)
        found.append(best)
    return found


@transaction.atomic
def order_line_discount_record(
    *, order_line: OrderLine, discount: LineDiscount
) -> OrderLineDiscount:
    """Keep the campaign discount a placed line was given (once per line). The line's total is
    what the buyer pays, the discount already taken off its price times its quantity."""
    if discount.amount < 0 or discount.amount > order_line.unit_price * order_line.quantity:
        raise DomainError(
            "A discount is between nothing and the line's total.", code="discount_out_of_range"
        )
    if discount.funded_by not in DiscountFunder.values:
        raise ValueError(f"Unknown funder {discount.funded_by!r}")
    if OrderLineDiscount.objects.filter(order_line=order_line).exists():
        raise Conflict("The line's discount is recorded already.", code="discount_recorded")
    return OrderLineDiscount.objects.create(
        order_line=order_line,
        campaign_id=discount.campaign_id,
        amount=discount.amount,
        funded_by=discount.funded_by,
    )
