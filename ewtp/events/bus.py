"""Publishing domain events and reacting to them in-process.

`publish()` must be called inside the transaction that makes the change: the event is written to
the outbox (and fanned out to subscribed webhook endpoints) atomically with it. Handlers that
other apps register run synchronously in that same transaction, so a flow across apps (customs
released → logistics creates the shipment) commits or rolls back as one. Handlers are declared
in each app's `handlers.py` and imported by its AppConfig.ready(); they call their own app's
services, never another app's models.

Two ways to subscribe, one way to be called:

- `@subscribe(type)`: the handler takes one event.
- `@subscribe_many(type)`: the handler takes a list of events of that type, all those a
  `publish_many` published side by side, so it can do its work set-wise (lock the rows in one
  query, write them in one statement). `publish()` calls it with a one-element list.

Both `publish()` and `publish_many()` hand their recorded events to `_dispatch`, which splits them
into runs (maximal stretches of consecutive events of one type, in the published order) and,
run after run, calls each subscriber of that type in the order they subscribed: a set-wise
subscriber once with the whole run, a one-event subscriber once per event of the run, in order.
What this keeps, for every subscriber: it sees the events in the order they were published,
and when it handles an event, every subscriber of every earlier run has handled all of its
events. What it gives up inside one run: a subscriber handling the run's first event may
already see what an earlier subscriber did with the run's later ones. A publisher that wants
set-wise handling therefore orders its events so that those of one type stand together
(the clearance batch publishes all its first moves, then all its second moves).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from ewtp.core.models import Organization
from ewtp.events.models import OutboxEvent

Handler = Callable[[OutboxEvent], None]
ManyHandler = Callable[[Sequence[OutboxEvent]], None]


@dataclass(frozen=True, slots=True)
class _EachEvent:
    """A one-event handler called for a run: once per event, in order."""

    handler: Handler

    def __call__(self, events: Sequence[OutboxEvent]) -> None:
        for event in events:
            self.handler(event)


_handlers: dict[str, list[ManyHandler]] = defaultdict(list)


def _register(event_type: str, handler: ManyHandler) -> None:
    if handler not in _handlers[event_type]:
        _handlers[event_type].append(handler)


def subscribe(event_type: str) -> Callable[[Handler], Handler]:
    """Call the handler with each event of this type, one at a time."""

    def register(handler: Handler) -> Handler:
        _register(event_type, _EachEvent(handler))
        return handler

    return register


def subscribe_many(event_type: str) -> Callable[[ManyHandler], ManyHandler]:
    """Call the handler with all the events of this type published side by side (a list,
    in published order; one event for `publish()`)."""

    def register(handler: ManyHandler) -> ManyHandler:
        _register(event_type, handler)
        return handler

    return register


def _dispatch(events: Sequence[OutboxEvent]) -> None:
    """Run the subscribers of recorded events, run by run (see the module's docstring)."""
    start = 0
    while start < len(events):
        end = start + 1
        while end < len(events) and events[end].type == events[start].type:
            end += 1
        run = events[start:end]
        for handler in list(_handlers.get(run[0].type, [])):
            handler(run)
        start = end


def publish(
    *, type: str, data: dict[str, Any], recipients: Iterable[Organization] = ()
) -> OutboxEvent:
    """Record a domain event for `recipients` (their webhooks) and run in-process handlers."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("publish() must run inside the transaction that makes the change")
    from ewtp.events.services import outbox_record

    event = outbox_record(type=type, data=data, recipients=list(recipients))
    _dispatch([event])
    return event


@dataclass(frozen=True, slots=True)
class EventDraft:
    """One event for `publish_many`."""

    type: str
    data: dict[str, Any]
    recipients: Sequence[Organization] = ()


def publish_many(events: Sequence[EventDraft]) -> list[OutboxEvent]:
    """`publish()` for many events of one transaction (a batch job's): recorded in the outbox
    together, in order (each endpoint's sequence follows that order), then handed to the
    subscribers run by run: consecutive events of one type go to a set-wise subscriber as one
    list. See the module's docstring for the order kept."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("publish_many() must run inside the transaction that makes the change")
    if not events:
        return []
    from ewtp.events.services import outbox_record_many

    recorded = outbox_record_many(
        events=[(event.type, event.data, list(event.recipients)) for event in events]
    )
    _dispatch(recorded)
    return recorded
