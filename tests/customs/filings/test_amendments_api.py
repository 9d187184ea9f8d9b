"""Amending a filing (a new version, cleared again) and cancelling it, both before release."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from customs import tasks
from customs.models import Declaration, DeclarationStatus, DeclarationVersion, RiskRule
from customs.services import declaration_request_information, information_requests_hold_overdue
from ewtp.core.models import UserRole
from ewtp.events.models import OutboxEvent
from tests.customs.filing_setup import URL, file, h7_body, table_counts
from tests.customs.risk_setup import risk_rule
from tests.marketplace.flows import declaration_of, pay, place, staff_user

pytestmark = pytest.mark.django_db


def _routed_to_an_officer(client) -> str:
    """A filing a yellow rule sends to the officers' queue (risk_assessed)."""
    rule = risk_rule("Chocolate", "yellow", hs_prefix="1806")
    declaration_id: str = file(client, h7_body()).json()["id"]
    assert tasks.clear_declaration(declaration_id) == DeclarationStatus.RISK_ASSESSED
    RiskRule.objects.filter(pk=rule.pk).update(active=False)
    return declaration_id


def test_an_amendment_makes_a_new_version_and_keeps_the_old_one_as_filed(broker_client):
    declaration_id = _routed_to_an_officer(broker_client)
    amended = h7_body()
    amended["items"][0]["value"] = "30.00"
    amended["parties"]["consignee"]["street"] = "Domplatz 1"

    response = broker_client.post(f"{URL}{declaration_id}/amendments/", amended, format="json")

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["version"], body["total_value"]) == ("submitted", 2, "48.00")
    assert [(v["number"], v["changes"]) for v in body["versions"]] == [
        (1, []),
        (2, ["/items/0/value", "/parties/consignee/street"]),
    ]
    first = DeclarationVersion.objects.get(declaration_id=declaration_id, number=1)
    assert first.content["items"][0]["value"] == "24.00"
    assert body["decisions"][-1]["reason_code"] == "amended"


def test_an_amended_declaration_goes_back_to_an_officer_even_in_a_green_lane(broker_client):
    declaration_id = _routed_to_an_officer(broker_client)
    broker_client.post(f"{URL}{declaration_id}/amendments/", h7_body(), format="json")

    status = tasks.clear_declaration(declaration_id)

    declaration = Declaration.objects.get(pk=declaration_id)
    assert status == DeclarationStatus.RISK_ASSESSED
    last = declaration.decisions.last()
    assert last is not None
    assert (declaration.lane, last.reason_code) == ("green", "amended_after_review")


def test_an_amendment_before_clearance_keeps_it_submitted_with_a_new_version(broker_client):
    declaration_id = file(broker_client, h7_body()).json()["id"]
    amended = h7_body(transport_costs="9.00")

    response = broker_client.post(f"{URL}{declaration_id}/amendments/", amended, format="json")

    assert (response.json()["status"], response.json()["version"]) == ("submitted", 2)
    assert tasks.clear_declaration(declaration_id) == DeclarationStatus.RELEASED


def test_an_amendment_with_problems_is_refused_with_the_dry_runs_codes(broker_client):
    declaration_id = _routed_to_an_officer(broker_client)
    bad = h7_body(ioss_number="IM05612")
    before = table_counts()

    response = broker_client.post(f"{URL}{declaration_id}/amendments/", bad, format="json")

    assert response.status_code == 422
    assert [(e["code"], e["pointer"]) for e in response.json()["errors"]] == [
        ("ioss_number_invalid", "/ioss_number")
    ]
    assert table_counts() == before
    assert Declaration.objects.get(pk=declaration_id).version == 1


def test_after_release_an_amendment_is_a_409_and_the_ioss_number_stands(broker_client):
    declaration_id = file(broker_client, h7_body()).json()["id"]
    tasks.clear_declaration(declaration_id)
    before = table_counts()

    response = broker_client.post(
        f"{URL}{declaration_id}/amendments/",
        h7_body(ioss_number="IM2761234567"),
        format="json",
    )

    assert (response.status_code, response.json()["code"]) == (409, "declaration_released")
    assert Declaration.objects.get(pk=declaration_id).ioss_number == "IM0561234567"
    assert table_counts() == before


def test_the_reference_of_a_filing_cannot_be_amended(broker_client):
    declaration_id = file(broker_client, h7_body()).json()["id"]

    response = broker_client.post(
        f"{URL}{declaration_id}/amendments/",
        h7_body(submitter_reference="BRK-9"),
        format="json",
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/submitter_reference"


def test_the_declarant_cancels_before_release(broker_client):
    declaration_id = _routed_to_an_officer(broker_client)

    response = broker_client.post(
        f"{URL}{declaration_id}/cancel/", {"reason": "Parcel lost"}, format="json"
    )
    again = broker_client.post(f"{URL}{declaration_id}/cancel/", {}, format="json")
    amend = broker_client.post(f"{URL}{declaration_id}/amendments/", h7_body(), format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["decisions"][-1]["reason"] == "Parcel lost"
    assert OutboxEvent.objects.filter(type="customs.import_declaration.cancelled").count() == 1
    assert (again.status_code, again.json()["code"]) == (409, "declaration_invalid_transition")
    assert (amend.status_code, amend.json()["code"]) == (409, "declaration_not_amendable")


def test_a_released_declaration_cannot_be_cancelled(broker_client):
    declaration_id = file(broker_client, h7_body()).json()["id"]
    tasks.clear_declaration(declaration_id)

    response = broker_client.post(f"{URL}{declaration_id}/cancel/", {}, format="json")

    assert (response.status_code, response.json()["code"]) == (409, "declaration_released")
    assert Declaration.objects.get(pk=declaration_id).status == DeclarationStatus.RELEASED


def test_a_marketplace_orders_declaration_is_not_amended_through_this_api(
    trade, nomenclature, partner_client
):
    declaration = declaration_of(pay(trade, place(trade)))
    carrier = partner_client(trade.carrier)

    response = carrier.post(f"{URL}{declaration.pk}/cancel/", {}, format="json")

    assert response.status_code == 404
    assert Declaration.objects.get(pk=declaration.pk).status == DeclarationStatus.SUBMITTED


def test_a_malformed_cancellation_is_a_400_and_changes_nothing(broker_client):
    declaration_id = file(broker_client, h7_body()).json()["id"]
    before = table_counts()

    response = broker_client.post(
        f"{URL}{declaration_id}/cancel/", {"reason": "x" * 1001, "when": "now"}, format="json"
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["code"] == "unknown_field"
    assert table_counts() == before
    assert Declaration.objects.get(pk=declaration_id).status == DeclarationStatus.SUBMITTED


def test_an_amendment_answers_the_officers_open_request_for_information(broker_client):
    declaration_id = _routed_to_an_officer(broker_client)
    request = declaration_request_information(
        declaration=Declaration.objects.get(pk=declaration_id),
        officer=staff_user(UserRole.OFFICER),
        reason_code="DOCUMENTS_MISSING",
        note="Send the invoice.",
    )

    broker_client.post(f"{URL}{declaration_id}/amendments/", h7_body(), format="json")
    held = information_requests_hold_overdue(now=timezone.now() + timedelta(days=30))

    request.refresh_from_db()
    assert request.answer == "Answered by amendment (version 2)."
    assert held == 0
    assert Declaration.objects.get(pk=declaration_id).status == DeclarationStatus.SUBMITTED
