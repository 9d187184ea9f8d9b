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
from collections.abc import Callable, Iterable
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
