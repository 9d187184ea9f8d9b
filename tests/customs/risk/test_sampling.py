"""The random sample: uniform at its rate, and replayable from the seed."""

from __future__ import annotations

import uuid
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from customs.risk_rules import sampled

IDS = [str(uuid.UUID(int=n, version=4)) for n in range(10_000)]


def selection(seed: str, rate: str) -> set[str]:
    return {i for i in IDS if sampled(seed=seed, declaration_id=i, rate=Decimal(rate))}


def test_ten_thousand_declarations_at_two_percent_select_about_two_hundred():
    chosen = selection("2026-Q3", "0.02")

    # Binomial(10,000, 0.02): sd = 14; ±40 is almost 3 sd.
    assert 160 <= len(chosen) <= 240


def test_the_same_seed_replays_the_same_selection_and_another_seed_does_not():
    first, again, other = (
        selection("2026-Q3", "0.02"),
        selection("2026-Q3", "0.02"),
        selection("2026-Q4", "0.02"),
    )

    assert first == again
    assert first != other
    assert len(first & other) < 20  # independent draws overlap at about 2 % of 200


def test_a_lower_rate_selects_a_subset_of_a_higher_one():
    assert selection("s", "0.005") <= selection("s", "0.02")


@given(seed=st.text(max_size=20), n=st.integers(min_value=0, max_value=2**122))
def test_rate_zero_never_and_rate_one_always_samples(seed, n):
    declaration_id = str(uuid.UUID(int=n))

    assert not sampled(seed=seed, declaration_id=declaration_id, rate=Decimal(0))
    assert sampled(seed=seed, declaration_id=declaration_id, rate=Decimal(1))
