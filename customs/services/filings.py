"""Declarations brokers and carriers file themselves (EU H7 / H1): the dry run, filing, amending
(a new version; the clearance job runs again) and cancelling. One check, customs.filing_checks,
decides what may be filed; the same list of problems answers the dry run and refuses a filing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from customs import tasks
from customs.eori import compact as eori_compact
from customs.exchange_rates import EcbReferenceRates, ExchangeRateUnknown
from customs.filing_checks import (
    DeclarationFiling,
    FilingCode,
    FilingContext,
    FilingProblem,
    filing_problems,
)
from customs.models import (
    REVIEW_STATUSES,
    ClearanceDecision,
    Declaration,
    DeclarationDocument,
    DeclarationLine,
    DeclarationParty,
    DeclarationStatus,
    DeclarationVersion,
    InformationRequest,
)
from customs.selectors import commodity_codes_known
from customs.services.information_requests import information_request_answer
from customs.services.tax_quotes import acceptance_date_at
from customs.services.transitions import (
    audit_decision,
    declaration_lock,
    declaration_move,
    publish_declaration,
)
from customs.taxes import Regime as TaxRegime
from ewtp.core.errors import Conflict, DomainError
from ewtp.core.models import Organization
from ewtp.core.money import round_half_up


class DeclarationInvalid(DomainError):
    """A filing with problems: nothing is written; `problems` lists them all."""

    status = 422
    code = "declaration_invalid"
    title = "The declaration has errors"

    def __init__(self, problems: Sequence[FilingProblem]) -> None:
        super().__init__(f"The declaration has {len(problems)} error(s); see errors.")
        self.problems = list(problems)


def _rate_to_eur(on: date) -> Callable[[str], Decimal | None]:
    rates = EcbReferenceRates()

    def rate(currency: str) -> Decimal | None:
        if len(currency) != 3 or not currency.isalpha() or not currency.isupper():
            return None
        try:
            return rates.rate(currency, "EUR", on)
        except ExchangeRateUnknown:
            return None

    return rate


def declaration_filing_check(
    *,
    filing: DeclarationFiling,
    submitter: Organization,
    amending: Declaration | None = None,
) -> list[FilingProblem]:
    """Every problem of a filing (empty if it may be filed). Reads only: the dry run."""
    today = acceptance_date_at(TaxRegime.EU_H1)

    def reference_taken(reference: str) -> bool:
        filed = Declaration.objects.filter(submitter=submitter, submitter_reference=reference)
        if amending is not None:
            filed = filed.exclude(pk=amending.pk)
        return filed.exists()

    context = FilingContext(
        known_hs_codes=commodity_codes_known(codes=[item.hs_code for item in filing.items]),
        rate_to_eur=_rate_to_eur(today),
        reference_taken=reference_taken,
        today=today,
    )
    return filing_problems(filing, context)


def _write_content(declaration: Declaration, filing: DeclarationFiling) -> None:
    """Lines, parties and documents as the filing gives them (replacing any earlier ones)."""
    declaration.lines.all().delete()
    declaration.parties.all().delete()
    declaration.documents.all().delete()
    DeclarationLine.objects.bulk_create(
        [
            DeclarationLine(
                declaration=declaration,
                line_number=number,
                hs_code=item.hs_code,
                description=item.description[:200],
                origin_country=item.origin_country,
                quantity=item.quantity or 0,
                value=round_half_up(item.value or Decimal(0)),
            )
            for number, item in enumerate(filing.items, start=1)
        ]
    )
    DeclarationParty.objects.bulk_create(
        [
            DeclarationParty(
                declaration=declaration,
                role=role,
                name=party.name,
                street=party.street,
                city=party.city,
                postal_code=party.postal_code,
                country=party.country,
                eori=eori_compact(party.eori),
            )
            for role, party in filing.parties.items()
            if party is not None
        ]
    )
    DeclarationDocument.objects.bulk_create(
        [
            DeclarationDocument(
                declaration=declaration,
                position=position,
                type_code=document.type_code,
                reference=document.reference,
                issued_on=document.issued_on,
            )
            for position, document in enumerate(filing.documents, start=1)
        ]
    )


def _header(filing: DeclarationFiling) -> dict[str, Any]:
    consignee = filing.consignee
    assert consignee is not None  # the check requires one
    return {
        "regime": filing.regime,
        "consignee_name": consignee.name[:200],
        "destination_country": consignee.country,
        "currency": filing.currency,
        # Customs values are rounded half-up to the cent per line, then summed.
        "total_value": sum(
            (round_half_up(item.value or Decimal(0)) for item in filing.items), Decimal("0.00")
        ),
        "transport_costs": round_half_up(filing.transport_costs),
        "ioss_number": filing.ioss_number or "",
    }


def _changes(before: Any, after: Any, pointer: str = "") -> list[str]:
    """The JSON pointers at which two snapshots differ (a whole added or removed entry is one)."""
    if isinstance(before, dict) and isinstance(after, dict):
        return [
            change
            for key in sorted(set(before) | set(after))
            for change in _changes(before.get(key), after.get(key), f"{pointer}/{key}")
        ]
    if isinstance(before, list) and isinstance(after, list):
        changes = [
            change
            for index, (old, new) in enumerate(zip(before, after, strict=False))
            for change in _changes(old, new, f"{pointer}/{index}")
        ]
        longer = max(len(before), len(after))
        changes.extend(
            f"{pointer}/{index}" for index in range(min(len(before), len(after)), longer)
        )
        return changes
    return [] if before == after else [pointer or "/"]


def _answer_open_requests(declaration: Declaration, answer: str) -> None:
    """An amendment answers the officers' open requests for information: the beat job must not
    hold the new version for the old question."""
    for request in InformationRequest.objects.filter(
        declaration=declaration, answered_at=None, lapsed_at=None
    ):
        information_request_answer(request=request, answer=answer)


def _queue_clearance(declaration: Declaration) -> None:
    declaration_id = str(declaration.pk)
    transaction.on_commit(lambda: tasks.clear_declaration.delay(declaration_id))


@transaction.atomic
def declaration_file(
    *, filing: DeclarationFiling, submitter: Organization, actor: str
) -> Declaration:
    """File a broker's or carrier's EU import declaration (H7 or H1) and queue its clearance.
    A filing with any problem is refused whole (DeclarationInvalid, 422), writing nothing. The
    filer stands in the merchant's place: it is the declarant its risk profile applies to."""
    problems = declaration_filing_check(filing=filing, submitter=submitter)
    if problems:
        raise DeclarationInvalid(problems)
    now = timezone.now()
    try:
        with transaction.atomic():
            declaration = Declaration.objects.create(
                submitter_reference=filing.submitter_reference,
                merchant=submitter,
                submitter=submitter,
                created_at=now,
                updated_at=now,
                **_header(filing),
            )
    except IntegrityError:
        # The same reference filed concurrently: the database's unique constraint decides.
        raise DeclarationInvalid(
            [
                FilingProblem(
                    FilingCode.SUBMITTER_REFERENCE_TAKEN,
                    "/submitter_reference",
                    f"You already filed {filing.submitter_reference!r}; amend that declaration.",
                )
            ]
        ) from None
    _write_content(declaration, filing)
    DeclarationVersion.objects.create(
        declaration=declaration,
        number=1,
        content=filing.content(),
        changes=[],
        filed_by=submitter,
        actor=actor,
        created_at=now,
    )
    decision = ClearanceDecision.objects.create(
        declaration=declaration,
        from_status="",
        to_status=DeclarationStatus.SUBMITTED,
        reason_code="filed",
        reason=f"Filed by {submitter.slug} as {filing.submitter_reference}.",
        decided_at=now,
    )
    publish_declaration(declaration, decision)
    audit_decision(declaration, decision, {"actor": actor})
    _queue_clearance(declaration)
    declaration.refresh_from_db()
    return declaration


