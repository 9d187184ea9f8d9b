from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from logistics.models import Airport
from logistics.services import airport_upsert

pytestmark = pytest.mark.django_db


def test_airports_are_loaded_with_their_time_zones_and_served_only_when_told():
    out = StringIO()

    call_command("load_airports", "hgh", "PVG", "--served", stdout=out)
    call_command("load_airports", "DXB", stdout=out)

    loaded = {a.iata: (a.timezone, a.served) for a in Airport.objects.all()}
    assert loaded == {
        "HGH": ("Asia/Shanghai", True),
        "PVG": ("Asia/Shanghai", True),
        "DXB": ("Asia/Dubai", False),
    }
    assert "HGH  Asia/Shanghai" in out.getvalue()


def test_loading_a_served_airport_as_a_reference_does_not_unserve_it():
    airport_upsert(
        iata="HGH", name="Hangzhou", city="Hangzhou", country="CN", timezone_name="Asia/Shanghai"
    )

    call_command("load_airports", "HGH", stdout=StringIO())

    assert Airport.objects.get(iata="HGH").served


def test_an_unknown_code_loads_nothing():
    with pytest.raises(CommandError, match="'XXQ' is not an IATA airport code"):
        call_command("load_airports", "HGH", "XXQ", stdout=StringIO())

    assert not Airport.objects.exists()
