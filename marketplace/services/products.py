"""Writes of listings: create, change, and one service per status move (publish, unpublish,
archive). Drafts may be incomplete; publishing checks everything a buyer and customs rely on."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from customs.selectors import commodity_codes_known
from ewtp.core.errors import Conflict, DomainError, InvalidTransition, PermissionDenied
from ewtp.core.models import Organization, OrganizationKind
from ewtp.events.bus import publish
from marketplace.countries import is_country
from marketplace.events import LISTING_EVENT_FOR_STATUS, listing_event_data
from marketplace.identifiers import compact, gtin_problem, national_code_problem
from marketplace.models import (
    CURRENCY_PATTERN,
    HS_CODE_PATTERN,
    Category,
    Language,
    Product,
    ProductCertificate,
    ProductStatus,
    ProductStatusChange,
    ProductTranslation,
    SkuRegistration,
    UnitOfMeasure,
)
from marketplace.search import search_documents_refresh
from marketplace.selectors import merchant_is_approved

# What a merchant may change on a listing after creating it (the SKU and currency stay).
UPDATABLE_FIELDS = frozenset(
    {
        "title",
        "description",
        "brand",
        "gtin",
        "category",
        "hs_code",
        "national_codes",
        "origin_country",
        "markets",
        "unit_price",
        "min_order_quantity",
        "unit_of_measure",
        "stock",
        "weight_kg",
        "net_weight_kg",
        "length_cm",
        "width_cm",
        "height_cm",
    }
)
_SEARCHED_FIELDS = frozenset({"title", "description", "brand"})
CHINA = "CN"


@dataclass(frozen=True, slots=True)
class TranslationRequest:
    language: str
    title: str
    description: str = ""


def _refuse(message: str, code: str, field: str) -> DomainError:
    return DomainError(message, code=code, field=field)


def _check_listing(product: Product) -> None:
    """The invariants of a listing's own data, draft or not. Raises on the first broken one."""
    if not product.title.strip():
        raise _refuse("A listing has a title.", "title_required", "title")
    if not re.fullmatch(HS_CODE_PATTERN, product.hs_code):
        raise _refuse("An HS code is 6 digits.", "hs_code_invalid", "hs_code")
    if not is_country(product.origin_country):
        raise _refuse(
            f"{product.origin_country!r} is not an ISO 3166-1 alpha-2 country code.",
            "origin_country_invalid",
            "origin_country",
        )
    if not re.fullmatch(CURRENCY_PATTERN, product.currency):
        raise _refuse("Use an ISO 4217 currency code.", "currency_invalid", "currency")
    if product.unit_price <= 0:
        raise _refuse("The price must be positive.", "price_not_positive", "unit_price")
    if product.weight_kg <= 0:
        raise _refuse("The weight must be positive.", "weight_not_positive", "weight_kg")
    if product.net_weight_kg is not None and not (0 < product.net_weight_kg <= product.weight_kg):
        raise _refuse(
            "The net weight is positive and at most the gross weight.",
            "net_weight_invalid",
            "net_weight_kg",
        )
    for name in ("length_cm", "width_cm", "height_cm"):
        value = getattr(product, name)
        if value is not None and value <= 0:
            raise _refuse("Dimensions are positive.", "dimension_not_positive", name)
    if product.stock < 0:
        raise _refuse("Stock cannot be negative.", "stock_negative", "stock")
    if product.min_order_quantity < 1:
        raise _refuse(
            "The minimum order quantity is at least 1.", "moq_invalid", "min_order_quantity"
        )
    if product.category not in Category.values:
        raise _refuse(f"Unknown category {product.category!r}.", "category_invalid", "category")
    if product.unit_of_measure not in UnitOfMeasure.values:
        raise _refuse(
            f"Unknown unit {product.unit_of_measure!r}.", "unit_invalid", "unit_of_measure"
        )
    if product.gtin:
        product.gtin = compact(product.gtin)
        if (problem := gtin_problem(product.gtin)) is not None:
            raise _refuse(problem, "gtin_invalid", "gtin")
    if not isinstance(product.national_codes, dict):
        raise _refuse("National codes are an object.", "national_code_invalid", "national_codes")
    for destination, code in product.national_codes.items():
        problem = national_code_problem(
            destination=str(destination), code=str(code), hs_code=product.hs_code
        )
        if problem is not None:
            raise _refuse(problem, "national_code_invalid", f"national_codes.{destination}")
    if not product.markets:
        raise _refuse("Name at least one destination market.", "markets_invalid", "markets")
    if len(set(product.markets)) != len(product.markets):
        raise _refuse("A market is named twice.", "markets_invalid", "markets")
    for index, market in enumerate(product.markets):
        if not is_country(market):
            raise _refuse(
                f"{market!r} is not an ISO 3166-1 alpha-2 country code.",
                "markets_invalid",
                f"markets.{index}",
            )


