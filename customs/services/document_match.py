"""The CBEC three-document match (GACC 2018 No. 194): customs keeps each document as it arrives
(the order and the payment from the marketplace when the order is paid, the waybill from the
carrier), and a job matches whatever has arrived with the pure customs.three_documents. Any
arrival order gives the same result; running the job again changes nothing. A mismatch is a
fact the risk rules read (a rule with `document_mismatch` set, yellow by default), so clearance
never waits for documents: a declaration cleared before its waybill arrived is matched after,
and a mismatch found then is audited for post-release control."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import asdict, fields
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from customs import tasks
from customs.events import DOCUMENTS_MATCHED, DOCUMENTS_MISMATCHED
from customs.models import (
    Declaration,
    DeclarationStatus,
    DocumentMatch,
    DocumentMatchStatus,
)
from customs.services.audit import SYSTEM, audit_record
from customs.three_documents import (
    DEFAULT_TAX_TOLERANCE,
    MatchResult,
    OrderDocument,
    PaymentDocument,
    WaybillDocument,
    match_documents,
)
from ewtp.core.errors import NotFound, PermissionDenied
from ewtp.core.models import Organization, OrganizationKind
from ewtp.core.money import round_half_up
from ewtp.events.bus import publish

EVENT_FOR_STATUS = {
    DocumentMatchStatus.MATCHED: DOCUMENTS_MATCHED,
    DocumentMatchStatus.MISMATCHED: DOCUMENTS_MISMATCHED,
}
_AMOUNTS = ("goods_value", "freight", "declared_tax", "discount", "actual_paid", "amount")


def _stored(document: Any) -> dict[str, Any]:
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in asdict(document).items()}


def _loaded(cls: type[Any], stored: dict[str, Any] | None) -> Any:
    """The pure document from its stored copy (which may keep more than the match reads)."""
    if stored is None:
        return None
    wanted = {f.name for f in fields(cls)}
    return cls(**{k: Decimal(v) if k in _AMOUNTS else v for k, v in stored.items() if k in wanted})


def _row(order_id: uuid.UUID) -> DocumentMatch:
    """The order's row, locked: arrivals and the job for one order run one after another."""
    DocumentMatch.objects.get_or_create(order_id=order_id)
    return DocumentMatch.objects.select_for_update().get(order_id=order_id)


def _queue(order_id: uuid.UUID) -> None:
    key = str(order_id)
    transaction.on_commit(lambda: tasks.match_documents.delay(key))


def _keep(row: DocumentMatch, **documents: Any) -> DocumentMatch:
    """Store what arrived on the locked row and queue the match after commit."""
    for name, value in documents.items():
        setattr(row, name, value)
    row.received_at = timezone.now()
    row.save()
    _queue(row.order_id)
    return row


@transaction.atomic
def cbec_order_document_receive(
    *, order_id: uuid.UUID, order_reference: str, order: OrderDocument
) -> DocumentMatch:
    """Keep the platform's order document of a CBEC order and queue the match."""
    return _keep(_row(order_id), order_reference=order_reference, order_document=_stored(order))


@transaction.atomic
def cbec_payment_document_receive(
    *, order_id: uuid.UUID, payment: PaymentDocument
) -> DocumentMatch:
    """Keep the payment company's payment document of a CBEC order and queue the match."""
    return _keep(_row(order_id), payment_document=_stored(payment))


@transaction.atomic
def cbec_paid_order_receive(
    *, order_id: uuid.UUID, order_reference: str, order: OrderDocument, payment: PaymentDocument
) -> DocumentMatch:
    """The order and payment documents together, as the platform hands them over when the
    order is paid: one write and one match job, not two."""
    return _keep(
        _row(order_id),
        order_reference=order_reference,
        order_document=_stored(order),
        payment_document=_stored(payment),
    )


@transaction.atomic
def cbec_waybill_receive(
    *,
    carrier: Organization,
    order_id: uuid.UUID,
    waybill_number: str,
    consignee_name: str,
    consignee_address: str = "",
    consignee_country: str = "",
) -> DocumentMatch:
    """Keep a carrier's waybill for a CBEC order and queue the match. It may come before the
    order is paid (the match waits for the other two documents). The first carrier to send a
    waybill for an order is its carrier: it may send it again (the last copy counts); for any
    other carrier the order is not found (`unknown_order`), so ids reveal nothing."""
    if carrier.kind != OrganizationKind.CARRIER:
        raise PermissionDenied("Only carriers send waybills.", code="not_a_carrier")
    row = _row(order_id)
    if row.carrier_id not in (None, carrier.pk):
        raise NotFound("No CBEC order with this id for your waybill.", code="unknown_order")
    return _keep(
        row,
        carrier=carrier,
        waybill_number=waybill_number,
        waybill_document=_stored(WaybillDocument(consignee_name=consignee_name))
        | {"consignee_address": consignee_address, "consignee_country": consignee_country},
    )


