"""Rows of the risk tables for customs tests."""

from __future__ import annotations

from decimal import Decimal

from customs.models import RiskRule, SamplingPolicy


def risk_rule(name: str, lane: str, **criteria: object) -> RiskRule:
    return RiskRule.objects.create(name=name, lane=lane, **criteria)


def sampling_policy(
    *,
    green: str = "0",
    blue: str = "0",
    trusted_green: str = "0",
    trusted_blue: str = "0",
    seed: str = "test",
    green_to: str = "yellow",
) -> SamplingPolicy:
    return SamplingPolicy.objects.create(
        name=f"policy {seed}",
        seed=seed,
        green_rate=Decimal(green),
        blue_rate=Decimal(blue),
        trusted_green_rate=Decimal(trusted_green),
        trusted_blue_rate=Decimal(trusted_blue),
        green_sampled_lane=green_to,
    )
