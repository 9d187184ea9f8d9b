"""Listings: a merchant's product with its cross-border data, translations, variants, price
tiers and certificates. Data and the invariants of one row."""

from __future__ import annotations

import uuid

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone

from ewtp.core.models import Organization
from ewtp.core.money import Money

HS_CODE_PATTERN = r"^[0-9]{6}$"
COUNTRY_PATTERN = r"^[A-Z]{2}$"
CURRENCY_PATTERN = r"^[A-Z]{3}$"


class ProductStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


# Every move a listing may make. Anything else is an InvalidTransition (409). Archived is final:
# orders keep pointing at the row, so it is never deleted or revived.
PRODUCT_TRANSITIONS: dict[str, frozenset[str]] = {
    ProductStatus.DRAFT: frozenset({ProductStatus.PUBLISHED, ProductStatus.ARCHIVED}),
    ProductStatus.PUBLISHED: frozenset({ProductStatus.DRAFT, ProductStatus.ARCHIVED}),
    ProductStatus.ARCHIVED: frozenset(),
}


class Language(models.TextChoices):
    """The languages a listing is written in (BCP 47 tags)."""

    EN = "en", "English"
    ZH_HANS = "zh-Hans", "Chinese (Simplified)"
    FR = "fr", "French"
    NL = "nl", "Dutch"
    DE = "de", "German"


class UnitOfMeasure(models.TextChoices):
    PIECE = "piece", "Piece"
    PACK = "pack", "Pack"
    BOX = "box", "Box"
    BOTTLE = "bottle", "Bottle"
    JAR = "jar", "Jar"
    PAIR = "pair", "Pair"
    SET = "set", "Set"
    KILOGRAM = "kg", "Kilogram"
    LITRE = "l", "Litre"


class Category(models.TextChoices):
    """A shopper's category; customs classifies by HS code, buyers browse by these."""

    CHOCOLATE = "chocolate", "Chocolate and confectionery"
    BAKERY = "bakery", "Biscuits, waffles and bakery"
    BEVERAGES = "beverages", "Beer, wine and beverages"
    COFFEE_TEA = "coffee_tea", "Coffee and tea"
    DAIRY = "dairy", "Cheese and dairy"
    GROCERY = "grocery", "Grocery"
    COSMETICS = "cosmetics", "Cosmetics and skin care"
    JEWELLERY = "jewellery", "Diamonds and jewellery"
    FASHION = "fashion", "Fashion and accessories"
    HOME = "home", "Home and living"
    OTHER = "other", "Other"


class CertificateKind(models.TextChoices):
    # GACC Decree 248: overseas manufacturers of food exported to China are registered.
    GACC_REGISTRATION = "gacc_registration", "GACC registration (food manufacturer)"
    HEALTH_CERTIFICATE = "health_certificate", "Official health certificate"
    ORGANIC = "organic", "Organic (EU 2018/848)"
    HALAL = "halal", "Halal"
    KOSHER = "kosher", "Kosher"
    FAIRTRADE = "fairtrade", "Fairtrade"
    # Rough diamonds travel with a Kimberley Process certificate; polished ones with a warranty.
    KIMBERLEY_PROCESS = "kimberley_process", "Kimberley Process"
    # China's NMPA: imported ordinary cosmetics are filed before sale.
    NMPA_FILING = "nmpa_filing", "NMPA cosmetics filing"
    CCC = "ccc", "China Compulsory Certification (CCC)"
    OTHER = "other", "Other"


def default_markets() -> list[str]:
    # The platform's buyers are in China; a merchant selling elsewhere says so.
    return ["CN"]


class ProductQuerySet(models.QuerySet["Product"]):
    def for_merchant(self, merchant: Organization) -> ProductQuerySet:
        return self.filter(merchant=merchant)

    def published(self) -> ProductQuerySet:
        return self.filter(status=ProductStatus.PUBLISHED)


