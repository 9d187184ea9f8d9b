"""Demo merchants and their catalogue: Belgian goods that sell to China, with their real HS
subheadings, Chinese titles, and merchant profiles complete enough for staff to approve."""

# Chinese titles are written with Chinese full-width punctuation, as Chinese buyers read them.
# ruff: noqa: RUF001

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from customs.demo import seed_commodity_codes
from ewtp.core.models import Organization
from marketplace.identifiers import eori_problem, vat_problem
from marketplace.models import (
    Category,
    CertificateKind,
    Language,
    MerchantProfile,
    MerchantStatus,
    ProductCertificate,
    ProductStatus,
)
from marketplace.selectors import merchant_profile_of, product_find_by_sku
from marketplace.services import (
    TranslationRequest,
    merchant_approve,
    merchant_contact_add,
    merchant_profile_create,
    merchant_profile_update,
    merchant_reinstate,
    merchant_review_start,
    product_certificate_add,
    product_create,
    product_publish,
    product_translation_set,
    product_update,
)

DEMO_REASON = "Demo merchant: company, customs and bank documents checked."


@dataclass(frozen=True, slots=True)
class DemoMerchant:
    legal_name: str
    street_address: str
    postal_code: str
    city: str
    vat_number: str  # used when the organisation has none (seed_demo gives it the same)
    iban: str
    bic: str
    contact: str
    role: str
    category: str


@dataclass(frozen=True, slots=True)
class DemoProduct:
    sku: str
    title: str
    hs_code: str
    unit_price: str
    weight_kg: str
    stock: int
    title_zh: str = ""
    gtin: str = ""
    certificate: str = ""  # a CertificateKind the goods need for China


DEMO_MERCHANTS: dict[str, DemoMerchant] = {
    "chocolatier-bruges": DemoMerchant(
        "Chocolaterie Van Acker BV",
        "Wollestraat 12",
        "8000",
        "Brugge",
        "BE0456781215",
        "BE71096123456769",
        "GKCCBEBB",
        "Lotte Van Acker",
        "Managing director",
        Category.CHOCOLATE,
    ),
    "brasserie-namur": DemoMerchant(
        "Brasserie du Confluent SRL",
        "Rue de la Brasserie 5",
        "5000",
        "Namur",
        "BE0712345630",
        "BE55068234567144",
        "GKCCBEBB",
        "Julien Lambert",
        "Gérant",
        Category.BEVERAGES,
    ),
    "gaufres-liege": DemoMerchant(
        "Gaufres Lambotte SRL",
        "Place du Marché 21",
        "4000",
        "Liège",
        "BE0834567808",
        "BE62001456781261",
        "GEBABEBB",
        "Sophie Lambotte",
        "Gérante",
        Category.BAKERY,
    ),
    "cosmetiques-bruxelles": DemoMerchant(
        "Cosmétiques du Sablon SA",
        "Rue des Minimes 40",
        "1000",
        "Bruxelles",
        "BE0489123488",
        "BE41363712345610",
        "BBRUBEBB",
        "Amelie Dubois",
        "Administratrice déléguée",
        Category.COSMETICS,
    ),
    "antwerp-diamonds": DemoMerchant(
        "Antwerp Diamond Atelier NV",
        "Hoveniersstraat 30",
        "2018",
        "Antwerpen",
        "BE0512398738",
        "BE69310834567878",
        "KREDBEBB",
        "Ruben Peeters",
        "Zaakvoerder",
        Category.JEWELLERY,
    ),
}

