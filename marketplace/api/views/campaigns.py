"""Trade-promotion campaigns. Trade agencies run theirs under `agency/campaigns/`; marketplaces
read the ones running in a market; a merchant opts out of one featuring its listings."""

from __future__ import annotations

import uuid

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from ewtp.core.api.base import PartnerApi
from ewtp.core.api.pagination import CreatedCursorPagination
from ewtp.core.models import Organization, OrganizationKind
from ewtp.core.scopes import Scope
from marketplace import campaign_selectors
from marketplace.api.serializers.campaigns import (
    CampaignEndInput,
    CampaignInput,
    CampaignListingInput,
    CampaignOutput,
    CampaignResultsOutput,
    RunningCampaignsOutput,
    RunningCampaignsQuery,
)
from marketplace.api.views.common import CONFLICT, INVALID, NOT_FOUND, REFUSED
from marketplace.models import Campaign
from marketplace.services import campaigns as services

AGENCY: set[str] = {OrganizationKind.TRADE_AGENCY}


def _output(agency: Organization, campaign: Campaign) -> Response:
    # Re-read with its listings: services return the bare row.
    fresh = campaign_selectors.campaign_get(agency=agency, campaign_id=campaign.pk)
    return Response(CampaignOutput(fresh).data)


class CampaignListCreateApi(PartnerApi):
    """A trade agency's campaigns, newest first; a new one starts as a draft."""

    required_scopes = {"GET": Scope.CAMPAIGNS_READ, "POST": Scope.CAMPAIGNS_WRITE}
    allowed_kinds = AGENCY
    pagination_class = CreatedCursorPagination

    @extend_schema(operation_id="agency_campaigns_list", responses=CampaignOutput(many=True))
    def get(self, request: Request) -> Response:
        campaigns = campaign_selectors.campaign_list(agency=self.organization(request))
        return self.paginated_response(request, campaigns, CampaignOutput)

    @extend_schema(
        operation_id="agency_campaigns_create",
        request=CampaignInput,
        responses={201: CampaignOutput, 400: INVALID, 422: REFUSED},
    )
    def post(self, request: Request) -> Response:
        data = CampaignInput(data=request.data)
        data.is_valid(raise_exception=True)
        agency = self.organization(request)
        campaign = services.campaign_create(agency=agency, **data.validated_data)
        response = _output(agency, campaign)
        response.status_code = status.HTTP_201_CREATED
        response["Location"] = reverse("marketplace-agency-campaign", args=[campaign.pk])
        return response


