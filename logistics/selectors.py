"""Reads of logistics, scoped to the organisation asking. Another tenant's row is NotFound."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import TruncHour
from django.utils import timezone

from ewtp.core.errors import DomainError, NotFound
from ewtp.core.models import Organization
from ewtp.core.money import Money, round_half_up
from logistics import airports
from logistics.models import (
    HUB_IATA,
    Airport,
    Bag,
    Flight,
    FlightUldAllotment,
    FreightRate,
    InboundParcel,
    Manifest,
    MasterWaybill,
    MilestoneSubscription,
    ParcelStowage,
    RoutingRun,
    Shipment,
    ShipmentBlock,
    ShipmentException,
    ShipmentExceptionKind,
    TrackingEvent,
    UldLoad,
    WaitingReason,
    bag_max_kg,
)
from logistics.tracking_codes import PROGRESS_RANK, TRACKING_CODES, TrackingStatus


def destination_is_served(*, iata: str, country: str) -> bool:
    """Whether the hub flies to this airport, in this country."""
    return (
        Airport.objects.exclude(iata=HUB_IATA)
        .filter(iata=iata, country=country, served=True)
        .exists()
    )


def freight_rate_on(*, destination_airport: str, on: date) -> FreightRate | None:
    """The freight rate to the airport in force on `on`: the latest one started by then."""
    return (
        FreightRate.objects.filter(destination_id=destination_airport, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .order_by("-valid_from")
        .first()
    )


def freight_quote(*, destination_airport: str, chargeable_weight_kg: Decimal, on: date) -> Money:
    """Air freight from the hub for a consignment of this chargeable weight (see
    logistics.weights): price per kg times the weight, never less than the minimum charge,
    rounded half-up to the cent. No rate in force is DomainError `no_freight_rate`."""
    if not chargeable_weight_kg.is_finite() or chargeable_weight_kg <= 0:
        raise DomainError(
            "The chargeable weight must be positive.",
            code="chargeable_weight_invalid",
            field="chargeable_weight_kg",
        )
    rate = freight_rate_on(destination_airport=destination_airport, on=on)
    if rate is None:
        raise DomainError(
            f"No freight rate to {destination_airport} on {on.isoformat()}.",
            code="no_freight_rate",
            field="destination_airport",
        )
    charge = max(rate.minimum_charge, chargeable_weight_kg * rate.price_per_kg)
    return Money(round_half_up(charge), rate.currency)


def shipment_list(
    *, organization: Organization, order_id: uuid.UUID | None = None, status: str | None = None
) -> QuerySet[Shipment]:
    """Shipments the organisation ordered (marketplace), sells (merchant) or flies (carrier)."""
    shipments = Shipment.objects.visible_to(organization).select_related(
        "marketplace", "merchant", "carrier", "flight"
    )
    if order_id is not None:
        shipments = shipments.filter(order_id=order_id)
    if status is not None:
        shipments = shipments.filter(status=status)
    return shipments


def shipment_get(*, organization: Organization, shipment_id: uuid.UUID) -> Shipment:
    shipment = (
        shipment_list(organization=organization)
        .select_related("house_waybill__master_waybill")
        .filter(pk=shipment_id)
        .first()
    )
    if shipment is None:
        raise NotFound("No such shipment.")
    return shipment


def shipments_by_order(
    *, organization: Organization, order_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, Shipment]:
    """The shipment of each of these orders that the organisation may see, in one query; the
    last tracking status is kept on the shipment, so no event is read. Orders not yet handed
    to logistics are absent."""
    return {
        shipment.order_id: shipment
        for shipment in shipment_list(organization=organization).filter(
            order_id__in=list(order_ids)
        )
        if shipment.order_id is not None
    }


def tracking_timeline(*, shipment: Shipment) -> list[TrackingEvent]:
    """The parcel's own reports and those of its master air waybill (seen by reference), in
    the order they happened."""
    about = Q(shipment=shipment)
    if shipment.house_waybill is not None:
        about |= Q(master_waybill_id=shipment.house_waybill.master_waybill_id)
    return list(
        TrackingEvent.objects.filter(about)
        .select_related("master_waybill")
        .order_by("occurred_at", "received_at", "id")
    )


def flight_list(
    *,
    carrier: Organization,
    destination: str | None = None,
    departing_after: datetime | None = None,
) -> QuerySet[Flight]:
    """The carrier's own flights."""
    flights = Flight.objects.operated_by(carrier).select_related("carrier")
    if destination is not None:
        flights = flights.filter(destination_id=destination)
    if departing_after is not None:
        flights = flights.filter(departure_at__gt=departing_after)
    return flights


