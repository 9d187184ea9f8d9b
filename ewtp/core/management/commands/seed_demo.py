"""Load the demo: merchants, partners with API keys, an officer, an admin, and each app's data.

Idempotent: a second run changes nothing and prints the same keys, because demo keys are derived
from SECRET_KEY and the organisation's slug instead of drawn at random.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from itertools import takewhile
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.crypto import salted_hmac

from customs.demo import seed_commodity_codes
from ewtp.core.management.commands._demo_tenants import (
    ALL_TENANTS,
    CARRIER_SLUG,
    MERCHANTS,
    PARTNERS,
    Person,
    Tenant,
)
from ewtp.core.management.commands.setup_roles import roles_setup
from ewtp.core.models import ApiKey, Organization, User
from ewtp.core.services import (
    api_key_issue,
    api_key_material,
    api_key_plain,
    organization_get_or_create,
)
from logistics.demo import seed_airports_and_flights
from marketplace.demo import seed_demo_campaign, seed_products
from marketplace.ecb import EcbRate, ecb_rates
from marketplace.services import exchange_rates_load


@dataclass(frozen=True)
class DemoKey:
    tenant: Tenant
    plain: str


def organization_ensure(tenant: Tenant) -> Organization:
    organization, _ = organization_get_or_create(
        slug=tenant.slug, kind=tenant.kind, name=tenant.name, country=tenant.country
    )
    if organization.kind != tenant.kind:
        raise CommandError(
            f"Organisation {tenant.slug!r} exists as {organization.kind!r}, not {tenant.kind!r}."
        )
    wanted = {
        "name": tenant.name,
        "country": tenant.country,
        "vat_number": tenant.vat_number,
        "eori": tenant.eori,
    }
    changed = [field for field, value in wanted.items() if getattr(organization, field) != value]
    for field in changed:
        setattr(organization, field, wanted[field])
    if changed:
        organization.save(update_fields=changed)
    return organization


def user_ensure(person: Person, organization: Organization) -> User:
    user = User.objects.filter(username=person.username).first()
    if user is None:
        # The password is set only when the user is created: hashing is the slow part of a
        # reseed, and a password someone changed on purpose is left alone.
        user = User(username=person.username, password=make_password(person.password))
    wanted: dict[str, Any] = {
        "organization": organization,
        "role": person.role,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": f"{person.username}@{organization.slug}.example",
        "is_staff": person.is_staff,
        "is_superuser": person.is_superuser,
    }
    changed = [field for field, value in wanted.items() if getattr(user, field) != value]
    for field in changed:
        setattr(user, field, wanted[field])
    if user._state.adding:
        user.save()
    elif changed:
        user.save(update_fields=changed)
    if person.groups:
        user.groups.add(*Group.objects.filter(name__in=person.groups))
    return user


def demo_key_ensure(tenant: Tenant, organization: Organization) -> DemoKey:
    """The partner's demo key: derived from SECRET_KEY, so it is the same on every run."""
    seed = salted_hmac("ewtp.seed_demo.api_key", tenant.slug, algorithm="sha256").digest()
    prefix, secret = api_key_material(seed=seed)
    existing = ApiKey.objects.filter(prefix=prefix).first()
    if (
        existing is not None
        and existing.organization_id == organization.pk
        and existing.is_usable
        and existing.scopes == sorted(tenant.scopes)
    ):
        return DemoKey(tenant, api_key_plain(prefix=prefix, secret=secret))
    if existing is not None:
        # Revoked in the admin, or its scopes changed in code: replace it under the same value
        # so the key in the README keeps working.
        existing.delete()
    _, plain = api_key_issue(
        organization=organization, name="Demo key", scopes=list(tenant.scopes), seed=seed
    )
    return DemoKey(tenant, plain)


def recent_ecb_rates(*, days: int) -> Iterator[EcbRate]:
    """The bundled file's newest `days` days of rates (the file lists the newest first)."""
    rates = ecb_rates()
    newest = next(rates, None)
    if newest is None:
        return
    yield newest
    yield from takewhile(lambda rate: rate.date >= newest.date - timedelta(days=days), rates)


def summary(base_url: str, keys: list[DemoKey], seconds: float) -> str:
    base = base_url.rstrip("/")
    logins = [(t, p) for t in ALL_TENANTS for p in t.people]
    width = max(len(p.username) for _, p in logins)
    lines = [
        "",
        f"eWTP demo data is ready ({seconds:.1f} s).",
        "",
        f"  Merchant portal   {base}/",
        f"  Officers' admin   {base}/admin/",
        f"  API docs          {base}/api/v1/schema/swagger/   (ReDoc: {base}/api/v1/schema/redoc/)",
        "",
        "Demo sign-ins (demo passwords, set when each user is first created):",
    ]
    lines += [f"  {p.username:<{width}}  {p.password:<20} {t.name} ({p.role})" for t, p in logins]
    lines += ["", "Demo API keys (send as 'Authorization: Bearer <key>'):"]
    for key in keys:
        lines.append(f"  {key.tenant.slug} ({key.tenant.kind}): {', '.join(key.tenant.scopes)}")
        lines.append(f"      {key.plain}")
    lines += ["", f"Try: curl -H 'Authorization: Bearer {keys[0].plain}' {base}/api/v1/me/", ""]
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Load the demo tenants, users, API keys and sample data (idempotent, local only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even where settings forbid demo data (a throwaway demo deployment only).",
        )
        parser.add_argument("--base-url", default="http://127.0.0.1:8000", help="For the summary")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_DATA_ALLOWED and not options["force"]:
            raise CommandError(
                "seed_demo creates users with published passwords and known API keys; these "
                "settings do not allow demo data. Use --force only on a throwaway demo deployment."
            )
        started = time.monotonic()
        with transaction.atomic():
            roles_setup()
            organizations = {t.slug: organization_ensure(t) for t in ALL_TENANTS}
            for tenant in ALL_TENANTS:
                for person in tenant.people:
                    user_ensure(person, organizations[tenant.slug])
            keys = [demo_key_ensure(t, organizations[t.slug]) for t in PARTNERS]
            seed_products({t.slug: organizations[t.slug] for t in MERCHANTS})
            seed_commodity_codes()
            seed_airports_and_flights(organizations[CARRIER_SLUG], days=14)
            # Orders and quotes in the buyer's currency need an ECB rate; the daily beat job
            # loads them all, this the newest two months so a fresh demo works at once.
            exchange_rates_load(rates=recent_ecb_rates(days=60))
            seed_demo_campaign()
        self.stdout.write(summary(options["base_url"], keys, time.monotonic() - started))
