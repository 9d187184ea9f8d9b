"""EU export declarations: filed for the goods of a marketplace order shipped from Belgium once
China released their import, given an MRN, released by the clearance job, and closed by the
exit the office of exit confirms. An export released more than EXIT_WINDOW ago without one
raises an alert: without proof of exit the seller cannot zero-rate the supply (Directive
2006/112/EC, Art. 146)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone

from customs import tasks
from customs.events import EXPORT_EXIT_CONFIRMED, EXPORT_EXIT_MISSING, declaration_event_data
from customs.models import (
    ClearanceDecision,
    Declaration,
    DeclarationLine,
    DeclarationParty,
    DeclarationStatus,
    ExportExitAlert,
    PartyRole,
    Regime,
)
from customs.mrn import mrn_new
from customs.services.audit import SYSTEM, audit_record, audit_record_many
from customs.services.transitions import decision_audit_draft
from ewtp.core.errors import Conflict, NotFound
from ewtp.core.models import Organization
from ewtp.events.bus import publish

# The member state whose customs the platform's exports are declared to (the Liège hub).
EXPORT_COUNTRY = "BE"
# Evidence of exit is expected within 90 days of release (UCC IA Art. 334 puts the exit at
# most 150 days after release; tax authorities ask for the evidence sooner).
EXIT_WINDOW = timedelta(days=90)
_MRN_ATTEMPTS = 5


def export_reference(order_reference: str) -> str:
    """The marketplace's own reference for the export of one order: one export per order."""
    return f"EXP-{order_reference}"


def _mrn_year() -> int:
    """The year of acceptance, in the accepting office's own calendar."""
    return timezone.now().astimezone(ZoneInfo("Europe/Brussels")).year


def _exportable(imported: Declaration) -> bool:
    """Goods of a marketplace order released for China that leave from Belgium (the merchant
    is established there)."""
    return (
        imported.regime == Regime.CN_CBEC
        and imported.order_id is not None
        and imported.merchant.country == EXPORT_COUNTRY
    )


def _export_new(imported: Declaration, now: datetime) -> Declaration:
    return Declaration(
        order_reference=imported.order_reference,
        submitter_reference=export_reference(imported.order_reference),
        merchant=imported.merchant,
        submitter=imported.submitter,
        regime=Regime.EU_EXPORT,
        consignee_name=imported.consignee_name,
        destination_country=imported.destination_country,
        currency=imported.currency,
        total_value=imported.total_value,
        mrn=mrn_new(year=_mrn_year(), country=EXPORT_COUNTRY),
        created_at=now,
        updated_at=now,
    )


def _exports_insert(imports: list[Declaration], now: datetime) -> list[Declaration]:
    """Insert the exports of these imports, each with a new MRN; an MRN clash draws them all
    again (the INSERT is one statement, so it is all or none)."""
    for _ in range(_MRN_ATTEMPTS):
        exports = [_export_new(imported, now) for imported in imports]
        try:
            with transaction.atomic():
                return Declaration.objects.bulk_create(exports)
        except IntegrityError:  # an MRN clash: draw again
            continue
    raise Conflict("No free MRN could be drawn.", code="mrn_unavailable")


def _parties(export: Declaration, imported: Declaration) -> list[DeclarationParty]:
    merchant, submitter = imported.merchant, imported.submitter
    return [
        DeclarationParty(
            declaration=export,
            role=PartyRole.CONSIGNOR,
            name=merchant.name[:200],
            country=merchant.country,
            eori=merchant.eori,
        ),
        DeclarationParty(
            declaration=export,
            role=PartyRole.CONSIGNEE,
            name=imported.consignee_name[:200],
            country=imported.destination_country,
        ),
        DeclarationParty(
            declaration=export,
            role=PartyRole.DECLARANT,
            name=submitter.name[:200],
            country=submitter.country,
            eori=submitter.eori,
        ),
    ]