def listing_publish_problems(
    *, products: Sequence[Product], today: date, by_merchant: bool = True
) -> dict[uuid.UUID, DomainError]:
    """The first rule each of these listings breaks to be on sale, by listing id (absent:
    publishable), in the same few queries for one listing or a thousand. `by_merchant=False`
    skips the merchant's own standing (a change to a listing already on sale: a suspended
    merchant may still correct stock)."""
    if not products:
        return {}
    approved = {
        merchant.pk: merchant_is_approved(merchant=merchant)
        for merchant in {p.merchant_id: p.merchant for p in products}.values()
    }
    known = commodity_codes_known(codes={p.hs_code for p in products})
    chinese = set(
        ProductTranslation.objects.filter(
            product__in=list(products), language=Language.ZH_HANS
        ).values_list("product_id", flat=True)
    )
    certificates: dict[uuid.UUID, list[ProductCertificate]] = {}
    for certificate in ProductCertificate.objects.filter(product__in=list(products), required=True):
        certificates.setdefault(certificate.product_id, []).append(certificate)
    problems: dict[uuid.UUID, DomainError] = {}
    for product in products:
        problem = _publish_problem(
            product,
            approved=approved[product.merchant_id] or not by_merchant,
            hs_code_known=product.hs_code in known,
            has_chinese_title=product.pk in chinese,
            certificates=certificates.get(product.pk, []),
            today=today,
        )
        if problem is not None:
            problems[product.pk] = problem
    return problems


def _publish_problem(
    product: Product,
    *,
    approved: bool,
    hs_code_known: bool,
    has_chinese_title: bool,
    certificates: Sequence[ProductCertificate],
    today: date,
) -> DomainError | None:
    """What must hold for a listing to be on sale: the first rule broken, or None."""
    if not approved:
        return PermissionDenied(
            "Only an approved merchant can publish listings.", code="merchant_not_approved"
        )
    if not hs_code_known:
        return _refuse(
            f"HS code {product.hs_code} is not in the nomenclature.", "hs_code_unknown", "hs_code"
        )
    if CHINA in product.markets and not has_chinese_title:
        # Chinese buyers must be able to read what they buy: no Chinese title, no sale in China.
        return _refuse(
            "A listing for China needs a title in Simplified Chinese (zh-Hans).",
            "listing_missing_chinese_title",
            "translations.zh-Hans",
        )
    for certificate in certificates:
        if not certificate.valid_from <= today <= certificate.valid_until:
            return _refuse(
                f"The required {certificate.get_kind_display()} certificate "
                f"{certificate.number} is not valid on {today.isoformat()}.",
                "listing_certificate_invalid",
                "certificates",
            )
    return None


def _check_publishable(product: Product, *, today: date, by_merchant: bool = True) -> None:
    """Raises on the first publishing rule the listing breaks (see listing_publish_problems)."""
    problem = listing_publish_problems(
        products=[product], today=today, by_merchant=by_merchant
    ).get(product.pk)
    if problem is not None:
        raise problem


def sku_register(*, merchant: Organization, sku: str) -> None:
    """Claim a SKU for a listing or a variant; taken already is a 409. Call inside the write."""
    try:
        with transaction.atomic():
            SkuRegistration.objects.create(merchant=merchant, sku=sku)
    except IntegrityError:
        raise Conflict(f"SKU {sku!r} is already in use.", code="sku_exists", field="sku") from None


