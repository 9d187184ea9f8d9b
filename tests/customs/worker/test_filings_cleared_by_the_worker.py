"""A broker's H7 filing, committed through the API, is cleared by a real Celery worker; its
amendment is cleared again. Nothing sleeps: the test polls the declaration with a deadline."""

from __future__ import annotations

import pytest

from customs.models import Declaration, DeclarationStatus, RiskRule
from customs.services import commodity_codes_load
from ewtp.core.models import OrganizationKind
from tests.customs.filing_setup import URL, file, h7_body
from tests.customs.risk_setup import risk_rule
from tests.customs.tariffs import HEADER, import_tariff_text
from tests.worker.conftest import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.usefixtures("dump_worker_log_on_failure")]


def status_of(declaration_id: str, status: str) -> Declaration | None:
    return Declaration.objects.filter(pk=declaration_id, status=status).first()


def test_a_filing_and_its_amendment_are_cleared_by_the_worker(
    celery_worker_process, make_org, partner_client
):
    commodity_codes_load(codes=[("180690", "Chocolate"), ("220300", "Beer")])
    import_tariff_text(f"{HEADER}\nEU,180690,Chocolate,8,,,\nEU,220300,Beer,0,,,\n")
    rule = risk_rule("Beer check", "yellow", hs_prefix="2203")
    client = partner_client(make_org(OrganizationKind.CUSTOMS_BROKER))

    declaration_id = file(client, h7_body()).json()["id"]
    wait_until(
        lambda: status_of(declaration_id, DeclarationStatus.RISK_ASSESSED),
        what="the worker to route the filing to an officer",
    )
    RiskRule.objects.filter(pk=rule.pk).update(active=False)
    amended = h7_body()
    del amended["items"][1]
    response = client.post(f"{URL}{declaration_id}/amendments/", amended, format="json")

    assert response.status_code == 200
    cleared = wait_until(
        lambda: (
            Declaration.objects.filter(pk=declaration_id, version=2)
            .exclude(status=DeclarationStatus.SUBMITTED)
            .first()
        ),
        what="the worker to clear the amendment",
    )
    # Amended while with an officer: back to an officer, whatever the new lane.
    assert (cleared.status, cleared.lane) == (DeclarationStatus.RISK_ASSESSED, "green")
    assert cleared.assessed_at is not None
