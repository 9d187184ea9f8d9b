from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from ewtp.celery import app
from ewtp.core.errors import DomainError
from logistics import selectors
from logistics.models import ShipmentStatusChange, TrackingEvent, TrackingEventKey
from logistics.services import master_waybill_create, tracking_event_record, tracking_events_ingest
from logistics.services.partitions import (
    PARENT,
    add_months,
    month_start,
    partition_name,
    tracking_partition_open,
    tracking_partitions,
    tracking_partitions_ensure,
    tracking_partitions_retire,
)
from logistics.tasks import maintain_tracking_partitions
from tests.logistics import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def hub():
    _, hgh = factories.network()
    operator = factories.carrier()
    return operator, factories.flight(operator, hgh)


def names() -> list[str]:
    return [p.name for p in tracking_partitions()]


def scan(parcel, event_id, code="HUB_IN", minutes_ago=30):
    return {
        "event_id": event_id,
        "tracking_number": parcel.tracking_number,
        "code": code,
        "occurred_at": (timezone.now() - timedelta(minutes=minutes_ago)).isoformat(),
        "location": "LGG",
    }


def stored_in(event_id: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT tableoid::regclass::text FROM {PARENT} WHERE partner_event_id = %s",  # noqa: S608
            [event_id],
        )
        return str(cursor.fetchone()[0])


