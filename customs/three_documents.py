"""The CBEC three-document match: the platform's order, the payment company's payment and the
carrier's waybill must tell the same story before China's customs clears a retail import.

Pure: the documents come in as values (the job in customs.services.document_match gathers them
through the marketplace's and logistics' selectors), the result goes out as a value. Whatever
order the documents arrive in, the same three give the same result.

Rules (each failure has its own stable code):
- the order's own arithmetic: actual paid = goods + freight + tax - discount, to the fen
  (ACTUAL_PAID_INCONSISTENT);
- the payment: amount and currency = the order's actual paid (PAYMENT_AMOUNT_MISMATCH);
- the payer is the buyer: same ID (by keyed hash) and same name (PAYER_NOT_BUYER), each ID with
  a valid check character (ID_CHECKSUM_INVALID);
- the order's consignee is the waybill's (CONSIGNEE_MISMATCH);
- the tax the order declares is within a tolerance of the tax customs computes
  (TAX_OUT_OF_TOLERANCE; 5 % unless configured).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

DEFAULT_TAX_TOLERANCE = Decimal("0.05")
FEN = Decimal("0.01")


class MatchCode(StrEnum):
    ACTUAL_PAID_INCONSISTENT = "ACTUAL_PAID_INCONSISTENT"
    PAYMENT_AMOUNT_MISMATCH = "PAYMENT_AMOUNT_MISMATCH"
    PAYER_NOT_BUYER = "PAYER_NOT_BUYER"
    ID_CHECKSUM_INVALID = "ID_CHECKSUM_INVALID"
    CONSIGNEE_MISMATCH = "CONSIGNEE_MISMATCH"
    TAX_OUT_OF_TOLERANCE = "TAX_OUT_OF_TOLERANCE"


class MatchStatus(StrEnum):
    WAITING = "waiting"  # not all three documents have arrived
    MATCHED = "matched"
    MISMATCHED = "mismatched"


class Document(StrEnum):
    ORDER = "order"
    PAYMENT = "payment"
    WAYBILL = "waybill"


@dataclass(frozen=True, slots=True)
class OrderDocument:
    """The platform's order as declared to customs. IDs travel as their keyed hash and whether
    their check character was valid, never in clear."""

    currency: str
    goods_value: Decimal
    freight: Decimal
    declared_tax: Decimal
    discount: Decimal
    actual_paid: Decimal
    buyer_name: str
    buyer_id_key: str
    buyer_id_valid: bool
    consignee_name: str


@dataclass(frozen=True, slots=True)
class PaymentDocument:
    amount: Decimal
    currency: str
    payer_name: str
    payer_id_key: str
    payer_id_valid: bool


@dataclass(frozen=True, slots=True)
class WaybillDocument:
    consignee_name: str


@dataclass(frozen=True, slots=True)
class Mismatch:
    code: MatchCode
    detail: str


@dataclass(frozen=True, slots=True)
class MatchResult:
    status: MatchStatus
    missing: tuple[Document, ...] = ()
    mismatches: tuple[Mismatch, ...] = field(default_factory=tuple)

    @property
    def codes(self) -> list[str]:
        return [m.code.value for m in self.mismatches]


def same_name(a: str, b: str) -> bool:
    """Names as people type them: Unicode-normalised, case and spacing ignored (张三 = 张 三,
    'Li Wei' = 'LI  WEI')."""

    def canonical(name: str) -> str:
        return "".join(unicodedata.normalize("NFKC", name).casefold().split())

    return canonical(a) == canonical(b)


def match_documents(
    *,
    order: OrderDocument | None,
    payment: PaymentDocument | None,
    waybill: WaybillDocument | None,
    computed_tax: Decimal | None,
    tax_tolerance: Decimal = DEFAULT_TAX_TOLERANCE,
) -> MatchResult:
    """The match of whatever has arrived: WAITING until all three are there, then MATCHED or
    MISMATCHED with every failure found (not only the first)."""
    missing = tuple(
        kind
        for kind, document in (
            (Document.ORDER, order),
            (Document.PAYMENT, payment),
            (Document.WAYBILL, waybill),
        )
        if document is None
    )
    if order is None or payment is None or waybill is None:
        return MatchResult(MatchStatus.WAITING, missing=missing)

    found: list[Mismatch] = []
    expected_paid = order.goods_value + order.freight + order.declared_tax - order.discount
    if order.actual_paid.quantize(FEN) != expected_paid.quantize(FEN):
        found.append(
            Mismatch(
                MatchCode.ACTUAL_PAID_INCONSISTENT,
                f"The order says {order.actual_paid} was paid; goods {order.goods_value} + "
                f"freight {order.freight} + tax {order.declared_tax} - discount "
                f"{order.discount} = {expected_paid}.",
            )
        )
    if payment.currency != order.currency or payment.amount.quantize(
        FEN
    ) != order.actual_paid.quantize(FEN):
        found.append(
            Mismatch(
                MatchCode.PAYMENT_AMOUNT_MISMATCH,
                f"The payment is {payment.amount} {payment.currency}; the order's actual paid "
                f"is {order.actual_paid} {order.currency}.",
            )
        )
    if not order.buyer_id_valid or not payment.payer_id_valid:
        whose = [
            who
            for who, valid in (("buyer", order.buyer_id_valid), ("payer", payment.payer_id_valid))
            if not valid
        ]
        found.append(
            Mismatch(
                MatchCode.ID_CHECKSUM_INVALID,
                f"The {' and '.join(whose)} ID number's check character is not valid.",
            )
        )
    if order.buyer_id_key != payment.payer_id_key or not same_name(
        order.buyer_name, payment.payer_name
    ):
        found.append(
            Mismatch(
                MatchCode.PAYER_NOT_BUYER,
                "The payer's name or ID number is not the buyer's.",
            )
        )
    if not same_name(order.consignee_name, waybill.consignee_name):
        found.append(
            Mismatch(
                MatchCode.CONSIGNEE_MISMATCH,
                "The waybill's consignee is not the order's.",
            )
        )
    if computed_tax is not None and abs(order.declared_tax - computed_tax) > (
        abs(computed_tax) * tax_tolerance
    ):
        found.append(
            Mismatch(
                MatchCode.TAX_OUT_OF_TOLERANCE,
                f"The order declares {order.declared_tax} of tax; customs computes "
                f"{computed_tax} (tolerance {tax_tolerance:%}).",
            )
        )
    status = MatchStatus.MISMATCHED if found else MatchStatus.MATCHED
    return MatchResult(status, mismatches=tuple(found))
