"""The tracking-event table becomes range-partitioned by month of `received_at`.

Rows are moved into a new partitioned table (one partition per month they were received in,
plus the months ahead that `TRACKING_PARTITIONS_AHEAD` asks for), the names are swapped and the
indexes built once on the parent. The (carrier, partner event id) unique constraint cannot
span partitions: its rows become `TrackingEventKey`s. Foreign keys to and from the table are
dropped (see the models); Django's state keeps `id` as the model's key, while the table's
primary key is (id, received_at)."""

from datetime import UTC, datetime

import django.contrib.postgres.indexes
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

PARENT = "logistics_trackingevent"


def _month(moment: datetime) -> datetime:
    return datetime(moment.year, moment.month, 1, tzinfo=UTC)


def _next(month: datetime) -> datetime:
    return datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=UTC)


def _previous(month: datetime) -> datetime:
    return datetime(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1, tzinfo=UTC)


def create_partitions(apps, schema_editor):  # type: ignore[no-untyped-def]
    """A partition for every month the stored rows were received in, from the month before
    this one (a clock a little behind at a month's turn) to TRACKING_PARTITIONS_AHEAD ahead."""
    cursor = schema_editor.connection.cursor()
    cursor.execute(f"SELECT min(received_at) FROM {PARENT}")  # noqa: S608  # fixed name
    oldest = cursor.fetchone()[0]
    now = datetime.now(UTC)
    month = _previous(_month(now))
    if oldest is not None:
        month = min(month, _month(oldest))
    last = _month(now)
    for _ in range(getattr(settings, "TRACKING_PARTITIONS_AHEAD", 3)):
        last = _next(last)
    while month <= last:
        cursor.execute(
            f"CREATE TABLE {PARENT}_p{month:%Y%m} PARTITION OF {PARENT}_partitioned "
            "FOR VALUES FROM (%s) TO (%s)",
            [month.isoformat(), _next(month).isoformat()],
        )
        month = _next(month)


CREATE_PARENT = f"""
CREATE TABLE {PARENT}_partitioned
    (LIKE {PARENT} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)
    PARTITION BY RANGE (received_at);
"""

MOVE_AND_SWAP = f"""
INSERT INTO {PARENT}_partitioned SELECT * FROM {PARENT};
INSERT INTO logistics_trackingeventkey (carrier_id, partner_event_id, event_id, received_at)
    SELECT carrier_id, partner_event_id, id, received_at FROM {PARENT};
UPDATE logistics_shipmentstatuschange c SET tracking_event_received_at = e.received_at
    FROM {PARENT} e WHERE e.id = c.tracking_event_id;
DROP TABLE {PARENT};
ALTER TABLE {PARENT}_partitioned RENAME TO {PARENT};
ALTER TABLE {PARENT} ADD CONSTRAINT {PARENT}_pkey PRIMARY KEY (id, received_at);
CREATE INDEX tracking_by_shipment ON {PARENT} (shipment_id, occurred_at);
CREATE INDEX tracking_by_mawb ON {PARENT} (master_waybill_id, occurred_at)
    WHERE master_waybill_id IS NOT NULL;
CREATE INDEX tracking_received_brin ON {PARENT} USING brin (received_at);
"""

# Back to one plain table (detached partitions are left as they are).
UNPARTITION = f"""
CREATE TABLE {PARENT}_plain (LIKE {PARENT} INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
INSERT INTO {PARENT}_plain SELECT * FROM {PARENT};
DROP TABLE {PARENT};
ALTER TABLE {PARENT}_plain RENAME TO {PARENT};
ALTER TABLE {PARENT} ADD CONSTRAINT {PARENT}_pkey PRIMARY KEY (id);
ALTER TABLE {PARENT} ADD CONSTRAINT tracking_event_once_per_carrier
    UNIQUE (carrier_id, partner_event_id);
CREATE INDEX tracking_by_shipment ON {PARENT} (shipment_id, occurred_at);
CREATE INDEX tracking_by_mawb ON {PARENT} (master_waybill_id, occurred_at)
    WHERE master_waybill_id IS NOT NULL;
CREATE INDEX tracking_received_brin ON {PARENT} USING brin (received_at);
ALTER TABLE {PARENT} ADD CONSTRAINT logistics_trackingev_carrier_id_025808a1_fk_core_orga
    FOREIGN KEY (carrier_id) REFERENCES core_organization (id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE {PARENT} ADD CONSTRAINT logistics_trackingev_master_waybill_id_732bd993_fk_logistics
    FOREIGN KEY (master_waybill_id) REFERENCES logistics_masterwaybill (id)
    DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE {PARENT} ADD CONSTRAINT logistics_trackingev_shipment_id_0bc9131b_fk_logistics
    FOREIGN KEY (shipment_id) REFERENCES logistics_shipment (id) DEFERRABLE INITIALLY DEFERRED;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_idempotency_body_as_bytes"),
        ("logistics", "0013_bags_uld_loads_and_allotments"),
    ]

    operations = [
        migrations.CreateModel(
            name="TrackingEventKey",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "carrier_id",
                        "partner_event_id",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                (
                    "carrier",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.organization",
                    ),
                ),
                ("partner_event_id", models.CharField(max_length=100)),
                ("event_id", models.UUIDField()),
                ("received_at", models.DateTimeField()),
            ],
            options={
                "indexes": [
                    django.contrib.postgres.indexes.BrinIndex(
                        fields=["received_at"], name="tracking_key_received_brin"
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="shipmentstatuschange",
            name="tracking_event_received_at",
            field=models.DateTimeField(
                blank=True,
                help_text="The report's partition key: finds it in one month",
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="shipmentstatuschange",
            name="tracking_event",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="logistics.trackingevent",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name="trackingevent", name="tracking_event_once_per_carrier"
                ),
                migrations.AlterField(
                    model_name="trackingevent",
                    name="carrier",
                    field=models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        help_text="Who reported it",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.organization",
                    ),
                ),
                migrations.AlterField(
                    model_name="trackingevent",
                    name="master_waybill",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="tracking_events",
                        to="logistics.masterwaybill",
                    ),
                ),
                migrations.AlterField(
                    model_name="trackingevent",
                    name="received_at",
                    field=models.DateTimeField(
                        default=django.utils.timezone.now, help_text="The partition key"
                    ),
                ),
                migrations.AlterField(
                    model_name="trackingevent",
                    name="shipment",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="tracking_events",
                        to="logistics.shipment",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(CREATE_PARENT, reverse_sql=UNPARTITION),
                migrations.RunPython(create_partitions, migrations.RunPython.noop),
                migrations.RunSQL(MOVE_AND_SWAP, reverse_sql=migrations.RunSQL.noop),
            ],
        ),
    ]