class Product(models.Model):
    """A merchant's listing. The SKU is the merchant's own; stock is what can still be sold.

    `title` and `description` are the listing's own text (the merchant's working language,
    usually English); `translations` hold it per language. `search_vector` and `search_titles`
    are derived from both by the services (see marketplace.search) and never written by hand.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    merchant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="products")
    sku = models.CharField(max_length=64)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    brand = models.CharField(max_length=100, blank=True, default="")
    gtin = models.CharField(max_length=14, blank=True, default="", help_text="GTIN-8/12/13/14")
    category = models.CharField(max_length=32, choices=Category.choices, default=Category.OTHER)
    hs_code = models.CharField(max_length=6, help_text="Harmonized System subheading, 6 digits")
    national_codes = models.JSONField(
        default=dict,
        blank=True,
        help_text='Per destination: {"CN": 10 digits, "EU": CN 8 or TARIC 10 digits}',
    )
    origin_country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2")
    markets = ArrayField(
        models.CharField(max_length=2),
        default=default_markets,
        help_text="Destination countries the listing is offered in (ISO 3166-1 alpha-2)",
    )
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    min_order_quantity = models.PositiveIntegerField(default=1)
    unit_of_measure = models.CharField(
        max_length=8, choices=UnitOfMeasure.choices, default=UnitOfMeasure.PIECE
    )
    stock = models.IntegerField(default=0)
    weight_kg = models.DecimalField(
        max_digits=9, decimal_places=3, help_text="Gross weight of one unit, packed"
    )
    net_weight_kg = models.DecimalField(max_digits=9, decimal_places=3, null=True, blank=True)
    length_cm = models.DecimalField(max_digits=7, decimal_places=1, null=True, blank=True)
    width_cm = models.DecimalField(max_digits=7, decimal_places=1, null=True, blank=True)
    height_cm = models.DecimalField(max_digits=7, decimal_places=1, null=True, blank=True)
    # The kinds of certificate valid today (maintained from ProductCertificate for search facets).
    certifications = ArrayField(models.CharField(max_length=32), default=list, blank=True)
    status = models.CharField(
        max_length=16, choices=ProductStatus.choices, default=ProductStatus.DRAFT
    )
    search_vector = SearchVectorField(null=True, editable=False)
    search_titles = models.TextField(default="", editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "sku"], name="product_sku_per_merchant"),
            models.CheckConstraint(condition=models.Q(stock__gte=0), name="product_stock_gte_0"),
            models.CheckConstraint(
                condition=models.Q(unit_price__gt=0), name="product_unit_price_gt_0"
            ),
            models.CheckConstraint(condition=models.Q(weight_kg__gt=0), name="product_weight_gt_0"),
            models.CheckConstraint(
                condition=models.Q(net_weight_kg__isnull=True)
                | models.Q(net_weight_kg__gt=0, net_weight_kg__lte=models.F("weight_kg")),
                name="product_net_weight_within_gross",
            ),
            models.CheckConstraint(
                condition=models.Q(min_order_quantity__gte=1), name="product_moq_gte_1"
            ),
            models.CheckConstraint(
                condition=models.Q(hs_code__regex=HS_CODE_PATTERN), name="product_hs_code_6_digits"
            ),
            models.CheckConstraint(
                condition=models.Q(origin_country__regex=COUNTRY_PATTERN),
                name="product_origin_country_iso",
            ),
            models.CheckConstraint(
                condition=models.Q(currency__regex=CURRENCY_PATTERN), name="product_currency_iso"
            ),
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="product_search_vector"),
            # pg_trgm: substring and fuzzy matching of every title, Chinese included.
            GinIndex(
                fields=["search_titles"], opclasses=["gin_trgm_ops"], name="product_search_trgm"
            ),
            GinIndex(fields=["certifications"], name="product_certifications"),
            # The search's base set: published listings, newest first, per filter.
            models.Index(
                fields=["origin_country", "unit_price"],
                name="product_published_origin",
                condition=models.Q(status=ProductStatus.PUBLISHED),
            ),
            models.Index(
                fields=["-created_at", "id"],
                name="product_published_newest",
                condition=models.Q(status=ProductStatus.PUBLISHED),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.title}"

    @property
    def price(self) -> Money:
        return Money(self.unit_price, self.currency)

    def can_move_to(self, status: str) -> bool:
        return status in PRODUCT_TRANSITIONS[self.status]


class SkuRegistration(models.Model):
    """One row per SKU a merchant uses, for a product or a variant: the database's guarantee
    that a SKU names exactly one thing the merchant sells, across both tables."""

    merchant = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    sku = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["merchant", "sku"], name="sku_registration_unique")
        ]

    def __str__(self) -> str:
        return self.sku


class ProductTranslation(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=8, choices=Language.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["product_id", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "language"], name="product_translation_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.language}: {self.title}"


class ProductVariant(models.Model):
    """A sellable version of a listing (a size, a flavour) with its own SKU and stock; the
    listing's price applies unless the variant overrides it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    merchant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    sku = models.CharField(max_length=64)
    attributes = models.JSONField(default=dict, help_text='e.g. {"size": "500 g"}')
    unit_price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    stock = models.IntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["product_id", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "sku"], name="variant_sku_per_merchant"),
            models.CheckConstraint(condition=models.Q(stock__gte=0), name="variant_stock_gte_0"),
            models.CheckConstraint(
                condition=models.Q(unit_price__isnull=True) | models.Q(unit_price__gt=0),
                name="variant_unit_price_gt_0",
            ),
        ]

    def __str__(self) -> str:
        return self.sku


class ProductPriceTier(models.Model):
    """From `min_quantity` units on a line, each unit costs `unit_price`."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="price_tiers")
    min_quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["product_id", "min_quantity"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "min_quantity"], name="price_tier_per_quantity"
            ),
            models.CheckConstraint(
                condition=models.Q(min_quantity__gte=2), name="price_tier_min_quantity_gte_2"
            ),
            models.CheckConstraint(
                condition=models.Q(unit_price__gt=0), name="price_tier_unit_price_gt_0"
            ),
        ]

    def __str__(self) -> str:
        return f"≥{self.min_quantity}: {self.unit_price}"


class ProductCertificate(models.Model):
    """A certificate the goods carry. A required one that is not valid today keeps the listing
    off sale (see marketplace.services.certificates)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="certificates")
    kind = models.CharField(max_length=32, choices=CertificateKind.choices)
    number = models.CharField(max_length=100)
    issuer = models.CharField(max_length=200)
    valid_from = models.DateField()
    valid_until = models.DateField()
    required = models.BooleanField(
        default=True, help_text="The listing may only be on sale while this certificate is valid"
    )
    expiry_warned_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["product_id", "valid_until"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "kind", "number"], name="certificate_once_per_product"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")),
                name="certificate_validity_ordered",
            ),
        ]
        indexes = [models.Index(fields=["valid_until"], name="certificate_valid_until")]

    def __str__(self) -> str:
        return f"{self.kind} {self.number}"


class ProductStatusChange(models.Model):
    """The audit trail of a listing: one row per move, never changed afterwards."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=ProductStatus.choices)
    to_status = models.CharField(max_length=16, choices=ProductStatus.choices)
    reason = models.CharField(max_length=500, blank=True)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"
