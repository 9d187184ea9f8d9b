"""Who is in the demo: Belgian SME merchants, the partners they trade through, and the officers.

The names are invented; the identifiers are real in form. Belgian VAT numbers are computed, not
typed, so they pass the mod-97 check that customs and the VIES service apply.
"""

from __future__ import annotations

from dataclasses import dataclass

from ewtp.core.management.commands.setup_roles import CUSTOMS_OFFICERS, PLATFORM_STAFF
from ewtp.core.models import OrganizationKind, UserRole
from ewtp.core.scopes import Scope

# Fixed so the README can print them; seed_demo refuses to run under production settings.
MERCHANT_PASSWORD = "demo-merchant-pass"  # noqa: S105
OFFICER_PASSWORD = "demo-officer-pass"  # noqa: S105
ADMIN_PASSWORD = "demo-admin-pass"  # noqa: S105


def belgian_vat(first_eight: str) -> str:
    """BE + ten digits whose last two are 97 - (first eight mod 97), the Belgian VAT check."""
    if len(first_eight) != 8 or not first_eight.isdigit() or first_eight[0] not in "01":
        raise ValueError("A Belgian enterprise number starts with 0 or 1 and has 8 digits here.")
    return f"BE{first_eight}{97 - int(first_eight) % 97:02d}"


@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str
    role: str
    password: str
    is_staff: bool = False
    is_superuser: bool = False
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class Tenant:
    slug: str
    name: str
    kind: str
    country: str = "BE"
    enterprise_number: str | None = None  # the first eight digits of a Belgian VAT number
    scopes: tuple[str, ...] = ()  # a demo API key with these scopes, if any
    people: tuple[Person, ...] = ()

    @property
    def vat_number(self) -> str:
        return belgian_vat(self.enterprise_number) if self.enterprise_number else ""

    @property
    def eori(self) -> str:
        # Belgium issues EORI numbers as BE plus the ten-digit enterprise number: the VAT number.
        return self.vat_number


def _merchant(slug: str, name: str, enterprise_number: str, admin: str) -> Tenant:
    """A merchant organisation with one admin user, named `first.last`."""
    first, last = admin.split(" ", 1)
    username = f"{first}.{last.replace(' ', '')}".lower()
    person = Person(username, first, last, UserRole.ADMIN, MERCHANT_PASSWORD)
    return Tenant(
        slug=slug,
        name=name,
        kind=OrganizationKind.MERCHANT,
        enterprise_number=enterprise_number,
        people=(person,),
    )


MERCHANTS: tuple[Tenant, ...] = (
    _merchant("chocolatier-bruges", "Chocolaterie Van Acker BV", "04567812", "Lotte Van Acker"),
    _merchant("brasserie-namur", "Brasserie du Confluent SRL", "07123456", "Julien Lambert"),
    _merchant("gaufres-liege", "Gaufres Lambotte SRL", "08345678", "Sophie Lambotte"),
    _merchant("cosmetiques-bruxelles", "Cosmétiques du Sablon SA", "04891234", "Amelie Dubois"),
    _merchant("antwerp-diamonds", "Antwerp Diamond Atelier NV", "05123987", "Ruben Peeters"),
)

CARRIER_SLUG = "meuse-air-cargo"

# Each partner's key carries only what its kind of partner does on the platform.
PARTNERS: tuple[Tenant, ...] = (
    Tenant(
        "silkroad-market",
        "Silk Road Market",
        OrganizationKind.MARKETPLACE,
        country="CN",
        scopes=(
            Scope.CATALOG_READ,
            Scope.CATALOG_WRITE,
            Scope.ORDERS_READ,
            Scope.ORDERS_WRITE,
            Scope.CAMPAIGNS_READ,
            Scope.DECLARATIONS_READ,
            Scope.SHIPMENTS_READ,
            Scope.TRACKING_READ,
            Scope.WEBHOOKS_MANAGE,
        ),
    ),
    Tenant(
        "lotuspay",
        "LotusPay",
        OrganizationKind.PAYMENT_PROVIDER,
        country="CN",
        scopes=(Scope.ORDERS_READ, Scope.PAYMENTS_WRITE, Scope.WEBHOOKS_MANAGE),
    ),
    Tenant(
        CARRIER_SLUG,
        "Meuse Air Cargo",
        OrganizationKind.CARRIER,
        enterprise_number="06234519",
        scopes=(
            Scope.SHIPMENTS_READ,
            Scope.SHIPMENTS_WRITE,
            Scope.TRACKING_READ,
            Scope.TRACKING_WRITE,
            Scope.WEBHOOKS_MANAGE,
        ),
    ),
    Tenant(
        "lgg-cargo-handling",
        "Liège Airport Cargo Handling",
        OrganizationKind.GROUND_HANDLER,
        enterprise_number="07456123",
        scopes=(
            Scope.SHIPMENTS_READ,
            Scope.TRACKING_READ,
            Scope.TRACKING_WRITE,
            Scope.WEBHOOKS_MANAGE,
        ),
    ),
    Tenant(
        "flanders-trade-promotion",  # marketplace.demo.DEMO_AGENCY_SLUG runs its campaign
        "Flanders Trade Promotion",
        OrganizationKind.TRADE_AGENCY,
        enterprise_number="02895467",
        scopes=(Scope.CATALOG_READ, Scope.CAMPAIGNS_READ, Scope.CAMPAIGNS_WRITE),
    ),
    Tenant(
        "brussels-customs-brokers",
        "Brussels Customs Brokers",
        OrganizationKind.CUSTOMS_BROKER,
        enterprise_number="04312987",
        scopes=(
            Scope.DECLARATIONS_READ,
            Scope.DECLARATIONS_WRITE,
            Scope.ORDERS_READ,
            Scope.SHIPMENTS_READ,
            Scope.WEBHOOKS_MANAGE,
        ),
    ),
)

AUTHORITIES: tuple[Tenant, ...] = (
    Tenant(
        "customs-liege-airport",
        "Belgian Customs — Liège Airport",
        OrganizationKind.CUSTOMS_AUTHORITY,
        people=(
            Person(
                "officer.liege",
                "Nathalie",
                "Renard",
                UserRole.OFFICER,
                OFFICER_PASSWORD,
                is_staff=True,
                groups=(CUSTOMS_OFFICERS,),
            ),
        ),
    ),
    Tenant(
        "ewtp-platform",
        "eWTP Platform Operations",
        OrganizationKind.PLATFORM,
        people=(
            Person(
                "admin",
                "Platform",
                "Administrator",
                UserRole.STAFF,
                ADMIN_PASSWORD,
                is_staff=True,
                is_superuser=True,
                groups=(PLATFORM_STAFF,),
            ),
        ),
    ),
)

ALL_TENANTS: tuple[Tenant, ...] = MERCHANTS + PARTNERS + AUTHORITIES
