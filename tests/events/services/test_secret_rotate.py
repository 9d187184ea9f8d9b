"""Secret rotation: old and new secrets both sign during the grace period, then only the new."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ewtp.core.errors import DomainError
from ewtp.events.delivery import webhook_deliveries_send_due
from ewtp.events.models import WebhookSecret
from ewtp.events.services import webhook_secret_rotate
from tests.events.standard_webhooks import signatures, verify

pytestmark = pytest.mark.django_db


def _deliver_at(receiver, publish_event, org, at):
    publish_event(org)
    webhook_deliveries_send_due(now=at)
    return receiver.posts()[-1]


def test_both_secrets_sign_during_the_grace_period_and_only_the_new_one_after(
    make_org, make_endpoint, publish_event, receiver
):
    org = make_org()
    endpoint, old = make_endpoint(org, url=receiver.url)
    rotated_at = timezone.now()

    new_secret, old_expire_at = webhook_secret_rotate(endpoint=endpoint, now=rotated_at)
    new = new_secret.secret

    assert old_expire_at == rotated_at + timedelta(hours=24)
    during = _deliver_at(receiver, publish_event, org, rotated_at + timedelta(hours=23))
    assert len(signatures(during.headers["webhook-signature"])) == 2
    assert verify(secret=old, headers=during.headers, body=during.body)
    assert verify(secret=new, headers=during.headers, body=during.body)

    after = _deliver_at(receiver, publish_event, org, rotated_at + timedelta(hours=24))
    assert len(signatures(after.headers["webhook-signature"])) == 1
    assert verify(secret=new, headers=after.headers, body=after.body)
    assert not verify(secret=old, headers=after.headers, body=after.body)


def test_a_zero_grace_retires_the_old_secret_at_once(
    make_org, make_endpoint, publish_event, receiver
):
    org = make_org()
    endpoint, old = make_endpoint(org, url=receiver.url)
    now = timezone.now()

    new_secret, _ = webhook_secret_rotate(endpoint=endpoint, grace=timedelta(0), now=now)

    request = _deliver_at(receiver, publish_event, org, now + timedelta(seconds=1))
    assert len(signatures(request.headers["webhook-signature"])) == 1
    assert verify(secret=new_secret.secret, headers=request.headers, body=request.body)
    assert not verify(secret=old, headers=request.headers, body=request.body)


def test_rotating_again_never_extends_an_older_secret_and_drops_dead_ones(make_org, make_endpoint):
    endpoint, _ = make_endpoint(make_org())
    t0 = timezone.now()
    first_rotation, first_expiry = webhook_secret_rotate(endpoint=endpoint, now=t0)

    # One hour later, a second rotation with a longer grace: the original secret still ends at
    # t0+24h; the one made at t0 (current until now) ends at t0+1h+48h.
    second, _ = webhook_secret_rotate(
        endpoint=endpoint, grace=timedelta(hours=48), now=t0 + timedelta(hours=1)
    )

    expiries = dict(WebhookSecret.objects.filter(endpoint=endpoint).values_list("pk", "expires_at"))
    assert expiries[second.pk] is None
    assert expiries[first_rotation.pk] == t0 + timedelta(hours=49)
    assert first_expiry in expiries.values()
    assert WebhookSecret.objects.filter(endpoint=endpoint, expires_at__isnull=True).count() == 1

    webhook_secret_rotate(endpoint=endpoint, now=t0 + timedelta(days=3))
    # The original (dead since t0+24h) is gone; the first rotation's (until t0+49h) too.
    assert WebhookSecret.objects.filter(endpoint=endpoint).count() == 2


@pytest.mark.parametrize("grace", [timedelta(seconds=-1), timedelta(days=8)])
def test_a_grace_outside_zero_to_seven_days_is_refused(make_org, make_endpoint, grace):
    endpoint, _ = make_endpoint(make_org())

    with pytest.raises(DomainError) as err:
        webhook_secret_rotate(endpoint=endpoint, grace=grace)

    assert (err.value.code, err.value.field) == ("invalid_grace_period", "grace_period_hours")
    assert WebhookSecret.objects.filter(endpoint=endpoint).count() == 1