DEMO_CATALOGUE: dict[str, tuple[DemoProduct, ...]] = {
    "chocolatier-bruges": (
        DemoProduct(
            "PRL-ASSORT-250",
            "Assorted pralines, box of 20 (250 g)",
            "180690",
            "24.50",
            "0.350",
            400,
            "什锦果仁糖巧克力礼盒，20颗装（250克）",
            "5412345000013",
            CertificateKind.GACC_REGISTRATION,
        ),
        DemoProduct(
            "PRL-BALLOTIN-500",
            "Ballotin of hand-made pralines (500 g)",
            "180690",
            "42.00",
            "0.620",
            250,
            "手工果仁糖巧克力礼盒（500克）",
            "5412345000020",
            CertificateKind.GACC_REGISTRATION,
        ),
        DemoProduct(
            "TRF-CHAMPAGNE-200",
            "Champagne truffles (200 g)",
            "180690",
            "19.90",
            "0.280",
            300,
            "香槟松露巧克力（200克）",
            "5412345000037",
            CertificateKind.GACC_REGISTRATION,
        ),
    ),
    "brasserie-namur": (
        DemoProduct(
            "TRIPEL-33-6",
            "Abbey tripel 8.5 %, 6 x 33 cl",
            "220300",
            "14.90",
            "2.400",
            600,
            "修道院三料啤酒 8.5%，33厘升×6瓶",
            "5412346000012",
        ),
        DemoProduct(
            "DUBBEL-75",
            "Dubbel 7 %, 75 cl corked bottle",
            "220300",
            "8.50",
            "1.300",
            500,
            "双料啤酒 7%，75厘升软木塞瓶装",
            "5412346000029",
        ),
    ),
    "gaufres-liege": (
        DemoProduct(
            "GAUFRE-LIEGE-10",
            "Liège sugar waffles, pack of 10",
            "190532",
            "12.90",
            "0.900",
            800,
            "列日珍珠糖华夫饼，10个装",
            "5412347000011",
        ),
        DemoProduct(
            "GAUFRETTE-VAN-250",
            "Vanilla wafers (250 g)",
            "190532",
            "5.90",
            "0.300",
            800,
            "香草威化饼（250克）",
            "5412347000028",
        ),
    ),
    "cosmetiques-bruxelles": (
        DemoProduct(
            "SERUM-VITC-30",
            "Vitamin C face serum, 30 ml",
            "330499",
            "34.00",
            "0.120",
            350,
            "维生素C精华液，30毫升",
            "5412348000010",
            CertificateKind.NMPA_FILING,
        ),
        DemoProduct(
            "CREME-NUIT-50",
            "Night cream with Belgian hops extract, 50 ml",
            "330499",
            "39.00",
            "0.180",
            350,
            "比利时啤酒花提取物晚霜，50毫升",
            "5412348000027",
            CertificateKind.NMPA_FILING,
        ),
    ),
    "antwerp-diamonds": (
        # Small stones only: China's CBEC single-purchase limit is CNY 5,000.
        DemoProduct(
            "DIA-RB-010-FVS2",
            "Polished diamond, round brilliant 0.10 ct F VS2",
            "710239",
            "220.00",
            "0.050",
            40,
            "圆形明亮式切工钻石 0.10克拉 F色 VS2",
            "5412349000019",
        ),
    ),
}


def _profile_data(merchant: Organization, demo: DemoMerchant) -> dict[str, str]:
    vat = (
        merchant.vat_number if merchant.vat_number and not vat_problem(merchant.vat_number) else ""
    )
    eori = merchant.eori if merchant.eori and not eori_problem(merchant.eori) else ""
    # Belgium's EORI number is BE + the enterprise number, i.e. the VAT number.
    return {
        "legal_name": demo.legal_name,
        "street_address": demo.street_address,
        "postal_code": demo.postal_code,
        "city": demo.city,
        "country": "BE",
        "vat_number": vat or demo.vat_number,
        "eori": eori or vat or demo.vat_number,
        "bank_account_holder": demo.legal_name,
        "iban": demo.iban,
        "bic": demo.bic,
    }


def _ensure_approved(profile: MerchantProfile) -> None:
    if profile.status == MerchantStatus.APPLICATION:
        profile = merchant_review_start(profile=profile, by=None, reason=DEMO_REASON)
    if profile.status == MerchantStatus.UNDER_REVIEW:
        merchant_approve(profile=profile, by=None, reason=DEMO_REASON)
    elif profile.status == MerchantStatus.SUSPENDED:
        merchant_reinstate(profile=profile, by=None, reason=DEMO_REASON)


@transaction.atomic
def seed_merchant_profiles(merchants: dict[str, Organization]) -> None:
    """Give each demo merchant a complete profile, a signed-off contact, and approve it.
    Run it twice, get it once; a profile someone rejected stays rejected."""
    for slug, demo in DEMO_MERCHANTS.items():
        merchant = merchants.get(slug)
        if merchant is None:
            continue
        data = _profile_data(merchant, demo)
        profile = merchant_profile_of(merchant=merchant)
        if profile is None:
            profile = merchant_profile_create(organization=merchant, data=data)
        elif any(getattr(profile, name) != value for name, value in data.items()):
            profile = merchant_profile_update(profile=profile, data=data)
        if not profile.contacts.filter(signed_off_at__isnull=False).exists():
            first, _, last = demo.contact.partition(" ")
            merchant_contact_add(
                profile=profile,
                name=demo.contact,
                role=demo.role,
                email=f"{first}.{last.replace(' ', '')}@{slug}.example".lower(),
                signed_off_at=timezone.now(),
            )
        _ensure_approved(profile)


