"""The tariff the tax engine reads, from the TariffLine table (a `customs.taxes.TariffSource`)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from customs.models import TariffLine
from customs.taxes import TariffRate
from customs.taxes.tariff import candidate_prefixes


class DatabaseTariff:
    """Longest-prefix lookup (10, 8, then 6 digits) over the imported tariff lines.

    `prefetch` reads every candidate prefix of a quote's codes in one query; after it,
    `rate_for` answers from memory. A code not prefetched costs one query of its own, so the
    source is correct either way and fast when the caller prefetches.
    """

    def __init__(self) -> None:
        # (jurisdiction, prefix) -> its tariff line, or None when the table has none.
        self._known: dict[tuple[str, str], TariffRate | None] = {}

    def prefetch(self, jurisdiction: str, codes: Iterable[str]) -> DatabaseTariff:
        prefixes = {
            prefix
            for code in codes
            for prefix in candidate_prefixes(code)
            if (jurisdiction, prefix) not in self._known
        }
        if prefixes:
            self._load({jurisdiction: prefixes})
        return self

    def _load(self, wanted: dict[str, set[str]]) -> None:
        query = Q(pk__in=[])
        for jurisdiction, prefixes in wanted.items():
            query |= Q(jurisdiction=jurisdiction, code__in=sorted(prefixes))
        found = {
            (line.jurisdiction, line.code): line.as_rate()
            for line in TariffLine.objects.filter(query)
        }
        for jurisdiction, prefixes in wanted.items():
            for prefix in prefixes:
                self._known[(jurisdiction, prefix)] = found.get((jurisdiction, prefix))

    def rate_for(self, jurisdiction: str, code: str) -> TariffRate | None:
        prefixes = candidate_prefixes(code)
        missing = {p for p in prefixes if (jurisdiction, p) not in self._known}
        if missing:
            self._load({jurisdiction: missing})
        for prefix in prefixes:
            rate = self._known[(jurisdiction, prefix)]
            if rate is not None:
                return rate
        return None