def master_waybill_list(
    *, organization: Organization, awb_number: str | None = None
) -> QuerySet[MasterWaybill]:
    """The MAWBs the organisation recorded."""
    waybills = MasterWaybill.objects.owned_by(organization).select_related("airline", "flight")
    if awb_number is not None:
        waybills = waybills.filter(awb_number=awb_number)
    return waybills


def master_waybill_get(
    *, organization: Organization, master_waybill_id: uuid.UUID
) -> MasterWaybill:
    waybill = master_waybill_list(organization=organization).filter(pk=master_waybill_id).first()
    if waybill is None:
        raise NotFound("No such air waybill.")
    return waybill


def master_waybill_followed_get(
    *, organization: Organization, master_waybill_id: uuid.UUID
) -> MasterWaybill:
    """A MAWB the organisation may follow: one it recorded, or one carrying a parcel it may
    see (a marketplace's or merchant's goods, a carrier's load). Anything else is NotFound."""
    carries_its_parcels = Shipment.objects.visible_to(organization).filter(
        house_waybill__master_waybill=OuterRef("pk")
    )
    waybill = (
        MasterWaybill.objects.filter(pk=master_waybill_id)
        .filter(Q(organization=organization) | Q(Exists(carries_its_parcels)))
        .first()
    )
    if waybill is None:
        raise NotFound("No such air waybill.")
    return waybill


def milestone_subscription_list(*, organization: Organization) -> QuerySet[MilestoneSubscription]:
    return MilestoneSubscription.objects.filter(organization=organization).select_related(
        "master_waybill", "shipment"
    )


# --- Public tracking: what anyone holding the number may see. No personal data and nothing of
# any tenant: no consignee, merchant, marketplace, carrier, order or weight.


@dataclass(frozen=True, slots=True)
class PublicPlace:
    iata: str
    name: str | None
    country: str | None
    time_zone: str | None


@dataclass(frozen=True, slots=True)
class PublicTime:
    utc: datetime
    local: str | None
    time_zone: str | None


@dataclass(frozen=True, slots=True)
class PublicTrackingEvent:
    status: str
    code: str
    description: str
    place: PublicPlace | None
    occurred_at: datetime
    local_time: str | None


@dataclass(frozen=True, slots=True)
class PublicTracking:
    tracking_number: str
    status: str
    status_label: str
    status_at: datetime | None
    origin: PublicPlace
    destination: PublicPlace
    eta: PublicTime | None
    events: list[PublicTrackingEvent]


# Airports change a few times a year; each process keeps the table for a few minutes rather
# than joining it into every public lookup.
_AIRPORTS_TTL_S = 300.0
_airports: tuple[float, dict[str, PublicPlace]] = (0.0, {})


def _known_airports() -> dict[str, PublicPlace]:
    global _airports  # a per-process cache, replaced whole
    loaded_at, places = _airports
    if time.monotonic() - loaded_at > _AIRPORTS_TTL_S:
        places = {
            iata: PublicPlace(iata, name, country, zone)
            for iata, name, country, zone in Airport.objects.values_list(
                "iata", "name", "country", "timezone"
            )
        }
        _airports = (time.monotonic(), places)
    return places


