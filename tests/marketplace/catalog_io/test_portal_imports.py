"""The portal's import pages, server-rendered: the dry run's error table, a started job's page
(which refreshes itself without JavaScript), its progress fragment, the export download, and
another merchant's job is not found."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from ewtp.core.models import OrganizationKind
from marketplace.catalog_io import import_job_run
from marketplace.models import ImportJob, Product
from tests.factories import UserFactory
from tests.marketplace.catalog_io.files import csv_bytes, listing
from tests.marketplace.flows import organization

pytestmark = pytest.mark.django_db

PAGE = "/marketplace/catalog/imports/"


@pytest.fixture
def browser(trade) -> Client:
    client = Client()
    client.force_login(UserFactory.create(organization=trade.merchant))
    return client


def post_file(client: Client, content: bytes, action: str):
    return client.post(PAGE, {"file": SimpleUploadedFile("c.csv", content), "action": action})


def test_the_page_has_a_labelled_upload_form_and_export_links(browser):
    page = browser.get(PAGE).content.decode()

    assert '<label for="id_file">Catalogue file</label>' in page
    assert 'enctype="multipart/form-data"' in page
    assert "/marketplace/catalog/export/?format=xlsx" in page


def test_checking_a_file_shows_every_rows_error_and_changes_nothing(browser):
    content = csv_bytes([listing("A"), listing("B", gtin="123"), listing("C", stock="x")])

    response = post_file(browser, content, "dry_run")

    page = response.content.decode()
    assert response.status_code == 200
    assert "3 rows: 1 to create, 0 to update" in page
    assert "gtin_invalid" in page
    assert "integer_invalid" in page
    assert not Product.objects.filter(sku__in=["A", "B", "C"]).exists()


def test_a_file_that_cannot_be_read_is_shown_on_the_form(browser):
    response = post_file(browser, b"sku\nA\n", "dry_run")

    assert response.status_code == 400
    assert "column_missing" in response.content.decode()


def test_importing_starts_a_job_whose_page_refreshes_until_it_ends(browser):
    response = post_file(browser, csv_bytes([listing("A")]), "import")

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:catalog-import-job", args=[job.pk])
    page = browser.get(response["Location"]).content.decode()
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert '<progress id="import-progress" max="100" value="0"' in page

    import_job_run(job_id=job.pk)
    progress = browser.get(f"{response['Location']}progress/").json()
    page = browser.get(response["Location"]).content.decode()

    assert (progress["percent"], progress["finished"], progress["status"]) == (
        100, True, "succeeded",
    )  # fmt: skip
    assert "http-equiv" not in page
    assert "1 created, 0 updated, 0 unchanged, 0 with errors." in page


def test_another_merchants_job_page_and_progress_are_not_found(browser):
    stranger = Client()
    stranger.force_login(UserFactory.create(organization=organization(OrganizationKind.MERCHANT)))
    post_file(browser, csv_bytes([listing("A")]), "import")
    job = ImportJob.objects.get()

    page = stranger.get(reverse("portal:catalog-import-job", args=[job.pk]))
    progress = stranger.get(reverse("portal:catalog-import-job-progress", args=[job.pk]))

    assert (page.status_code, progress.status_code) == (404, 404)


def test_the_export_downloads_the_catalogue(browser):
    response = browser.get("/marketplace/catalog/export/?format=csv")

    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert content.splitlines()[1].startswith("PRL-250,")


def test_signed_out_visitors_go_to_sign_in_and_non_merchants_are_refused(trade):
    assert Client().get(PAGE).status_code == 302
    carrier = Client()
    carrier.force_login(UserFactory.create(organization=trade.carrier))
    assert carrier.get(PAGE).status_code == 403
