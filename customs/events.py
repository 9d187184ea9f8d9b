"""The domain events customs publishes, and the shape of their data (the partner contract)."""

from __future__ import annotations

from typing import Any

from customs.models import ClearanceDecision, Declaration, DeclarationStatus, Regime

DECLARATION_SUBMITTED = "customs.declaration.submitted"
DECLARATION_VALIDATED = "customs.declaration.validated"
DECLARATION_RELEASED = "customs.declaration.released"
DECLARATION_HELD = "customs.declaration.held"
DECLARATION_REJECTED = "customs.declaration.rejected"
DECLARATION_RISK_ASSESSED = "customs.declaration.risk_assessed"
DECLARATION_INSPECTION = "customs.declaration.inspection"
DECLARATION_CANCELLED = "customs.declaration.cancelled"
# Not a status: the trader is asked for information (the declaration keeps its status).
DECLARATION_INFORMATION_REQUESTED = "customs.declaration.information_requested"
# Released goods came back in time as a CBEC return: the tax assessed on them is not due.
DECLARATION_TAX_CANCELLED = "customs.declaration.tax_cancelled"

EVENT_FOR_STATUS: dict[str, str] = {
    DeclarationStatus.SUBMITTED: DECLARATION_SUBMITTED,
    DeclarationStatus.VALIDATED: DECLARATION_VALIDATED,
    DeclarationStatus.RELEASED: DECLARATION_RELEASED,
    DeclarationStatus.HELD: DECLARATION_HELD,
    DeclarationStatus.REJECTED: DECLARATION_REJECTED,
    DeclarationStatus.RISK_ASSESSED: DECLARATION_RISK_ASSESSED,
    DeclarationStatus.INSPECTION: DECLARATION_INSPECTION,
    DeclarationStatus.CANCELLED: DECLARATION_CANCELLED,
}

# Brokers' and carriers' EU filings follow no marketplace order: they publish under their own
# name, `customs.import_declaration.<status>`, so the order's subscribers (marketplace,
# logistics), keyed on `order_id`, never see them.
IMPORT_DECLARATION_PREFIX = "customs.import_declaration."
# An EU export publishes no status events (partners follow the order through its import
# declaration and read the export, with its MRN, from the API); what they act on is its exit:
# confirmed, or missing 90 days after release (customs.services.exports).
EXPORT_EXIT_MISSING = "customs.export.exit_missing"
# The CBEC three-document match of an order (customs.services.document_match): data
# `order_id`, `order_reference`, `status`, `codes`, `declaration_id`, `after_release`.
DOCUMENTS_MATCHED = "customs.documents.matched"
DOCUMENTS_MISMATCHED = "customs.documents.mismatched"
EXPORT_EXIT_CONFIRMED = "customs.export.exit_confirmed"


def declaration_event_type(declaration: Declaration) -> str | None:
    """The event of the declaration's current status; None for an export."""
    if declaration.regime == Regime.EU_EXPORT:
        return None
    if declaration.order_id is not None:
        return EVENT_FOR_STATUS[declaration.status]
    return IMPORT_DECLARATION_PREFIX + declaration.status


def declaration_event_data(declaration: Declaration, decision: ClearanceDecision) -> dict[str, Any]:
    """The declaration as it stands after `decision`. Officers are never named to partners."""
    return {
        "id": str(declaration.id),
        "order_id": str(declaration.order_id) if declaration.order_id else None,
        "order_reference": declaration.order_reference,
        "submitter_reference": declaration.submitter_reference,
        "version": declaration.version,
        "mrn": declaration.mrn or None,
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
        # A filing's documents: logistics finds the inbound parcels it is about by their
        # transport documents (house or air waybill). An order's declaration has none.
        "documents": [
            {"type_code": document.type_code, "reference": document.reference}
            for document in (declaration.documents.all() if declaration.order_id is None else ())
        ],
    }
