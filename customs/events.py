"""The domain events customs publishes, and the shape of their data (the partner contract)."""

from __future__ import annotations

from typing import Any

from customs.models import ClearanceDecision, Declaration, DeclarationStatus

DECLARATION_SUBMITTED = "customs.declaration.submitted"
DECLARATION_VALIDATED = "customs.declaration.validated"
DECLARATION_RELEASED = "customs.declaration.released"
DECLARATION_HELD = "customs.declaration.held"
DECLARATION_REJECTED = "customs.declaration.rejected"
DECLARATION_RISK_ASSESSED = "customs.declaration.risk_assessed"
DECLARATION_INSPECTION = "customs.declaration.inspection"
# Not a status: the trader is asked for information (the declaration keeps its status).
DECLARATION_INFORMATION_REQUESTED = "customs.declaration.information_requested"

EVENT_FOR_STATUS: dict[str, str] = {
    DeclarationStatus.SUBMITTED: DECLARATION_SUBMITTED,
    DeclarationStatus.VALIDATED: DECLARATION_VALIDATED,
    DeclarationStatus.RELEASED: DECLARATION_RELEASED,
    DeclarationStatus.HELD: DECLARATION_HELD,
    DeclarationStatus.REJECTED: DECLARATION_REJECTED,
    DeclarationStatus.RISK_ASSESSED: DECLARATION_RISK_ASSESSED,
    DeclarationStatus.INSPECTION: DECLARATION_INSPECTION,
}


def declaration_event_data(declaration: Declaration, decision: ClearanceDecision) -> dict[str, Any]:
    """The declaration as it stands after `decision`. Officers are never named to partners."""
    return {
        "id": str(declaration.id),
        "order_id": str(declaration.order_id),
        "order_reference": declaration.order_reference,
        "regime": declaration.regime,
        "status": declaration.status,
        "merchant": declaration.merchant.slug,
        "submitter": declaration.submitter.slug,
        "destination_country": declaration.destination_country,
        "currency": declaration.currency,
        "total_value": str(declaration.total_value),
        "lane": declaration.lane,
        "reason_code": decision.reason_code,
        "reason": decision.reason,
        "decided_by": decision.decided_by,
        "decided_at": decision.decided_at.isoformat(),
        "lines": [
            {
                "line_number": line.line_number,
                "hs_code": line.hs_code,
                "description": line.description,
                "origin_country": line.origin_country,
                "quantity": line.quantity,
                "value": str(line.value),
            }
            for line in declaration.lines.all()
        ],
    }
