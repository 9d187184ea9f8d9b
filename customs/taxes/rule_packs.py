"""Effective-dated rule packs: each regime's parameters, from customs/data/rule_packs.json.

A quote applies the pack of its jurisdiction and regime with the latest `effective_from` on or
before the acceptance date; a date before every pack has none, and the engine refuses to guess.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache

from customs.taxes.data_files import as_date, as_decimal, load_json
from customs.taxes.regimes import Regime


@dataclass(frozen=True, slots=True)
class CbecLimits:
    """China CBEC retail import limits (CNY) and the share of general-trade VAT and
    consumption tax levied within them (MOF/GACC/SAT Caiguanshui [2016] No. 18)."""

    single_transaction_limit: Decimal
    annual_limit: Decimal
    tax_factor: Decimal


@dataclass(frozen=True, slots=True)
class LowValueRules:
    """EU low-value consignments (H7): the intrinsic value limit and the flat customs duty
    charged per distinct 6-digit classification (EUR)."""

    intrinsic_value_limit: Decimal
    duty_per_classification: Decimal


@dataclass(frozen=True, slots=True)
class RulePack:
    id: str
    jurisdiction: str
    regimes: frozenset[Regime]
    effective_from: date
    currency: str
    cbec: CbecLimits | None = None
    low_value: LowValueRules | None = None

    def require_cbec(self) -> CbecLimits:
        if self.cbec is None:
            raise LookupError(f"Rule pack {self.id} has no CBEC limits.")
        return self.cbec

    def require_low_value(self) -> LowValueRules:
        if self.low_value is None:
            raise LookupError(f"Rule pack {self.id} has no low-value consignment rules.")
        return self.low_value


def _parse_pack(raw: dict[str, object]) -> RulePack:
    pack_id = str(raw["id"])
    regimes = raw["regimes"]
    if not isinstance(regimes, list):
        raise ValueError(f"Rule pack {pack_id}: regimes must be a list.")
    cbec = raw.get("cbec")
    low_value = raw.get("low_value")
    return RulePack(
        id=pack_id,
        jurisdiction=str(raw["jurisdiction"]),
        regimes=frozenset(Regime(regime) for regime in regimes),
        effective_from=as_date(raw["effective_from"], f"{pack_id}.effective_from"),
        currency=str(raw["currency"]),
        cbec=None
        if not isinstance(cbec, dict)
        else CbecLimits(
            single_transaction_limit=as_decimal(cbec["single_transaction_limit"], pack_id),
            annual_limit=as_decimal(cbec["annual_limit"], pack_id),
            tax_factor=as_decimal(cbec["tax_factor"], pack_id),
        ),
        low_value=None
        if not isinstance(low_value, dict)
        else LowValueRules(
            intrinsic_value_limit=as_decimal(low_value["intrinsic_value_limit"], pack_id),
            duty_per_classification=as_decimal(low_value["duty_per_classification"], pack_id),
        ),
    )


@cache
def rule_packs() -> tuple[RulePack, ...]:
    """Every rule pack in the data file."""
    packs = tuple(_parse_pack(raw) for raw in load_json("rule_packs.json")["packs"])
    ids = [pack.id for pack in packs]
    if len(set(ids)) != len(ids):
        raise ValueError("Rule pack ids must be unique.")
    return packs


def select_rule_pack(
    *,
    jurisdiction: str,
    regime: Regime,
    on: date,
    packs: Iterable[RulePack] | None = None,
) -> RulePack | None:
    """The pack in force on `on`: the latest to take effect on or before it, or None."""
    in_force = [
        pack
        for pack in (rule_packs() if packs is None else packs)
        if pack.jurisdiction == jurisdiction
        and regime in pack.regimes
        and pack.effective_from <= on
    ]
    return max(in_force, key=lambda pack: pack.effective_from, default=None)
