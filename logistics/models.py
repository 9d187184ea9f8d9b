"""Airports, flights out of the Liège hub, shipments and what carriers report about them."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import BrinIndex
from django.db import models
from django.utils import timezone

from ewtp.core.models import Organization
from logistics.tracking_codes import CODE_MAX_LENGTH, TrackingStatus
from logistics.uuid7 import uuid7

HUB_IATA = "LGG"


class Airport(models.Model):
    """An airport of the network (`served`: the hub flies there) or one named by a waybill or a
    report (origins, transfer points), kept for its name and time zone."""

    iata = models.CharField(max_length=3, primary_key=True)
    name = models.CharField(max_length=200)
    city = models.CharField(max_length=100)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2")
    timezone = models.CharField(max_length=64, help_text="IANA zone, for display only")
    served = models.BooleanField(
        default=True, help_text="The hub ships parcels to it (a destination or the hub itself)"
    )

    class Meta:
        ordering = ["iata"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(iata__regex=r"^[A-Z]{3}$"), name="airport_iata_3_letters"
            )
        ]

    def __str__(self) -> str:
        return f"{self.iata} {self.name}"


# A main-deck freighter's usable volume is several hundred m³; a flight scheduled without its
# volume is planned on this conservative figure until the carrier gives the real one.
DEFAULT_FLIGHT_CAPACITY_M3 = Decimal("150")


class FlightStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"
    DEPARTED = "departed", "Departed"


class FlightQuerySet(models.QuerySet["Flight"]):
    def operated_by(self, carrier: Organization) -> FlightQuerySet:
        return self.filter(carrier=carrier)

    def bookable(
        self,
        *,
        destination_id: str,
        weight_kg: Decimal,
        now: datetime,
        volume_m3: Decimal = Decimal("0"),
    ) -> FlightQuerySet:
        """Scheduled flights to the destination still taking cargo with room for the weight
        and the volume, earliest departure first."""
        return self.filter(
            status=FlightStatus.SCHEDULED,
            destination_id=destination_id,
            cutoff_at__gt=now,
            booked_kg__lte=models.F("capacity_kg") - weight_kg,
            booked_m3__lte=models.F("capacity_m3") - volume_m3,
        ).order_by("departure_at", "number")

    def planned_from(self, now: datetime) -> FlightQuerySet:
        """Flights the routing job plans with: scheduled and not yet departed (those past
        cut-off explain AFTER_CUTOFF and keep their load)."""
        return self.filter(status=FlightStatus.SCHEDULED, departure_at__gt=now)


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
    arrival_at = models.DateTimeField(
        null=True, blank=True, help_text="Scheduled arrival (UTC): the parcels' ETA"
    )
    cutoff_at = models.DateTimeField(help_text="Last acceptance of cargo for this flight")
    capacity_kg = models.DecimalField(max_digits=10, decimal_places=3)
    booked_kg = models.DecimalField(max_digits=10, decimal_places=3, default=Decimal("0"))
    capacity_m3 = models.DecimalField(
        max_digits=10, decimal_places=4, default=DEFAULT_FLIGHT_CAPACITY_M3
    )
    booked_m3 = models.DecimalField(max_digits=10, decimal_places=4, default=Decimal("0"))
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
                condition=models.Q(booked_m3__gte=0, booked_m3__lte=models.F("capacity_m3")),
                name="flight_booked_volume_within_capacity",
            ),
            models.CheckConstraint(
                condition=models.Q(cutoff_at__lte=models.F("departure_at")),
                name="flight_cutoff_before_departure",
            ),
            models.CheckConstraint(
                condition=~models.Q(origin=models.F("destination")),
                name="flight_origin_not_destination",
            ),
            models.CheckConstraint(
                condition=models.Q(arrival_at__isnull=True)
                | models.Q(arrival_at__gt=models.F("departure_at")),
                name="flight_arrival_after_departure",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.service_date} {self.origin_id}→{self.destination_id}"

    @property
    def remaining_kg(self) -> Decimal:
        return self.capacity_kg - self.booked_kg

    @property
    def remaining_m3(self) -> Decimal:
        return self.capacity_m3 - self.booked_m3


class Airline(models.Model):
    """An airline that issues air waybills, known by its 3-digit AWB prefix."""

    awb_prefix = models.CharField(max_length=3, primary_key=True)
    iata_code = models.CharField(max_length=2, db_index=True)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["awb_prefix"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(awb_prefix__regex=r"^[0-9]{3}$"), name="airline_prefix_3_digits"
            ),
            models.CheckConstraint(
                condition=models.Q(iata_code__regex=r"^[A-Z0-9]{2}$"),
                name="airline_iata_code_2_chars",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.awb_prefix} {self.iata_code} {self.name}"


class UldType(models.Model):
    """A type of unit load device (container or pallet): the most it may weigh loaded (its own
    tare included), its tare, and the volume of cargo it takes."""

    code = models.CharField(max_length=3, primary_key=True)
    name = models.CharField(max_length=100)
    max_gross_kg = models.DecimalField(max_digits=8, decimal_places=1)
    tare_kg = models.DecimalField(
        max_digits=7, decimal_places=1, default=Decimal("0"), help_text="The empty unit"
    )
    volume_m3 = models.DecimalField(
        max_digits=7,
        decimal_places=2,
        default=Decimal("0"),
        help_text="Usable cargo volume; 0: not known (the type is not offered for loading)",
    )

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[A-Z]{3}$"), name="uld_type_3_letters"
            ),
            models.CheckConstraint(
                condition=models.Q(max_gross_kg__gt=0), name="uld_type_max_gross_gt_0"
            ),
            models.CheckConstraint(
                condition=models.Q(tare_kg__gte=0, tare_kg__lt=models.F("max_gross_kg")),
                name="uld_type_tare_below_max_gross",
            ),
            models.CheckConstraint(
                condition=models.Q(volume_m3__gte=0), name="uld_type_volume_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class UnitLoadDevice(models.Model):
    """A container or pallet, by its IATA id (`AKE12345LH`: type, serial, owner)."""

    uld_id = models.CharField(max_length=10, primary_key=True)
    uld_type = models.ForeignKey(UldType, on_delete=models.PROTECT, related_name="+")
    owner_code = models.CharField(max_length=2)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uld_id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(uld_id__regex=r"^[A-Z]{3}[0-9]{4,5}[A-Z0-9]{2}$"),
                name="uld_id_iata_format",
            ),
            models.CheckConstraint(
                condition=models.Q(uld_id__startswith=models.F("uld_type_id")),
                name="uld_id_starts_with_type",
            ),
            models.CheckConstraint(
                condition=models.Q(uld_id__endswith=models.F("owner_code")),
                name="uld_id_ends_with_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.uld_id

    @property
    def max_gross_kg(self) -> Decimal:
        return self.uld_type.max_gross_kg


class MasterWaybillQuerySet(models.QuerySet["MasterWaybill"]):
    def owned_by(self, organization: Organization) -> MasterWaybillQuerySet:
        return self.filter(organization=organization)


class MasterWaybill(models.Model):
    """A master air waybill (MAWB): the airline's contract for one consolidation, which carries
    house waybills (HAWB), which carry parcels. Each organisation keeps its own record of an AWB
    it handles; `awb_number` is the 11 digits, shown as PPP-SSSSSSSC."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", help_text="Who recorded it"
    )
    awb_number = models.CharField(max_length=11)
    airline = models.ForeignKey(Airline, on_delete=models.PROTECT, related_name="+")
    origin = models.ForeignKey(
        Airport, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    destination = models.ForeignKey(
        Airport, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    flight = models.ForeignKey(
        Flight, on_delete=models.PROTECT, null=True, blank=True, related_name="master_waybills"
    )
    pieces = models.PositiveIntegerField()
    weight_kg = models.DecimalField(max_digits=10, decimal_places=3, help_text="Gross weight")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = MasterWaybillQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "awb_number"], name="mawb_once_per_organization"
            ),
            models.CheckConstraint(
                condition=models.Q(awb_number__regex=r"^[0-9]{11}$"), name="mawb_awb_11_digits"
            ),
            # The prefix is the issuing airline's; the check digit is checked by logistics.awb.
            models.CheckConstraint(
                condition=models.Q(awb_number__startswith=models.F("airline_id")),
                name="mawb_awb_prefix_is_airline",
            ),
            models.CheckConstraint(condition=models.Q(pieces__gt=0), name="mawb_pieces_gt_0"),
            models.CheckConstraint(condition=models.Q(weight_kg__gt=0), name="mawb_weight_gt_0"),
            models.CheckConstraint(
                condition=~models.Q(origin=models.F("destination")),
                name="mawb_origin_not_destination",
            ),
        ]

    def __str__(self) -> str:
        return self.awb_display

    @property
    def awb_display(self) -> str:
        return f"{self.awb_number[:3]}-{self.awb_number[3:]}"


