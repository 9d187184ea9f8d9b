"""Publishing domain events and reacting to them in-process.

`publish()` must be called inside the transaction that makes the change: the event is written to
the outbox (and fanned out to subscribed webhook endpoints) atomically with it. Handlers that
other apps register with `@subscribe(type)` run synchronously in that same transaction, so a flow
across apps (customs released → logistics creates the shipment) commits or rolls back as one.
Handlers are declared in each app's `handlers.py` and imported by its AppConfig.ready(); they call
their own app's services, never another app's models.
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
_handlers: dict[str, list[Handler]] = defaultdict(list)


def subscribe(event_type: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        if handler not in _handlers[event_type]:
            _handlers[event_type].append(handler)
        return handler

    return register


def publish(
    *, type: str, data: dict[str, Any], recipients: Iterable[Organization] = ()
) -> OutboxEvent:
    """Record a domain event for `recipients` (their webhooks) and run in-process handlers."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("publish() must run inside the transaction that makes the change")
    from ewtp.events.services import outbox_record

    event = outbox_record(type=type, data=data, recipients=list(recipients))
    for handler in _handlers.get(type, []):
        handler(event)
    return event


@dataclass(frozen=True, slots=True)
class EventDraft:
    """One event for `publish_many`."""

    type: str
    data: dict[str, Any]
    recipients: Sequence[Organization] = ()


def publish_many(events: Sequence[EventDraft]) -> list[OutboxEvent]:
    """`publish()` for many events of one transaction (a batch job's): recorded in the outbox
    together, in order, then each event's in-process handlers run in that same order, so
    subscribers see what they would have seen from one `publish()` per event."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("publish_many() must run inside the transaction that makes the change")
    from ewtp.events.services import outbox_record_many

    recorded = outbox_record_many(
        events=[(event.type, event.data, list(event.recipients)) for event in events]
    )
    for event in recorded:
        for handler in _handlers.get(event.type, []):
            handler(event)
    return recorded
