from __future__ import annotations

from decimal import Decimal

import pytest

from customs import tasks
from customs.models import ClearanceDecision, Declaration, DeclarationStatus, Regime
from customs.services import DeclarationLineRequest, declaration_submit
from ewtp.events.models import OutboxEvent
from marketplace.models import Order, OrderStatus
from tests.marketplace.flows import declaration_of, pay, place, product

pytestmark = pytest.mark.django_db


def test_a_paid_order_is_declared_line_by_line(trade):
    product(trade, sku="TRIPEL-6", hs_code="220300", unit_price="14.95")
    order = pay(trade, place(trade, lines=[("PRL-250", 3), ("TRIPEL-6", 2)]))

    declaration = declaration_of(order)

    assert declaration.status == DeclarationStatus.SUBMITTED
    assert declaration.regime == Regime.CN_CBEC
    assert (declaration.merchant, declaration.submitter) == (trade.merchant, trade.marketplace)
    assert declaration.total_value == Decimal("103.40")
    assert [(line.hs_code, line.quantity, line.value) for line in declaration.lines.all()] == [
        ("180690", 3, Decimal("73.50")),
        ("220300", 2, Decimal("29.90")),
    ]
    decision = ClearanceDecision.objects.get(declaration=declaration)
    assert (decision.to_status, decision.actor) == ("submitted", None)
    event = OutboxEvent.objects.get(type="customs.declaration.submitted")
    assert event.data["order_id"] == str(order.pk)
    assert set(event.recipient_ids) == {trade.marketplace.pk, trade.merchant.pk}


def test_submission_queues_the_clearance_job_once_committed(
    trade, monkeypatch, django_capture_on_commit_callbacks
):
    queued: list[str] = []
    monkeypatch.setattr(tasks.clear_declaration, "delay", queued.append)

    with django_capture_on_commit_callbacks(execute=True):
        order = pay(trade, place(trade))

    assert queued == [str(declaration_of(order).pk)]


def test_declaring_the_same_order_twice_returns_the_first_declaration(trade):
    order = pay(trade, place(trade))
    first = declaration_of(order)

    again = declaration_submit(
        order_id=order.pk,
        order_reference=order.reference,
        merchant=trade.merchant,
        submitter=trade.marketplace,
        consignee_name="Li Wei",
        destination_country="CN",
        currency="EUR",
        lines=[DeclarationLineRequest("180690", "x", "BE", 1, Decimal("1.00"))],
    )

    assert again.pk == first.pk
    assert Declaration.objects.count() == 1
    assert OutboxEvent.objects.filter(type="customs.declaration.submitted").count() == 1


def test_line_values_are_rounded_half_up_to_the_cent(trade):
    order = place(trade)
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.PAID)  # paid, not yet declared
    declaration = declaration_submit(
        order_id=order.pk,
        order_reference=order.reference,
        merchant=trade.merchant,
        submitter=trade.marketplace,
        consignee_name="Li Wei",
        destination_country="CN",
        currency="EUR",
        lines=[
            DeclarationLineRequest("180690", "a", "BE", 1, Decimal("10.005")),
            DeclarationLineRequest("180690", "b", "BE", 1, Decimal("10.004")),
        ],
    )

    assert [line.value for line in declaration.lines.all()] == [Decimal("10.01"), Decimal("10.00")]
    assert declaration.total_value == Decimal("20.01")
