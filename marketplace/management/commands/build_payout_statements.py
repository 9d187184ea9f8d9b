"""`manage.py build_payout_statements YYYY-MM [--merchant SLUG] [--close]`: build (or bring up
to date) a month's payout statements; closing makes them final. Idempotent."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ewtp.core.errors import DomainError
from ewtp.core.models import Organization, OrganizationKind
from marketplace.services import payout_statements_build, payout_statements_close_month


def _month(value: str) -> date:
    try:
        return date.fromisoformat(f"{value}-01")
    except ValueError:
        raise CommandError(f"The month is YYYY-MM, not {value!r}.") from None


class Command(BaseCommand):
    help = "Build a month's payout statements per merchant (idempotent); --close makes them final."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("month", help="YYYY-MM")
        parser.add_argument("--merchant", help="Only this merchant (slug)")
        parser.add_argument("--close", action="store_true", help="Close them (month must be over)")

    def handle(self, *args: Any, **options: Any) -> None:
        month = _month(options["month"])
        try:
            if options["merchant"]:
                merchant = Organization.objects.filter(
                    slug=options["merchant"], kind=OrganizationKind.MERCHANT
                ).first()
                if merchant is None:
                    raise CommandError(f"No merchant {options['merchant']!r}.")
                statements = payout_statements_build(
                    merchant=merchant, month=month, close=options["close"]
                )
                for s in statements:
                    self.stdout.write(
                        f"{merchant.slug} {s.month:%Y-%m} {s.currency}: net {s.net_payout} "
                        f"({s.status})"
                    )
            elif options["close"]:
                closed = payout_statements_close_month(month=month)
                self.stdout.write(f"{closed} statement(s) of {month:%Y-%m} closed.")
            else:
                raise CommandError("Name a --merchant, or --close the month for all merchants.")
        except DomainError as exc:
            raise CommandError(exc.detail) from None
