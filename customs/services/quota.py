"""The CBEC annual allowance of each buyer, kept as an append-only ledger.

MOF/GACC/SAT Caiguanshui [2018] No. 49: a buyer may import at most CNY 26,000 a calendar year
(Asia/Shanghai) under CBEC. An order reserves its dutiable value; clearing it commits the
reservation; an order that falls through releases it; goods returned after clearance give the
committed amount back (return). Used = reserved + committed - released - returned, i.e.
reserve - release - return (a commit only turns a reservation final).

Every write locks the buyer's year with a transaction-level advisory lock, so two orders racing
for the last room cannot both get it: the second waits for the first to commit, then sees it.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Case, DecimalField, F, Q, Sum, Value, When
from django.utils import timezone

from customs.locks import QUOTA_BUYER_YEAR, lock_key, transaction_lock
from customs.models import QuotaEntryKind, QuotaLedgerEntry
from customs.taxes import Regime, select_rule_pack
from ewtp.core.errors import Conflict, DomainError
from ewtp.core.money import CENT

SHANGHAI = ZoneInfo("Asia/Shanghai")
ZERO = Decimal("0.00")


class QuotaExceeded(Conflict):
    code = "CBEC_ANNUAL_LIMIT_EXCEEDED"
    title = "The buyer's annual CBEC allowance is used up"


def quota_year(moment: datetime | None = None) -> int:
    """The calendar year in China of `moment` (now by default)."""
    return (moment or timezone.now()).astimezone(SHANGHAI).year


def _signed(kind: QuotaEntryKind, sign: int) -> When:
    return When(kind=kind, then=F("amount") * Value(sign))


def _sum(query: Q, *whens: When) -> Decimal:
    total = QuotaLedgerEntry.objects.filter(query).aggregate(
        total=Sum(Case(*whens, default=Value(ZERO), output_field=DecimalField()))
    )["total"]
    return ZERO if total is None else Decimal(total).quantize(CENT)


def quota_used(*, buyer_key: str, year: int) -> Decimal:
    """What the buyer has reserved or committed in `year`, less what came back."""
    return _sum(
        Q(buyer_key=buyer_key, year=year),
        _signed(QuotaEntryKind.RESERVE, 1),
        _signed(QuotaEntryKind.RELEASE, -1),
        _signed(QuotaEntryKind.RETURN, -1),
    )


def annual_limit(on: date) -> Decimal:
    pack = select_rule_pack(jurisdiction="CN", regime=Regime.CN_CBEC, on=on)
    if pack is None:
        raise DomainError(f"No CBEC rules are held for {on}.", code="NO_RULE_PACK_IN_FORCE")
    return pack.require_cbec().annual_limit


def _check_amount(amount: Decimal) -> Decimal:
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(CENT):
        raise DomainError("The amount is a positive sum in fen.", code="quota_amount_invalid")
    return amount


def _append(
    *, buyer_key: str, year: int, kind: QuotaEntryKind, amount: Decimal, ref: str
) -> QuotaLedgerEntry:
    return QuotaLedgerEntry.objects.create(
        buyer_key=buyer_key, year=year, kind=kind, amount=amount, declaration_ref=ref
    )


@transaction.atomic
def quota_reserve(
    *, buyer_key: str, amount: Decimal, on: date, declaration_ref: str = ""
) -> QuotaLedgerEntry:
    """Hold `amount` (CNY) of the buyer's allowance for the year of `on` (a date in China).
    Refused with QuotaExceeded when it does not fit under the annual limit of the rule pack in
    force on `on`; of two concurrent reservations with room for one, exactly one succeeds."""
    amount = _check_amount(amount)
    year = on.year
    transaction_lock(QUOTA_BUYER_YEAR, lock_key(buyer_key, year))
    used = quota_used(buyer_key=buyer_key, year=year)
    limit = annual_limit(on)
    if used + amount > limit:
        raise QuotaExceeded(
            f"This order of {amount} CNY does not fit in the buyer's {year} allowance: "
            f"{limit - used} CNY of {limit} CNY is left.",
            field="amount",
        )
    return _append(
        buyer_key=buyer_key,
        year=year,
        kind=QuotaEntryKind.RESERVE,
        amount=amount,
        ref=declaration_ref,
    )


def _outstanding(buyer_key: str, year: int, ref: str) -> tuple[Decimal, Decimal]:
    """(still reserved, committed and not returned) for one declaration."""
    query = Q(buyer_key=buyer_key, year=year, declaration_ref=ref)
    reserved = _sum(
        query,
        _signed(QuotaEntryKind.RESERVE, 1),
        _signed(QuotaEntryKind.RELEASE, -1),
        _signed(QuotaEntryKind.COMMIT, -1),
    )
    committed = _sum(query, _signed(QuotaEntryKind.COMMIT, 1), _signed(QuotaEntryKind.RETURN, -1))
    return reserved, committed


def _settle(
    *, buyer_key: str, year: int, declaration_ref: str, amount: Decimal, kind: QuotaEntryKind
) -> QuotaLedgerEntry:
    amount = _check_amount(amount)
    transaction_lock(QUOTA_BUYER_YEAR, lock_key(buyer_key, year))
    reserved, committed = _outstanding(buyer_key, year, declaration_ref)
    available = committed if kind == QuotaEntryKind.RETURN else reserved
    if amount > available:
        what = "committed" if kind == QuotaEntryKind.RETURN else "reserved"
        raise Conflict(
            f"Cannot {kind.label.lower()} {amount} CNY for {declaration_ref}: "
            f"only {available} CNY is {what}.",
            code="quota_not_outstanding",
        )
    return _append(buyer_key=buyer_key, year=year, kind=kind, amount=amount, ref=declaration_ref)


@transaction.atomic
def quota_commit(
    *, buyer_key: str, year: int, declaration_ref: str, amount: Decimal
) -> QuotaLedgerEntry:
    """The goods cleared: their reservation becomes final (the amount used does not change)."""
    return _settle(
        buyer_key=buyer_key,
        year=year,
        declaration_ref=declaration_ref,
        amount=amount,
        kind=QuotaEntryKind.COMMIT,
    )


@transaction.atomic
def quota_release(
    *, buyer_key: str, year: int, declaration_ref: str, amount: Decimal
) -> QuotaLedgerEntry:
    """The order fell through before clearance: give its reservation back."""
    return _settle(
        buyer_key=buyer_key,
        year=year,
        declaration_ref=declaration_ref,
        amount=amount,
        kind=QuotaEntryKind.RELEASE,
    )


@transaction.atomic
def quota_return(
    *, buyer_key: str, year: int, declaration_ref: str, amount: Decimal
) -> QuotaLedgerEntry:
    """Cleared goods were returned: restore that much of the allowance."""
    return _settle(
        buyer_key=buyer_key,
        year=year,
        declaration_ref=declaration_ref,
        amount=amount,
        kind=QuotaEntryKind.RETURN,
    )
