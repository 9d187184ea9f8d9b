from __future__ import annotations

import uuid

import pytest

from ewtp.core.models import OrganizationKind
from tests.marketplace.flows import clear, declaration_of, pay, place

pytestmark = pytest.mark.django_db

URL = "/api/v1/customs/declarations/"


def test_the_marketplace_and_the_merchant_read_the_declaration(trade, partner_client):
    order = pay(trade, place(trade))
    clear(order)
    declaration = declaration_of(order)

    for party in (trade.marketplace, trade.merchant):
        client = partner_client(party, scopes=["declarations:read"])
        listing = client.get(URL, {"order_id": str(order.pk)}).json()
        detail = client.get(f"{URL}{declaration.pk}/").json()

        assert [d["id"] for d in listing["results"]] == [str(declaration.pk)]
        assert detail["status"] == "released"
        assert detail["total_value"] == "49.00"
        assert detail["lines"][0]["hs_code"] == "180690"
        assert [d["decided_by"] for d in detail["decisions"]] == ["system"] * 3


def test_another_tenant_neither_lists_nor_reads_it(trade, make_org, partner_client):
    order = pay(trade, place(trade))
    declaration = declaration_of(order)
    others = [make_org(OrganizationKind.MARKETPLACE), make_org(OrganizationKind.MERCHANT)]

    for other in others:
        client = partner_client(other, scopes=["declarations:read"])
        assert client.get(URL).json()["results"] == []
        response = client.get(f"{URL}{declaration.pk}/")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_an_unknown_declaration_is_not_found(trade, partner_client):
    client = partner_client(trade.marketplace, scopes=["declarations:read"])

    assert client.get(f"{URL}{uuid.uuid4()}/").status_code == 404


def test_declarations_filter_by_status(trade, partner_client):
    cleared = pay(trade, place(trade))
    clear(cleared)
    pay(trade, place(trade))
    client = partner_client(trade.marketplace, scopes=["declarations:read"])

    # The released order's goods were also declared for export (still submitted): the regime
    # filter keeps to the orders' own declarations.
    submitted = client.get(URL, {"status": "submitted", "regime": "CN_CBEC"}).json()["results"]
    exports = client.get(URL, {"regime": "EU_EXPORT"}).json()["results"]

    assert [d["status"] for d in submitted] == ["submitted"]
    assert [d["order_reference"] for d in exports] == [cleared.reference]


@pytest.mark.parametrize(
    ("params", "field"), [({"order_id": "not-a-uuid"}, "order_id"), ({"status": "x"}, "status")]
)
def test_bad_filters_are_a_400_problem(trade, partner_client, params, field):
    client = partner_client(trade.marketplace, scopes=["declarations:read"])

    response = client.get(URL, params)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_ground_handlers_and_keys_without_the_scope_are_refused(trade, make_org, partner_client):
    handler = partner_client(make_org(OrganizationKind.GROUND_HANDLER))
    no_scope = partner_client(trade.marketplace, scopes=["orders:read"])

    assert handler.get(URL).json()["code"] == "organization_kind_not_allowed"
    assert no_scope.get(URL).json()["code"] == "scope_missing"