class CampaignDetailApi(PartnerApi):
    """One of the agency's campaigns; only a draft's terms change, and only a draft is deleted."""

    required_scopes = {
        "GET": Scope.CAMPAIGNS_READ,
        "PATCH": Scope.CAMPAIGNS_WRITE,
        "DELETE": Scope.CAMPAIGNS_WRITE,
    }
    allowed_kinds = AGENCY

    @extend_schema(
        operation_id="agency_campaigns_retrieve", responses={200: CampaignOutput, 404: NOT_FOUND}
    )
    def get(self, request: Request, campaign_id: uuid.UUID) -> Response:
        campaign = campaign_selectors.campaign_get(
            agency=self.organization(request), campaign_id=campaign_id
        )
        return Response(CampaignOutput(campaign).data)

    @extend_schema(
        operation_id="agency_campaigns_update",
        request=CampaignInput,
        responses={
            200: CampaignOutput,
            400: INVALID,
            404: NOT_FOUND,
            409: CONFLICT,
            422: REFUSED,
        },
    )
    def patch(self, request: Request, campaign_id: uuid.UUID) -> Response:
        agency = self.organization(request)
        campaign = campaign_selectors.campaign_get(agency=agency, campaign_id=campaign_id)
        data = CampaignInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        campaign = services.campaign_update(campaign=campaign, changes=dict(data.validated_data))
        return _output(agency, campaign)

    @extend_schema(
        operation_id="agency_campaigns_destroy",
        responses={
            204: OpenApiResponse(description="Deleted."),
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def delete(self, request: Request, campaign_id: uuid.UUID) -> Response:
        campaign = campaign_selectors.campaign_get(
            agency=self.organization(request), campaign_id=campaign_id
        )
        services.campaign_delete(campaign=campaign)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CampaignActivateApi(PartnerApi):
    required_scopes = {"POST": Scope.CAMPAIGNS_WRITE}
    allowed_kinds = AGENCY

    @extend_schema(
        operation_id="agency_campaigns_activate",
        description="draft → active: marketplaces see it from its first day.",
        request=None,
        responses={200: CampaignOutput, 404: NOT_FOUND, 409: CONFLICT, 422: REFUSED},
    )
    def post(self, request: Request, campaign_id: uuid.UUID) -> Response:
        agency = self.organization(request)
        campaign = campaign_selectors.campaign_get(agency=agency, campaign_id=campaign_id)
        return _output(agency, services.campaign_activate(campaign=campaign))


class CampaignEndApi(PartnerApi):
    required_scopes = {"POST": Scope.CAMPAIGNS_WRITE}
    allowed_kinds = AGENCY

    @extend_schema(
        operation_id="agency_campaigns_end",
        description="draft or active → ended (final). Campaigns also end after their last day.",
        request=CampaignEndInput,
        responses={200: CampaignOutput, 400: INVALID, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request: Request, campaign_id: uuid.UUID) -> Response:
        data = CampaignEndInput(data=request.data)
        data.is_valid(raise_exception=True)
        agency = self.organization(request)
        campaign = campaign_selectors.campaign_get(agency=agency, campaign_id=campaign_id)
        ended = services.campaign_end(campaign=campaign, reason=data.validated_data["reason"])
        return _output(agency, ended)


class CampaignListingAddApi(PartnerApi):
    required_scopes = {"POST": Scope.CAMPAIGNS_WRITE}
    allowed_kinds = AGENCY

    @extend_schema(
        operation_id="agency_campaigns_listings_add",
        description=(
            "Feature a listing on sale (published, by an approved merchant) offered in the "
            "campaign's market; not one of a merchant who opted out."
        ),
        request=CampaignListingInput,
        responses={
            201: CampaignOutput,
            400: INVALID,
            404: NOT_FOUND,
            409: CONFLICT,
            422: REFUSED,
        },
    )
    def post(self, request: Request, campaign_id: uuid.UUID) -> Response:
        data = CampaignListingInput(data=request.data)
        data.is_valid(raise_exception=True)
        agency = self.organization(request)
        campaign = campaign_selectors.campaign_get(agency=agency, campaign_id=campaign_id)
        services.campaign_listing_add(campaign=campaign, listing_id=data.validated_data["listing"])
        response = _output(agency, campaign)
        response.status_code = status.HTTP_201_CREATED
        return response


class CampaignListingRemoveApi(PartnerApi):
    required_scopes = {"DELETE": Scope.CAMPAIGNS_WRITE}
    allowed_kinds = AGENCY

    @extend_schema(
        operation_id="agency_campaigns_listings_remove",
        responses={200: CampaignOutput, 404: NOT_FOUND, 409: CONFLICT},
    )
    def delete(self, request: Request, campaign_id: uuid.UUID, listing_id: uuid.UUID) -> Response:
        agency = self.organization(request)
        campaign = campaign_selectors.campaign_get(agency=agency, campaign_id=campaign_id)
        services.campaign_listing_remove(campaign=campaign, listing_id=listing_id)
        return _output(agency, campaign)


class CampaignResultsApi(PartnerApi):
    required_scopes = {"GET": Scope.CAMPAIGNS_READ}
    allowed_kinds = AGENCY

    @extend_schema(
        operation_id="agency_campaigns_results",
        description=(
            "Per UTC day and order currency: orders carrying the campaign's discounts "
            "(cancelled ones excluded), merchants reached, GMV of the discounted lines as paid, "
            "and the discount given."
        ),
        responses={200: CampaignResultsOutput, 404: NOT_FOUND},
    )
    def get(self, request: Request, campaign_id: uuid.UUID) -> Response:
        campaign = campaign_selectors.campaign_get(
            agency=self.organization(request), campaign_id=campaign_id
        )
        days = campaign_selectors.campaign_results(campaign=campaign)
        return Response(CampaignResultsOutput({"campaign": campaign.pk, "days": days}).data)


class RunningCampaignListApi(PartnerApi):
    """What marketplaces show buyers: campaigns running in a market with discounted prices.
    Merchants read it too, to see what they may opt out of."""

    required_scopes = {"GET": Scope.CAMPAIGNS_READ}
    allowed_kinds = {OrganizationKind.MARKETPLACE, OrganizationKind.MERCHANT}

    @extend_schema(
        operation_id="campaigns_list",
        parameters=[RunningCampaignsQuery],
        responses={200: RunningCampaignsOutput, 400: INVALID},
    )
    def get(self, request: Request) -> Response:
        query = RunningCampaignsQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        given = query.validated_data
        running = campaign_selectors.campaigns_running(
            destination_country=given["destination_country"],
            on=given.get("on") or timezone.now().date(),
        )
        return Response(RunningCampaignsOutput({"results": running}).data)


class CampaignOptOutApi(PartnerApi):
    """A merchant declines a campaign featuring its listings: they leave it and stay out."""

    required_scopes = {"POST": Scope.CAMPAIGNS_WRITE}
    allowed_kinds = {OrganizationKind.MERCHANT}

    @extend_schema(
        operation_id="campaigns_opt_out",
        request=None,
        responses={
            204: OpenApiResponse(description="Opted out; its listings left the campaign."),
            404: NOT_FOUND,
        },
    )
    def post(self, request: Request, campaign_id: uuid.UUID) -> Response:
        merchant = self.organization(request)
        campaign = campaign_selectors.campaign_featuring(merchant=merchant, campaign_id=campaign_id)
        services.campaign_opt_out(campaign=campaign, merchant=merchant)
        return Response(status=status.HTTP_204_NO_CONTENT)
