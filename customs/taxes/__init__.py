"""The customs tax engine: pure, Decimal-only quotes of duty, consumption tax and VAT.

    quote(request, tariff, buyer_year_total=...) -> TaxQuote

No database: the tariff comes through a `TariffSource` (InMemoryTariff here; a DB-backed one
later), the regime parameters from effective-dated rule packs in customs/data/.
"""

from customs.taxes.apportionment import apportion
from customs.taxes.engine import quote
from customs.taxes.eu_states import member_states, standard_vat_rate
from customs.taxes.ioss import ioss_number_is_valid
from customs.taxes.regimes import Regime
from customs.taxes.requests import GoodsLine, InvalidTaxQuoteRequest, TaxQuoteRequest
from customs.taxes.results import Reason, ReasonCode, TaxLine, TaxQuote
from customs.taxes.rule_packs import RulePack, rule_packs, select_rule_pack
from customs.taxes.tariff import InMemoryTariff, TariffRate, TariffSource

__all__ = [
    "GoodsLine",
    "InMemoryTariff",
    "InvalidTaxQuoteRequest",
    "Reason",
    "ReasonCode",
    "Regime",
    "RulePack",
    "TariffRate",
    "TariffSource",
    "TaxLine",
    "TaxQuote",
    "TaxQuoteRequest",
    "apportion",
    "ioss_number_is_valid",
    "member_states",
    "quote",
    "rule_packs",
    "select_rule_pack",
    "standard_vat_rate",
]
