"""Reads of customs, scoped to the organisation asking. Another tenant's row is NotFound."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from django.db.models import JSONField, OuterRef, Prefetch, QuerySet, Subquery

from customs.models import (
    PARTNER_REGIMES,
    CommodityCode,
    Declaration,
    DeclarationStatus,
    DocumentMatch,
    DocumentMatchStatus,
    InformationRequest,
    InformationRequestAttachment,
)
from ewtp.core.errors import NotFound
from ewtp.core.models import Organization


def declaration_list(
    *,
    organization: Organization,
    order_id: uuid.UUID | None = None,
    status: str | None = None,
    regime: str | None = None,
) -> QuerySet[Declaration]:
    """Declarations the organisation filed (marketplace) or whose goods it sells (merchant)."""
    declarations = (
        Declaration.objects.visible_to(organization)
        .select_related("merchant", "submitter")
        .prefetch_related("lines", "decisions", "parties", "documents", "versions__filed_by")
    )
    if order_id is not None:
        declarations = declarations.filter(order_id=order_id)
    if status is not None:
        declarations = declarations.filter(status=status)
    if regime is not None:
        declarations = declarations.filter(regime=regime)
    return declarations


def declaration_get(*, organization: Organization, declaration_id: uuid.UUID) -> Declaration:
    declaration = declaration_list(organization=organization).filter(pk=declaration_id).first()
    if declaration is None:
        raise NotFound("No such declaration.")
    return declaration


def declaration_filed_by(*, organization: Organization, declaration_id: uuid.UUID) -> Declaration:
    """A declaration this organisation filed itself (to amend or cancel it); any other is
    NotFound, even one it can read as the merchant."""
    declaration = (
        Declaration.objects.filed_by(organization)
        .filter(regime__in=PARTNER_REGIMES, pk=declaration_id)
        .first()
    )
    if declaration is None:
        raise NotFound("No such declaration.")
    return declaration


def declaration_detail(*, declaration_id: uuid.UUID) -> Declaration:
    """One declaration with everything the API shows, after a write that already scoped it."""
    return declaration_list_all().get(pk=declaration_id)


def declaration_list_all() -> QuerySet[Declaration]:
    return Declaration.objects.select_related("merchant", "submitter").prefetch_related(
        "lines", "decisions", "parties", "documents", "versions__filed_by"
    )


def commodity_codes_known(*, codes: Iterable[str]) -> set[str]:
    """Which of these codes are HS subheadings the platform knows: goods are classified at six
    digits, so a chapter or heading of the nomenclature does not count."""
    return set(
        CommodityCode.objects.subheadings()
        .filter(code__in=list(codes))
        .values_list("code", flat=True)
    )


def declarations_by_order(
    *, organization: Organization, order_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, Declaration]:
    """The declaration of each of these orders that the organisation may see, in one query (a
    page of orders shows each one's customs status). Orders not yet declared are absent."""
    return {
        declaration.order_id: declaration
        for declaration in declaration_list(organization=organization).filter(
            order_id__in=list(order_ids)
        )
        if declaration.order_id is not None
    }


def information_requests_of(
    *, organization: Organization, declaration_id: uuid.UUID
) -> list[InformationRequest]:
    """The officers' questions on a declaration the organisation may see, oldest first, each
    with its attachments (their bytes left unread)."""
    return list(
        InformationRequest.objects.filter(
            declaration__in=Declaration.objects.visible_to(organization),
            declaration_id=declaration_id,
        ).prefetch_related(
            Prefetch(
                "attachments",
                queryset=InformationRequestAttachment.objects.defer("content"),
            )
        )
    )


def information_request_get(
    *, organization: Organization, declaration_id: uuid.UUID, request_id: int
) -> InformationRequest:
    found = InformationRequest.objects.filter(
        declaration__in=Declaration.objects.visible_to(organization),
        declaration_id=declaration_id,
        pk=request_id,
    ).first()
    if found is None:
        raise NotFound("No such request for information.")
    return found


def information_request_attachment_get(
    *, organization: Organization, declaration_id: uuid.UUID, attachment_id: int
) -> InformationRequestAttachment:
    found = InformationRequestAttachment.objects.filter(
        request__declaration__in=Declaration.objects.visible_to(organization),
        request__declaration_id=declaration_id,
        pk=attachment_id,
    ).first()
    if found is None:
        raise NotFound("No such attachment.")
    return found


def released_filings_naming(
    *, references: Iterable[str], type_codes: Iterable[str]
) -> list[tuple[str, list[dict[str, str]]]]:
    """The released H7/H1 filings with a document of one of these types whose reference is one
    of these, each as (declaration id, its documents as the `released` event carries them): a
    parcel manifested after its filing was released reads its release here (two queries)."""
    released = (
        Declaration.objects.filter(
            regime__in=PARTNER_REGIMES,
            status=DeclarationStatus.RELEASED,
            documents__type_code__in=list(type_codes),
            documents__reference__in=list(references),
        )
        .distinct()
        .order_by("pk")
        .prefetch_related("documents")
    )
    return [
        (
            str(declaration.pk),
            [
                {"type_code": d.type_code, "reference": d.reference}
                for d in declaration.documents.all()
            ],
        )
        for declaration in released
    ]


def document_mismatches_of(
    *, declaration_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, frozenset[str]]:
    """For each of these declarations whose order's three documents were found not to match,
    the mismatch codes; declarations with no mismatch are left out. One query for any number of
    declarations (the batched clearance asks for its whole batch)."""
    ids = list(declaration_ids)
    if not ids:
        return {}
    mismatch = DocumentMatch.objects.filter(
        order_id=OuterRef("order_id"), status=DocumentMatchStatus.MISMATCHED
    ).values("codes")[:1]
    found = (
        Declaration.objects.filter(pk__in=ids, order_id__isnull=False)
        .annotate(mismatch_codes=Subquery(mismatch, output_field=JSONField()))
        .filter(mismatch_codes__isnull=False)
        .values_list("pk", "mismatch_codes")
    )
    return {pk: frozenset(codes) for pk, codes in found}


def document_match_of(*, order_id: uuid.UUID) -> DocumentMatch | None:
    """The three-document match of an order, if any document of it has arrived."""
    return DocumentMatch.objects.filter(order_id=order_id).first()


def document_mismatch_reasons(*, since: datetime | None = None) -> list[tuple[str, int]]:
    """How many mismatched orders each mismatch code was found in (matched since `since`),
    most frequent first, then by code."""
    matches = DocumentMatch.objects.filter(status=DocumentMatchStatus.MISMATCHED)
    if since is not None:
        matches = matches.filter(matched_at__gte=since)
    counts = Counter(code for codes in matches.values_list("codes", flat=True) for code in codes)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
