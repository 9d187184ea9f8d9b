"""Tariffs for customs tests, loaded through the real reader and import service."""

from __future__ import annotations

import io

from customs.services import ReferenceLoadReport, tariff_lines_import
from customs.tariff_csv import TARIFF_HEADER, read_tariff_csv

HEADER = ",".join(TARIFF_HEADER)

# The tax engine's test tariff (tests/customs/taxes/conftest.py), as a file would give it.
ENGINE_TARIFF = f"""{HEADER}
CN,180631,Chocolate filled,8,13,,yes
CN,33049900,Beauty preparations,1,13,15,yes
CN,2204210000,Wine in small containers,14,13,10,yes
CN,850440,Static converters,0,13,,no
EU,610910,T-shirts of cotton,12,,,
EU,420292,Bags with outer surface of sheeting,3,,,
EU,620193,Anoraks of man-made fibres,12,,,
EU,640399,Footwear with leather uppers,8,,,
EU,490199,Printed books,0,,,
"""


def import_tariff_text(text: str, *, strict: bool = False) -> ReferenceLoadReport:
    return tariff_lines_import(rows=read_tariff_csv(io.StringIO(text)), strict=strict)
