"""Brokers and carriers filing EU import declarations, through the real API and services."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from customs.api.filing_serializers import DeclarationFilingInput, filing_from
from customs.filing_checks import DeclarationFiling
from customs.models import (
    AuditEntry,
    ClearanceDecision,
    Declaration,
    DeclarationDocument,
    DeclarationLine,
    DeclarationParty,
    DeclarationVersion,
)
from customs.services import commodity_codes_load
from ewtp.core.models import Organization, OrganizationKind
from ewtp.events.models import OutboxEvent
from tests.customs.tariffs import HEADER, import_tariff_text

URL = "/api/v1/customs/declarations/"
VALIDATE_URL = f"{URL}validate/"

WRITTEN = (
    Declaration,
    DeclarationLine,
    DeclarationParty,
    DeclarationDocument,
    DeclarationVersion,
    ClearanceDecision,
    AuditEntry,
    OutboxEvent,
)


def table_counts() -> dict[str, int]:
    """Rows of every table a filing writes to: a refused filing or a dry run leaves them."""
    return {model.__name__: model.objects.count() for model in WRITTEN}


def h7_body(**overrides: Any) -> dict[str, Any]:
    """A valid EU H7 filing: pralines from China for a buyer in Cologne, under IOSS."""
    issued = (timezone.now() - timedelta(days=2)).date().isoformat()
    body: dict[str, Any] = {
        "regime": "EU_H7",
        "submitter_reference": "BRK-1001",
        "currency": "EUR",
        "transport_costs": "8.50",
        "ioss_number": "IM0561234567",
        "parties": {
            "consignor": {
                "name": "Shenzhen Sweets Co.",
                "street": "1 Keji Road",
                "city": "Shenzhen",
                "postal_code": "518000",
                "country": "CN",
            },
            "consignee": {
                "name": "Anna Müller",
                "street": "Hauptstraße 5",
                "city": "Köln",
                "postal_code": "50667",
                "country": "DE",
            },
            "declarant": {
                "name": "Liège Customs Brokers BV",
                "street": "Rue de l'Aéroport 1",
                "city": "Grâce-Hollogne",
                "postal_code": "4460",
                "country": "BE",
                "eori": "BE0456781215",
            },
        },
        "items": [
            {
                "hs_code": "180690",
                "description": "Pralines",
                "origin_country": "CN",
                "quantity": 2,
                "value": "24.00",
            },
            {
                "hs_code": "220300",
                "description": "Beer",
                "origin_country": "CN",
                "quantity": 6,
                "value": "18.00",
            },
        ],
        "documents": [{"type_code": "N380", "reference": "INV-77", "issued_on": issued}],
    }
    body.update(overrides)
    return copy.deepcopy(body)


def h1_body(**overrides: Any) -> dict[str, Any]:
    """A valid EU H1 filing: goods worth EUR 480 for an importer with an EORI number."""
    body = h7_body(regime="EU_H1", submitter_reference="CAR-2001", ioss_number=None)
    body["parties"]["consignee"]["eori"] = "BE0456781215"
    body["parties"]["consignee"]["country"] = "BE"
    body["items"][0]["value"] = "480.00"
    body.update(overrides)
    return body


@pytest.fixture
def nomenclature(db: None) -> None:
    commodity_codes_load(
        codes=[("180690", "Chocolate preparations n.e.s."), ("220300", "Beer made from malt")]
    )
    import_tariff_text(f"{HEADER}\nEU,180690,Chocolate preparations,8,,,\nEU,220300,Beer,0,,,\n")


@pytest.fixture
def broker(make_org: Callable[..., Organization]) -> Organization:
    return make_org(OrganizationKind.CUSTOMS_BROKER)


@pytest.fixture
def broker_client(
    nomenclature: None, broker: Organization, partner_client: Callable[..., APIClient]
) -> APIClient:
    return partner_client(broker)


def file(client: APIClient, body: dict[str, Any], **headers: Any) -> Any:
    return client.post(URL, body, format="json", **headers)


def filing_of(body: dict[str, Any]) -> DeclarationFiling:
    """A filing as the API parses it from this body."""
    given = DeclarationFilingInput(data=body)
    given.is_valid(raise_exception=True)
    return filing_from(given.validated_data)
