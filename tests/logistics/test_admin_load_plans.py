"""The staff admin's load-plan pages: allotments are set there, units and bags are read."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from logistics.models import Bag, FlightUldAllotment, UldLoad
from logistics.services import shipments_plan, uld_types_load
from tests.logistics import factories

pytestmark = pytest.mark.django_db


def test_the_load_plan_pages_render_and_units_and_bags_are_read_only(admin_client):
    uld_types_load()
    _, hgh = factories.network()
    flight = factories.flight(factories.carrier(), hgh)
    FlightUldAllotment.objects.create(flight=flight, uld_type_id="PMC", positions=2)
    factories.waiting_parcel(hgh, weight_kg=Decimal("3"))
    shipments_plan()
    uld = UldLoad.objects.get()
    bag = Bag.objects.get()
    pages = [
        reverse("admin:logistics_flight_change", args=[flight.pk]),
        reverse("admin:logistics_flightuldallotment_changelist"),
        reverse("admin:logistics_flightuldallotment_add"),
        reverse("admin:logistics_uldload_changelist"),
        reverse("admin:logistics_uldload_change", args=[uld.pk]),
        reverse("admin:logistics_bag_changelist") + f"?q={bag.number}",
        reverse("admin:logistics_uldtype_changelist"),
    ]

    for page in pages:
        response = admin_client.get(page)
        assert response.status_code == 200, page
    assert bag.number in admin_client.get(pages[4]).content.decode()  # the bags inline
    assert admin_client.post(reverse("admin:logistics_bag_add"), {}).status_code == 403
    assert (
        admin_client.post(
            reverse("admin:logistics_uldload_delete", args=[uld.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert UldLoad.objects.filter(pk=uld.pk).exists()
