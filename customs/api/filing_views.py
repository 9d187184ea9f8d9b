"""Brokers and carriers file EU import declarations (H7 / H1), check them first (dry run),
amend and cancel them; carriers and ground handlers confirm the exit of EU exports."""

from __future__ import annotations

import uuid
from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from customs import selectors, services
from customs.api.filing_serializers import (
    DeclarationCancelInput,
    DeclarationCheckOutput,
    DeclarationFilingInput,
    ExitConfirmationInput,
    filing_from,
)
from customs.api.serializers import DeclarationOutput
from customs.api.views import DeclarationListApi
from customs.filing_checks import FilingProblem
from customs.services import audit_actor
from ewtp.core.api.base import PartnerApi
from ewtp.core.api.problems import PROBLEM_CONTENT_TYPE, flatten_validation_errors, problem
from ewtp.core.models import OrganizationKind
from ewtp.core.scopes import Scope

FILERS: set[str] = {OrganizationKind.CUSTOMS_BROKER, OrganizationKind.CARRIER}
EXIT_WITNESSES: set[str] = {OrganizationKind.CARRIER, OrganizationKind.GROUND_HANDLER}

_REFUSED = OpenApiResponse(
    description="`declaration_invalid`: `errors` lists every problem (code and pointer), the "
    "same the dry run returns; nothing is written"
)


def _refusal(request: Request, error: services.DeclarationInvalid) -> Response:
    """The 422 problem of a refused filing: one entry per problem, as the dry run lists them."""
    body = problem(
        status_code=error.status,
        code=error.code,
        detail=error.detail,
        request=request,
        title=error.title,
        errors=[
            {
                "field": found.pointer.strip("/").replace("/", ".") or "body",
                "pointer": found.pointer,
                "code": found.code,
                "message": found.detail,
            }
            for found in error.problems
        ],
    )
    return Response(body, status=error.status, content_type=PROBLEM_CONTENT_TYPE)


def _detail(declaration_id: uuid.UUID) -> dict[str, Any]:
    return DeclarationOutput(selectors.declaration_detail(declaration_id=declaration_id)).data


def _require_filer(view: PartnerApi, request: Request) -> None:
    organization = view.organization(request)
    if organization.kind not in FILERS:
        raise exceptions.PermissionDenied(
            f"Organisations of kind '{organization.kind}' cannot file declarations.",
            code="organization_kind_not_allowed",
        )


class DeclarationListCreateApi(DeclarationListApi):
    """GET: what the organisation filed or whose goods it sells (readers). POST: brokers and
    carriers file; other readers are refused, as the kind check of a view would."""

    required_scopes = {"GET": Scope.DECLARATIONS_READ, "POST": Scope.DECLARATIONS_WRITE}

    @extend_schema(
        operation_id="declarations_create",
        summary="File an EU import declaration (H7 low-value consignment or H1)",
        request=DeclarationFilingInput,
        responses={201: DeclarationOutput, 422: _REFUSED},
    )
    def post(self, request: Request) -> Response:
        _require_filer(self, request)
        given = DeclarationFilingInput(data=request.data)
        given.is_valid(raise_exception=True)
        client = self.client(request)
        try:
            declaration = services.declaration_file(
                filing=filing_from(given.validated_data),
                submitter=client.organization,
                actor=audit_actor(api_key=client.api_key),
            )
        except services.DeclarationInvalid as error:
            return _refusal(request, error)
        return Response(_detail(declaration.pk), status=201)


class DeclarationValidateApi(PartnerApi):
    """A dry run: the same check as filing, writing nothing."""

    required_scopes = {"POST": Scope.DECLARATIONS_WRITE}
    allowed_kinds = FILERS

    @extend_schema(
        operation_id="declarations_validate",
        summary="Check a declaration without filing it: every problem at once",
        request=DeclarationFilingInput,
        responses={200: DeclarationCheckOutput},
    )
    def post(self, request: Request) -> Response:
        given = DeclarationFilingInput(data=request.data)
        if not given.is_valid():
            problems = [
                FilingProblem(entry["code"], entry["pointer"], entry["message"])
                for entry in flatten_validation_errors(given.errors)
            ]
        else:
            problems = services.declaration_filing_check(
                filing=filing_from(given.validated_data), submitter=self.organization(request)
            )
        return Response(DeclarationCheckOutput({"valid": not problems, "errors": problems}).data)


