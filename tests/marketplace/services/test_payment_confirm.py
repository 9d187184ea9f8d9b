from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from customs.models import Declaration
from ewtp.core.errors import Conflict, DomainError, InvalidTransition, NotFound
from ewtp.core.models import OrganizationKind
from marketplace.models import OrderStatus, Payment
from marketplace.services import order_cancel, payment_confirm
from tests.marketplace.flows import buyer_id_of, organization, place

pytestmark = pytest.mark.django_db


def confirm(trade, order, **overrides):
    arguments = {
        "provider": trade.provider,
        "order_id": order.pk,
        "transaction_id": "TX-1",
        "amount": order.amount_due,
        "currency": order.currency,
        "payer_name": "Li Wei",
        "payer_id_number": buyer_id_of(order),
    } | overrides
    return payment_confirm(**arguments)


def test_a_full_payment_moves_the_order_on_and_files_its_declaration(trade):
    order = place(trade)

    confirmation = confirm(trade, order)

    assert confirmation.created
    # 49.00 of goods + 12.00 of freight; no taxes (no tariff line held for the goods)
    assert confirmation.payment.amount == Decimal("61.00") == order.amount_due
    assert confirmation.order.status == OrderStatus.CUSTOMS_SUBMITTED
    assert confirmation.order.paid_at is not None
    declaration = Declaration.objects.get(order_id=order.pk)
    assert declaration.submitter == trade.marketplace
    assert declaration.total_value == Decimal("49.00")


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"amount": Decimal("60.99")}, "payment_amount_mismatch", "amount"),
        ({"amount": Decimal("61.01")}, "payment_amount_mismatch", "amount"),
        ({"amount": Decimal("49.00")}, "payment_amount_mismatch", "amount"),  # goods only
        ({"currency": "CNY"}, "payment_currency_mismatch", "currency"),
        ({"paid_at": timezone.now() + timedelta(hours=1)}, "paid_at_in_future", "paid_at"),
    ],
)
def test_a_payment_that_is_not_exactly_the_order_is_refused(trade, overrides, code, field):
    order = place(trade)

    with pytest.raises(DomainError) as refused:
        confirm(trade, order, **overrides)

    assert (refused.value.code, refused.value.field) == (code, field)
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED
    assert not Payment.objects.exists()


def test_only_the_provider_the_order_names_may_confirm_it(trade):
    order = place(trade)
    other = organization(OrganizationKind.PAYMENT_PROVIDER)

    with pytest.raises(NotFound):
        confirm(trade, order, provider=other)

    assert not Payment.objects.exists()


def test_an_unknown_order_is_not_found(trade):
    order = place(trade)
    order.pk = "00000000-0000-0000-0000-000000000000"

    with pytest.raises(NotFound):
        confirm(trade, order)


def test_confirming_the_same_transaction_again_changes_nothing(trade):
    order = place(trade)
    first = confirm(trade, order)

    again = confirm(trade, order)

    assert not again.created
    assert again.payment.pk == first.payment.pk
    assert Payment.objects.count() == 1
    assert Declaration.objects.count() == 1


def test_a_transaction_id_cannot_pay_two_orders(trade):
    first, second = place(trade), place(trade)
    confirm(trade, first)

    with pytest.raises(Conflict) as refused:
        confirm(trade, second)

    assert refused.value.code == "transaction_id_reused"
    second.refresh_from_db()
    assert second.status == OrderStatus.PLACED


def test_a_cancelled_order_cannot_be_paid(trade):
    order = place(trade)
    order_cancel(order=order)

    with pytest.raises(InvalidTransition):
        confirm(trade, order)

    assert not Payment.objects.exists()
