"""The demo's customs reference data: the HS subheadings the demo catalogue uses (and a few
neighbours), and a small hand-written tariff for them (customs/data/demo_tariff.csv).

The tariff's rates are plausible demo values, not a statement of today's tariff. It is loaded
through the same reader and service as `import_tariff`; the full HS nomenclature comes from
`load_hs_nomenclature`, which fills the same table as the codes here.
"""

from __future__ import annotations

import io
from importlib.resources import files

from customs.models import Lane, RiskRule
from customs.services import commodity_codes_load, tariff_lines_import
from customs.tariff_csv import read_tariff_csv

DEMO_CODES: tuple[tuple[str, str], ...] = (
    ("180631", "Chocolate in blocks, slabs or bars, filled"),
    ("180632", "Chocolate in blocks, slabs or bars, not filled"),
    ("180690", "Chocolate and other food preparations containing cocoa, n.e.s."),
    ("190531", "Sweet biscuits"),
    ("190532", "Waffles and wafers"),
    ("170490", "Sugar confectionery not containing cocoa, n.e.s."),
    ("220300", "Beer made from malt"),
    ("330410", "Lip make-up preparations"),
    ("330499", "Beauty or make-up preparations and skin-care preparations, n.e.s."),
    ("710231", "Diamonds, non-industrial, unworked or simply sawn, cleaved or bruted"),
    ("710239", "Diamonds, non-industrial, worked (not mounted or set)"),
    ("090121", "Coffee, roasted, not decaffeinated"),
    ("040690", "Cheese, n.e.s."),
)
DEMO_TARIFF = "demo_tariff.csv"


def seed_demo_tariff() -> None:
    """Load the demo tariff (strict: a bad row in it is a bug); running it again changes
    nothing."""
    text = files("customs").joinpath("data", DEMO_TARIFF).read_text(encoding="utf-8")
    stream = io.StringIO(text, newline="")
    tariff_lines_import(rows=read_tariff_csv(stream), strict=True)


def seed_commodity_codes() -> None:
    """Load the demo's customs reference data, the codes and their tariff; running it again
    changes nothing. (seed_demo calls it by this name.)"""
    commodity_codes_load(codes=DEMO_CODES)
    seed_demo_tariff()
    # Goods without a tariff line cannot be assessed: an officer checks them (yellow lane).
    RiskRule.objects.get_or_create(
        name="No tariff line",
        defaults={"lane": Lane.YELLOW, "assessment_reason": "TARIFF_CODE_UNKNOWN"},
    )
