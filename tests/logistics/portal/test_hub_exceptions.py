"""The hub staff's exception queue: list, filter by kind, resolve with a note."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from logistics.models import Shipment, ShipmentException
from logistics.services import shipments_flag_stale
from tests.factories import UserFactory
from tests.logistics import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def flagged() -> list[ShipmentException]:
    _, hgh = factories.network()
    booked = factories.flight(factories.carrier(), hgh)
    for hours in (30, 40):
        parcel = factories.parcel(booked)
        Shipment.objects.filter(pk=parcel.pk).update(
            tracking_status="at_hub", tracking_status_at=timezone.now() - timedelta(hours=hours)
        )
    shipments_flag_stale()
    return list(ShipmentException.objects.select_related("shipment").order_by("since"))


@pytest.fixture
def staff() -> Client:
    client = Client()
    client.force_login(UserFactory.create(is_staff=True))
    return client


def test_staff_see_the_open_exceptions_oldest_first_and_can_filter_by_kind(flagged, staff):
    page = staff.get("/hub/exceptions/").content.decode()
    stale = staff.get("/hub/exceptions/?kind=stale").content.decode()
    bogus = staff.get("/hub/exceptions/?kind=nope")

    oldest, newest = flagged
    assert page.index(oldest.shipment.tracking_number) < page.index(newest.shipment.tracking_number)
    assert "2 open" in page
    assert newest.shipment.tracking_number in stale
    assert bogus.status_code == 200


def test_resolving_with_a_note_closes_it_and_keeps_who_and_why(flagged, staff):
    oldest, newest = flagged

    response = staff.post(
        f"/hub/exceptions/{oldest.pk}/resolve/", {"note": "found behind a ULD", "kind": "stale"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/hub/exceptions/?kind=stale"
    oldest.refresh_from_db()
    assert oldest.resolved_at is not None
    assert oldest.note == "found behind a ULD"
    assert oldest.resolved_by is not None
    assert oldest.resolved_by.is_staff
    page = staff.get("/hub/exceptions/").content.decode()
    assert f'data-tracking-number="{oldest.shipment.tracking_number}"' not in page
    assert f'data-tracking-number="{newest.shipment.tracking_number}"' in page


def test_resolving_without_a_note_changes_nothing(flagged, staff):
    oldest, _ = flagged

    response = staff.post(f"/hub/exceptions/{oldest.pk}/resolve/", {"note": "   "}, follow=True)

    assert "the note is required" in response.content.decode()
    oldest.refresh_from_db()
    assert oldest.resolved_at is None


def test_an_unknown_exception_is_not_found(flagged, staff):
    assert staff.post("/hub/exceptions/999999/resolve/", {"note": "x"}).status_code == 404


def test_only_staff_see_or_resolve_exceptions(flagged):
    merchant = Client()
    merchant.force_login(UserFactory.create(is_staff=False))
    oldest, _ = flagged

    assert merchant.get("/hub/exceptions/").status_code == 302
    assert Client().get("/hub/exceptions/").status_code == 302
    assert merchant.post(f"/hub/exceptions/{oldest.pk}/resolve/", {"note": "x"}).status_code == 302
    oldest.refresh_from_db()
    assert oldest.resolved_at is None
