"""What China's Single Window shows the trader: a declaration's status as the receipt code of
the cross-border e-commerce (CEB) messages (the return status of the CEB621 import list's
receipt, CEB622). The mapping we chose and why is in docs/customs.md, "China receipt codes".

Only CN_CBEC declarations have one; the codes are strings, as CEB sends them.
"""

from __future__ import annotations

from dataclasses import dataclass

from customs.models import DeclarationStatus, Regime
from customs.taxes import ReasonCode

_S = DeclarationStatus


@dataclass(frozen=True, slots=True)
class Receipt:
    code: str
    text: str


DECLARED = Receipt("2", "Declared: sent to customs (电子口岸申报中)")
RETURNED = Receipt("100", "Returned by customs for correction (海关退单)")
ACCEPTED = Receipt("120", "Accepted into the customs system (海关入库)")
MANUAL_REVIEW = Receipt("300", "Under manual review (人工审核)")
CONCLUDED = Receipt("399", "Customs review concluded: released (海关审结)")
INSPECTION = Receipt("500", "Selected for inspection (查验)")
DETAINED = Receipt("501", "Detained for clearance handling (扣留移送通关)")
REFUSED = Receipt("100", "Refused by customs (海关退单)")
WITHDRAWN = Receipt("100", "Withdrawn at the declarant's request (撤单)")

# Holds the trader can cure by correcting the data come back as "returned" (100); holds on an
# officer's or a rule's judgement are a detention (501).
_CORRECTABLE_HOLDS = frozenset(
    {
        "hs_code_invalid",
        "hs_code_unknown",
        "regime_unsupported",
        "RFI_UNANSWERED",
        *(code.value for code in ReasonCode),
    }
)

_FOR_STATUS: dict[str, Receipt] = {
    _S.SUBMITTED: DECLARED,
    _S.VALIDATED: ACCEPTED,
    _S.RISK_ASSESSED: MANUAL_REVIEW,
    _S.INSPECTION: INSPECTION,
    _S.RELEASED: CONCLUDED,
    _S.REJECTED: REFUSED,
    _S.CANCELLED: WITHDRAWN,
}


def receipt_for(*, regime: str, status: str, hold_reason_code: str = "") -> Receipt | None:
    """The CEB receipt a CN_CBEC declaration in this status shows; None for other regimes."""
    if regime != Regime.CN_CBEC:
        return None
    if status == _S.HELD:
        return RETURNED if hold_reason_code in _CORRECTABLE_HOLDS else DETAINED
    return _FOR_STATUS[status]