def test_the_table_is_partitioned_by_month_of_receipt_with_the_key_in_its_primary_key():
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT pg_get_partkeydef(%s::regclass),
                      pg_get_constraintdef(oid) FROM pg_constraint
               WHERE conrelid = %s::regclass AND contype = 'p'""",
            [PARENT, PARENT],
        )
        partition_key, primary_key = cursor.fetchone()
    this_month = month_start(timezone.now())

    assert partition_key == "RANGE (received_at)"
    assert primary_key == "PRIMARY KEY (id, received_at)"
    # the migration made this month and the months ahead the setting asks for (3 by default)
    for offset in range(4):
        assert partition_name(add_months(this_month, offset)) in names()


def test_creating_partitions_ahead_is_idempotent():
    now = datetime(2040, 3, 15, 12, 0, tzinfo=UTC)

    first = tracking_partitions_ensure(now=now, ahead=2)
    second = tracking_partitions_ensure(now=now, ahead=2)
    later = tracking_partitions_ensure(now=now + timedelta(days=31), ahead=2)

    assert first == [f"{PARENT}_p204003", f"{PARENT}_p204004", f"{PARENT}_p204005"]
    assert second == []
    assert later == [f"{PARENT}_p204006"]  # only the month that came into view
    bounds = {p.name: (p.start, p.end) for p in tracking_partitions()}
    assert bounds[f"{PARENT}_p204003"] == (
        datetime(2040, 3, 1, tzinfo=UTC),
        datetime(2040, 4, 1, tzinfo=UTC),
    )


def test_negative_months_ahead_are_refused():
    with pytest.raises(DomainError) as refused:
        tracking_partitions_ensure(ahead=-1)
    assert refused.value.code == "partitions_ahead_invalid"


def test_retention_detaches_exactly_the_months_past_it_and_prunes_their_keys(hub):
    operator, booked = hub
    parcel = factories.parcel(booked)
    tracking_partitions_ensure(now=datetime(2019, 1, 10, tzinfo=UTC), ahead=5)  # 2019-01..06
    for month in (1, 2, 3):
        received = datetime(2019, month, 20, 8, 0, tzinfo=UTC)
        event = TrackingEvent.objects.create(
            shipment=parcel,
            carrier=operator,
            partner_event_id=f"old-{month}",
            code="HUB_IN",
            status="at_hub",
            occurred_at=received,
            received_at=received,
        )
        TrackingEventKey.objects.create(
            carrier=operator,
            partner_event_id=f"old-{month}",
            event_id=event.pk,
            received_at=received,
        )

    # keep 3 months before June 2019: March, April and May stay, February and January go
    outcome = tracking_partitions_retire(now=datetime(2019, 6, 15, tzinfo=UTC), keep_months=3)

    assert outcome.detached == [f"{PARENT}_p201901", f"{PARENT}_p201902"]
    assert outcome.keys_deleted == 2
    assert f"{PARENT}_p201903" in names()
    assert f"{PARENT}_p201902" not in names()
    assert set(TrackingEvent.objects.values_list("partner_event_id", flat=True)) == {"old-3"}
    assert set(TrackingEventKey.objects.values_list("partner_event_id", flat=True)) == {"old-3"}
    # a detached month is kept as a table of its own, to be archived and dropped
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT partner_event_id FROM {PARENT}_p201902")  # noqa: S608
        assert cursor.fetchall() == [("old-2",)]
    # running it again changes nothing
    again = tracking_partitions_retire(now=datetime(2019, 6, 15, tzinfo=UTC), keep_months=3)
    assert (again.detached, again.keys_deleted) == ([], 0)


def test_retention_never_detaches_the_current_month():
    with pytest.raises(DomainError) as refused:
        tracking_partitions_retire(keep_months=0)
    assert refused.value.code == "retention_months_invalid"
    assert tracking_partition_open(at=timezone.now())


def test_ingest_into_a_new_month_lands_in_its_partition(hub, monkeypatch):
    operator, booked = hub
    parcel = factories.parcel(booked)
    next_month = add_months(month_start(timezone.now()), 1) + timedelta(days=1, hours=3)
    tracking_events_ingest(reporter=operator, events=[scan(parcel, "this-month", "HUB_IN", 60)])
    monkeypatch.setattr("django.utils.timezone.now", lambda: next_month)

    result = tracking_events_ingest(
        reporter=operator, events=[scan(parcel, "next-month", "SORTED", 30)]
    )

    assert result.accepted == 1
    assert stored_in("next-month") == partition_name(month_start(next_month))
    assert stored_in("this-month") == partition_name(month_start(next_month - timedelta(days=31)))
    key = TrackingEventKey.objects.get(partner_event_id="next-month")
    assert key.received_at == next_month
    parcel.refresh_from_db()
    assert parcel.tracking_status == "at_hub"


def test_a_month_without_a_partition_is_a_coded_rejection_per_item(hub, monkeypatch):
    operator, booked = hub
    parcel = factories.parcel(booked)
    monkeypatch.setattr("django.utils.timezone.now", lambda: datetime(2090, 5, 2, 10, tzinfo=UTC))

    result = tracking_events_ingest(
        reporter=operator, events=[scan(parcel, "far-1"), scan(parcel, "far-2", "XYZ")]
    )

    assert [(r.result, r.code) for r in result.results] == [
        ("rejected", "PARTITION_MISSING"),
        ("rejected", "CODE_UNKNOWN"),
    ]
    assert not TrackingEvent.objects.exists()
    assert not TrackingEventKey.objects.exists()
    parcel.refresh_from_db()
    assert parcel.tracking_status == "info_received"


def test_a_month_detached_by_hand_is_a_coded_refusal_of_the_batch_not_a_500(hub):
    operator, booked = hub
    parcel = factories.parcel(booked)
    tracking_events_ingest(reporter=operator, events=[scan(parcel, "before")])
    with connection.cursor() as cursor:
        cursor.execute(
            f"ALTER TABLE {PARENT} DETACH PARTITION {partition_name(month_start(timezone.now()))}"
        )

    with pytest.raises(DomainError) as refused:
        tracking_events_ingest(reporter=operator, events=[scan(parcel, "after", "SORTED")])
    with pytest.raises(DomainError) as single:
        tracking_event_record(
            carrier=operator,
            tracking_number=parcel.tracking_number,
            partner_event_id="single",
            code="SORTED",
            occurred_at=timezone.now() - timedelta(minutes=5),
        )

    assert (refused.value.code, refused.value.status) == ("PARTITION_MISSING", 503)
    assert (single.value.code, single.value.status) == ("tracking_partition_missing", 503)
    assert not TrackingEventKey.objects.filter(partner_event_id__in=["after", "single"]).exists()
    parcel.refresh_from_db()
    assert parcel.tracking_status == "at_hub"


def test_a_single_report_without_a_partition_is_refused_with_a_code(hub, monkeypatch):
    operator, booked = hub
    parcel = factories.parcel(booked)
    monkeypatch.setattr("logistics.services.tracking.tracking_partition_open", lambda *, at: False)

    with pytest.raises(DomainError) as refused:
        tracking_event_record(
            carrier=operator,
            tracking_number=parcel.tracking_number,
            partner_event_id="s-1",
            code="HUB_IN",
            occurred_at=timezone.now() - timedelta(minutes=5),
        )

    assert (refused.value.code, refused.value.status) == ("tracking_partition_missing", 503)
    assert not TrackingEvent.objects.exists()


def test_a_shipments_timeline_spans_partitions(hub):
    operator, booked = hub
    parcel = factories.parcel(booked)
    last_month = add_months(month_start(timezone.now()), -1)
    tracking_partitions_ensure(now=last_month, ahead=1)
    earlier = TrackingEvent.objects.create(
        shipment=parcel,
        carrier=operator,
        partner_event_id="last-month",
        code="MANIFEST_RECEIVED",
        status="info_received",
        occurred_at=last_month + timedelta(days=3),
        received_at=last_month + timedelta(days=3),
    )
    tracking_events_ingest(reporter=operator, events=[scan(parcel, "this-month")])

    timeline = selectors.tracking_timeline(shipment=parcel)
    public = selectors.public_tracking(tracking_number=parcel.tracking_number)

    assert [e.partner_event_id for e in timeline] == ["last-month", "this-month"]
    assert stored_in("last-month") != stored_in("this-month")
    assert [e.code for e in public.events] == ["MANIFEST_RECEIVED", "HUB_IN"]
    assert timeline[0].pk == earlier.pk


def test_a_status_change_keeps_its_reports_id_and_month(hub):
    operator, booked = hub
    parcel, single = factories.parcel(booked), factories.parcel(booked)

    result = tracking_events_ingest(reporter=operator, events=[scan(parcel, "dep-1", "DEP")])
    record = tracking_event_record(
        carrier=operator,
        tracking_number=single.tracking_number,
        partner_event_id="dep-2",
        code="DEP",
        occurred_at=timezone.now() - timedelta(minutes=10),
    )

    bulk = ShipmentStatusChange.objects.get(shipment=parcel, to_status="departed")
    one = ShipmentStatusChange.objects.get(shipment=single, to_status="departed")
    stored = TrackingEvent.objects.get(partner_event_id="dep-1")
    assert (str(bulk.tracking_event_id), bulk.tracking_event_received_at) == (
        result.results[0].id,
        stored.received_at,
    )
    assert (one.tracking_event_id, one.tracking_event_received_at) == (
        record.event.pk,
        record.event.received_at,
    )


def test_a_single_report_sent_again_is_the_same_report(hub):
    operator, booked = hub
    parcel = factories.parcel(booked)
    occurred = timezone.now() - timedelta(minutes=10)

    def send(code):
        return tracking_event_record(
            carrier=operator,
            tracking_number=parcel.tracking_number,
            partner_event_id="one",
            code=code,
            occurred_at=occurred,
        )

    first, again = send("HUB_IN"), send("HUB_IN")

    assert (first.created, again.created, again.event.pk) == (True, False, first.event.pk)
    assert TrackingEventKey.objects.get(partner_event_id="one").event_id == first.event.pk
    with pytest.raises(DomainError) as reused:
        send("SORTED")
    assert reused.value.code == "tracking_event_id_reused"


def test_the_command_and_the_job_make_partitions_and_are_idempotent():
    out = StringIO()
    call_command("tracking_partitions", "--ahead", "5", stdout=out)
    this_month = month_start(timezone.now())

    assert f"created   {partition_name(add_months(this_month, 5))}" in out.getvalue()
    assert maintain_tracking_partitions() == {"created": [], "detached": [], "keys_deleted": 0}
    listed = StringIO()
    call_command("tracking_partitions", "--list", stdout=listed)
    assert partition_name(this_month) in listed.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_same_batch_replayed_concurrently_is_stored_once():
    operator = factories.carrier()
    factories.network()
    master_waybill_create(
        organization=operator,
        awb_number="784-24681355",
        pieces=1,
        weight_kg=Decimal("1.0"),
        origin="LGG",
        destination="HGH",
    )
    occurred = (timezone.now() - timedelta(minutes=20)).isoformat()
    events = [
        {"event_id": f"rcs-{i}", "awb_number": "784-24681355", "code": code, "occurred_at": when}
        for i, (code, when) in enumerate([("RCS", occurred), ("MAN", occurred)])
    ]
    first_stored, release = threading.Event(), threading.Event()
    results: dict[str, list[str]] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                outcome = tracking_events_ingest(reporter=operator, events=events)
                first_stored.set()
                release.wait(timeout=20)
            results["first"] = [r.result for r in outcome.results]
        finally:
            connection.close()

    def second() -> None:
        try:
            first_stored.wait(timeout=20)
            outcome = tracking_events_ingest(reporter=operator, events=events)
            results["second"] = [r.result for r in outcome.results]
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    assert first_stored.wait(timeout=20)
    # the second batch waits on the first one's uncommitted keys before the first commits
    deadline = time.monotonic() + 20
    waiting = 0
    while waiting == 0 and time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT count(*) FROM pg_stat_activity
                   WHERE datname = current_database() AND wait_event_type = 'Lock'"""
            )
            waiting = cursor.fetchone()[0]
        if waiting == 0:
            time.sleep(0.02)  # polling interval, bounded by the deadline
    release.set()
    for thread in threads:
        thread.join(timeout=30)

    assert waiting == 1
    assert results == {"first": ["accepted", "accepted"], "second": ["duplicate", "duplicate"]}
    assert TrackingEvent.objects.count() == 2
    assert TrackingEventKey.objects.count() == 2


def test_beat_runs_the_partition_job_daily():
    entries = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == maintain_tracking_partitions.name
    ]

    assert len(entries) == 1
    assert str(entries[0]["schedule"]) == "<crontab: 37 2 * * * (m/h/dM/MY/d)>"
    assert maintain_tracking_partitions.name in app.tasks
