"""IOSS identification numbers (Import One-Stop Shop, Council Directive (EU) 2017/2455).

An IOSS number is "IM", the 3-digit ISO 3166-1 numeric code of the member state of
identification, then 7 digits (an individual number ending in a check digit): 12 characters.
No public checksum algorithm exists, so only the format and a known member-state code are
checked; whether the number is actually registered is for the customs authority's IOSS register.
"""

from __future__ import annotations

import re

from customs.taxes.eu_states import member_states

_IOSS = re.compile(r"IM(?P<state>[0-9]{3})[0-9]{7}")


def ioss_number_is_valid(number: str) -> bool:
    match = _IOSS.fullmatch(number)
    if match is None:
        return False
    return any(state.iso_numeric == match["state"] for state in member_states().values())