@transaction.atomic
def export_declarations_file(
    *, import_declaration_ids: Sequence[uuid.UUID]
) -> list[Declaration | None]:
    """File the EU export of a marketplace order's goods once China has released their import,
    if they leave from Belgium (the merchant is established there), with a new MRN, and queue
    its clearance. Goods China holds or refuses never leave, so no export has to be
    invalidated. One export per order: filing again (or asking twice) returns the first. No
    marketplace order follows it (`order_id` is empty) and it publishes no status events.
    Written set-wise for a batch of releases (one INSERT each for the exports, their lines,
    parties and decisions; one clearance job). Returns, per id asked, the export or None."""
    if not import_declaration_ids:
        return []
    imports = (
        Declaration.objects.select_related("merchant", "submitter")
        .prefetch_related(
            Prefetch("lines", queryset=DeclarationLine.objects.order_by("line_number"))
        )
        .in_bulk(list(import_declaration_ids))
    )
    missing = [pk for pk in import_declaration_ids if pk not in imports]
    if missing:
        raise Declaration.DoesNotExist(f"No declaration {missing[0]}.")
    exportable = {pk: imports[pk] for pk in import_declaration_ids if _exportable(imports[pk])}
    by_reference: dict[tuple[uuid.UUID, str], Declaration] = {}
    if exportable:
        wanted = {export_reference(d.order_reference) for d in exportable.values()}
        for existing in Declaration.objects.filter(
            submitter__in={d.submitter_id for d in exportable.values()},
            submitter_reference__in=wanted,
        ):
            by_reference[(existing.submitter_id, existing.submitter_reference)] = existing

    def key(imported: Declaration) -> tuple[uuid.UUID, str]:
        return (imported.submitter_id, export_reference(imported.order_reference))

    # One export per order, even if its release is reported twice.
    unfiled = {key(d): d for d in exportable.values() if key(d) not in by_reference}
    to_file = list(unfiled.values())
    if to_file:
        now = timezone.now()
        exports = _exports_insert(to_file, now)
        DeclarationLine.objects.bulk_create(
            DeclarationLine(
                declaration=export,
                line_number=line.line_number,
                hs_code=line.hs_code,
                description=line.description,
                origin_country=line.origin_country,
                quantity=line.quantity,
                value=line.value,
            )
            for export, imported in zip(exports, to_file, strict=True)
            for line in imported.lines.all()
        )
        DeclarationParty.objects.bulk_create(
            party
            for export, imported in zip(exports, to_file, strict=True)
            for party in _parties(export, imported)
        )
        decisions = ClearanceDecision.objects.bulk_create(
            ClearanceDecision(
                declaration=export,
                from_status="",
                to_status=DeclarationStatus.SUBMITTED,
                reason_code="filed",
                reason=f"Export of order {export.order_reference} filed under MRN {export.mrn}.",
                decided_at=now,
            )
            for export in exports
        )
        audit_record_many(
            drafts=[
                decision_audit_draft(export, decision, {"mrn": export.mrn})
                for export, decision in zip(exports, decisions, strict=True)
            ]
        )
        for export in exports:
            by_reference[(export.submitter_id, export.submitter_reference)] = export
        _clearance_queue([str(export.pk) for export in exports])
    return [
        by_reference[key(imports[pk])] if pk in exportable else None
        for pk in import_declaration_ids
    ]


def _clearance_queue(declaration_ids: list[str]) -> None:
    """One clearance job for the exports one transaction filed, once it commits."""
    if len(declaration_ids) == 1:
        declaration_id = declaration_ids[0]
        transaction.on_commit(lambda: tasks.clear_declaration.delay(declaration_id))
    else:
        transaction.on_commit(lambda: tasks.clear_declarations.delay(declaration_ids))


@transaction.atomic
def export_declaration_file(*, import_declaration_id: uuid.UUID) -> Declaration | None:
    """`export_declarations_file` for one released import."""
    return export_declarations_file(import_declaration_ids=[import_declaration_id])[0]


