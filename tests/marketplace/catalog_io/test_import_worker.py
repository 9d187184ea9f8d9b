"""A real Celery worker takes an accepted import off the `imports` queue and runs it to the end;
the same file sent again changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ewtp.core.models import OrganizationKind
from marketplace.models import ImportJob, Product
from tests.marketplace.catalog_io.files import csv_bytes, listing, variant
from tests.marketplace.flows import organization, trade_setup
from tests.worker.conftest import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

IMPORTS = "/api/v1/marketplace/catalog/imports/"


def finished(client, location: str) -> dict[str, Any] | None:
    job = client.get(location).json()
    return job if job["status"] in ("succeeded", "failed") else None


@pytest.mark.usefixtures("celery_worker_process", "dump_worker_log_on_failure")
def test_the_worker_imports_the_file_and_a_second_import_changes_nothing(partner_client):
    trade_setup()
    merchant = organization(OrganizationKind.MERCHANT)
    client = partner_client(merchant)
    rows = [listing(f"W-{n:03d}") for n in range(30)] + [variant("W-000-L", "W-000")]
    rows.append(listing("W-BAD", gtin="123"))
    content = csv_bytes(rows)

    accepted = client.post(IMPORTS, {"file": SimpleUploadedFile("c.csv", content)})
    assert accepted.status_code == 202, accepted.content
    job = wait_until(lambda: finished(client, accepted["Location"]), timeout=60, what="the job")

    assert (job["status"], job["percent"], job["created"], job["error_count"]) == (
        "succeeded", 100, 31, 1,
    )  # fmt: skip
    assert job["errors"] == [
        {
            "row": 33,
            "column": "gtin",
            "code": "gtin_invalid",
            "message": job["errors"][0]["message"],
        }
    ]
    stamps = dict(Product.objects.filter(merchant=merchant).values_list("sku", "updated_at"))

    again = client.post(IMPORTS, {"file": SimpleUploadedFile("c.csv", content)})
    second = wait_until(lambda: finished(client, again["Location"]), timeout=60, what="the job")

    assert (second["status"], second["unchanged"], second["created"], second["updated"]) == (
        "succeeded", 31, 0, 0,
    )  # fmt: skip
    assert dict(Product.objects.filter(merchant=merchant).values_list("sku", "updated_at")) == (
        stamps
    )
    assert ImportJob.objects.filter(merchant=merchant).count() == 2
