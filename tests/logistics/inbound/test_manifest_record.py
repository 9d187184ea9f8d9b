"""Recording carriers' manifests of inbound parcels (logistics.services.manifests)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ewtp.core.errors import Conflict, DomainError
from ewtp.events.models import OutboxEvent
from logistics.awb import AwbInvalid
from logistics.models import (
    BlockKind,
    InboundParcel,
    Manifest,
    Shipment,
    ShipmentBlock,
    ShipmentDirection,
    ShipmentStatus,
    ShipmentStatusChange,
)
from logistics.services import shipments_plan
from logistics.services.manifests import MAX_MANIFEST_PARCELS
from tests.logistics import factories
from tests.logistics.inbound.setup import OTHER_AWB, hub, inbound, item, manifest

pytestmark = pytest.mark.django_db


@pytest.fixture
def carrier():
    hub()
    return factories.carrier()


def test_each_parcel_becomes_an_inbound_shipment_held_for_customs(carrier):
    outcome = manifest(carrier, [item("CZP0001"), item("CZP0002", length_cm=None, width_cm=None,
                                                       height_cm=None)])  # fmt: skip

    assert (outcome.created, outcome.duplicates, outcome.rejected) == (2, 0, 0)
    first = Shipment.objects.get(tracking_number=outcome.results[0].tracking_number)
    assert first.direction == ShipmentDirection.INBOUND
    assert (first.order_id, first.marketplace_id, first.merchant_id) == (None, None, None)
    assert (first.destination_id, first.consignee_country, first.carrier_id) == (
        "LGG",
        "DE",
        carrier.pk,
    )
    assert (first.weight_kg, first.volume_m3) == (Decimal("1.250"), Decimal("0.0060"))
    assert first.tracking_number == outcome.results[0].tracking_number
    assert first.customs_hold is True
    hold = ShipmentBlock.objects.get(shipment=first)
    assert (hold.kind, hold.lifted_at) == (BlockKind.CUSTOMS_HOLD, None)
    assert InboundParcel.objects.get(shipment=first).parcel_reference == "CZP0001"
    assert ShipmentStatusChange.objects.filter(shipment=first).count() == 1
    event = OutboxEvent.objects.get(type="logistics.manifest.recorded")
    assert event.recipient_ids == [carrier.pk]
    assert len(event.data["created"]) == 2


def test_good_parcels_are_kept_and_bad_ones_reported_with_codes(carrier):
    outcome = manifest(
        carrier,
        [
            item("GOOD1"),
            item("BAD-REF!"),
            item("US1", consignee_country="US"),
            item("W0", weight_kg="0"),
            item("F1", declared_value=24.0),
            item("D1", width_cm=None),
            item("H1", hs_codes=["12"]),
            item("C1", currency="euro"),
            item("X1", colour="red"),
            "not a parcel",
            item("GOOD2"),
        ],
    )

    codes = [(r.line, r.result, r.code, r.field) for r in outcome.results]
    assert codes == [
        (1, "created", None, None),
        (2, "rejected", "PARCEL_REFERENCE_INVALID", "parcel_reference"),
        (3, "rejected", "CONSIGNEE_NOT_IN_EU", "consignee_country"),
        (4, "rejected", "WEIGHT_INVALID", "weight_kg"),
        (5, "rejected", "DECLARED_VALUE_INVALID", "declared_value"),
        (6, "rejected", "DIMENSIONS_INVALID", "length_cm"),
        (7, "rejected", "HS_CODE_INVALID", "hs_codes/0"),
        (8, "rejected", "CURRENCY_INVALID", "currency"),
        (9, "rejected", "FIELD_UNKNOWN", "colour"),
        (10, "rejected", "PARCEL_NOT_AN_OBJECT", None),
        (11, "created", None, None),
    ]
    assert Shipment.objects.filter(direction=ShipmentDirection.INBOUND).count() == 2


def test_sending_a_manifest_again_adds_nothing(carrier):
    first = manifest(carrier, [item("A1"), item("A2")])
    events = OutboxEvent.objects.count()

    again = manifest(carrier, [item("A1"), item("A2"), item("A1")])

    assert (again.created, again.duplicates) == (0, 3)
    assert [r.shipment_id for r in again.results] == [
        first.results[0].shipment_id,
        first.results[1].shipment_id,
        first.results[0].shipment_id,
    ]
    assert Shipment.objects.count() == 2
    assert OutboxEvent.objects.count() == events


def test_a_reference_repeated_in_one_manifest_is_created_once(carrier):
    outcome = manifest(carrier, [item("R1"), item("R1")])

    assert [r.result for r in outcome.results] == ["created", "duplicate"]
    assert outcome.results[0].shipment_id == outcome.results[1].shipment_id
    assert Shipment.objects.count() == 1


def test_a_reference_on_another_manifest_of_the_carrier_is_refused(carrier):
    manifest(carrier, [item("S1")])

    outcome = manifest(carrier, [item("S1"), item("S2")], awb_number=OTHER_AWB)

    assert [(r.result, r.code) for r in outcome.results] == [
        ("rejected", "PARCEL_ON_ANOTHER_MANIFEST"),
        ("created", None),
    ]


def test_two_carriers_may_use_the_same_reference(carrier):
    other = factories.carrier()
    ours = inbound(carrier, "SAME1")
    theirs = inbound(other, "SAME1")

    assert ours.pk != theirs.pk


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"awb_number": "784-24681356"}, "AWB_CHECK_DIGIT_INVALID"),
        ({"awb_number": "998-24681355"}, "AWB_UNKNOWN_PREFIX"),
        ({"flight_number": "433"}, "FLIGHT_NUMBER_INVALID"),
        ({"flight_number": "QQ433"}, "FLIGHT_AIRLINE_UNKNOWN"),
        ({"flight_date": "2020-01-01"}, "FLIGHT_DATE_OUT_OF_RANGE"),
        ({"origin": "XYZ"}, "AIRPORT_UNKNOWN"),
        ({"origin": "LGG"}, "ORIGIN_IS_HUB"),
    ],
)
def test_a_bad_header_refuses_the_whole_manifest_and_writes_nothing(carrier, change, code):
    with pytest.raises((AwbInvalid, DomainError)) as refused:
        manifest(carrier, [item("H1")], **change)

    assert refused.value.code == code
    assert refused.value.status == 400
    assert (Manifest.objects.count(), Shipment.objects.count()) == (0, 0)


def test_a_manifest_for_a_known_mawb_on_another_flight_is_a_conflict(carrier):
    manifest(carrier, [item("F1")])

    with pytest.raises(Conflict) as refused:
        manifest(carrier, [item("F2")], flight_number="CZ999")

    assert refused.value.code == "MANIFEST_FLIGHT_DIFFERS"
    assert Shipment.objects.count() == 1


def test_a_manifest_with_every_parcel_refused_leaves_no_manifest(carrier):
    outcome = manifest(carrier, [item("US1", consignee_country="US")])

    assert outcome.rejected == 1
    assert Manifest.objects.count() == 0


def test_too_many_parcels_are_refused_whole(carrier):
    with pytest.raises(DomainError) as refused:
        manifest(carrier, [item(f"P{i}") for i in range(MAX_MANIFEST_PARCELS + 1)])

    assert (refused.value.code, refused.value.status) == ("MANIFEST_TOO_LARGE", 413)
    assert Shipment.objects.count() == 0


def test_the_routing_job_never_plans_an_inbound_parcel(carrier):
    _, hgh = factories.network()
    factories.flight(factories.carrier(), hgh)
    parcel = inbound(carrier, "IN1")
    # Even with no hold left, an inbound parcel does not fly out of the hub.
    Shipment.objects.filter(pk=parcel.pk).update(customs_hold=False)

    outcome = shipments_plan()

    assert outcome.parcels == 0
    assert Shipment.objects.get(pk=parcel.pk).status == ShipmentStatus.CREATED
    assert not Shipment.objects.waiting().filter(pk=parcel.pk).exists()