def _place(iata: str) -> PublicPlace:
    known = _known_airports()
    place = known.get(iata)
    if place is not None:
        return place
    airport = Airport.objects.filter(iata=iata).first()  # added since the cache was loaded
    if airport is not None:
        known[iata] = PublicPlace(iata, airport.name, airport.country, airport.timezone)
        return known[iata]
    record = airports.lookup(iata)
    if record is not None:
        return PublicPlace(iata, record.name, record.country, record.timezone)
    return PublicPlace(iata, None, None, None)


def _local(moment: datetime, place: PublicPlace | None) -> str | None:
    if place is None or place.time_zone is None:
        return None
    return moment.astimezone(airports.zone(place.time_zone)).isoformat()


_PUBLIC_PARCEL = """
    SELECT s.id, s.tracking_number, s.tracking_status, s.tracking_rank, s.tracking_status_at,
           s.destination_id, f.arrival_at, f.destination_id, h.master_waybill_id
    FROM logistics_shipment s
    LEFT JOIN logistics_flight f ON f.id = s.flight_id
    LEFT JOIN logistics_housewaybill h ON h.id = s.house_waybill_id
    WHERE s.tracking_number = %s"""
_PUBLIC_EVENTS = """
    SELECT code, status, location, occurred_at FROM (
        SELECT code, status, location, occurred_at, received_at, id
        FROM logistics_trackingevent WHERE shipment_id = %s
        UNION ALL
        SELECT code, status, location, occurred_at, received_at, id
        FROM logistics_trackingevent WHERE master_waybill_id = %s
    ) timeline ORDER BY occurred_at, received_at, id"""


def public_tracking(*, tracking_number: str) -> PublicTracking:
    """A parcel's public timeline: normalised statuses with places and local times, and the
    ETA of its flight. Unknown numbers are NotFound. Two indexed queries and no ORM: this is
    the most-read page of the platform."""
    with connection.cursor() as cursor:
        cursor.execute(_PUBLIC_PARCEL, [tracking_number])
        row = cursor.fetchone()
        if row is None:
            raise NotFound("No parcel with this tracking number.")
        (shipment_id, number, status, rank, status_at, destination, arrival_at,
         arrives_at, mawb_id) = row  # fmt: skip
        cursor.execute(_PUBLIC_EVENTS, [shipment_id, mawb_id])
        rows = cursor.fetchall()
    timeline = []
    for code, event_status, location, occurred_at in rows:
        spec = TRACKING_CODES.get(code)
        place = _place(location) if location else None
        timeline.append(
            PublicTrackingEvent(
                status=event_status,
                code=code,
                description=spec.description if spec else TrackingStatus(event_status).label,
                place=place,
                occurred_at=occurred_at,
                local_time=_local(occurred_at, place),
            )
        )
    eta = None
    if arrival_at is not None and rank < PROGRESS_RANK[TrackingStatus.ARRIVED]:
        arrival_place = _place(arrives_at)
        eta = PublicTime(
            utc=arrival_at,
            local=_local(arrival_at, arrival_place),
            time_zone=arrival_place.time_zone,
        )
    return PublicTracking(
        tracking_number=number,
        status=status,
        status_label=TrackingStatus(status).label,
        status_at=status_at,
        origin=_place(HUB_IATA),
        destination=_place(destination),
        eta=eta,
        events=timeline,
    )


# --- The hub staff's exception queue.

EXCEPTION_QUEUE_SIZE = 200


@dataclass(frozen=True, slots=True)
class ExceptionQueue:
    kind: str | None
    exceptions: list[ShipmentException]
    open_by_kind: list[tuple[str, str, int]]  # kind, label, open exceptions
    open_total: int


