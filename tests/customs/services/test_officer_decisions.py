from __future__ import annotations

import pytest

from customs.models import DeclarationStatus
from customs.services import declaration_hold, declaration_reject, declaration_release
from ewtp.core.errors import DomainError, InvalidTransition, PermissionDenied
from ewtp.core.models import UserRole
from logistics.models import Shipment
from marketplace.models import OrderStatus, Product
from marketplace.services import order_cancel
from tests.customs.listings import mystery_product
from tests.marketplace.flows import clear, declaration_of, pay, place, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(db):
    return staff_user(UserRole.OFFICER)


@pytest.fixture
def held_order(trade):
    mystery_product(trade)
    order = pay(trade, place(trade, lines=[("MYSTERY", 2)]))
    clear(order)
    order.refresh_from_db()
    assert order.status == OrderStatus.HELD
    return order


def test_an_officer_releases_held_goods_and_the_order_goes_on_to_the_hub(held_order, officer):
    declaration = declaration_release(
        declaration=declaration_of(held_order),
        officer=officer,
        reason_code="DOCUMENTS_VERIFIED",
        note="Code checked: 1806.90",
    )

    assert declaration.status == DeclarationStatus.RELEASED
    decision = declaration.decisions.get(to_status="released")
    assert (decision.actor, decision.reason_code) == (officer, "DOCUMENTS_VERIFIED")
    assert decision.decided_by == "officer"
    held_order.refresh_from_db()
    assert held_order.status == OrderStatus.HANDED_TO_LOGISTICS
    assert Shipment.objects.filter(order_id=held_order.pk).exists()


def test_refused_goods_can_be_cancelled_and_go_back_on_sale(held_order, officer):
    declaration_reject(
        declaration=declaration_of(held_order),
        officer=officer,
        reason_code="NOT_ADMISSIBLE",
        note="Not admissible",
    )
    held_order.refresh_from_db()
    assert held_order.status == OrderStatus.REJECTED

    order_cancel(order=held_order, reason="refused by customs")

    assert Product.objects.get(sku="MYSTERY").stock == 100


def test_an_officer_can_hold_a_declaration_before_it_is_decided(trade, officer):
    order = pay(trade, place(trade))

    declaration = declaration_hold(
        declaration=declaration_of(order),
        officer=officer,
        reason_code="VALUATION_DOUBT",
        note="Random check",
    )

    assert (declaration.status, declaration.hold_reason_code) == ("held", "VALUATION_DOUBT")
    order.refresh_from_db()
    assert order.status == OrderStatus.HELD


def test_a_released_declaration_cannot_be_refused(trade, officer):
    order = pay(trade, place(trade))
    clear(order)

    with pytest.raises(InvalidTransition) as refused:
        declaration_reject(
            declaration=declaration_of(order),
            officer=officer,
            reason_code="NO_RESPONSE",
            note="Too late",
        )

    assert refused.value.status == 409
    assert declaration_of(order).status == DeclarationStatus.RELEASED


def test_decisions_need_an_officer_and_a_reason(held_order, officer):
    clerk = staff_user(UserRole.MEMBER)
    declaration = declaration_of(held_order)

    with pytest.raises(PermissionDenied):
        declaration_release(
            declaration=declaration,
            officer=clerk,
            reason_code="DOCUMENTS_VERIFIED",
            note="Looks fine",
        )
    with pytest.raises(DomainError) as no_reason:
        declaration_release(
            declaration=declaration, officer=officer, reason_code="DOCUMENTS_VERIFIED", note="   "
        )

    assert no_reason.value.code == "reason_required"
    assert declaration_of(held_order).status == DeclarationStatus.HELD
