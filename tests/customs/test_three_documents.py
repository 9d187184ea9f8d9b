"""The three-document match as a pure function: one code per failure, any arrival order."""

from __future__ import annotations

import itertools
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from customs.three_documents import (
    Document,
    MatchCode,
    MatchStatus,
    OrderDocument,
    PaymentDocument,
    WaybillDocument,
    match_documents,
    same_name,
)

D = Decimal
ORDER = OrderDocument(
    currency="CNY",
    goods_value=D("398.00"),
    freight=D("30.00"),
    declared_tax=D("36.52"),
    discount=D("10.00"),
    actual_paid=D("454.52"),
    buyer_name="王芳",
    buyer_id_key="k-buyer",
    buyer_id_valid=True,
    consignee_name="王芳",
)
PAYMENT = PaymentDocument(
    amount=D("454.52"),
    currency="CNY",
    payer_name="王芳",
    payer_id_key="k-buyer",
    payer_id_valid=True,
)
WAYBILL = WaybillDocument(consignee_name="王 芳")
COMPUTED_TAX = D("36.52")


def match(**changes: object):
    documents: dict[str, object] = {
        "order": ORDER,
        "payment": PAYMENT,
        "waybill": WAYBILL,
        "computed_tax": COMPUTED_TAX,
    }
    documents.update(changes)
    return match_documents(**documents)  # type: ignore[arg-type]


def test_three_consistent_documents_match():
    result = match()

    assert result.status == MatchStatus.MATCHED
    assert result.mismatches == ()


@pytest.mark.parametrize("absent", ["order", "payment", "waybill"])
def test_it_waits_for_a_missing_document_and_names_it(absent):
    result = match(**{absent: None})

    assert result.status == MatchStatus.WAITING
    assert result.missing == (Document(absent),)


def test_the_orders_own_sum_must_hold_to_the_fen():
    result = match(
        order=replace(ORDER, actual_paid=D("454.53")), payment=replace(PAYMENT, amount=D("454.53"))
    )

    assert result.codes == [MatchCode.ACTUAL_PAID_INCONSISTENT]


def test_a_payment_one_fen_short_is_a_mismatch():
    assert match(payment=replace(PAYMENT, amount=D("454.51"))).codes == [
        MatchCode.PAYMENT_AMOUNT_MISMATCH
    ]


def test_a_payment_in_another_currency_is_a_mismatch():
    assert match(payment=replace(PAYMENT, currency="EUR")).codes == [
        MatchCode.PAYMENT_AMOUNT_MISMATCH
    ]


def test_someone_else_paying_is_refused():
    assert match(payment=replace(PAYMENT, payer_id_key="k-other")).codes == [
        MatchCode.PAYER_NOT_BUYER
    ]
    assert match(payment=replace(PAYMENT, payer_name="李伟")).codes == [MatchCode.PAYER_NOT_BUYER]


def test_an_invalid_id_check_character_has_its_own_code():
    result = match(payment=replace(PAYMENT, payer_id_valid=False))

    assert result.codes == [MatchCode.ID_CHECKSUM_INVALID]
    assert "payer" in result.mismatches[0].detail


def test_the_waybill_must_name_the_orders_consignee():
    assert match(waybill=WaybillDocument("李伟")).codes == [MatchCode.CONSIGNEE_MISMATCH]


def test_declared_tax_within_five_percent_passes_and_beyond_fails():
    # 5 % of 36.52 is 1.826: 38.34 is 1.82 off (inside), 38.35 is 1.83 off (outside).
    inside = replace(ORDER, declared_tax=D("38.34"), actual_paid=D("456.34"))
    outside = replace(ORDER, declared_tax=D("38.35"), actual_paid=D("456.35"))

    assert match(order=inside, payment=replace(PAYMENT, amount=D("456.34"))).codes == []
    assert match(order=outside, payment=replace(PAYMENT, amount=D("456.35"))).codes == [
        MatchCode.TAX_OUT_OF_TOLERANCE
    ]


def test_the_tolerance_is_configurable():
    declared = replace(ORDER, declared_tax=D("37.52"), actual_paid=D("455.52"))
    paid = replace(PAYMENT, amount=D("455.52"))

    assert match(order=declared, payment=paid).codes == []
    assert match(order=declared, payment=paid, tax_tolerance=D("0.01")).codes == [
        MatchCode.TAX_OUT_OF_TOLERANCE
    ]


def test_every_failure_is_reported_not_only_the_first():
    result = match(
        payment=replace(PAYMENT, amount=D("1.00"), payer_id_key="x", payer_id_valid=False),
        waybill=WaybillDocument("Somebody Else"),
    )

    assert set(result.codes) == {
        MatchCode.PAYMENT_AMOUNT_MISMATCH,
        MatchCode.ID_CHECKSUM_INVALID,
        MatchCode.PAYER_NOT_BUYER,
        MatchCode.CONSIGNEE_MISMATCH,
    }


def test_names_compare_as_people_type_them():
    assert same_name("Li  Wei", "LI WEI")
    assert same_name("王 芳", "王芳")
    # Full-width letters, as a Chinese keyboard types them.
    assert same_name("\uff37\uff21\uff2e\uff27", "wang")
    assert not same_name("王芳", "王方")


@given(st.permutations(["order", "payment", "waybill"]))
def test_arrival_order_never_changes_the_result(arrival):
    """However the three arrive, each intermediate state waits and the last one decides."""
    final = match(payment=replace(PAYMENT, amount=D("1.00")))
    arrived: dict[str, object] = {"order": None, "payment": None, "waybill": None}
    everything = {"order": ORDER, "payment": replace(PAYMENT, amount=D("1.00")), "waybill": WAYBILL}
    results = []
    for name in arrival:
        arrived[name] = everything[name]
        results.append(match(**arrived))

    assert all(r.status == MatchStatus.WAITING for r in results[:-1])
    assert results[-1] == final


def test_partial_arrivals_name_exactly_what_is_missing():
    for present in itertools.combinations(["order", "payment", "waybill"], 2):
        absent = ({"order", "payment", "waybill"} - set(present)).pop()
        assert match(**{absent: None}).missing == (Document(absent),)
