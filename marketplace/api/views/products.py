"""A merchant's own catalogue: listings, their moves, translations, variants, quantity prices
and certificates. Another merchant's listing is not found (404) on every endpoint."""

from __future__ import annotations

import uuid
from typing import Any

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from ewtp.core.api.base import PartnerApi
from ewtp.core.api.pagination import CreatedCursorPagination
from ewtp.core.models import OrganizationKind
from ewtp.core.scopes import Scope
from marketplace import selectors, services
from marketplace.api.serializers import (
    CertificateInput,
    CertificateOutput,
    PriceTierOutput,
    PriceTiersInput,
    ProductCreateInput,
    ProductOutput,
    ProductUpdateInput,
    ReasonInput,
    TranslationOutput,
    TranslationSetInput,
    VariantCreateInput,
    VariantOutput,
    VariantUpdateInput,
)
from marketplace.api.views.common import CONFLICT, FORBIDDEN, INVALID, NOT_FOUND, REFUSED
from marketplace.models import Language, Product
from marketplace.services import PriceTierRequest, TranslationRequest


class MerchantApi(PartnerApi):
    """A merchant's own catalogue. Another merchant's listing is not found (404)."""

    allowed_kinds = {OrganizationKind.MERCHANT}

    def product(self, request: Request, product_id: uuid.UUID) -> Product:
        return selectors.product_get(merchant=self.organization(request), product_id=product_id)

    def product_output(self, request: Request, product: Product) -> dict[str, Any]:
        # Re-read with its parts: services return the bare row.
        return dict(ProductOutput(self.product(request, product.pk)).data)


class ProductListCreateApi(MerchantApi):
    """A merchant's own listings."""

    required_scopes = {"GET": Scope.CATALOG_READ, "POST": Scope.CATALOG_WRITE}
    pagination_class = CreatedCursorPagination

    @extend_schema(operation_id="products_list", responses=ProductOutput(many=True))
    def get(self, request: Request) -> Response:
        return self.paginated_response(
            request,
            selectors.product_list(merchant=self.organization(request)),
            ProductOutput,
        )

    @extend_schema(
        operation_id="products_create",
        description=(
            "List a product as a draft, or publish it at once with `status: published` (403 "
            "`merchant_not_approved` unless your merchant profile is approved; 422 "
            "`listing_missing_chinese_title` for China without a zh-Hans translation; 422 "
            "`hs_code_unknown` for an HS code outside the nomenclature)."
        ),
        request=ProductCreateInput,
        responses={201: ProductOutput, 400: INVALID, 403: FORBIDDEN, 409: CONFLICT, 422: REFUSED},
    )
    def post(self, request: Request) -> Response:
        data = ProductCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        given = dict(data.validated_data)
        translations = [TranslationRequest(**t) for t in given.pop("translations", [])]
        product = services.product_create(
            merchant=self.organization(request), translations=translations, **given
        )
        location = reverse("marketplace-product", kwargs={"product_id": product.pk})
        return Response(
            self.product_output(request, product),
            status=status.HTTP_201_CREATED,
            headers={"Location": location},
        )


class ProductDetailApi(MerchantApi):
    required_scopes = {"GET": Scope.CATALOG_READ, "PATCH": Scope.CATALOG_WRITE}

    @extend_schema(operation_id="products_retrieve", responses={200: ProductOutput, 404: NOT_FOUND})
    def get(self, request: Request, product_id: uuid.UUID) -> Response:
        return Response(ProductOutput(self.product(request, product_id)).data)

    @extend_schema(
        operation_id="products_update",
        description=(
            "Change the fields sent. A published listing must still meet every publishing "
            "rule; an archived one cannot change (409 `listing_archived`)."
        ),
        request=ProductUpdateInput,
        responses={200: ProductOutput, 400: INVALID, 404: NOT_FOUND, 409: CONFLICT, 422: REFUSED},
    )
    def patch(self, request: Request, product_id: uuid.UUID) -> Response:
        product = self.product(request, product_id)
        data = ProductUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        product = services.product_update(product=product, changes=data.validated_data)
        return Response(self.product_output(request, product))


class ProductPublishApi(MerchantApi):
    required_scopes = {"POST": Scope.CATALOG_WRITE}

    @extend_schema(
        operation_id="products_publish",
        description=(
            "Put a draft on sale. Refused with 403 `merchant_not_approved` unless your "
            "merchant profile is approved; 422 `listing_missing_chinese_title` (China without "
            "a zh-Hans title), `hs_code_unknown`, or `listing_certificate_invalid` (a required "
            "certificate not valid today); 409 `listing_invalid_transition` unless a draft."
        ),
        request=None,
        responses={200: ProductOutput, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT, 422: REFUSED},
    )
    def post(self, request: Request, product_id: uuid.UUID) -> Response:
        product = services.product_publish(product=self.product(request, product_id))
        return Response(self.product_output(request, product))


