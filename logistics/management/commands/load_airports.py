"""Load airports from the IATA reference (airportsdata) with their time zones.

manage.py load_airports HGH PVG CGO --served   # destinations the hub ships to
manage.py load_airports DXB ICN                # named by waybills or reports only
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ewtp.core.errors import DomainError
from logistics.services import airports_load


class Command(BaseCommand):
    help = "Load airports by IATA code from the reference data, with names and time zones."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("iata_codes", nargs="+", help="IATA airport codes, e.g. HGH PVG")
        parser.add_argument(
            "--served",
            action="store_true",
            help="Mark them as destinations the hub ships parcels to",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        codes = [code.upper() for code in options["iata_codes"]]
        try:
            loaded = airports_load(iata_codes=codes, served=options["served"])
        except DomainError as error:
            raise CommandError(error.detail) from None
        for airport in loaded:
            served = "served" if airport.served else "reference"
            self.stdout.write(f"{airport.iata}  {airport.timezone:<20} {served:<9} {airport.name}")
