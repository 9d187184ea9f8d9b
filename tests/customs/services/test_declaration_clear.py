from __future__ import annotations

import uuid

import pytest

from customs.models import ClearanceDecision, DeclarationLine, DeclarationStatus
from customs.services import declaration_clear
from customs.tasks import clear_declaration
from ewtp.events.models import OutboxEvent
from logistics.models import Shipment
from logistics.services import airport_upsert
from marketplace.models import OrderStatus
from tests.customs.listings import mystery_product
from tests.marketplace.flows import declaration_of, pay, place

pytestmark = pytest.mark.django_db


def test_a_declaration_with_known_codes_is_validated_then_released(trade):
    order = pay(trade, place(trade))

    declaration = declaration_clear(declaration_id=declaration_of(order).pk)

    assert declaration.status == DeclarationStatus.RELEASED
    assert declaration.decided_at is not None
    decisions = list(declaration.decisions.all())
    assert [(d.to_status, d.reason_code) for d in decisions] == [
        ("submitted", "filed"),
        ("validated", "lines_valid"),
        ("released", "auto_release"),
    ]
    assert [d.decided_by for d in decisions] == ["system"] * 3
    order.refresh_from_db()
    assert order.status == OrderStatus.HANDED_TO_LOGISTICS  # cleared, then the hub took it
    assert Shipment.objects.filter(order_id=order.pk).exists()


def test_an_hs_code_the_platform_does_not_know_holds_the_declaration(trade):
    mystery_product(trade)
    order = pay(trade, place(trade, lines=[("PRL-250", 1), ("MYSTERY", 1)]))

    declaration = declaration_clear(declaration_id=declaration_of(order).pk)

    assert declaration.status == DeclarationStatus.HELD
    assert declaration.hold_reason_code == "hs_code_unknown"
    held = declaration.decisions.get(to_status="held")
    assert "Line 2" in held.reason
    order.refresh_from_db()
    assert order.status == OrderStatus.HELD
    event = OutboxEvent.objects.get(type="customs.declaration.held")
    assert event.data["reason_code"] == "hs_code_unknown"
    assert not Shipment.objects.exists()


def test_a_malformed_hs_code_holds_the_declaration(trade):
    order = pay(trade, place(trade))
    declaration = declaration_of(order)
    DeclarationLine.objects.filter(declaration=declaration).update(hs_code="1806")

    declaration = declaration_clear(declaration_id=declaration.pk)

    assert (declaration.status, declaration.hold_reason_code) == ("held", "hs_code_invalid")


def test_goods_for_a_country_without_a_regime_are_held(trade):
    airport_upsert(
        iata="ICN", name="Incheon", city="Seoul", country="KR", timezone_name="Asia/Seoul"
    )
    order = pay(trade, place(trade, airport="ICN", country="KR"))

    declaration = declaration_clear(declaration_id=declaration_of(order).pk)

    assert (declaration.status, declaration.hold_reason_code) == ("held", "regime_unsupported")


def test_running_the_job_again_changes_nothing(trade):
    order = pay(trade, place(trade))
    declaration = declaration_of(order)
    assert clear_declaration(str(declaration.pk)) == "released"
    # The release filed the goods' export declaration; the second job may clear that one
    # (it tops its batch up with waiting declarations), but this one is left as it is.
    decisions = ClearanceDecision.objects.filter(declaration=declaration).count()
    events = OutboxEvent.objects.count()

    assert clear_declaration(str(declaration.pk)) == "released"

    assert ClearanceDecision.objects.filter(declaration=declaration).count() == decisions
    assert OutboxEvent.objects.count() == events  # an export publishes no status events


def test_the_job_skips_a_declaration_that_no_longer_exists(db):
    assert clear_declaration(str(uuid.uuid4())) is None
