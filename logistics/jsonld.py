"""The public tracking view as schema.org `ParcelDelivery` JSON-LD, for search engines and mail
clients that show a parcel's status.

Built from `selectors.PublicTracking`, which holds nothing personal or of any tenant; this
adds nothing to it: no address beyond the airports' towns and countries, no carrier, no
merchant, no order.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from logistics.selectors import PublicPlace, PublicTracking

MEDIA_TYPE = "application/ld+json"

# What makes JSON safe inside a <script> element (as Django's json_script does).
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _utc(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _place(place: PublicPlace) -> dict[str, Any]:
    found: dict[str, Any] = {"@type": "Airport", "iataCode": place.iata}
    if place.name:
        found["name"] = place.name
    if place.country:
        found["address"] = {"@type": "PostalAddress", "addressCountry": place.country}
    return found


def parcel_delivery(tracking: PublicTracking, *, tracking_url: str) -> dict[str, Any]:
    """The parcel as a schema.org ParcelDelivery: its number and page, where it comes from and
    goes to, its current status as a DeliveryEvent, and its expected arrival."""
    status: dict[str, Any] = {"@type": "DeliveryEvent", "name": tracking.status_label}
    if tracking.status_at is not None:
        status["startDate"] = _utc(tracking.status_at)
    if tracking.events and tracking.events[-1].place is not None:
        status["location"] = _place(tracking.events[-1].place)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ParcelDelivery",
        "trackingNumber": tracking.tracking_number,
        "trackingUrl": tracking_url,
        "originAddress": {"@type": "PostalAddress", "addressCountry": tracking.origin.country},
        "deliveryAddress": {
            "@type": "PostalAddress",
            "addressCountry": tracking.destination.country,
        },
        "deliveryStatus": status,
        "potentialAction": {"@type": "TrackAction", "target": tracking_url},
    }
    if tracking.eta is not None:
        data["expectedArrivalUntil"] = _utc(tracking.eta.utc)
    return data


def script_text(data: dict[str, Any]) -> SafeString:
    """The JSON for a `<script type="application/ld+json">` element, escaped so no value can
    close the element."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES))  # noqa: S308  # escaped above
