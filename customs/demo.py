"""Demo commodity codes: the HS subheadings the demo catalogue uses, and a few neighbours.

The full nomenclature loader replaces this later; it fills the same table.
"""

from __future__ import annotations

from customs.services import commodity_codes_load

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


def seed_commodity_codes() -> None:
    """Load the demo codes; running it again changes nothing."""
    commodity_codes_load(codes=DEMO_CODES)
