from __future__ import annotations

from datetime import timedelta

import pytest

from ewtp.core.models import OrganizationKind
from logistics.demo import ROTATIONS, seed_airports_and_flights
from logistics.models import Airport, Flight
from tests.marketplace.flows import organization

pytestmark = pytest.mark.django_db


def test_the_network_is_seeded_once_with_a_realistic_schedule():
    carrier = organization(OrganizationKind.CARRIER)

    seed_airports_and_flights(carrier, days=14)
    seed_airports_and_flights(carrier, days=14)

    assert set(Airport.objects.values_list("iata", flat=True)) == {
        "LGG", "HGH", "PVG", "CGO", "SZX", "CKG",
    }  # fmt: skip
    flights = list(Flight.objects.all())
    # two full weeks: each rotation flies its weekdays twice
    assert len(flights) == sum(2 * len(r.weekdays) for r in ROTATIONS)
    assert {f.origin_id for f in flights} == {"LGG"}
    assert {f.carrier_id for f in flights} == {carrier.pk}
    assert all(timedelta(hours=3) <= f.departure_at - f.cutoff_at <= timedelta(hours=6)
               for f in flights)  # fmt: skip
    daily_hgh = Flight.objects.filter(number="EW801")
    assert daily_hgh.count() == 14
    assert len({f.service_date for f in daily_hgh}) == 14


def test_seeding_more_days_adds_only_the_new_days():
    carrier = organization(OrganizationKind.CARRIER)
    seed_airports_and_flights(carrier, days=2)

    seed_airports_and_flights(carrier, days=3)

    assert Flight.objects.filter(number="EW801").count() == 3