def _refuse_after_release(declaration: Declaration, action: str) -> None:
    if declaration.status == DeclarationStatus.RELEASED:
        # Released goods are in free circulation: the declaration, and its IOSS number, stand.
        raise Conflict(
            f"The goods were released: the declaration can no longer be {action}.",
            code="declaration_released",
        )


@transaction.atomic
def declaration_amend(
    *, declaration: Declaration, filing: DeclarationFiling, submitter: Organization, actor: str
) -> Declaration:
    """Amend a filing before release: the whole content is replaced, the previous version stays
    as it was filed, and the clearance job runs again. After release: 409
    `declaration_released`. A declaration an officer had in hand (risk assessed, held) goes
    back to an officer after the re-run, whatever its lane, so an amendment cannot step around
    a review."""
    locked = declaration_lock(declaration)
    _refuse_after_release(locked, "amended")
    if filing.submitter_reference != locked.submitter_reference:
        raise DomainError(
            "The reference of a filing cannot change; file a new declaration instead.",
            code="submitter_reference_fixed",
            field="submitter_reference",
        )
    if locked.status != DeclarationStatus.SUBMITTED and not locked.can_move_to(
        DeclarationStatus.SUBMITTED
    ):
        raise Conflict(
            f"A declaration that is {locked.status} cannot be amended.",
            code="declaration_not_amendable",
        )
    problems = declaration_filing_check(filing=filing, submitter=submitter, amending=locked)
    if problems:
        raise DeclarationInvalid(problems)
    previous = locked.versions.order_by("-number").first()
    number = locked.version + 1
    changes = _changes(previous.content if previous else {}, filing.content())
    now = timezone.now()
    was_with_officer = locked.status in REVIEW_STATUSES
    for name, value in _header(filing).items():
        setattr(locked, name, value)
    locked.version = number
    locked.review_required = locked.review_required or was_with_officer
    locked.updated_at = now
    locked.save()
    _write_content(locked, filing)
    DeclarationVersion.objects.create(
        declaration=locked,
        number=number,
        content=filing.content(),
        changes=changes,
        filed_by=submitter,
        actor=actor,
        created_at=now,
    )
    reason = f"Amended to version {number}: {', '.join(changes) or 'no change'}."
    _answer_open_requests(locked, f"Answered by amendment (version {number}).")
    if locked.status != DeclarationStatus.SUBMITTED:
        locked = declaration_move(
            declaration=locked,
            to=DeclarationStatus.SUBMITTED,
            reason_code="amended",
            reason=reason,
            actor=None,
            audit_extra={"actor": actor, "changes": changes},
        )
    else:
        # Not yet cleared: the same status, a new version; the queued job clears this one.
        decision = ClearanceDecision.objects.create(
            declaration=locked,
            from_status=DeclarationStatus.SUBMITTED,
            to_status=DeclarationStatus.SUBMITTED,
            reason_code="amended",
            reason=reason[:1000],
            decided_at=now,
        )
        publish_declaration(locked, decision)
        audit_decision(locked, decision, {"actor": actor, "changes": changes})
    _queue_clearance(locked)
    return locked


@transaction.atomic
def declaration_cancel(*, declaration: Declaration, reason: str, actor: str) -> Declaration:
    """The declarant withdraws its declaration before release (after release: 409
    `declaration_released`; a refused or cancelled one cannot move: 409)."""
    locked = declaration_lock(declaration)
    _refuse_after_release(locked, "cancelled")
    return declaration_move(
        declaration=locked,
        to=DeclarationStatus.CANCELLED,
        reason_code="cancelled_by_declarant",
        reason=reason or "Withdrawn by the declarant.",
        actor=None,
        audit_extra={"actor": actor},
    )


__all__ = [
    "DeclarationInvalid",
    "declaration_amend",
    "declaration_cancel",
    "declaration_file",
    "declaration_filing_check",
]