@transaction.atomic
def product_create(
    *,
    merchant: Organization,
    sku: str,
    title: str,
    hs_code: str,
    origin_country: str,
    unit_price: Decimal,
    currency: str,
    stock: int,
    weight_kg: Decimal,
    status: str = ProductStatus.DRAFT,
    description: str = "",
    brand: str = "",
    gtin: str = "",
    category: str = Category.OTHER,
    national_codes: Mapping[str, str] | None = None,
    markets: Sequence[str] | None = None,
    min_order_quantity: int = 1,
    unit_of_measure: str = UnitOfMeasure.PIECE,
    net_weight_kg: Decimal | None = None,
    length_cm: Decimal | None = None,
    width_cm: Decimal | None = None,
    height_cm: Decimal | None = None,
    translations: Sequence[TranslationRequest] = (),
    today: date | None = None,
) -> Product:
    """List a product as a draft, or publish it at once (`status="published"`) if it meets
    every publishing rule. SKUs are unique per merchant across listings and variants."""
    if merchant.kind != OrganizationKind.MERCHANT:
        raise PermissionDenied("Only merchants list products.", code="not_a_merchant")
    if status not in (ProductStatus.DRAFT, ProductStatus.PUBLISHED):
        raise DomainError(
            "A listing starts as a draft or published.", code="status_invalid", field="status"
        )
    product = Product(
        merchant=merchant,
        sku=sku,
        title=title.strip(),
        description=description.strip(),
        brand=brand.strip(),
        gtin=gtin,
        category=category,
        hs_code=hs_code,
        national_codes=dict(national_codes or {}),
        origin_country=origin_country,
        markets=list(markets) if markets is not None else [CHINA],
        unit_price=unit_price,
        currency=currency,
        min_order_quantity=min_order_quantity,
        unit_of_measure=unit_of_measure,
        stock=stock,
        weight_kg=weight_kg,
        net_weight_kg=net_weight_kg,
        length_cm=length_cm,
        width_cm=width_cm,
        height_cm=height_cm,
    )
    _check_listing(product)
    languages = [t.language for t in translations]
    if len(set(languages)) != len(languages):
        raise DomainError(
            "Each language has one translation.", code="translation_twice", field="translations"
        )
    sku_register(merchant=merchant, sku=sku)
    product.save(force_insert=True)
    for translation in translations:
        _translation_write(product=product, request=translation)
    search_documents_refresh(product_ids=[product.pk])
    if status == ProductStatus.PUBLISHED:
        product = product_publish(product=product, today=today)
    return product


@transaction.atomic
def product_update(
    *, product: Product, changes: Mapping[str, Any], today: date | None = None
) -> Product:
    """Change a listing's data. An archived listing is closed; a published one must still
    meet every publishing rule after the change."""
    unknown = sorted(set(changes) - UPDATABLE_FIELDS)
    if unknown:
        raise DomainError(
            f"{unknown[0]!r} cannot be changed.", code="field_not_updatable", field=unknown[0]
        )
    locked = Product.objects.select_for_update().select_related("merchant").get(pk=product.pk)
    if locked.status == ProductStatus.ARCHIVED:
        raise Conflict("An archived listing cannot be changed.", code="listing_archived")
    for name, value in changes.items():
        if name in ("title", "description", "brand") and isinstance(value, str):
            value = value.strip()
        if name == "markets":
            value = list(value)
        if name == "national_codes":
            value = dict(value)
        setattr(locked, name, value)
    _check_listing(locked)
    if locked.status == ProductStatus.PUBLISHED:
        _check_publishable(locked, today=today or timezone.localdate(), by_merchant=False)
    locked.updated_at = timezone.now()
    locked.save(update_fields=[*changes, "updated_at"])
    if _SEARCHED_FIELDS & set(changes):
        search_documents_refresh(product_ids=[locked.pk])
    return locked


