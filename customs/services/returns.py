"""CBEC returns on customs' side: goods released and brought back to the bonded hub in time
(the marketplace checks the windows and gives the buyer's allowance back) owe no tax; the
import declaration records that its assessed tax is cancelled."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone

from customs.events import DECLARATION_TAX_CANCELLED
from customs.models import Declaration, DeclarationStatus, Regime
from customs.services.audit import SYSTEM, audit_record
from ewtp.core.errors import Conflict
from ewtp.events.bus import publish


@transaction.atomic
def declaration_tax_cancel(*, order_id: uuid.UUID, reason: str) -> Declaration | None:
    """Cancel the tax of the order's released CBEC import declaration, once (a second call
    returns it as it is). Audited, and published to the filer and the merchant. An order
    never declared under CBEC has no tax of ours to cancel: None."""
    declaration = (
        Declaration.objects.select_for_update()
        .filter(order_id=order_id, regime=Regime.CN_CBEC)
        .select_related("merchant", "submitter")
        .first()
    )
    if declaration is None:
        return None
    if declaration.tax_cancelled_at is not None:
        return declaration
    if declaration.status != DeclarationStatus.RELEASED:
        raise Conflict(
            "Only the tax of released goods is cancelled on their return.",
            code="declaration_not_released",
        )
    declaration.tax_cancelled_at = timezone.now()
    declaration.updated_at = declaration.tax_cancelled_at
    declaration.save(update_fields=["tax_cancelled_at", "updated_at"])
    audit_record(
        actor=SYSTEM,
        action="declaration.tax_cancelled",
        object_type="declaration",
        object_id=str(declaration.pk),
        payload={
            "order_reference": declaration.order_reference,
            "total_tax": declaration.total_tax,
            "currency": declaration.assessment_currency,
            "reason": reason[:500],
        },
    )
    publish(
        type=DECLARATION_TAX_CANCELLED,
        data={
            "id": str(declaration.pk),
            "order_id": str(order_id),
            "order_reference": declaration.order_reference,
            "total_tax": str(declaration.total_tax) if declaration.total_tax is not None else None,
            "currency": declaration.assessment_currency or None,
            "tax_cancelled_at": declaration.tax_cancelled_at.isoformat(),
        },
        recipients=[declaration.submitter, declaration.merchant],
    )
    return declaration
