"""Milestone subscriptions: one notification per MAWB milestone per subscriber, never one per
house waybill; a shipment's followers hear of that shipment only."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ewtp.core.models import OrganizationKind
from ewtp.events.models import OutboxEvent, WebhookDelivery
from ewtp.events.services import webhook_endpoint_create
from logistics import tracking_numbers
from logistics.models import HouseWaybill, Shipment, ShipmentStatus
from logistics.services import (
    master_waybill_create,
    milestone_subscription_create,
    tracking_event_record,
    tracking_events_ingest,
)
from tests.factories import OrganizationFactory
from tests.logistics import factories

pytestmark = pytest.mark.django_db

MAWB_MILESTONE = "logistics.master_waybill.milestone"
SHIPMENT_MILESTONE = "logistics.shipment.milestone"
HOUSES = 500


@pytest.fixture
def consolidation(settings):
    """A carrier's MAWB with 500 house waybills of one parcel each, all of one marketplace."""
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    _, hgh = factories.network()
    operator = factories.carrier()
    booked = factories.flight(operator, hgh)
    marketplace = OrganizationFactory.create(kind=OrganizationKind.MARKETPLACE)
    merchant = OrganizationFactory.create(kind=OrganizationKind.MERCHANT)
    mawb = master_waybill_create(
        organization=operator,
        awb_number="784-24681355",
        pieces=HOUSES,
        weight_kg=Decimal("350"),
        origin="LGG",
        destination="HGH",
    )
    houses = HouseWaybill.objects.bulk_create(
        HouseWaybill(
            master_waybill=mawb,
            number=f"H{i:04d}",
            pieces=1,
            weight_kg=Decimal("0.7"),
            chargeable_weight_kg=Decimal("1.0"),
        )
        for i in range(HOUSES)
    )
    Shipment.objects.bulk_create(
        Shipment(
            order_id=uuid.uuid4(),
            order_reference=f"MP-{i}",
            marketplace=marketplace,
            merchant=merchant,
            consignee_country="CN",
            destination=hgh,
            weight_kg=Decimal("0.7"),
            tracking_number=tracking_numbers.generate(),
            status=ShipmentStatus.ROUTED,
            flight=booked,
            carrier=operator,
            routed_at=timezone.now(),
            house_waybill=house,
        )
        for i, house in enumerate(houses)
    )
    return operator, marketplace, mawb


def report(operator, code, event_id, minutes_ago=30):
    return tracking_events_ingest(
        reporter=operator,
        events=[
            {
                "event_id": event_id,
                "awb_number": "784-24681355",
                "code": code,
                "occurred_at": (timezone.now() - timedelta(minutes=minutes_ago)).isoformat(),
                "location": "LGG" if code == "DEP" else "HGH",
            }
        ],
    )


def test_500_house_waybills_departing_make_one_webhook_per_subscriber(consolidation):
    operator, marketplace, mawb = consolidation
    endpoints = {
        org.pk: webhook_endpoint_create(
            organization=org, url="http://127.0.0.1:9/hooks", event_types=[MAWB_MILESTONE]
        )[0]
        for org in (operator, marketplace)
    }
    for org in (operator, marketplace):
        milestone_subscription_create(organization=org, master_waybill_id=mawb.pk)

    outcome = report(operator, "DEP", "dep-1")

    assert outcome.shipments_moved == HOUSES
    event = OutboxEvent.objects.get(type=MAWB_MILESTONE)
    assert event.data["milestone"] == "departed"
    assert event.data["awb_number"] == "784-24681355"
    assert len(event.data["house_waybills"]) == HOUSES
    assert set(event.recipient_ids) == {operator.pk, marketplace.pk}
    deliveries = WebhookDelivery.objects.filter(event__type=MAWB_MILESTONE)
    assert sorted(d.endpoint_id for d in deliveries) == sorted(e.pk for e in endpoints.values())


def test_a_milestone_is_told_once_and_the_next_one_again(consolidation):
    operator, _, mawb = consolidation
    milestone_subscription_create(organization=operator, master_waybill_id=mawb.pk)

    report(operator, "DEP", "dep-1", minutes_ago=60)
    report(operator, "DEP", "dep-2", minutes_ago=50)  # the same milestone, reported again
    report(operator, "DEP", "dep-0", minutes_ago=90)  # ... and late, saying it was earlier
    report(operator, "ARR", "arr-1", minutes_ago=10)

    told = OutboxEvent.objects.filter(type=MAWB_MILESTONE).order_by("occurred_at")
    assert [e.data["milestone"] for e in told] == ["departed", "arrived"]


def test_without_subscribers_nothing_is_sent(consolidation):
    operator, _, _ = consolidation

    report(operator, "DEP", "dep-1")

    assert not OutboxEvent.objects.filter(type__in=[MAWB_MILESTONE, SHIPMENT_MILESTONE]).exists()


def test_a_shipments_follower_hears_of_that_shipment_only(consolidation):
    operator, marketplace, _ = consolidation
    followed = Shipment.objects.order_by("tracking_number").first()
    assert followed is not None
    milestone_subscription_create(organization=marketplace, shipment_id=followed.pk)

    report(operator, "DEP", "dep-1")

    event = OutboxEvent.objects.get(type=SHIPMENT_MILESTONE)
    assert (event.data["tracking_number"], event.data["milestone"]) == (
        followed.tracking_number,
        "departed",
    )
    assert event.recipient_ids == [marketplace.pk]


def test_a_single_report_that_lands_a_followed_parcel_tells_its_followers(consolidation):
    operator, marketplace, _ = consolidation
    followed = Shipment.objects.order_by("tracking_number").first()
    assert followed is not None
    milestone_subscription_create(organization=marketplace, shipment_id=followed.pk)

    tracking_event_record(
        carrier=operator,
        tracking_number=followed.tracking_number,
        partner_event_id="lm-1",
        code="LASTMILE_RECEIVED",
        occurred_at=timezone.now() - timedelta(minutes=5),
        location="HGH",
    )

    event = OutboxEvent.objects.get(type=SHIPMENT_MILESTONE)
    assert (event.data["tracking_number"], event.data["milestone"]) == (
        followed.tracking_number,
        "arrived",
    )
    assert event.recipient_ids == [marketplace.pk]