def _export_for_exit(declaration_id: uuid.UUID, mrn: str) -> Declaration:
    """The export whose MRN the caller presents: the MRN on the export accompanying document is
    what a carrier or ground handler holds, so a wrong one is "not found", like an id."""
    declaration = (
        Declaration.objects.select_for_update()
        .filter(pk=declaration_id, regime=Regime.EU_EXPORT, mrn=mrn)
        .first()
    )
    if declaration is None:
        raise NotFound("No such export declaration.")
    return declaration


@transaction.atomic
def declaration_exit_confirm(
    *,
    declaration_id: uuid.UUID,
    mrn: str,
    exited_at: datetime,
    exit_office: str,
    confirmed_by: Organization,
    actor: str,
) -> Declaration:
    """Record that released export goods left the EU. Only a released export can exit, once;
    an open missing-exit alert is resolved."""
    declaration = _export_for_exit(declaration_id, mrn)
    if declaration.status != DeclarationStatus.RELEASED:
        raise Conflict(
            f"An export that is {declaration.status} has not been released for exit.",
            code="export_not_released",
        )
    if declaration.exit_confirmed_at is not None:
        raise Conflict("The exit was already confirmed.", code="exit_already_confirmed")
    if exited_at > timezone.now():
        raise Conflict("The exit cannot be in the future.", code="exit_in_future", status=422)
    declaration.exit_confirmed_at = exited_at
    declaration.exit_office = exit_office
    declaration.exit_confirmed_by = confirmed_by
    declaration.updated_at = timezone.now()
    declaration.save(
        update_fields=["exit_confirmed_at", "exit_office", "exit_confirmed_by", "updated_at"]
    )
    ExportExitAlert.objects.filter(declaration=declaration, resolved_at=None).update(
        resolved_at=declaration.updated_at
    )
    audit_record(
        actor=actor,
        action="declaration.exit_confirmed",
        object_type="declaration",
        object_id=str(declaration.pk),
        payload={
            "mrn": declaration.mrn,
            "exited_at": exited_at,
            "exit_office": exit_office,
            "confirmed_by": confirmed_by.slug,
        },
    )
    _publish_export(declaration, EXPORT_EXIT_CONFIRMED, "exit_confirmed")
    declaration.refresh_from_db()
    return declaration


def _publish_export(declaration: Declaration, event_type: str, reason_code: str) -> None:
    declaration = Declaration.objects.select_related("merchant", "submitter").get(pk=declaration.pk)
    last = declaration.decisions.order_by("-decided_at", "-id").first()
    assert last is not None  # every declaration has its filing decision
    data = declaration_event_data(declaration, last)
    data |= {
        "reason_code": reason_code,
        "exit_confirmed_at": (
            declaration.exit_confirmed_at.isoformat() if declaration.exit_confirmed_at else None
        ),
        "exit_office": declaration.exit_office,
    }
    publish(type=event_type, data=data, recipients=[declaration.submitter, declaration.merchant])


@transaction.atomic
def exports_flag_missing_exit(*, now: datetime | None = None) -> int:
    """Raise one alert (a row, an audit entry and `customs.export.exit_missing`) for each
    export released more than EXIT_WINDOW ago without a confirmed exit and not yet alerted.
    Returns how many were raised; a second run raises none."""
    now = now or timezone.now()
    overdue = (
        Declaration.objects.exports_without_exit()
        .filter(decided_at__lt=now - EXIT_WINDOW, exit_alert__isnull=True)
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("decided_at")
    )
    raised = 0
    for declaration in overdue:
        assert declaration.decided_at is not None  # released
        ExportExitAlert.objects.create(
            declaration=declaration, raised_at=now, released_at=declaration.decided_at
        )
        audit_record(
            actor=SYSTEM,
            action="declaration.exit_missing",
            object_type="declaration",
            object_id=str(declaration.pk),
            payload={"mrn": declaration.mrn, "released_at": declaration.decided_at},
        )
        _publish_export(declaration, EXPORT_EXIT_MISSING, "exit_missing")
        raised += 1
    return raised


__all__ = [
    "EXIT_WINDOW",
    "declaration_exit_confirm",
    "export_declaration_file",
    "export_declarations_file",
    "export_reference",
    "exports_flag_missing_exit",
]
