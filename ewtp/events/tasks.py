"""Celery entry points of the events app. Thin: each calls one service.

`deliver_due_webhooks` is queued on commit by every publish that owes a webhook, and run by the
beat every 10 s as a safety net. It is idempotent and safe to run concurrently or twice (acks
late): each attempt locks its delivery row, so a duplicate run finds nothing left to do. It does
not retry itself; failed deliveries are rescheduled in the database and the beat comes back.
"""

from __future__ import annotations

from celery import shared_task

from ewtp.events.delivery import webhook_deliveries_send_due


@shared_task(name="ewtp.events.deliver_due_webhooks")
def deliver_due_webhooks() -> int:
    """Attempt the webhook deliveries that are due; returns how many attempts were made."""
    return webhook_deliveries_send_due()