def exception_queue(*, kind: str | None = None) -> ExceptionQueue:
    """The open exceptions, oldest first (of one kind, if given), with the parcel each is
    about, and how many are open of each kind."""
    open_ = ShipmentException.objects.open()
    shown = open_ if kind is None else open_.filter(kind=kind)
    counts = dict(open_.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    labels = dict(ShipmentExceptionKind.choices)
    return ExceptionQueue(
        kind=kind,
        exceptions=list(
            shown.select_related("shipment", "shipment__flight").order_by("detected_at", "id")[
                :EXCEPTION_QUEUE_SIZE
            ]
        ),
        open_by_kind=[(k, labels[k], counts.get(k, 0)) for k in labels],
        open_total=sum(counts.values()),
    )


# --- The hub staff's flights view (issue 5, §7).

HUB_BOARD_HOURS = 48


@dataclass(frozen=True, slots=True)
class FlightFill:
    flight: Flight
    weight_pct: float
    volume_pct: float
    parcels: int


@dataclass(frozen=True, slots=True)
class HubFlightBoard:
    now: datetime
    until: datetime
    flights: list[FlightFill]
    waiting: list[tuple[str, str, int]]  # reason code, label, parcels
    waiting_total: int
    runs: list[RoutingRun]
    throughput: list[tuple[datetime, int]]  # tracking reports received per hour, oldest first


def _pct(part: Decimal, whole: Decimal) -> float:
    if whole <= 0:
        return 0.0
    return float(min(Decimal(100), part * 100 / whole))


def hub_flight_board(*, now: datetime | None = None) -> HubFlightBoard:
    """Flights departing in the next 48 h with their fill by weight and volume, the parcels
    waiting by the reason the last routing run gave, and the last routing runs."""
    now = now or timezone.now()
    until = now + timedelta(hours=HUB_BOARD_HOURS)
    flights = (
        Flight.objects.filter(departure_at__gt=now, departure_at__lte=until)
        .select_related("carrier", "destination")
        .annotate(parcels=Count("shipments"))
        .order_by("departure_at", "number")
    )
    fills = [
        FlightFill(
            flight=f,
            weight_pct=_pct(f.booked_kg, f.capacity_kg),
            volume_pct=_pct(f.booked_m3, f.capacity_m3),
            parcels=f.parcels,  # type: ignore[attr-defined]  # the annotation above
        )
        for f in flights
    ]
    counts = dict(
        Shipment.objects.waiting()
        .values_list("waiting_reason")
        .annotate(n=Count("id"))
        .values_list("waiting_reason", "n")
    )
    labels = dict(WaitingReason.choices)
    waiting = [
        (code, labels.get(code, "Not planned yet"), n)
        for code, n in sorted(counts.items(), key=lambda item: -item[1])
    ]
    return HubFlightBoard(
        now=now,
        until=until,
        flights=fills,
        waiting=[(code or "NEW", label, n) for code, label, n in waiting],
        waiting_total=sum(counts.values()),
        runs=list(RoutingRun.objects.order_by("-requested_at")[:5]),
        throughput=hub_throughput(now=now),
    )


def hub_throughput(*, now: datetime, hours: int = 24) -> list[tuple[datetime, int]]:
    """Tracking reports received per hour over the last `hours` hours (UTC), every hour listed,
    quiet ones as 0. One aggregate query over the received_at BRIN index."""
    last = now.replace(minute=0, second=0, microsecond=0)
    first = last - timedelta(hours=hours - 1)
    counted = dict(
        TrackingEvent.objects.filter(received_at__gte=first)
        .annotate(hour=TruncHour("received_at", tzinfo=UTC))
        .values("hour")
        .annotate(n=Count("id"))
        .values_list("hour", "n")
    )
    return [
        (first + timedelta(hours=h), counted.get(first + timedelta(hours=h), 0))
        for h in range(hours)
    ]


# --- Inbound manifests


def manifest_list(*, carrier: Organization) -> QuerySet[Manifest]:
    """The carrier's own manifests, newest first, with their parcel counts."""
    return (
        Manifest.objects.of_carrier(carrier)
        .select_related("airline")
        .annotate(parcel_count=Count("parcels"))
    )


def manifest_get(*, carrier: Organization, manifest_id: uuid.UUID) -> Manifest:
    manifest = manifest_list(carrier=carrier).filter(pk=manifest_id).first()
    if manifest is None:
        raise NotFound("No such manifest.")
    return manifest


def manifest_parcels(*, manifest: Manifest) -> list[InboundParcel]:
    """The manifest's parcels with their shipments and blocks (three queries)."""
    return list(
        InboundParcel.objects.filter(manifest=manifest)
        .select_related("shipment")
        .prefetch_related(
            Prefetch("shipment__blocks", queryset=ShipmentBlock.objects.order_by("placed_at", "id"))
        )
        .order_by("created_at", "parcel_reference")
    )


# --- Load plans (bags in ULD positions) of flights


@dataclass(frozen=True, slots=True)
class UldFill:
    load: UldLoad
    weight_pct: float  # of the type's maximum gross weight, tare included
    volume_pct: float
    bags: list[Bag]
    loose_parcels: int  # pieces too heavy for a bag, loose in the unit


@dataclass(frozen=True, slots=True)
class FlightLoadPlan:
    flight: Flight
    positions: list[tuple[str, int, int]]  # ULD type, positions offered, built up
    ulds: list[UldFill]
    bulk_bags: list[Bag]  # bags loose in the hold (a flight loaded in bulk)
    bulk_loose_parcels: int
    bag_max_kg: Decimal


def uld_fills(*, flight_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[UldFill]]:
    """The built-up ULDs of the flights with their fill and bags: three queries."""
    ids = list(flight_ids)
    loads = list(
        UldLoad.objects.filter(flight_id__in=ids)
        .select_related("uld_type")
        .annotate(loose=Count("loose_stowages"))
        .order_by("flight_id", "uld_type_id", "position")
    )
    bags: dict[uuid.UUID, list[Bag]] = {}
    for bag in Bag.objects.filter(uld_load__in=[u.pk for u in loads]).order_by("seq"):
        bags.setdefault(bag.uld_load_id, []).append(bag)  # type: ignore[arg-type]  # filtered
    fills: dict[uuid.UUID, list[UldFill]] = {}
    for load in loads:
        fills.setdefault(load.flight_id, []).append(
            UldFill(
                load=load,
                weight_pct=_pct(load.gross_kg, load.uld_type.max_gross_kg),
                volume_pct=_pct(load.volume_m3, load.uld_type.volume_m3),
                bags=bags.get(load.pk, []),
                loose_parcels=load.loose,
            )
        )
    return fills


def flight_load_plan(*, carrier: Organization, flight_id: uuid.UUID) -> FlightLoadPlan:
    """The load plan of one of the carrier's flights: its ULD positions, each built-up unit
    with its bags and weights, and what rides in bulk. Another carrier's flight: NotFound."""
    flight = (
        Flight.objects.operated_by(carrier).select_related("carrier").filter(pk=flight_id).first()
    )
    if flight is None:
        raise NotFound("No such flight.")
    ulds = uld_fills(flight_ids=[flight.pk]).get(flight.pk, [])
    built: dict[str, int] = {}
    for fill in ulds:
        built[fill.load.uld_type_id] = built.get(fill.load.uld_type_id, 0) + 1
    positions = [
        (code, count, built.get(code, 0))
        for code, count in FlightUldAllotment.objects.filter(flight=flight)
        .order_by("uld_type_id")
        .values_list("uld_type_id", "positions")
    ]
    bulk = list(Bag.objects.filter(flight=flight, uld_load__isnull=True).order_by("seq"))
    loose = ParcelStowage.objects.filter(
        shipment__flight=flight, bag__isnull=True, uld_load__isnull=True
    ).count()
    return FlightLoadPlan(
        flight=flight,
        positions=positions,
        ulds=ulds,
        bulk_bags=bulk,
        bulk_loose_parcels=loose,
        bag_max_kg=bag_max_kg(),
    )
