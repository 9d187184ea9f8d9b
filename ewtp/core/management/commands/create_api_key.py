"""Issue a partner API key from the command line; the plain key is the last line of stdout.

Scripts read the key with `tail -n 1`, so nothing may be printed after it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from ewtp.core.errors import DomainError
from ewtp.core.models import Organization, OrganizationKind
from ewtp.core.scopes import ALL_SCOPES
from ewtp.core.services import api_key_issue, organization_get_or_create


class Command(BaseCommand):
    help = (
        "Issue an API key for an organisation (created with --kind if it does not exist). "
        "The key is printed once, alone on the last line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("org_slug", help="The organisation's slug, e.g. silkroad-market")
        parser.add_argument(
            "--kind",
            required=True,
            help=f"The kind of organisation: {', '.join(OrganizationKind.values)}",
        )
        parser.add_argument(
            "--scope",
            dest="scopes",
            action="append",
            required=True,
            help="A scope the key grants; repeat for more. Known: " + ", ".join(sorted(ALL_SCOPES)),
        )
        parser.add_argument("--name", help="A label shown in lists (default: '<slug> key')")
        parser.add_argument("--expires-in-days", type=int, help="Expire the key after N days")

    def handle(self, *args: Any, **options: Any) -> None:
        slug: str = options["org_slug"]
        kind: str = options["kind"]
        scopes: list[str] = options["scopes"]
        days: int | None = options["expires_in_days"]
        # Everything is checked before the first write so a typo leaves the database untouched.
        if kind not in OrganizationKind.values:
            raise CommandError(
                f"Unknown kind {kind!r}. Choose one of: {', '.join(OrganizationKind.values)}."
            )
        unknown = sorted(set(scopes) - ALL_SCOPES)
        if unknown:
            raise CommandError(
                f"Unknown scope(s): {', '.join(unknown)}. "
                f"Known scopes: {', '.join(sorted(ALL_SCOPES))}."
            )
        if days is not None and days <= 0:
            raise CommandError("--expires-in-days must be a positive number of days.")
        existing = Organization.objects.filter(slug=slug).first()
        if existing is not None and existing.kind != kind:
            raise CommandError(
                f"Organisation {slug!r} exists as {existing.kind!r}, not {kind!r}; "
                "a key cannot change what kind of partner it speaks for."
            )
        expires_at = timezone.now() + timedelta(days=days) if days is not None else None
        try:
            with transaction.atomic():
                organization, created = organization_get_or_create(slug=slug, kind=kind)
                key, plain = api_key_issue(
                    organization=organization,
                    name=options["name"] or f"{slug} key",
                    scopes=scopes,
                    expires_at=expires_at,
                )
        except DomainError as exc:
            raise CommandError(exc.detail) from exc
        verb = "Created" if created else "Found"
        self.stdout.write(f"{verb} organisation {organization.slug} ({organization.kind}).")
        self.stdout.write(
            f"Issued key {key.prefix} '{key.name}' with scopes: {', '.join(key.scopes)}."
        )
        self.stdout.write(
            f"Expires: {key.expires_at.isoformat() if key.expires_at else 'never'}. "
            "The key is shown once, below; store it now."
        )
        self.stdout.write(plain)
