"""Landed-cost quotes for marketplaces: one listing, or a checkout basket across merchants."""

from __future__ import annotations

import uuid

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from ewtp.core.api.base import PartnerApi
from ewtp.core.errors import DomainError
from ewtp.core.models import OrganizationKind
from ewtp.core.scopes import Scope
from marketplace import selectors
from marketplace.api.serializers.landed_cost import (
    BasketLandedCostInput,
    LandedCostOutput,
    ListingLandedCostQuery,
)
from marketplace.api.views.common import INVALID, NOT_FOUND, REFUSED
from marketplace.services.landed_cost import LandedCostLineRequest, landed_cost_quote

_DESCRIPTION = (
    "Goods, air freight from the hub and import taxes (customs tax engine: CN_CBEC for China, "
    "EU_H7 up to EUR 150 of goods per consignment, else EU_H1), converted into the buyer's "
    "currency at the ECB reference rates shown. One consignment per merchant. Goods customs "
    "would not admit come back with `admissible: false` and the reasons, untaxed. Writes nothing."
)


class ListingLandedCostApi(PartnerApi):
    required_scopes = {"GET": Scope.CATALOG_READ}
    allowed_kinds = {OrganizationKind.MARKETPLACE}

    @extend_schema(
        operation_id="listings_landed_cost",
        description=_DESCRIPTION,
        parameters=[ListingLandedCostQuery],
        responses={200: LandedCostOutput, 400: INVALID, 404: NOT_FOUND, 422: REFUSED},
    )
    def get(self, request: Request, listing_id: uuid.UUID) -> Response:
        params = ListingLandedCostQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        given = params.validated_data
        listing = selectors.listing_get(listing_id=listing_id)
        try:
            quote = landed_cost_quote(
                destination_country=given["destination_country"],
                destination_airport=given["destination_airport"],
                currency=given["currency"],
                lines=[
                    LandedCostLineRequest(
                        listing_id=listing.pk,
                        variant_id=given.get("variant"),
                        quantity=given.get("quantity", listing.min_order_quantity),
                    )
                ],
            )
        except DomainError as exc:
            # One line: its fields are the query's own (quantity, variant).
            if exc.field and exc.field.startswith("lines.0."):
                exc.field = exc.field.removeprefix("lines.0.")
            raise
        return Response(LandedCostOutput(quote).data)


class BasketLandedCostApi(PartnerApi):
    """POST because a basket does not fit a query string; nothing is written."""

    required_scopes = {"POST": Scope.CATALOG_READ}
    allowed_kinds = {OrganizationKind.MARKETPLACE}

    @extend_schema(
        operation_id="landed_cost_quote",
        description=_DESCRIPTION,
        request=BasketLandedCostInput,
        responses={200: LandedCostOutput, 400: INVALID, 422: REFUSED},
    )
    def post(self, request: Request) -> Response:
        body = BasketLandedCostInput(data=request.data)
        body.is_valid(raise_exception=True)
        given = body.validated_data
        quote = landed_cost_quote(
            destination_country=given["destination_country"],
            destination_airport=given["destination_airport"],
            currency=given["currency"],
            lines=[
                LandedCostLineRequest(
                    listing_id=line["listing"],
                    variant_id=line.get("variant"),
                    quantity=line["quantity"],
                )
                for line in given["lines"]
            ],
        )
        return Response(LandedCostOutput(quote).data)
