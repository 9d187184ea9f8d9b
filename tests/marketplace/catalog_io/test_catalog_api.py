"""The catalogue import and export API: dry run, accepted job, polling, export round trip,
file-level problems, and another merchant's job is not found."""

from __future__ import annotations

import csv
import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from ewtp.core.models import OrganizationKind
from marketplace.catalog_io import import_job_run
from marketplace.catalog_io.columns import COLUMNS
from marketplace.models import ImportJob, Product, ProductVariant
from tests.marketplace.catalog_io.files import csv_bytes, listing, variant, xlsx_bytes
from tests.marketplace.flows import organization

pytestmark = pytest.mark.django_db

IMPORTS = "/api/v1/marketplace/catalog/imports/"
EXPORT = "/api/v1/marketplace/catalog/export/"


def upload(client, content: bytes, *, dry_run: bool = False, name: str = "catalogue.csv"):
    url = f"{IMPORTS}?dry_run=true" if dry_run else IMPORTS
    return client.post(url, {"file": SimpleUploadedFile(name, content)}, format="multipart")


@pytest.fixture
def merchant_api(trade, partner_client):
    return partner_client(trade.merchant)


def test_a_dry_run_answers_with_every_rows_outcome_and_writes_nothing(trade, merchant_api):
    before = (Product.objects.count(), ProductVariant.objects.count(), ImportJob.objects.count())
    content = csv_bytes([listing("A"), variant("A-1", "A"), listing("B", hs_code="1806")])

    response = upload(merchant_api, content, dry_run=True)

    assert response.status_code == 200, response.content
    assert response.json() == {
        "rows": 3, "created": 2, "updated": 0, "unchanged": 0,
        "errors": [{"row": 4, "column": "hs_code", "code": "hs_code_invalid",
                    "message": "An HS code is 6 digits."}],
    }  # fmt: skip
    after = (Product.objects.count(), ProductVariant.objects.count(), ImportJob.objects.count())
    assert after == before


def test_a_real_run_is_accepted_as_a_queued_job_that_can_be_polled(
    trade, merchant_api, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        response = upload(merchant_api, csv_bytes([listing("A"), listing("B")]))

    assert response.status_code == 202, response.content
    job = response.json()
    assert (job["status"], job["total_rows"], job["processed_rows"]) == ("queued", 2, 0)
    assert response["Location"] == f"{IMPORTS}{job['id']}/"
    assert len(queued) == 1  # the job, queued on commit
    import_job_run(job_id=uuid.UUID(job["id"]))  # what the worker does (see test_import_worker)

    polled = merchant_api.get(response["Location"]).json()

    assert (polled["status"], polled["percent"], polled["created"]) == ("succeeded", 100, 2)


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 64, "file_type_unsupported"),
        (csv_bytes([listing("A")], columns=[*COLUMNS, "colour"]), "column_unknown"),
        (b"sku,title_en\nA,Waffles\n", "column_missing"),
        (b"", "file_empty"),
        (
            csv_bytes([listing("A")]).replace("Liège".encode(), "Liège".encode("latin-1")),
            "file_not_utf8",
        ),
    ],
    ids=["xls", "unknown-column", "missing-column", "empty", "latin-1"],
)
@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "real"])
def test_a_file_that_cannot_be_read_is_a_coded_problem_and_nothing_is_written(
    trade, merchant_api, content, code, dry_run
):
    before = (Product.objects.count(), ImportJob.objects.count())

    response = upload(merchant_api, content, dry_run=dry_run)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code
    assert (Product.objects.count(), ImportJob.objects.count()) == before


