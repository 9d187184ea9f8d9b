"""Carriers' inbound manifests for tests, recorded through the real service."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from ewtp.core.models import Organization
from logistics.models import Shipment
from logistics.services import ManifestOutcome, manifest_record
from tests.logistics import factories

AWB = "784-24681355"  # China Southern (784), check digit 2468135 mod 7 = 5
OTHER_AWB = "784-24681366"  # 2468136 mod 7 = 6
FLIGHT = "CZ433"
URL = "/api/v1/logistics/manifests/"


def hub() -> None:
    """The hub, an origin airport (HGH) and the airlines."""
    factories.network()


def item(reference: str = "CZP0001", **change: Any) -> dict[str, Any]:
    """A good parcel: one kilogram of tea for Cologne, worth EUR 24."""
    return {
        "parcel_reference": reference,
        "consignee_country": "DE",
        "weight_kg": "1.250",
        "length_cm": "30",
        "width_cm": "20",
        "height_cm": "10",
        "declared_value": "24.00",
        "currency": "EUR",
        "hs_codes": ["090210"],
    } | change


def body(parcels: list[Any], **change: Any) -> dict[str, Any]:
    return {
        "awb_number": AWB,
        "flight_number": FLIGHT,
        "flight_date": today().isoformat(),
        "origin": "HGH",
        "parcels": parcels,
    } | change


def today() -> date:
    return timezone.now().date()


def manifest(carrier: Organization, parcels: list[Any], **change: Any) -> ManifestOutcome:
    given = body(parcels, **change)
    return manifest_record(
        carrier=carrier,
        awb_number=given["awb_number"],
        flight_number=given["flight_number"],
        flight_date=date.fromisoformat(given["flight_date"]),
        origin=given["origin"],
        parcels=given["parcels"],
    )


def inbound(carrier: Organization, reference: str = "CZP0001", **change: Any) -> Shipment:
    """One manifested inbound parcel (under its customs hold)."""
    outcome = manifest(carrier, [item(reference)], **change)
    result = outcome.results[0]
    assert result.shipment_id is not None, result
    return Shipment.objects.get(pk=result.shipment_id)