def _certificate_number(item: DemoProduct) -> str:
    return f"{item.certificate.upper()[:4]}-{item.sku}"


def _seed_product(merchant: Organization, demo: DemoMerchant, item: DemoProduct) -> None:
    today = timezone.localdate()
    product = product_find_by_sku(merchant=merchant, sku=item.sku)
    if product is None:
        product = product_create(
            merchant=merchant,
            sku=item.sku,
            title=item.title,
            hs_code=item.hs_code,
            origin_country="BE",
            unit_price=Decimal(item.unit_price),
            currency="EUR",
            stock=item.stock,
            weight_kg=Decimal(item.weight_kg),
            brand=demo.legal_name.rsplit(" ", 1)[0],
            gtin=item.gtin,
            category=demo.category,
            translations=[TranslationRequest(Language.ZH_HANS, item.title_zh)],
        )
    else:
        # A catalogue seeded before listings had these fields catches up (the Chinese title
        # first: a change to a listing on sale for China is checked against it).
        if product.status != ProductStatus.ARCHIVED:
            if not product.translations.filter(language=Language.ZH_HANS).exists():
                product_translation_set(
                    product=product, language=Language.ZH_HANS, title=item.title_zh
                )
            wanted = {"category": demo.category, "gtin": item.gtin}
            changes = {k: v for k, v in wanted.items() if getattr(product, k) != v}
            if changes:
                product = product_update(product=product, changes=changes)
    if (
        item.certificate
        and product.status != ProductStatus.ARCHIVED
        and not ProductCertificate.objects.filter(product=product, kind=item.certificate).exists()
    ):
        product_certificate_add(
            product=product,
            kind=item.certificate,
            number=_certificate_number(item),
            issuer="GACC" if item.certificate == CertificateKind.GACC_REGISTRATION else "NMPA",
            valid_from=today - timedelta(days=365),
            valid_until=today + timedelta(days=3 * 365),
        )
    if product.status == ProductStatus.DRAFT:
        product_publish(product=product)


@transaction.atomic
def seed_products(merchants: dict[str, Organization]) -> None:
    """Approve the demo merchants (seed_merchant_profiles) and publish the demo catalogue for
    whichever of them are given. Run it twice, get it once."""
    seed_merchant_profiles(merchants)
    # Publishing checks HS codes against customs' nomenclature; seed_demo seeds it after us.
    seed_commodity_codes()
    for slug, products in DEMO_CATALOGUE.items():
        merchant = merchants.get(slug)
        if merchant is None:
            continue
        for item in products:
            _seed_product(merchant, DEMO_MERCHANTS[slug], item)


# --- a demo trade-promotion campaign

DEMO_AGENCY_SLUG = "flanders-trade-promotion"
DEMO_CAMPAIGN_NAME = "Belgian Chocolate Fortnight"


@transaction.atomic
def seed_demo_campaign() -> None:
    """A trade agency's active campaign in China: 10 % off the published chocolate listings
    offered there, funded by the agency, for two weeks from today. Run it twice, get it once."""
    # Imported here so that this section stays self-contained at the end of the module.
    from ewtp.core.models import OrganizationKind
    from ewtp.core.services import organization_get_or_create
    from marketplace.models import Campaign, CampaignStatus, DiscountFunder, DiscountKind, Product
    from marketplace.services.campaigns import (
        campaign_activate,
        campaign_create,
        campaign_listing_add,
    )

    agency, _ = organization_get_or_create(
        slug=DEMO_AGENCY_SLUG,
        kind=OrganizationKind.TRADE_AGENCY,
        name="Flanders Trade Promotion",
    )
    if Campaign.objects.filter(agency=agency, name=DEMO_CAMPAIGN_NAME).exists():
        return
    chocolate = Product.objects.published().filter(
        category=Category.CHOCOLATE, markets__contains=["CN"]
    )
    if not chocolate.exists():
        return
    today = timezone.now().date()
    campaign = campaign_create(
        agency=agency,
        name=DEMO_CAMPAIGN_NAME,
        description="Belgian pralines and bars, 10 % off for buyers in China.",
        destination_country="CN",
        starts_on=today,
        ends_on=today + timedelta(days=13),
        discount_kind=DiscountKind.PERCENTAGE,
        discount_value=Decimal("10.00"),
        funded_by=DiscountFunder.AGENCY,
    )
    for listing in chocolate.order_by("sku"):
        campaign_listing_add(campaign=campaign, listing_id=listing.pk)
    if campaign.status == CampaignStatus.DRAFT:
        campaign_activate(campaign=campaign)