def test_a_request_without_a_file_or_with_a_bad_flag_is_refused(trade, merchant_api):
    missing = merchant_api.post(IMPORTS, {}, format="multipart")
    bad_flag = merchant_api.post(
        f"{IMPORTS}?dry_run=maybe",
        {"file": SimpleUploadedFile("c.csv", csv_bytes([listing("A")]))},
        format="multipart",
    )
    as_json = merchant_api.post(IMPORTS, {"file": "A"}, format="json")

    assert [missing.status_code, bad_flag.status_code, as_json.status_code] == [400, 400, 415]
    assert missing.json()["errors"][0]["field"] == "file"
    assert bad_flag.json()["errors"][0]["field"] == "dry_run"
    assert ImportJob.objects.count() == 0


def test_too_many_rows_is_refused_by_the_setting(trade, merchant_api, settings):
    settings.CATALOG_IMPORT_MAX_ROWS = 1

    response = upload(merchant_api, csv_bytes([listing("A"), listing("B")]))

    assert (response.status_code, response.json()["code"]) == (400, "file_too_many_rows")


def test_importing_needs_the_catalog_write_scope(trade, partner_client):
    reader = partner_client(trade.merchant, scopes=["catalog:read"])

    response = upload(reader, csv_bytes([listing("A")]), dry_run=True)

    assert response.status_code == 403


def test_another_merchants_import_job_is_not_found(trade, merchant_api, partner_client):
    job = upload(merchant_api, csv_bytes([listing("A")])).json()
    other = partner_client(organization(OrganizationKind.MERCHANT))

    response = other.get(f"{IMPORTS}{job['id']}/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert merchant_api.get(f"{IMPORTS}{uuid.uuid4()}/").status_code == 404


def test_the_csv_export_imports_back_unchanged(trade, merchant_api):
    rows = [listing("A"), variant("A-1", "A"), variant("A-2", "A", attributes="size=6;box=tin"),
            listing("B", status="draft", tiers="", gtin="", title_zh_hans="")]  # fmt: skip
    job = upload(merchant_api, csv_bytes(rows)).json()
    import_job_run(job_id=uuid.UUID(job["id"]))

    response = merchant_api.get(f"{EXPORT}?format=csv")
    content = b"".join(response.streaming_content)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    exported = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert [r["sku"] for r in exported] == ["A", "A-1", "A-2", "B", "PRL-250"]
    again = upload(merchant_api, content, dry_run=True).json()
    assert again == {"rows": 5, "created": 0, "updated": 0, "unchanged": 5, "errors": []}


def test_the_xlsx_export_imports_back_unchanged(trade, merchant_api):
    job = upload(merchant_api, xlsx_bytes([listing("A"), variant("A-1", "A")]), name="c.xlsx")
    import_job_run(job_id=uuid.UUID(job.json()["id"]))

    response = merchant_api.get(f"{EXPORT}?format=xlsx")
    content = b"".join(response.streaming_content)

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    assert next(sheet.iter_rows(values_only=True)) == COLUMNS
    again = upload(merchant_api, content, dry_run=True, name="again.xlsx").json()
    assert (again["unchanged"], again["errors"]) == (3, [])


def test_an_export_in_an_unknown_format_is_refused(trade, merchant_api):
    response = merchant_api.get(f"{EXPORT}?format=pdf")

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "format"


def test_an_export_holds_only_the_merchants_own_catalogue(trade, partner_client):
    other = partner_client(organization(OrganizationKind.MERCHANT))

    content = b"".join(other.get(EXPORT).streaming_content).decode("utf-8-sig")

    assert content.strip().splitlines() == [",".join(COLUMNS)]


def test_an_upload_retried_with_its_idempotency_key_starts_one_job(trade, merchant_api):
    content = csv_bytes([listing("A")])

    def send():
        return merchant_api.post(
            IMPORTS,
            {"file": SimpleUploadedFile("c.csv", content)},
            format="multipart",
            HTTP_IDEMPOTENCY_KEY="catalogue-2026-11-25",
        )

    first, again = send(), send()

    assert (first.status_code, again.status_code) == (202, 202)
    assert again.json()["id"] == first.json()["id"]
    assert again["Idempotent-Replayed"] == "true"
    assert ImportJob.objects.count() == 1
