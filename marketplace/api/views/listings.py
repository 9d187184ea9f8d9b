"""Listings on sale, for marketplaces: search with facets, and one listing in full."""

from __future__ import annotations

import uuid
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from ewtp.core.api.base import PartnerApi
from ewtp.core.models import OrganizationKind
from ewtp.core.scopes import Scope
from marketplace import selectors
from marketplace.api.serializers import ListingOutput, ListingSearchOutput, ListingSearchQuery
from marketplace.api.views.common import INVALID, NOT_FOUND
from marketplace.models import Product
from marketplace.selectors import Facet, ListingQuery


def _facets_output(facets: list[Facet]) -> dict[str, Any]:
    return {
        facet.name: [
            {"value": v.value, "label": v.label or v.value, "count": v.count} for v in facet.values
        ]
        for facet in facets
    }


def _listing_summary(listing: Product, language: str | None) -> dict[str, Any]:
    translation = next((t for t in listing.translations.all() if t.language == language), None)
    return {
        "id": listing.pk,
        "merchant": {"slug": listing.merchant.slug, "name": listing.merchant.name},
        "sku": listing.sku,
        "title": translation.title if translation else listing.title,
        "title_language": translation.language if translation else None,
        "brand": listing.brand,
        "category": listing.category,
        "hs_code": listing.hs_code,
        "origin_country": listing.origin_country,
        "unit_price": listing.unit_price,
        "currency": listing.currency,
        "min_order_quantity": listing.min_order_quantity,
        "unit_of_measure": listing.unit_of_measure,
        "stock": listing.stock,
        "certifications": listing.certifications,
        "markets": listing.markets,
    }


class ListingSearchApi(PartnerApi):
    """Listings on sale (published, by approved merchants), for marketplaces to show buyers."""

    required_scopes = {"GET": Scope.CATALOG_READ}
    allowed_kinds = {OrganizationKind.MARKETPLACE}

    @extend_schema(
        operation_id="listings_search",
        description=(
            "Full-text search in English, French, Dutch and German (stemmed), plus substring "
            "matching of titles in every language, Chinese included. Filters combine with AND; "
            "facet counts cover all matches and come with the first page. Follow `next` for "
            "more (cursor paging)."
        ),
        parameters=[ListingSearchQuery],
        responses={200: ListingSearchOutput, 400: INVALID},
    )
    def get(self, request: Request) -> Response:
        params = ListingSearchQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        given = params.validated_data
        page = selectors.listing_search(
            query=ListingQuery(
                text=given["q"],
                origin=given.get("origin"),
                merchant=given.get("merchant"),
                category=given.get("category"),
                certification=given.get("certification"),
                hs_chapter=given.get("hs_chapter"),
                market=given.get("market"),
                price_min=given.get("price_min"),
                price_max=given.get("price_max"),
                currency=given["currency"],
                sort=given.get("sort"),
                limit=given["limit"],
                cursor=given.get("cursor"),
                facets=given["facets"],
            )
        )
        next_url = None
        if page.next_cursor is not None:
            query = request.query_params.copy()
            query["cursor"] = page.next_cursor
            next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
        body = {
            "count": page.total,
            "next": next_url,
            "facets": _facets_output(page.facets) if page.facets is not None else None,
            "results": [_listing_summary(listing, given.get("lang")) for listing in page.results],
        }
        return Response(ListingSearchOutput(body).data)


class ListingDetailApi(PartnerApi):
    required_scopes = {"GET": Scope.CATALOG_READ}
    allowed_kinds = {OrganizationKind.MARKETPLACE}

    @extend_schema(
        operation_id="listings_retrieve",
        description="A listing on sale with all its data; anything else is not found.",
        responses={200: ListingOutput, 404: NOT_FOUND},
    )
    def get(self, request: Request, listing_id: uuid.UUID) -> Response:
        return Response(ListingOutput(selectors.listing_get(listing_id=listing_id)).data)