class DeclarationAmendApi(PartnerApi):
    required_scopes = {"POST": Scope.DECLARATIONS_WRITE}
    allowed_kinds = FILERS

    @extend_schema(
        operation_id="declarations_amend",
        summary="Amend a filing before release: a new version, cleared again",
        request=DeclarationFilingInput,
        responses={
            200: DeclarationOutput,
            404: OpenApiResponse(description="No such declaration, or not filed by you"),
            409: OpenApiResponse(
                description="`declaration_released` (the goods were released), or "
                "`declaration_not_amendable` (under inspection, refused or cancelled)"
            ),
            422: _REFUSED,
        },
    )
    def post(self, request: Request, declaration_id: uuid.UUID) -> Response:
        client = self.client(request)
        declaration = selectors.declaration_filed_by(
            organization=client.organization, declaration_id=declaration_id
        )
        given = DeclarationFilingInput(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            services.declaration_amend(
                declaration=declaration,
                filing=filing_from(given.validated_data),
                submitter=client.organization,
                actor=audit_actor(api_key=client.api_key),
            )
        except services.DeclarationInvalid as error:
            return _refusal(request, error)
        return Response(_detail(declaration.pk))


class DeclarationCancelApi(PartnerApi):
    required_scopes = {"POST": Scope.DECLARATIONS_WRITE}
    allowed_kinds = FILERS

    @extend_schema(
        operation_id="declarations_cancel",
        summary="Withdraw a filing before release",
        request=DeclarationCancelInput,
        responses={
            200: DeclarationOutput,
            404: OpenApiResponse(description="No such declaration, or not filed by you"),
            409: OpenApiResponse(
                description="`declaration_released`, or `declaration_invalid_transition` "
                "(already refused or cancelled)"
            ),
        },
    )
    def post(self, request: Request, declaration_id: uuid.UUID) -> Response:
        client = self.client(request)
        declaration = selectors.declaration_filed_by(
            organization=client.organization, declaration_id=declaration_id
        )
        given = DeclarationCancelInput(data=request.data)
        given.is_valid(raise_exception=True)
        services.declaration_cancel(
            declaration=declaration,
            reason=given.validated_data["reason"],
            actor=audit_actor(api_key=client.api_key),
        )
        return Response(_detail(declaration.pk))


class ExitConfirmationOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    mrn = serializers.CharField()
    status = serializers.CharField()
    exit_confirmed_at = serializers.DateTimeField()
    exit_office = serializers.CharField()


class DeclarationExitConfirmApi(PartnerApi):
    """The MRN on the export accompanying document is what the carrier holds: the id and the MRN
    together find the export; anything else is not found."""

    required_scopes = {"POST": Scope.DECLARATIONS_WRITE}
    allowed_kinds = EXIT_WITNESSES

    @extend_schema(
        operation_id="declarations_exit_confirm",
        summary="Confirm that released export goods left the EU",
        request=ExitConfirmationInput,
        responses={
            200: ExitConfirmationOutput,
            404: OpenApiResponse(description="No export with this id and MRN"),
            409: OpenApiResponse(description="`export_not_released`, or `exit_already_confirmed`"),
            422: OpenApiResponse(description="`exit_in_future`"),
        },
    )
    def post(self, request: Request, declaration_id: uuid.UUID) -> Response:
        given = ExitConfirmationInput(data=request.data)
        given.is_valid(raise_exception=True)
        client = self.client(request)
        declaration = services.declaration_exit_confirm(
            declaration_id=declaration_id,
            mrn=given.validated_data["mrn"],
            exited_at=given.validated_data["exited_at"],
            exit_office=given.validated_data["exit_office"],
            confirmed_by=client.organization,
            actor=audit_actor(api_key=client.api_key),
        )
        return Response(ExitConfirmationOutput(declaration).data)
