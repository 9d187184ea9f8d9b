"""The in-process bus: one-event and set-wise subscribers, called by `publish` and
`publish_many` through one path, in the order the module's docstring states."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest
from django.db import transaction

from ewtp.events import bus
from ewtp.events.bus import EventDraft, publish, publish_many, subscribe, subscribe_many
from ewtp.events.models import OutboxEvent

pytestmark = pytest.mark.django_db

PARCEL = "test.bus.parcel"
SACK = "test.bus.sack"


@pytest.fixture(autouse=True)
def _own_subscribers() -> Iterator[None]:
    """Subscribers registered by a test leave with it."""
    saved = {event_type: list(handlers) for event_type, handlers in bus._handlers.items()}
    yield
    bus._handlers.clear()
    bus._handlers.update(saved)


def drafts(*spec: tuple[str, int]) -> list[EventDraft]:
    return [EventDraft(type=event_type, data={"n": n}) for event_type, n in spec]


def test_publish_hands_a_set_wise_subscriber_a_list_of_one():
    calls: list[list[int]] = []

    @subscribe_many(PARCEL)
    def handle(events: Sequence[OutboxEvent]) -> None:
        calls.append([event.data["n"] for event in events])

    with transaction.atomic():
        publish(type=PARCEL, data={"n": 1})
        publish(type=PARCEL, data={"n": 2})

    assert calls == [[1], [2]]


def test_publish_many_hands_each_run_of_one_type_to_a_set_wise_subscriber_at_once():
    calls: list[tuple[str, list[int]]] = []

    @subscribe_many(PARCEL)
    def parcels(events: Sequence[OutboxEvent]) -> None:
        calls.append((PARCEL, [event.data["n"] for event in events]))

    @subscribe_many(SACK)
    def sacks(events: Sequence[OutboxEvent]) -> None:
        calls.append((SACK, [event.data["n"] for event in events]))

    with transaction.atomic():
        publish_many(drafts((PARCEL, 1), (PARCEL, 2), (SACK, 3), (PARCEL, 4)))

    # Runs stay in published order: the sack is handled before the parcel published after it.
    assert calls == [(PARCEL, [1, 2]), (SACK, [3]), (PARCEL, [4])]


def test_within_a_run_subscribers_are_called_in_the_order_they_subscribed():
    calls: list[tuple[str, int]] = []

    @subscribe(PARCEL)
    def first(event: OutboxEvent) -> None:
        calls.append(("first", event.data["n"]))

    @subscribe_many(PARCEL)
    def second(events: Sequence[OutboxEvent]) -> None:
        calls.extend(("second", event.data["n"]) for event in events)

    @subscribe(PARCEL)
    def third(event: OutboxEvent) -> None:
        calls.append(("third", event.data["n"]))

    with transaction.atomic():
        publish_many(drafts((PARCEL, 1), (PARCEL, 2)))

    assert calls == [
        ("first", 1),
        ("first", 2),
        ("second", 1),
        ("second", 2),
        ("third", 1),
        ("third", 2),
    ]


def test_a_subscriber_sees_every_event_of_its_run_recorded_and_earlier_runs_handled():
    handled: list[int] = []
    seen: list[tuple[list[int], list[int]]] = []

    @subscribe(SACK)
    def sack(event: OutboxEvent) -> None:
        handled.append(event.data["n"])

    @subscribe_many(PARCEL)
    def parcels(events: Sequence[OutboxEvent]) -> None:
        recorded = OutboxEvent.objects.filter(pk__in=[e.pk for e in events]).count()
        assert recorded == len(events)
        seen.append(([e.data["n"] for e in events], list(handled)))

    with transaction.atomic():
        publish_many(drafts((SACK, 1), (PARCEL, 2), (PARCEL, 3), (SACK, 4)))

    assert seen == [([2, 3], [1])]
    assert handled == [1, 4]


def test_events_a_subscriber_publishes_are_handled_before_the_next_run():
    calls: list[str] = []

    @subscribe_many(PARCEL)
    def parcels(events: Sequence[OutboxEvent]) -> None:
        calls.append(f"parcels {[e.data['n'] for e in events]}")
        publish_many([EventDraft(type=SACK, data={"n": e.data["n"] * 10}) for e in events])

    @subscribe_many(SACK)
    def sacks(events: Sequence[OutboxEvent]) -> None:
        calls.append(f"sacks {[e.data['n'] for e in events]}")

    with transaction.atomic():
        publish_many(drafts((PARCEL, 1), (PARCEL, 2), (SACK, 3)))

    assert calls == ["parcels [1, 2]", "sacks [10, 20]", "sacks [3]"]


def test_a_handler_subscribed_twice_is_called_once():
    calls: list[int] = []

    def handle(events: Sequence[OutboxEvent]) -> None:
        calls.append(len(events))

    def each(event: OutboxEvent) -> None:
        calls.append(0)

    subscribe_many(PARCEL)(handle)
    subscribe_many(PARCEL)(handle)
    subscribe(PARCEL)(each)
    subscribe(PARCEL)(each)

    with transaction.atomic():
        publish_many(drafts((PARCEL, 1), (PARCEL, 2)))

    assert calls == [2, 0, 0]


def test_a_failing_subscriber_undoes_the_whole_publication():
    @subscribe_many(PARCEL)
    def refuse(events: Sequence[OutboxEvent]) -> None:
        raise ValueError("refused")

    with pytest.raises(ValueError, match="refused"), transaction.atomic():
        publish_many(drafts((SACK, 1), (PARCEL, 2)))

    assert not OutboxEvent.objects.filter(type__in=[PARCEL, SACK]).exists()


def test_publishing_nothing_records_and_calls_nothing():
    calls: list[int] = []
    subscribe_many(PARCEL)(lambda events: calls.append(len(events)))

    with transaction.atomic():
        assert publish_many([]) == []

    assert calls == []
    assert not OutboxEvent.objects.exists()