class ProductUnpublishApi(MerchantApi):
    required_scopes = {"POST": Scope.CATALOG_WRITE}

    @extend_schema(
        operation_id="products_unpublish",
        description="Take a published listing off sale, back to draft.",
        request=ReasonInput,
        responses={200: ProductOutput, 400: INVALID, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request: Request, product_id: uuid.UUID) -> Response:
        product = self.product(request, product_id)
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        product = services.product_unpublish(product=product, reason=data.validated_data["reason"])
        return Response(self.product_output(request, product))


class ProductArchiveApi(MerchantApi):
    required_scopes = {"POST": Scope.CATALOG_WRITE}

    @extend_schema(
        operation_id="products_archive",
        description="Retire a listing for good (draft or published); its orders stay.",
        request=ReasonInput,
        responses={200: ProductOutput, 400: INVALID, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request: Request, product_id: uuid.UUID) -> Response:
        product = self.product(request, product_id)
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        product = services.product_archive(product=product, reason=data.validated_data["reason"])
        return Response(self.product_output(request, product))


class ProductTranslationApi(MerchantApi):
    required_scopes = {"PUT": Scope.CATALOG_WRITE}

    @extend_schema(
        operation_id="products_translations_set",
        description="Write the listing's title and description in one language.",
        parameters=[OpenApiParameter("language", str, OpenApiParameter.PATH, enum=Language.values)],
        request=TranslationSetInput,
        responses={200: TranslationOutput, 400: INVALID, 404: NOT_FOUND, 409: CONFLICT},
    )
    def put(self, request: Request, product_id: uuid.UUID, language: str) -> Response:
        product = self.product(request, product_id)
        if language not in Language.values:
            raise serializers.ValidationError(
                {"language": [f"Use one of {', '.join(Language.values)}."]}, "invalid_choice"
            )
        data = TranslationSetInput(data=request.data)
        data.is_valid(raise_exception=True)
        translation = services.product_translation_set(
            product=product, language=language, **data.validated_data
        )
        return Response(TranslationOutput(translation).data)


class ProductVariantCreateApi(MerchantApi):
    required_scopes = {"POST": Scope.CATALOG_WRITE}

    @extend_schema(
        operation_id="products_variants_create",
        description="Add a variant with its own SKU (unique among all your SKUs) and stock.",
        request=VariantCreateInput,
        responses={201: VariantOutput, 400: INVALID, 404: NOT_FOUND, 409: CONFLICT, 422: REFUSED},
    )
    def post(self, request: Request, product_id: uuid.UUID) -> Response:
        product = self.product(request, product_id)
        data = VariantCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        variant = services.product_variant_create(product=product, **data.validated_data)
        return Response(VariantOutput(variant).data, status=status.HTTP_201_CREATED)


class ProductVariantDetailApi(MerchantApi):
    required_scopes = {"PATCH": Scope.CATALOG_WRITE}

    @extend_schema(
        operation_id="products_variants_update",
        request=VariantUpdateInput,
        responses={200: VariantOutput, 400: INVALID, 404: NOT_FOUND, 409: CONFLICT, 422: REFUSED},
    )
    def patch(self, request: Request, product_id: uuid.UUID, variant_id: uuid.UUID) -> Response:
        variant = selectors.variant_get(
            product=self.product(request, product_id), variant_id=variant_id
        )
        data = VariantUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        variant = services.product_variant_update(variant=variant, changes=data.validated_data)
        return Response(VariantOutput(variant).data)


class ProductPriceTiersApi(MerchantApi):
    required_scopes = {"PUT": Scope.CATALOG_WRITE}

    @extend_schema(
        operation_id="products_price_tiers_set",
        description=(
            "Replace the quantity prices: from `min_quantity` units on a line, each costs "
            "`unit_price`. Tiers start above the minimum order quantity and never cost more "
            "per unit than fewer units do. An empty list removes them."
        ),
        request=PriceTiersInput,
        responses={
            200: PriceTierOutput(many=True),
            400: INVALID,
            404: NOT_FOUND,
            409: CONFLICT,
            422: REFUSED,
        },
    )
    def put(self, request: Request, product_id: uuid.UUID) -> Response:
        product = self.product(request, product_id)
        data = PriceTiersInput(data=request.data)
        data.is_valid(raise_exception=True)
        tiers = services.product_price_tiers_set(
            product=product,
            tiers=[PriceTierRequest(**tier) for tier in data.validated_data["tiers"]],
        )
        return Response(PriceTierOutput(tiers, many=True).data)


class ProductCertificateCreateApi(MerchantApi):
    required_scopes = {"POST": Scope.CATALOG_WRITE}

    @extend_schema(
        operation_id="products_certificates_create",
        description=(
            "Record a certificate the goods carry. While a required one is not valid the "
            "listing cannot be published, and a published listing goes back to draft the day "
            "after it lapses; you hear of it 30 days ahead (`marketplace.certificate.expiring`)."
        ),
        request=CertificateInput,
        responses={201: CertificateOutput, 400: INVALID, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request: Request, product_id: uuid.UUID) -> Response:
        product = self.product(request, product_id)
        data = CertificateInput(data=request.data)
        data.is_valid(raise_exception=True)
        certificate = services.product_certificate_add(product=product, **data.validated_data)
        return Response(CertificateOutput(certificate).data, status=status.HTTP_201_CREATED)
