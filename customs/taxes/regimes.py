"""The customs regimes the tax engine quotes, and the jurisdiction each one belongs to."""

from __future__ import annotations

from enum import StrEnum


class Regime(StrEnum):
    CN_CBEC = "CN_CBEC"  # China cross-border e-commerce retail import
    CN_GENERAL = "CN_GENERAL"  # China general trade
    EU_H7 = "EU_H7"  # EU low-value consignment (H7 data set), intrinsic value up to EUR 150
    EU_H1 = "EU_H1"  # EU release for free circulation (H1 data set), no value limit

    @property
    def jurisdiction(self) -> str:
        """The tariff and rule-pack jurisdiction: "CN" or "EU"."""
        return self.value.partition("_")[0]