class HouseWaybill(models.Model):
    """A forwarder's house waybill (HAWB) inside a MAWB; parcels travel under it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    master_waybill = models.ForeignKey(
        MasterWaybill, on_delete=models.PROTECT, related_name="house_waybills"
    )
    number = models.CharField(max_length=16)
    pieces = models.PositiveIntegerField()
    weight_kg = models.DecimalField(max_digits=10, decimal_places=3)
    chargeable_weight_kg = models.DecimalField(
        max_digits=10, decimal_places=1, help_text="max(gross, LxWxH/6000) up to the next 0.5 kg"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["master_waybill", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["master_waybill", "number"], name="hawb_number_once_per_mawb"
            ),
            models.CheckConstraint(
                condition=models.Q(number__regex=r"^[A-Z0-9]{1,16}$"), name="hawb_number_format"
            ),
            models.CheckConstraint(condition=models.Q(pieces__gt=0), name="hawb_pieces_gt_0"),
            models.CheckConstraint(condition=models.Q(weight_kg__gt=0), name="hawb_weight_gt_0"),
            models.CheckConstraint(
                condition=models.Q(chargeable_weight_kg__gte=models.F("weight_kg")),
                name="hawb_chargeable_at_least_gross",
            ),
        ]

    def __str__(self) -> str:
        return self.number


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


class ServiceLevel(models.TextChoices):
    """What the buyer paid for; routing books the faster levels first."""

    EXPRESS = "express", "Express"
    STANDARD = "standard", "Standard"
    ECONOMY = "economy", "Economy"


SERVICE_LEVEL_RANK: dict[str, int] = {
    ServiceLevel.EXPRESS: 0,
    ServiceLevel.STANDARD: 1,
    ServiceLevel.ECONOMY: 2,
}


class WaitingReason(models.TextChoices):
    """Why the last routing run left a parcel waiting (see logistics.routing)."""

    NO_FLIGHT = "NO_FLIGHT", "No flight to the destination"
    OVER_CAPACITY = "OVER_CAPACITY", "Every open flight is full"
    NO_ULD_SPACE = "NO_ULD_SPACE", "A flight has payload left, but no ULD position takes it"
    CUSTOMS_HOLD = "CUSTOMS_HOLD", "Held by customs or an ICS2 referral"
    AFTER_CUTOFF = "AFTER_CUTOFF", "Every flight has closed (cut-off passed)"


class ShipmentDirection(models.TextChoices):
    """Outbound: a marketplace order's goods, from the hub to the buyer's airport. Inbound: a
    parcel a carrier flies into the hub for a consignee in the EU, known from its manifest."""

    OUTBOUND = "outbound", "Outbound"
    INBOUND = "inbound", "Inbound"


class ShipmentQuerySet(models.QuerySet["Shipment"]):
    def visible_to(self, organization: Organization) -> ShipmentQuerySet:
        """The marketplace, the merchant and the carrier flying it may see a shipment."""
        return self.filter(
            models.Q(marketplace=organization)
            | models.Q(merchant=organization)
            | models.Q(carrier=organization)
        )

    def ready_for_routing(self) -> ShipmentQuerySet:
        return self.waiting().order_by("created_at")

    def waiting(self) -> ShipmentQuerySet:
        """Outbound parcels at the hub waiting for a flight (inbound ones never fly out)."""
        return self.filter(status=ShipmentStatus.CREATED, direction=ShipmentDirection.OUTBOUND)


class Shipment(models.Model):
    """One parcel through the hub: the goods of one cleared order, from the hub to the buyer's
    airport and door (outbound), or a parcel a carrier manifested into the hub for a consignee
    in the EU (inbound: no order, marketplace or merchant; see `InboundParcel`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # A database default too: bulk loads that name no direction (COPY) are outbound goods.
    direction = models.CharField(
        max_length=8,
        choices=ShipmentDirection.choices,
        default=ShipmentDirection.OUTBOUND,
        db_default=ShipmentDirection.OUTBOUND,
    )
    order_id = models.UUIDField(
        unique=True, null=True, blank=True, help_text="The marketplace order it carries"
    )
    order_reference = models.CharField(max_length=64, blank=True)
    marketplace = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    merchant = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    consignee_country = models.CharField(max_length=2)
    # Indexed in Meta without Django's extra `LIKE` indexes: every index of this table is
    # written again whenever a tracking update cannot be a HOT update.
    destination = models.ForeignKey(
        Airport, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    weight_kg = models.DecimalField(max_digits=9, decimal_places=3)
    volume_m3 = models.DecimalField(
        max_digits=8, decimal_places=4, default=Decimal("0"), help_text="0 when not measured"
    )
    service_level = models.CharField(
        max_length=16, choices=ServiceLevel.choices, default=ServiceLevel.STANDARD
    )
    # The routing planner's fast flag: set while any block (customs hold, ICS2 referral) of
    # `ShipmentBlock` is active, so the parcel is never loaded. The blocks say who and why.
    customs_hold = models.BooleanField(default=False)
    # The flight the carrier last took it off: the routing job never books it there again.
    offloaded_from = models.ForeignKey(
        "logistics.Flight", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    waiting_reason = models.CharField(
        max_length=16,
        choices=WaitingReason.choices,
        blank=True,
        help_text="Why the last routing run left it waiting; blank once booked",
    )
    tracking_number = models.CharField(max_length=13)
    status = models.CharField(
        max_length=16, choices=ShipmentStatus.choices, default=ShipmentStatus.CREATED
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
    # Indexed in Meta, partially: most parcels never fly under a house waybill of ours.
    house_waybill = models.ForeignKey(
        HouseWaybill,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shipments",
        help_text="The house waybill it flies under, once consolidated",
        db_index=False,
    )
    # Where the parcel stands by its tracking reports (see logistics.tracking_codes.advance).
    tracking_status = models.CharField(
        max_length=32, choices=TrackingStatus.choices, default=TrackingStatus.INFO_RECEIVED
    )
    tracking_rank = models.PositiveSmallIntegerField(default=0)
    tracking_status_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)
    routed_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    objects = ShipmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        # Every index here is written again by each update that is not HOT, and booking a
        # parcel (status, flight, carrier) never is: the routing job writes 100,000 rows at a
        # time. So the indexes only hold the rows their queries look for. Waiting parcels are
        # read by the routing job and the hub board, never routed ones by status alone (a
        # partner's list filters by tenant first). There is no index by destination: no query
        # filters on it alone, and one destination is too large a share of the table to use it.
        indexes = [
            models.Index(
                fields=["created_at"],
                name="shipment_waiting",
                condition=models.Q(status=ShipmentStatus.CREATED),
            ),
            models.Index(
                fields=["house_waybill"],
                name="shipment_by_house_waybill",
                condition=models.Q(house_waybill__isnull=False),
            ),
            # The stale-parcel job's scan: parcels on their way that have been reported on.
            models.Index(
                fields=["tracking_status_at"],
                name="shipment_in_transit_by_report",
                condition=models.Q(tracking_status_at__isnull=False, delivered_at__isnull=True),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["tracking_number"], name="shipment_tracking_number"),
            models.CheckConstraint(
                condition=models.Q(weight_kg__gt=0), name="shipment_weight_gt_0"
            ),
            models.CheckConstraint(
                condition=models.Q(volume_m3__gte=0), name="shipment_volume_gte_0"
            ),
            models.CheckConstraint(
                condition=models.Q(status=ShipmentStatus.CREATED)
                | models.Q(flight__isnull=False, carrier__isnull=False),
                name="shipment_routed_has_flight_and_carrier",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    direction=ShipmentDirection.OUTBOUND,
                    order_id__isnull=False,
                    marketplace__isnull=False,
                    merchant__isnull=False,
                )
                | models.Q(
                    direction=ShipmentDirection.INBOUND,
                    order_id__isnull=True,
                    marketplace__isnull=True,
                    merchant__isnull=True,
                ),
                name="shipment_outbound_has_an_order_inbound_none",
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
    # The report, by its id and its partition key (received_at): no database foreign key. The
    # event table is partitioned by month, so no key of it is unique on the id alone for a
    # constraint to reference, and retention detaches whole months of reports while their
    # parcels' audit trails stay; the id then names a report that is archived, not lost.
    # Indexed in Meta for the rows that name a report: the routing job audits 100,000 bookings
    # at a time, none caused by a report, and NULLs would fill a plain index for nothing.
    tracking_event = models.ForeignKey(
        "TrackingEvent",
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    tracking_event_received_at = models.DateTimeField(
        null=True, blank=True, help_text="The report's partition key: finds it in one month"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "id"]
        indexes = [
            models.Index(
                fields=["tracking_event"],
                name="status_change_by_report",
                condition=models.Q(tracking_event__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} → {self.to_status}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The report's month travels with its id (no query: only from the report given).
        report = ShipmentStatusChange.tracking_event.field.get_cached_value(self, None)
        if isinstance(report, TrackingEvent) and self.tracking_event_received_at is None:
            self.tracking_event_received_at = report.received_at
        super().save(*args, **kwargs)


class ManifestQuerySet(models.QuerySet["Manifest"]):
    def of_carrier(self, carrier: Organization) -> ManifestQuerySet:
        return self.filter(carrier=carrier)


class Manifest(models.Model):
    """A carrier's manifest of one master air waybill flown into the hub: the flight, where it
    came from, and its parcels (`InboundParcel`). Posting the manifest again adds only parcels
    not yet on it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    carrier = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    awb_number = models.CharField(max_length=11, help_text="The MAWB, 11 digits")
    airline = models.ForeignKey(Airline, on_delete=models.PROTECT, related_name="+")
    flight_number = models.CharField(max_length=8)
    flight_date = models.DateField(help_text="Scheduled arrival date at the hub (UTC)")
    origin = models.ForeignKey(Airport, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ManifestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "awb_number"], name="manifest_once_per_mawb_per_carrier"
            ),
            models.CheckConstraint(
                condition=models.Q(awb_number__regex=r"^[0-9]{11}$"),
                name="manifest_awb_11_digits",
            ),
            models.CheckConstraint(
                condition=models.Q(awb_number__startswith=models.F("airline_id")),
                name="manifest_awb_prefix_is_airline",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    flight_number__regex=r"^([A-Z]{2}|[A-Z][0-9]|[0-9][A-Z])[0-9]{1,4}[A-Z]?$"
                ),
                name="manifest_flight_number_format",
            ),
            models.CheckConstraint(
                condition=~models.Q(origin_id=HUB_IATA), name="manifest_origin_not_hub"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.awb_number[:3]}-{self.awb_number[3:]} {self.flight_number}"

    @property
    def awb_display(self) -> str:
        return f"{self.awb_number[:3]}-{self.awb_number[3:]}"


class InboundParcel(models.Model):
    """What a manifest says of one inbound parcel: the carrier's own tracking (or HAWB)
    number, which customs filings (H7/H1) name as their transport document, and the goods'
    declared value. The shipment carries the rest (consignee country, weight, volume)."""

    shipment = models.OneToOneField(
        Shipment, on_delete=models.PROTECT, primary_key=True, related_name="inbound"
    )
    manifest = models.ForeignKey(Manifest, on_delete=models.PROTECT, related_name="parcels")
    # Kept beside the manifest's carrier so the database holds one parcel per carrier reference.
    carrier = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    parcel_reference = models.CharField(max_length=35, help_text="The carrier's tracking/HAWB no.")
    declared_value = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    hs_codes = ArrayField(models.CharField(max_length=10), default=list, blank=True)
    length_cm = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    width_cm = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    height_cm = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["manifest", "created_at", "parcel_reference"]
        indexes = [
            # Customs' events name the parcel by its reference alone.
            models.Index(fields=["parcel_reference"], name="inbound_parcel_by_reference"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "parcel_reference"], name="inbound_parcel_once_per_carrier"
            ),
            models.CheckConstraint(
                condition=models.Q(parcel_reference__regex=r"^[A-Z0-9]{1,35}$"),
                name="inbound_parcel_reference_format",
            ),
            models.CheckConstraint(
                condition=models.Q(declared_value__gte=0), name="inbound_parcel_value_gte_0"
            ),
            models.CheckConstraint(
                condition=models.Q(currency__regex=r"^[A-Z]{3}$"),
                name="inbound_parcel_currency_iso",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    length_cm__isnull=True, width_cm__isnull=True, height_cm__isnull=True
                )
                | models.Q(length_cm__gt=0, width_cm__gt=0, height_cm__gt=0),
                name="inbound_parcel_dimensions_all_or_none",
            ),
        ]

    def __str__(self) -> str:
        return self.parcel_reference


class BlockKind(models.TextChoices):
    CUSTOMS_HOLD = "customs_hold", "Customs hold"
    DO_NOT_LOAD = "do_not_load", "ICS2: do not load"
    REQUEST_FOR_INFORMATION = "request_for_information", "ICS2: request for information"
    REQUEST_FOR_SCREENING = "request_for_screening", "ICS2: request for screening"


# The referrals ICS2 (the EU's import control system) sends about a consignment before loading.
ICS2_KINDS = (
    BlockKind.DO_NOT_LOAD,
    BlockKind.REQUEST_FOR_INFORMATION,
    BlockKind.REQUEST_FOR_SCREENING,
)


class BlockSource(models.TextChoices):
    CUSTOMS = "customs", "A customs declaration"
    CARRIER = "carrier", "The carrier (relaying ICS2)"
    STAFF = "staff", "Platform staff"


class ShipmentBlockQuerySet(models.QuerySet["ShipmentBlock"]):
    def active(self) -> ShipmentBlockQuerySet:
        return self.filter(lifted_at__isnull=True)


class ShipmentBlock(models.Model):
    """One reason a parcel may not be loaded, from one source, active until that source lifts
    it. Blocks are independent: a customs release lifts the customs hold and nothing else, so
    an ICS2 "do not load" outlives it. A "do not load" is final (never lifted). The shipment's
    `customs_hold` flag is set while any block is active (the routing planner reads the flag)."""

    shipment = models.ForeignKey(Shipment, on_delete=models.PROTECT, related_name="blocks")
    kind = models.CharField(max_length=24, choices=BlockKind.choices)
    source = models.CharField(max_length=8, choices=BlockSource.choices)
    reference = models.CharField(
        max_length=70, blank=True, help_text="The declaration id or the ICS2 referral number"
    )
    reason = models.CharField(max_length=500, blank=True)
    placed_by = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    placed_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_reason = models.CharField(max_length=500, blank=True)

    objects = ShipmentBlockQuerySet.as_manager()

    class Meta:
        ordering = ["placed_at", "id"]
        indexes = [
            # The overdue-hold job reads active holds by age.
            models.Index(
                fields=["kind", "placed_at"],
                name="shipment_block_active",
                condition=models.Q(lifted_at__isnull=True),
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "kind"],
                condition=models.Q(lifted_at__isnull=True),
                name="shipment_block_one_active_per_kind",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=BlockKind.DO_NOT_LOAD, lifted_at__isnull=False),
                name="shipment_block_do_not_load_final",
            ),
            models.CheckConstraint(
                condition=models.Q(kind=BlockKind.CUSTOMS_HOLD, source=BlockSource.CUSTOMS)
                | (
                    ~models.Q(kind=BlockKind.CUSTOMS_HOLD)
                    & models.Q(source__in=[BlockSource.CARRIER, BlockSource.STAFF])
                ),
                name="shipment_block_source_fits_kind",
            ),
        ]

    def __str__(self) -> str:
        state = "lifted" if self.lifted_at else "active"
        return f"{self.kind} on {self.shipment_id} ({state})"


# The tracking statuses that move a shipment's lifecycle; the others only move its tracking status.
SHIPMENT_STATUS_FOR_TRACKING: dict[str, ShipmentStatus] = {
    TrackingStatus.DEPARTED: ShipmentStatus.DEPARTED,
    TrackingStatus.ARRIVED: ShipmentStatus.ARRIVED,
    TrackingStatus.OUT_FOR_DELIVERY: ShipmentStatus.ARRIVED,
    TrackingStatus.DELIVERED: ShipmentStatus.DELIVERED,
}


class TrackingEvent(models.Model):
    """One report from a partner, about one parcel or one master air waybill (whose parcels
    see it by reference, never as copies). Append-only: a partner resending a report (same
    partner event id) is a duplicate, not a second row, and rows are never changed. `code` is
    the raw code as sent; `status` its meaning from `logistics.tracking_codes`.

    The table is partitioned by month of `received_at` (migration
    `0014_tracking_events_partitioned_by_month`, `logistics.services.partitions`): its primary
    key in the database is (id, received_at), since a partitioned table's keys must hold the
    partition key; Django keeps `id` as the model's key (uuid7, unique by construction). One
    report per (carrier, partner event id) is kept by `TrackingEventKey`, not by a unique index
    here, which could not span partitions. No database foreign keys: the ingest resolves every
    parcel, MAWB and reporter within its transaction (parcels locked), and the per-row checks
    cost as much as the insert itself; `on_delete=PROTECT` still guards deletes made through
    Django."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    # Indexed by tracking_by_shipment / tracking_by_mawb: the hot path pays for every index on
    # each insert, so the foreign keys get no index of their own.
    shipment = models.ForeignKey(
        Shipment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tracking_events",
        db_index=False,
        db_constraint=False,
    )
    master_waybill = models.ForeignKey(
        MasterWaybill,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tracking_events",
        db_index=False,
        db_constraint=False,
    )
    carrier = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who reported it",
        db_index=False,
        db_constraint=False,
    )
    partner_event_id = models.CharField(max_length=100)
    code = models.CharField(max_length=CODE_MAX_LENGTH, help_text="The raw code as reported")
    status = models.CharField(max_length=32, choices=TrackingStatus.choices)
    location = models.CharField(max_length=3, blank=True, help_text="IATA code")
    remarks = models.CharField(max_length=500, blank=True)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(default=timezone.now, help_text="The partition key")

    class Meta:
        ordering = ["occurred_at", "received_at"]
        indexes = [
            models.Index(fields=["shipment", "occurred_at"], name="tracking_by_shipment"),
            models.Index(
                fields=["master_waybill", "occurred_at"],
                name="tracking_by_mawb",
                condition=models.Q(master_waybill__isnull=False),
            ),
            # Rows arrive in received_at order, so a BRIN index (a few pages, almost free to
            # keep up on the ingest path) serves the hub's "events per hour" chart.
            BrinIndex(fields=["received_at"], name="tracking_received_brin"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(shipment__isnull=False, master_waybill__isnull=True)
                | models.Q(shipment__isnull=True, master_waybill__isnull=False),
                name="tracking_event_of_parcel_or_mawb",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.occurred_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("Tracking events are append-only.")
        super().save(*args, **kwargs)


class TrackingEventKey(models.Model):
    """A partner's event id, once: (carrier, partner event id) → the report stored for it.

    The dedupe key of the partitioned event table, which cannot hold a unique index across its
    months. The ingest inserts the keys first (`ON CONFLICT DO NOTHING`) and stores only the
    reports whose key was new, so a replayed batch (or two at once) adds nothing. Keys go with
    their reports' month when retention detaches it (`received_at`, the same value)."""

    pk = models.CompositePrimaryKey("carrier_id", "partner_event_id")
    # The key's first column: no index of its own.
    carrier = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    partner_event_id = models.CharField(max_length=100)
    event_id = models.UUIDField()
    received_at = models.DateTimeField()

    class Meta:
        # Keys arrive in received_at order: retention finds a month's keys through a BRIN index.
        indexes = [BrinIndex(fields=["received_at"], name="tracking_key_received_brin")]

    def __str__(self) -> str:
        return self.partner_event_id


class ShipmentExceptionKind(models.TextChoices):
    STALE = "stale", "No report for too long"
    DO_NOT_LOAD = "do_not_load", "ICS2: do not load"
    CUSTOMS_HOLD_OVERDUE = "customs_hold_overdue", "Held by customs for too long"
    NO_FLIGHT = "no_flight", "Waiting for a flight for too long"


class ShipmentExceptionQuerySet(models.QuerySet["ShipmentException"]):
    def open(self) -> ShipmentExceptionQuerySet:
        return self.filter(resolved_at__isnull=True)


class ShipmentException(models.Model):
    """Something about a parcel hub staff must look at, open until one of them resolves it
    with a note. A stale parcel is flagged once per quiet spell: `since` is its last report,
    so a parcel that goes quiet again after news is flagged again. The other kinds are open
    at most once per parcel at a time; `since` is when the block or the wait began."""

    kind = models.CharField(max_length=24, choices=ShipmentExceptionKind.choices)
    shipment = models.ForeignKey(Shipment, on_delete=models.PROTECT, related_name="exceptions")
    tracking_status = models.CharField(
        max_length=32, choices=TrackingStatus.choices, help_text="Where the parcel stood"
    )
    since = models.DateTimeField(help_text="The last report before it went quiet")
    detected_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(blank=True)

    objects = ShipmentExceptionQuerySet.as_manager()

    class Meta:
        ordering = ["detected_at", "id"]
        indexes = [
            models.Index(
                fields=["kind", "detected_at"],
                name="shipment_exception_open",
                condition=models.Q(resolved_at__isnull=True),
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "kind", "since"], name="shipment_exception_once_per_spell"
            ),
            models.UniqueConstraint(
                fields=["shipment", "kind"],
                condition=models.Q(resolved_at__isnull=True) & ~models.Q(kind="stale"),
                name="shipment_exception_one_open_per_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(resolved_at__isnull=True, resolved_by__isnull=True)
                | (
                    models.Q(resolved_at__isnull=False, resolved_by__isnull=False)
                    & ~models.Q(note="")
                ),
                name="shipment_exception_resolved_by_someone_with_a_note",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.shipment_id} since {self.since:%Y-%m-%d %H:%M}"


class MilestoneSubscription(models.Model):
    """A partner asking to hear of a MAWB's or a shipment's milestones (departed, arrived) by
    webhook: one notification per MAWB milestone, whatever the number of its house waybills."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    master_waybill = models.ForeignKey(
        MasterWaybill,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="milestone_subscriptions",
    )
    shipment = models.ForeignKey(
        Shipment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="milestone_subscriptions",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(master_waybill__isnull=False, shipment__isnull=True)
                | models.Q(master_waybill__isnull=True, shipment__isnull=False),
                name="subscription_to_a_mawb_or_a_shipment",
            ),
            models.UniqueConstraint(
                fields=["organization", "master_waybill"],
                condition=models.Q(master_waybill__isnull=False),
                name="subscription_once_per_mawb",
            ),
            models.UniqueConstraint(
                fields=["organization", "shipment"],
                condition=models.Q(shipment__isnull=False),
                name="subscription_once_per_shipment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} → {self.master_waybill_id or self.shipment_id}"


class RoutingRunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class RoutingRun(models.Model):
    """One run of the routing job, so hub staff can follow a re-plan they asked for. Its live
    progress (phase, done of total) is in Redis while it runs (logistics.routing_progress):
    the job writes in one transaction, so a row update would only show once it is over."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    trigger = models.CharField(max_length=64, help_text="beat, staff user, flight cancelled, …")
    status = models.CharField(
        max_length=16, choices=RoutingRunStatus.choices, default=RoutingRunStatus.QUEUED
    )
    requested_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    parcels = models.PositiveIntegerField(default=0, help_text="Ready parcels planned")
    routed = models.PositiveIntegerField(default=0)
    waiting = models.PositiveIntegerField(default=0)
    waiting_by_reason = models.JSONField(
        default=dict, blank=True, help_text="Reason code → parcels the run left waiting"
    )

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"routing {self.requested_at:%Y-%m-%d %H:%M} {self.status}"


class FreightRate(models.Model):
    """The hub's air-freight tariff to one destination airport: a price per chargeable kilogram
    with a minimum charge, valid over a date range (`valid_to` empty: until further notice).
    Where ranges overlap, the rate that started last applies (a new tariff supersedes)."""

    destination = models.ForeignKey(Airport, on_delete=models.PROTECT, related_name="freight_rates")
    currency = models.CharField(max_length=3)
    price_per_kg = models.DecimalField(
        max_digits=10, decimal_places=2, help_text="Per chargeable kilogram"
    )
    minimum_charge = models.DecimalField(max_digits=12, decimal_places=2)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True, help_text="Last day; empty: open-ended")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["destination_id", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["destination", "valid_from"], name="freight_rate_per_start_day"
            ),
            models.CheckConstraint(
                condition=models.Q(price_per_kg__gt=0), name="freight_rate_price_gt_0"
            ),
            models.CheckConstraint(
                condition=models.Q(minimum_charge__gte=0), name="freight_rate_minimum_gte_0"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="freight_rate_validity_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(currency__regex=r"^[A-Z]{3}$"), name="freight_rate_currency_iso"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.destination_id} {self.price_per_kg} {self.currency}/kg from {self.valid_from}"
        )


# --- Load plans: parcel → bag → ULD → flight


def bag_max_kg() -> Decimal:
    """The most a bag may weigh with its contents (hub handling rule; 30 kg by default)."""
    return Decimal(str(getattr(settings, "LOGISTICS_BAG_MAX_KG", "30")))


def bag_tare_kg() -> Decimal:
    """The empty bag's weight, counted in the bag's gross weight."""
    return Decimal(str(getattr(settings, "LOGISTICS_BAG_TARE_KG", "0.3")))


class FlightUldAllotment(models.Model):
    """The ULD positions a flight offers the hub, by type. A flight with none is loaded in bulk
    (bags loose in the hold): only its payload weight and volume limit it."""

    flight = models.ForeignKey(Flight, on_delete=models.CASCADE, related_name="uld_allotments")
    uld_type = models.ForeignKey(UldType, on_delete=models.PROTECT, related_name="+")
    positions = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["flight", "uld_type"]
        constraints = [
            models.UniqueConstraint(fields=["flight", "uld_type"], name="uld_allotment_per_type"),
            models.CheckConstraint(
                condition=models.Q(positions__gt=0), name="uld_allotment_positions_gt_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.flight_id}: {self.positions} x {self.uld_type_id}"


class UldLoad(models.Model):
    """One ULD position of a flight built up with cargo: `gross_kg` is the unit's tare plus the
    bags and loose pieces in it, never above the type's maximum gross weight (the routing
    planner's rule). The physical unit (`uld`) is named at build-up, not by the plan."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    flight = models.ForeignKey(Flight, on_delete=models.CASCADE, related_name="uld_loads")
    uld_type = models.ForeignKey(UldType, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(help_text="1, 2, … among the flight's units")
    uld = models.ForeignKey(
        UnitLoadDevice, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    gross_kg = models.DecimalField(max_digits=9, decimal_places=3)
    volume_m3 = models.DecimalField(max_digits=9, decimal_places=4, default=Decimal("0"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["flight", "uld_type", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["flight", "uld_type", "position"], name="uld_load_position_per_flight"
            ),
            models.CheckConstraint(condition=models.Q(gross_kg__gt=0), name="uld_load_gross_gt_0"),
            models.CheckConstraint(
                condition=models.Q(volume_m3__gte=0), name="uld_load_volume_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.uld_type_id} #{self.position}"


class Bag(models.Model):
    """A bag of parcels built for one flight (so for one destination), in a ULD position of it
    or loose in the hold of a flight loaded in bulk. `gross_kg` is its parcels plus its tare,
    never above `max_kg`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(max_length=32, unique=True)
    flight = models.ForeignKey(Flight, on_delete=models.CASCADE, related_name="bags")
    destination = models.ForeignKey(Airport, on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveIntegerField(help_text="1, 2, … among the flight's bags")
    uld_load = models.ForeignKey(
        UldLoad, on_delete=models.CASCADE, null=True, blank=True, related_name="bags"
    )
    tare_kg = models.DecimalField(max_digits=6, decimal_places=3)
    max_kg = models.DecimalField(max_digits=6, decimal_places=3)
    gross_kg = models.DecimalField(max_digits=9, decimal_places=3)
    volume_m3 = models.DecimalField(max_digits=9, decimal_places=4, default=Decimal("0"))
    parcels = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["flight", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["flight", "seq"], name="bag_seq_per_flight"),
            models.CheckConstraint(
                condition=models.Q(gross_kg__lte=models.F("max_kg")), name="bag_within_max"
            ),
            models.CheckConstraint(
                condition=models.Q(gross_kg__gte=models.F("tare_kg")), name="bag_gross_gte_tare"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class ParcelStowage(models.Model):
    """Where a booked parcel rides on its flight: in a bag, or loose (a piece too heavy for any
    bag) in a ULD position, or loose in the hold of a bulk flight (both empty). A table of its
    own rather than columns on the shipment, so booking a parcel adds no index entry to the
    shipment table, which every routing run writes by the hundred thousand."""

    shipment = models.OneToOneField(
        Shipment, on_delete=models.CASCADE, primary_key=True, related_name="stowage"
    )
    bag = models.ForeignKey(
        Bag, on_delete=models.CASCADE, null=True, blank=True, related_name="stowages"
    )
    # Indexed in Meta, partially: almost every parcel rides in a bag, not loose in a unit.
    uld_load = models.ForeignKey(
        UldLoad,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="loose_stowages",
        db_index=False,
    )

    class Meta:
        indexes = [
            models.Index(
                fields=["uld_load"],
                name="stowage_loose_in_uld",
                condition=models.Q(uld_load__isnull=False),
            )
        ]
        constraints = [
            # A bagged parcel's ULD is its bag's: never recorded twice.
            models.CheckConstraint(
                condition=models.Q(bag__isnull=True) | models.Q(uld_load__isnull=True),
                name="stowage_bag_or_loose",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id} in {self.bag_id or self.uld_load_id or 'bulk'}"
