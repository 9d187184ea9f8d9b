"""Reading the engine's reference data (customs/data/*.json): rules are data, not code."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from importlib.resources import files
from typing import Any


def load_json(name: str) -> Any:  # JSON is untyped until each loader checks what it reads
    """A file of customs/data, parsed with decimals kept exact."""
    text = files("customs").joinpath("data", name).read_text(encoding="utf-8")
    return json.loads(text, parse_float=Decimal)


def as_decimal(value: object, what: str) -> Decimal:
    if not isinstance(value, str | Decimal):
        raise ValueError(f"{what} must be a decimal string, got {value!r}.")
    return Decimal(value)


def as_date(value: object, what: str) -> date:
    if not isinstance(value, str):
        raise ValueError(f"{what} must be an ISO date string, got {value!r}.")
    return date.fromisoformat(value)