def document_matches_recheck(*, order_ids: Sequence[uuid.UUID]) -> int:
    """Once declarations are assessed: match again the orders whose documents had already met,
    now with customs' own tax for the tolerance check (one query; one job for the lot, after
    commit). A mismatch it finds after release is audited for post-release control. Returns
    how many orders are queued."""
    met = [
        str(order_id)
        for order_id in DocumentMatch.objects.filter(order_id__in=list(order_ids))
        .exclude(status=DocumentMatchStatus.WAITING)
        .values_list("order_id", flat=True)
    ]
    if met:
        transaction.on_commit(lambda: tasks.match_documents_many.delay(met))
    return len(met)


def _computed_tax(order_id: uuid.UUID, currency: str) -> Decimal | None:
    """Customs' own tax of the order, in the order's currency: the declaration's assessment
    converted back at its rate. None until the declaration is assessed (the tolerance check is
    then not made)."""
    declaration = (
        Declaration.objects.filter(order_id=order_id, total_tax__isnull=False)
        .only("currency", "total_tax", "exchange_rate")
        .first()
    )
    if declaration is None or declaration.total_tax is None or declaration.currency != currency:
        return None
    if not declaration.exchange_rate:
        return None
    return round_half_up(declaration.total_tax / declaration.exchange_rate)


def _tolerance() -> Decimal:
    """How far the order's tax may be from customs' (setting CBEC_TAX_TOLERANCE, a fraction)."""
    return Decimal(str(getattr(settings, "CBEC_TAX_TOLERANCE", DEFAULT_TAX_TOLERANCE)))


@transaction.atomic
def document_match_run(*, order_id: uuid.UUID) -> DocumentMatch | None:
    """Match the order's documents that have arrived and store the result. The result and its
    codes are audited and published when they change; a run that finds what the last one found
    writes nothing. A mismatch found after the goods were released is audited as such, for
    post-release control."""
    if not DocumentMatch.objects.filter(order_id=order_id).exists():
        return None
    row = _row(order_id)
    order = _loaded(OrderDocument, row.order_document)
    computed = None if order is None else _computed_tax(order_id, order.currency)
    result: MatchResult = match_documents(
        order=order,
        payment=_loaded(PaymentDocument, row.payment_document),
        waybill=_loaded(WaybillDocument, row.waybill_document),
        computed_tax=computed,
        tax_tolerance=_tolerance(),
    )
    status = DocumentMatchStatus(result.status.value)
    mismatches = [{"code": m.code.value, "detail": m.detail} for m in result.mismatches]
    if (row.status, row.codes, row.mismatches, row.computed_tax) == (
        status,
        result.codes,
        mismatches,
        computed,
    ):
        return row
    row.status = status
    row.codes = result.codes
    row.mismatches = mismatches
    row.computed_tax = computed
    row.matched_at = timezone.now() if status != DocumentMatchStatus.WAITING else None
    row.save()
    if status == DocumentMatchStatus.WAITING:
        return row
    declaration = (
        Declaration.objects.filter(order_id=order_id)
        .select_related("submitter")
        .only("pk", "status", "submitter")
        .first()
    )
    after_release = (
        declaration is not None
        and declaration.status == DeclarationStatus.RELEASED
        and status == DocumentMatchStatus.MISMATCHED
    )
    data = {
        "order_id": str(order_id),
        "order_reference": row.order_reference,
        "status": status.value,
        "codes": result.codes,
        "declaration_id": None if declaration is None else str(declaration.pk),
        "after_release": after_release,
    }
    audit_record(
        actor=SYSTEM,
        action=(
            "documents.mismatched_after_release" if after_release else f"documents.{status.value}"
        ),
        object_type="document_match",
        object_id=str(order_id),
        payload=data | {"mismatches": mismatches},
    )
    # The marketplace that filed the order's declaration and the carrier of its waybill hear it.
    recipients = [party for party in (row.carrier,) if party is not None]
    if declaration is not None:
        recipients.append(declaration.submitter)
    publish(type=EVENT_FOR_STATUS[status], data=data, recipients=recipients)
    return row