def _translation_write(*, product: Product, request: TranslationRequest) -> ProductTranslation:
    if request.language not in Language.values:
        raise DomainError(
            f"Unknown language {request.language!r}.", code="language_invalid", field="language"
        )
    if not request.title.strip():
        raise DomainError("A translation has a title.", code="title_required", field="title")
    translation, _ = ProductTranslation.objects.update_or_create(
        product=product,
        language=request.language,
        defaults={
            "title": request.title.strip(),
            "description": request.description.strip(),
            "updated_at": timezone.now(),
        },
    )
    return translation


@transaction.atomic
def product_translation_set(
    *, product: Product, language: str, title: str, description: str = ""
) -> ProductTranslation:
    """Write a listing's title and description in one language (replacing an earlier one)."""
    locked = Product.objects.select_for_update().get(pk=product.pk)
    if locked.status == ProductStatus.ARCHIVED:
        raise Conflict("An archived listing cannot be changed.", code="listing_archived")
    translation = _translation_write(
        product=locked,
        request=TranslationRequest(language=language, title=title, description=description),
    )
    search_documents_refresh(product_ids=[locked.pk])
    return translation


def listings_move(
    *, products: Sequence[Product], to: ProductStatus, reason: str = "", today: date | None = None
) -> tuple[list[Product], dict[uuid.UUID, DomainError]]:
    """Move listings set-wise: lock them, check the transition table (and the publishing
    rules), move, audit, publish each event to its merchant. Returns the moved listings and,
    by id, why each other one was refused (those are left as they were)."""
    locked = list(
        Product.objects.select_for_update()
        .select_related("merchant")
        .filter(pk__in=[p.pk for p in products])
        .order_by("pk")
    )
    refused: dict[uuid.UUID, DomainError] = {
        p.pk: InvalidTransition(
            f"A listing that is {p.status} cannot become {to}.",
            code="listing_invalid_transition",
        )
        for p in locked
        if not p.can_move_to(to)
    }
    if to == ProductStatus.PUBLISHED:
        refused |= listing_publish_problems(
            products=[p for p in locked if p.pk not in refused],
            today=today or timezone.localdate(),
        )
    moving = [p for p in locked if p.pk not in refused]
    previous = {p.pk: p.status for p in moving}
    now = timezone.now()
    Product.objects.filter(pk__in=list(previous)).update(status=to, updated_at=now)
    ProductStatusChange.objects.bulk_create(
        ProductStatusChange(
            product=p, from_status=previous[p.pk], to_status=to, reason=reason[:500], changed_at=now
        )
        for p in moving
    )
    for product in moving:
        product.status, product.updated_at = to, now
        publish(
            type=LISTING_EVENT_FOR_STATUS[to],
            data=listing_event_data(product, from_status=previous[product.pk], reason=reason),
            recipients=[product.merchant],
        )
    return moving, refused


def _product_move(
    *, product: Product, to: ProductStatus, reason: str = "", today: date | None = None
) -> Product:
    moved, refused = listings_move(products=[product], to=to, reason=reason, today=today)
    if product.pk in refused:
        raise refused[product.pk]
    if not moved:
        raise Product.DoesNotExist
    return moved[0]


@transaction.atomic
def product_publish(*, product: Product, today: date | None = None) -> Product:
    """Put a draft on sale. Only an approved merchant publishes (403 otherwise); the HS code
    must be in the nomenclature, a listing for China needs a zh-Hans title, and every
    required certificate must be valid today."""
    return _product_move(product=product, to=ProductStatus.PUBLISHED, today=today)


@transaction.atomic
def product_unpublish(*, product: Product, reason: str = "") -> Product:
    """Take a listing off sale, back to draft (by the merchant, or when a certificate lapses)."""
    return _product_move(product=product, to=ProductStatus.DRAFT, reason=reason)


@transaction.atomic
def product_archive(*, product: Product, reason: str = "") -> Product:
    """Retire a listing for good. Its orders keep pointing at it."""
    return _product_move(product=product, to=ProductStatus.ARCHIVED, reason=reason)
