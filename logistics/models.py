"""Airports, flights out of the Liège hub, shipments and what carriers report about them."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from ewtp.core.models import Organization

HUB_IATA = "LGG"


class Airport(models.Model):
    iata = models.CharField(max_length=3, primary_key=True)
    name = models.CharField(max_length=200)
    city = models.CharField(max_length=100)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2")
    timezone = models.CharField(max_length=64, help_text="IANA zone, for display only")

    class Meta:
        ordering = ["iata"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(iata__regex=r"^[A-Z]{3}$"), name="airport_iata_3_letters"
            )
        ]

    def __str__(self) -> str:
        return f"{self.iata} {self.name}"


class FlightStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"
    DEPARTED = "departed", "Departed"


class FlightQuerySet(models.QuerySet["Flight"]):
    def operated_by(self, carrier: Organization) -> FlightQuerySet:
        return self.filter(carrier=carrier)

    def bookable(self, *, destination_id: str, weight_kg: Decimal, now: datetime) -> FlightQuerySet:
        """Scheduled flights to the destination still taking cargo with room for the weight,
        earliest departure first."""
        return self.filter(
            status=FlightStatus.SCHEDULED,
            destination_id=destination_id,
            cutoff_at__gt=now,
            booked_kg__lte=models.F("capacity_kg") - weight_kg,
        ).order_by("departure_at", "number")


class Flight(models.Model):
    """A scheduled cargo flight from the hub. All times UTC; `service_date` is the UTC date of
    departure, which with the number identifies the flight."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    carrier = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="flights")
    number = models.CharField(max_length=8)
    service_date = models.DateField()
    origin = models.ForeignKey(Airport, on_delete=models.PROTECT, related_name="+")
    destination = models.ForeignKey(Airport, on_delete=models.PROTECT, related_name="+")
    departure_at = models.DateTimeField()
    cutoff_at = models.DateTimeField(help_text="Last acceptance of cargo for this flight")
    capacity_kg = models.DecimalField(max_digits=10, decimal_places=3)
    booked_kg = models.DecimalField(max_digits=10, decimal_places=3, default=Decimal("0"))
    status = models.CharField(
        max_length=16, choices=FlightStatus.choices, default=FlightStatus.SCHEDULED
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = FlightQuerySet.as_manager()

    class Meta:
        ordering = ["departure_at", "number"]
        indexes = [
            models.Index(fields=["destination", "status", "departure_at"], name="flight_bookable")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["number", "service_date"], name="flight_number_per_day"
            ),
            models.CheckConstraint(
                condition=models.Q(capacity_kg__gt=0), name="flight_capacity_gt_0"
            ),
            models.CheckConstraint(
                condition=models.Q(booked_kg__gte=0), name="flight_booked_gte_0"
            ),
            # The last line of defence against overbooking; routing also locks the row.
            models.CheckConstraint(
                condition=models.Q(booked_kg__lte=models.F("capacity_kg")),
                name="flight_booked_within_capacity",
            ),
            models.CheckConstraint(
                condition=models.Q(cutoff_at__lte=models.F("departure_at")),
                name="flight_cutoff_before_departure",
            ),
            models.CheckConstraint(
                condition=~models.Q(origin=models.F("destination")),
                name="flight_origin_not_destination",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.service_date} {self.origin_id}→{self.destination_id}"

    @property
    def remaining_kg(self) -> Decimal:
        return self.capacity_kg - self.booked_kg


class ShipmentStatus(models.TextChoices):
    CREATED = "created", "Created"
    ROUTED = "routed", "Booked on a flight"
    DEPARTED = "departed", "Departed"
    ARRIVED = "arrived", "Arrived"
    DELIVERED = "delivered", "Delivered"


# A shipment only ever moves forward; a late or out-of-order report never takes it back.
SHIPMENT_STATUS_RANK: dict[str, int] = {
    ShipmentStatus.CREATED: 0,
    ShipmentStatus.ROUTED: 1,
    ShipmentStatus.DEPARTED: 2,
    ShipmentStatus.ARRIVED: 3,
    ShipmentStatus.DELIVERED: 4,
}


class ShipmentQuerySet(models.QuerySet["Shipment"]):
    def visible_to(self, organization: Organization) -> ShipmentQuerySet:
        """The marketplace, the merchant and the carrier flying it may see a shipment."""
        return self.filter(
            models.Q(marketplace=organization)
            | models.Q(merchant=organization)
            | models.Q(carrier=organization)
        )

    def ready_for_routing(self) -> ShipmentQuerySet:
        return self.filter(status=ShipmentStatus.CREATED).order_by("created_at")


class Shipment(models.Model):
    """The goods of one cleared order, from the hub to the buyer's airport and door."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order_id = models.UUIDField(unique=True, help_text="The marketplace order it carries")
    order_reference = models.CharField(max_length=64)
    marketplace = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    merchant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    consignee_country = models.CharField(max_length=2)
    destination = models.ForeignKey(Airport, on_delete=models.PROTECT, related_name="+")
    weight_kg = models.DecimalField(max_digits=9, decimal_places=3)
    tracking_number = models.CharField(max_length=13, unique=True)
    status = models.CharField(
        max_length=16,
        choices=ShipmentStatus.choices,
        default=ShipmentStatus.CREATED,
        db_index=True,
    )
    flight = models.ForeignKey(
        Flight, on_delete=models.PROTECT, null=True, blank=True, related_name="shipments"
    )
    carrier = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The operating carrier of the flight",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)
    routed_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    objects = ShipmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight_kg__gt=0), name="shipment_weight_gt_0"
            ),
            models.CheckConstraint(
                condition=models.Q(status=ShipmentStatus.CREATED)
                | models.Q(flight__isnull=False, carrier__isnull=False),
                name="shipment_routed_has_flight_and_carrier",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_number} ({self.status})"


class ShipmentStatusChange(models.Model):
    """The audit trail of a shipment: one row per move, with the report that caused it."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=ShipmentStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=ShipmentStatus.choices)
    reason = models.CharField(max_length=500, blank=True)
    tracking_event = models.ForeignKey(
        "TrackingEvent", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} → {self.to_status}"


class TrackingCode(models.TextChoices):
    """IATA Cargo-IMP status codes as carriers send them."""

    RCS = "RCS", "Received from shipper"
    MAN = "MAN", "Manifested"
    DEP = "DEP", "Departed"
    ARR = "ARR", "Arrived"
    RCF = "RCF", "Received from flight"
    NFD = "NFD", "Notified for delivery"
    DLV = "DLV", "Delivered"
    DIS = "DIS", "Discrepancy"


class TrackingStatus(models.TextChoices):
    """The carrier's code in our words, the same whichever carrier reported it."""

    RECEIVED = "received", "Received"
    MANIFESTED = "manifested", "Manifested"
    DEPARTED = "departed", "Departed"
    ARRIVED = "arrived", "Arrived"
    AWAITING_DELIVERY = "awaiting_delivery", "Awaiting delivery"
    DELIVERED = "delivered", "Delivered"
    EXCEPTION = "exception", "Exception"


TRACKING_STATUS_FOR_CODE: dict[str, TrackingStatus] = {
    TrackingCode.RCS: TrackingStatus.RECEIVED,
    TrackingCode.MAN: TrackingStatus.MANIFESTED,
    TrackingCode.DEP: TrackingStatus.DEPARTED,
    TrackingCode.ARR: TrackingStatus.ARRIVED,
    TrackingCode.RCF: TrackingStatus.ARRIVED,
    TrackingCode.NFD: TrackingStatus.AWAITING_DELIVERY,
    TrackingCode.DLV: TrackingStatus.DELIVERED,
    TrackingCode.DIS: TrackingStatus.EXCEPTION,
}

# The tracking statuses that move a shipment; the others are recorded without moving it.
SHIPMENT_STATUS_FOR_TRACKING: dict[str, ShipmentStatus] = {
    TrackingStatus.DEPARTED: ShipmentStatus.DEPARTED,
    TrackingStatus.ARRIVED: ShipmentStatus.ARRIVED,
    TrackingStatus.DELIVERED: ShipmentStatus.DELIVERED,
}


class TrackingEvent(models.Model):
    """One report from a carrier. Append-only: a carrier resending a report (same partner
    event id) is a duplicate, not a second row, and rows are never changed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    shipment = models.ForeignKey(Shipment, on_delete=models.PROTECT, related_name="tracking_events")
    carrier = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    partner_event_id = models.CharField(max_length=100)
    code = models.CharField(max_length=3, choices=TrackingCode.choices)
    status = models.CharField(max_length=32, choices=TrackingStatus.choices)
    location = models.CharField(max_length=3, blank=True, help_text="IATA code")
    remarks = models.CharField(max_length=500, blank=True)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["occurred_at", "received_at"]
        indexes = [models.Index(fields=["shipment", "occurred_at"], name="tracking_by_shipment")]
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "partner_event_id"], name="tracking_event_once_per_carrier"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.occurred_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("Tracking events are append-only.")
        super().save(*args, **kwargs)
