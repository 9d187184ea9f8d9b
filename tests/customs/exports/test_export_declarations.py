"""EU export declarations of marketplace orders shipped from Belgium: filed once China released
the import, given an MRN, released, their exit confirmed by a carrier or ground handler, and an
alert when no exit is confirmed within 90 days."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from customs import tasks
from customs.models import AuditEntry, Declaration, DeclarationStatus, ExportExitAlert, Regime
from customs.mrn import mrn_is_valid
from ewtp.core.models import OrganizationKind
from ewtp.events.models import OutboxEvent
from marketplace.models import OrderStatus
from tests.customs.filing_setup import URL, file, h7_body
from tests.marketplace.flows import clear, declaration_of, pay, place

pytestmark = pytest.mark.django_db


def export_of(order) -> Declaration:
    return Declaration.objects.get(regime=Regime.EU_EXPORT, order_reference=order.reference)


def released_export(trade) -> Declaration:
    order = pay(trade, place(trade))
    clear(order)
    export = export_of(order)
    assert tasks.clear_declaration(str(export.pk)) == DeclarationStatus.RELEASED
    return Declaration.objects.get(pk=export.pk)


def exit_body(export: Declaration, **overrides: str) -> dict[str, str]:
    return {
        "mrn": export.mrn,
        "exited_at": (timezone.now() - timedelta(hours=2)).isoformat(),
        "exit_office": "BE000200",
        **overrides,
    }


def test_goods_china_released_from_a_belgian_merchant_are_declared_for_export(trade):
    order = pay(trade, place(trade))
    events_before = OutboxEvent.objects.count()

    clear(order)

    export = export_of(order)
    imported = declaration_of(order)
    order.refresh_from_db()
    assert (export.order_id, export.submitter_reference) == (None, f"EXP-{order.reference}")
    assert (export.status, export.merchant, export.submitter) == (
        DeclarationStatus.SUBMITTED,
        trade.merchant,
        trade.marketplace,
    )
    assert mrn_is_valid(export.mrn)
    assert export.mrn[2:4] == "BE"
    assert export.mrn[:2] == f"{timezone.now().year % 100:02d}"
    assert export.total_value == imported.total_value
    assert sorted(export.parties.values_list("role", flat=True)) == [
        "consignee",
        "consignor",
        "declarant",
    ]
    # The order follows its import declaration; the export publishes no status events.
    assert order.status == OrderStatus.HANDED_TO_LOGISTICS
    new_types = OutboxEvent.objects.order_by("occurred_at")[events_before:]
    assert not [e.type for e in new_types if "export" in e.type]


def test_the_clearance_job_releases_an_export_and_files_it_once(trade):
    order = pay(trade, place(trade))
    clear(order)
    export = export_of(order)

    status = tasks.clear_declaration(str(export.pk))

    assert status == DeclarationStatus.RELEASED
    last = export.decisions.last()
    assert last is not None
    assert last.reason_code == "export_released"
    assert Declaration.objects.filter(regime=Regime.EU_EXPORT).count() == 1


def test_goods_of_a_merchant_outside_belgium_get_no_export_declaration(trade):
    trade.merchant.country = "NL"
    trade.merchant.save(update_fields=["country"])
    order = pay(trade, place(trade))

    clear(order)

    assert not Declaration.objects.filter(regime=Regime.EU_EXPORT).exists()


def test_the_marketplace_reads_the_export_and_its_mrn(trade, partner_client):
    export = released_export(trade)

    detail = partner_client(trade.marketplace).get(f"{URL}{export.pk}/").json()

    assert (detail["regime"], detail["status"], detail["mrn"]) == (
        "EU_EXPORT",
        "released",
        export.mrn,
    )
    assert (detail["exit_confirmed_at"], detail["receipt_code"]) == (None, None)


def test_a_carrier_confirms_the_exit_once(trade, partner_client):
    export = released_export(trade)
    carrier = partner_client(trade.carrier)

    response = carrier.post(
        f"{URL}{export.pk}/exit-confirmation/", exit_body(export), format="json"
    )
    again = carrier.post(f"{URL}{export.pk}/exit-confirmation/", exit_body(export), format="json")

    assert response.status_code == 200
    assert (response.json()["mrn"], response.json()["exit_office"]) == (export.mrn, "BE000200")
    export.refresh_from_db()
    assert (export.exit_confirmed_by, export.exit_office) == (trade.carrier, "BE000200")
    assert (again.status_code, again.json()["code"]) == (409, "exit_already_confirmed")
    event = OutboxEvent.objects.get(type="customs.export.exit_confirmed")
    assert event.data["mrn"] == export.mrn
    assert AuditEntry.objects.filter(action="declaration.exit_confirmed").count() == 1


def test_a_ground_handler_may_confirm_an_exit_but_a_broker_may_not(trade, make_org, partner_client):
    export = released_export(trade)
    broker = partner_client(make_org(OrganizationKind.CUSTOMS_BROKER))
    handler = partner_client(make_org(OrganizationKind.GROUND_HANDLER))
    url = f"{URL}{export.pk}/exit-confirmation/"

    refused = broker.post(url, exit_body(export), format="json")
    confirmed = handler.post(url, exit_body(export), format="json")

    assert (refused.status_code, refused.json()["code"]) == (403, "organization_kind_not_allowed")
    assert confirmed.status_code == 200


def test_without_the_right_mrn_or_for_another_declaration_the_export_is_not_found(
    trade, nomenclature, make_org, partner_client
):
    export = released_export(trade)
    carrier = partner_client(trade.carrier)
    broker = partner_client(make_org(OrganizationKind.CUSTOMS_BROKER))
    h7_id = file(broker, h7_body()).json()["id"]
    wrong = exit_body(export, mrn="25BE000000000000A0")

    responses = [
        carrier.post(f"{URL}{export.pk}/exit-confirmation/", wrong, format="json"),
        carrier.post(f"{URL}{h7_id}/exit-confirmation/", exit_body(export), format="json"),
    ]

    assert [(r.status_code, r.json()["code"]) for r in responses] == [(404, "not_found")] * 2
    export.refresh_from_db()
    assert export.exit_confirmed_at is None


def test_an_export_not_yet_released_cannot_exit(trade, partner_client):
    order = pay(trade, place(trade))
    clear(order)
    export = export_of(order)

    response = partner_client(trade.carrier).post(
        f"{URL}{export.pk}/exit-confirmation/", exit_body(export), format="json"
    )

    assert (response.status_code, response.json()["code"]) == (409, "export_not_released")


def test_an_exit_in_the_future_is_refused(trade, partner_client):
    export = released_export(trade)
    later = (timezone.now() + timedelta(days=1)).isoformat()

    response = partner_client(trade.carrier).post(
        f"{URL}{export.pk}/exit-confirmation/", exit_body(export, exited_at=later), format="json"
    )

    assert (response.status_code, response.json()["code"]) == (422, "exit_in_future")


def test_beat_alerts_once_for_an_export_released_over_90_days_ago_without_exit(trade):
    overdue = released_export(trade)
    recent = released_export(trade)
    exited = released_export(trade)
    now = timezone.now()
    Declaration.objects.filter(pk__in=[overdue.pk, exited.pk]).update(
        decided_at=now - timedelta(days=91)
    )
    Declaration.objects.filter(pk=recent.pk).update(decided_at=now - timedelta(days=89))
    Declaration.objects.filter(pk=exited.pk).update(exit_confirmed_at=now - timedelta(days=80))

    raised = tasks.flag_missing_export_exits()
    again = tasks.flag_missing_export_exits()

    assert (raised, again) == (1, 0)
    alert = ExportExitAlert.objects.get()
    assert (alert.declaration_id, alert.resolved_at) == (overdue.pk, None)
    event = OutboxEvent.objects.get(type="customs.export.exit_missing")
    assert event.data["mrn"] == overdue.mrn
    assert set(event.recipient_ids) == {trade.marketplace.pk, trade.merchant.pk}


def test_a_late_exit_confirmation_resolves_the_alert(trade, partner_client):
    export = released_export(trade)
    Declaration.objects.filter(pk=export.pk).update(decided_at=timezone.now() - timedelta(days=100))
    tasks.flag_missing_export_exits()

    partner_client(trade.carrier).post(
        f"{URL}{export.pk}/exit-confirmation/", exit_body(export), format="json"
    )

    assert ExportExitAlert.objects.get().resolved_at is not None


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        ({"mrn": "26BE4F8K2M9Q0ZX1A"}, "/mrn"),
        ({"exit_office": "Liège"}, "/exit_office"),
        ({"exited_at": "yesterday"}, "/exited_at"),
    ],
)
def test_a_malformed_exit_confirmation_is_a_400_and_records_nothing(
    trade, partner_client, change, pointer
):
    export = released_export(trade)
    audited = AuditEntry.objects.count()

    response = partner_client(trade.carrier).post(
        f"{URL}{export.pk}/exit-confirmation/", {**exit_body(export), **change}, format="json"
    )

    assert response.status_code == 400
    assert [(e["code"], e["pointer"]) for e in response.json()["errors"]] == [("invalid", pointer)]
    export.refresh_from_db()
    assert export.exit_confirmed_at is None
    assert AuditEntry.objects.count() == audited
