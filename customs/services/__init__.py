"""Every write of customs, by concern; import from here (`from customs.services import ...`)."""

from customs.services.assessment import declaration_assess, declaration_tax_request
from customs.services.audit import (
    SYSTEM,
    AuditDraft,
    ChainBreak,
    ChainCheck,
    audit_actor,
    audit_chain_verify,
    audit_record,
    audit_record_many,
)
from customs.services.clearance_batch import (
    BATCH_SIZE as CLEARANCE_BATCH_SIZE,
)
from customs.services.clearance_batch import (
    ClearanceBatch,
    declarations_clear_batch,
    declarations_dispatch_waiting,
)
from customs.services.decisions import (
    OFFICER_ROLES,
    declaration_hold,
    declaration_inspect,
    declaration_reject,
    declaration_release,
    officer_may_decide,
    release_awaits_second_officer,
)
from customs.services.declarations import (
    DeclarationLineRequest,
    Finding,
    HoldReason,
    declaration_clear,
    declaration_findings,
    declaration_submit,
)
from customs.services.document_match import (
    cbec_order_document_receive,
    cbec_paid_order_receive,
    cbec_payment_document_receive,
    cbec_waybill_receive,
    document_match_run,
)
from customs.services.exports import (
    EXIT_WINDOW,
    EXPORT_COUNTRY,
    declaration_exit_confirm,
    export_declaration_file,
    export_declarations_file,
    export_reference,
    exports_flag_missing_exit,
)
from customs.services.filings import (
    DeclarationInvalid,
    declaration_amend,
    declaration_cancel,
    declaration_file,
    declaration_filing_check,
)
from customs.services.information_requests import (
    declaration_request_information,
    information_request_answer,
    information_requests_hold_overdue,
)
from customs.services.nomenclature import (
    ReferenceImportRejected,
    ReferenceLoadReport,
    commodity_codes_load,
    hs_nomenclature_load,
)
from customs.services.quota import (
    QuotaExceeded,
    quota_commit,
    quota_release,
    quota_reserve,
    quota_return,
    quota_used,
    quota_year,
)
from customs.services.returns import declaration_tax_cancel
from customs.services.risk import RiskOutcome, declaration_risk_assess
from customs.services.tariff import tariff_lines_import
from customs.services.tax_quotes import (
    QuoteItem,
    acceptance_date_at,
    tax_quote_compute,
    tax_quote_request_build,
)

__all__ = [
    "CLEARANCE_BATCH_SIZE",
    "EXIT_WINDOW",
    "EXPORT_COUNTRY",
    "OFFICER_ROLES",
    "SYSTEM",
    "AuditDraft",
    "ChainBreak",
    "ChainCheck",
    "ClearanceBatch",
    "DeclarationInvalid",
    "DeclarationLineRequest",
    "Finding",
    "HoldReason",
    "QuotaExceeded",
    "QuoteItem",
    "ReferenceImportRejected",
    "ReferenceLoadReport",
    "RiskOutcome",
    "acceptance_date_at",
    "audit_actor",
    "audit_chain_verify",
    "audit_record",
    "audit_record_many",
    "cbec_order_document_receive",
    "cbec_paid_order_receive",
    "cbec_payment_document_receive",
    "cbec_waybill_receive",
    "commodity_codes_load",
    "declaration_amend",
    "declaration_assess",
    "declaration_cancel",
    "declaration_clear",
    "declaration_exit_confirm",
    "declaration_file",
    "declaration_filing_check",
    "declaration_findings",
    "declaration_hold",
    "declaration_inspect",
    "declaration_reject",
    "declaration_release",
    "declaration_request_information",
    "declaration_risk_assess",
    "declaration_submit",
    "declaration_tax_cancel",
    "declaration_tax_request",
    "declarations_clear_batch",
    "declarations_dispatch_waiting",
    "document_match_run",
    "export_declaration_file",
    "export_declarations_file",
    "export_reference",
    "exports_flag_missing_exit",
    "hs_nomenclature_load",
    "information_request_answer",
    "information_requests_hold_overdue",
    "officer_may_decide",
    "quota_commit",
    "quota_release",
    "quota_reserve",
    "quota_return",
    "quota_used",
    "quota_year",
    "release_awaits_second_officer",
    "tariff_lines_import",
    "tax_quote_compute",
    "tax_quote_request_build",
]
