"""Seed airlines (AWB prefixes) and ULD types; restate stored tracking events in the normalised
statuses of logistics.tracking_codes and give each shipment its tracking position."""

from django.db import migrations

from logistics.airlines import AIRLINES
from logistics.tracking_codes import TRACKING_CODES, TrackingPosition, advance
from logistics.uld import ULD_TYPES


def seed_reference(apps, schema_editor):
    Airline = apps.get_model("logistics", "Airline")
    UldType = apps.get_model("logistics", "UldType")
    for spec in AIRLINES:
        Airline.objects.update_or_create(
            awb_prefix=spec.awb_prefix, defaults={"iata_code": spec.iata_code, "name": spec.name}
        )
    for spec in ULD_TYPES:
        UldType.objects.update_or_create(
            code=spec.code, defaults={"name": spec.name, "max_gross_kg": spec.max_gross_kg}
        )


def normalise_tracking(apps, schema_editor):
    TrackingEvent = apps.get_model("logistics", "TrackingEvent")
    Shipment = apps.get_model("logistics", "Shipment")
    for code, spec in TRACKING_CODES.items():
        TrackingEvent.objects.filter(code=code).exclude(status=spec.status).update(
            status=spec.status
        )
    for shipment in Shipment.objects.filter(tracking_events__isnull=False).distinct():
        position = TrackingPosition.initial()
        for event in shipment.tracking_events.order_by("occurred_at", "received_at"):
            spec = TRACKING_CODES.get(event.code)
            moved = advance(position, spec, event.occurred_at) if spec else None
            position = moved or position
        Shipment.objects.filter(pk=shipment.pk).update(
            tracking_status=position.status,
            tracking_rank=position.rank,
            tracking_status_at=position.at,
        )


class Migration(migrations.Migration):
    dependencies = [("logistics", "0002_air_cargo_and_tracking_normalised")]

    operations = [
        migrations.RunPython(seed_reference, migrations.RunPython.noop),
        migrations.RunPython(normalise_tracking, migrations.RunPython.noop),
    ]
