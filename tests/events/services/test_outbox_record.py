"""outbox_record / publish: the event and its deliveries are written in the caller's transaction."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from ewtp.events import tasks
from ewtp.events.bus import publish, subscribe
from ewtp.events.models import DeliveryStatus, OutboxEvent, WebhookDelivery
from ewtp.events.services import outbox_record, webhook_endpoint_disable
from tests.events.conftest import EVENT_TYPE

pytestmark = pytest.mark.django_db


def test_an_event_without_endpoints_costs_one_insert_and_one_select(make_org):
    org = make_org()

    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        event = outbox_record(type=EVENT_TYPE, data={"parcel": "P-1"}, recipients=[org])

    statements = [q["sql"].split()[0] for q in queries.captured_queries]
    assert [s for s in statements if s in {"INSERT", "SELECT", "UPDATE"}] == ["INSERT", "SELECT"]
    stored = OutboxEvent.objects.get(pk=event.pk)
    assert (stored.type, stored.data, stored.recipient_ids) == (
        EVENT_TYPE,
        {"parcel": "P-1"},
        [org.pk],
    )
    assert not WebhookDelivery.objects.exists()


def test_one_delivery_per_active_subscribed_endpoint_of_each_recipient(
    make_org, make_endpoint, publish_event
):
    buyer, carrier, bystander = make_org(), make_org(), make_org()
    all_types, _ = make_endpoint(buyer)
    subscribed, _ = make_endpoint(carrier, event_types=[EVENT_TYPE, "test.other"])
    make_endpoint(carrier, event_types=["test.other"])
    disabled, _ = make_endpoint(carrier)
    webhook_endpoint_disable(endpoint=disabled, reason="test")
    make_endpoint(bystander)

    event = publish_event(buyer, carrier)

    deliveries = WebhookDelivery.objects.filter(event=event)
    assert {d.endpoint_id for d in deliveries} == {all_types.pk, subscribed.pk}
    assert {d.status for d in deliveries} == {DeliveryStatus.PENDING}
    assert all(d.next_attempt_at == event.occurred_at for d in deliveries)


def test_sequences_increase_by_one_per_endpoint(make_org, make_endpoint, publish_event):
    org, other = make_org(), make_org()
    endpoint, _ = make_endpoint(org)
    other_endpoint, _ = make_endpoint(other)

    for _ in range(3):
        publish_event(org)
    publish_event(org, other)

    sequences = list(
        WebhookDelivery.objects.filter(endpoint=endpoint)
        .order_by("created_at", "sequence")
        .values_list("sequence", flat=True)
    )
    assert sequences == [1, 2, 3, 4]
    assert WebhookDelivery.objects.get(endpoint=other_endpoint).sequence == 1


def test_a_rolled_back_publish_leaves_nothing_and_no_gap(make_org, make_endpoint, publish_event):
    org = make_org()
    make_endpoint(org)
    publish_event(org)

    def failing_change() -> None:
        with transaction.atomic():
            publish(type=EVENT_TYPE, data={}, recipients=[org])
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        failing_change()
    publish_event(org)

    assert OutboxEvent.objects.count() == 2
    assert sorted(WebhookDelivery.objects.values_list("sequence", flat=True)) == [1, 2]


def test_delivery_is_queued_on_commit_only_when_a_webhook_is_owed(
    make_org, make_endpoint, monkeypatch, django_capture_on_commit_callbacks
):
    queued: list[str] = []
    monkeypatch.setattr(tasks.deliver_due_webhooks, "delay", lambda: queued.append("sent"))
    org, quiet = make_org(), make_org()
    make_endpoint(org)

    with django_capture_on_commit_callbacks(execute=True) as without:
        publish(type=EVENT_TYPE, data={}, recipients=[quiet])
    with django_capture_on_commit_callbacks(execute=True) as with_endpoint:
        publish(type=EVENT_TYPE, data={}, recipients=[org])

    assert (len(without), len(with_endpoint)) == (0, 1)
    assert queued == ["sent"]


def test_publish_runs_subscribers_in_the_same_transaction(make_org):
    seen: list[str] = []

    @subscribe("test.subscriber.called")
    def record(event: OutboxEvent) -> None:
        seen.append(str(event.pk))
        assert OutboxEvent.objects.filter(pk=event.pk).exists()

    with transaction.atomic():
        event = publish(type="test.subscriber.called", data={}, recipients=[make_org()])

    assert seen == [str(event.pk)]


def test_publish_outside_a_transaction_is_refused(transactional_db, make_org):
    with pytest.raises(RuntimeError, match="inside the transaction"):
        publish(type=EVENT_TYPE, data={}, recipients=[make_org()])
    assert not OutboxEvent.objects.exists()


def test_the_task_is_registered_routed_to_notifications_and_on_the_beat(settings):
    from ewtp.celery import app

    name = tasks.deliver_due_webhooks.name
    route = app.amqp.router.route({}, name)

    assert name == "ewtp.events.deliver_due_webhooks"
    assert name in app.tasks
    assert route["queue"].name == "notifications"
    beat = [entry for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry["task"] == name]
    assert [entry["schedule"] for entry in beat] == [10.0]
