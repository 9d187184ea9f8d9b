"""`manage.py import_catalog`: a dry run that writes nothing, a real run with its summary and
errors on stdout, and the progress bar on stderr."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from marketplace.models import ImportJob, Product
from tests.marketplace.catalog_io.files import csv_bytes, listing

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_catalog", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_dry_run_reports_and_writes_nothing(trade, tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes(csv_bytes([listing("A"), listing("B", stock="x")]))

    out, _ = run("--merchant", trade.merchant.slug, str(path), "--dry-run")

    assert "Dry run, nothing written: 2 rows, 1 created, 0 updated, 0 unchanged" in out
    assert "row 3, stock: integer_invalid" in out
    assert not Product.objects.filter(sku="A").exists()


def test_a_real_run_imports_as_a_job_and_shows_a_progress_bar(trade, tmp_path, monkeypatch):
    monkeypatch.setattr("marketplace.catalog_io.services.BATCH_SIZE", 1)
    monkeypatch.setattr("ewtp.core.progress.THRESHOLD", 1)  # the bar shows for any size
    path = tmp_path / "c.csv"
    path.write_bytes(csv_bytes([listing("A"), listing("B")]))

    out, err = run("--merchant", trade.merchant.slug, str(path))

    job = ImportJob.objects.get()
    assert f"Import job {job.pk} succeeded: 2 rows, 2 created" in out
    assert "100% 2/2" in err
    assert Product.objects.filter(sku__in=["A", "B"]).count() == 2


def test_an_unknown_merchant_or_an_unreadable_file_is_an_error(trade, tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes(b"sku\nA\n")

    with pytest.raises(CommandError, match="No organisation"):
        run("--merchant", "nobody", str(path))
    with pytest.raises(CommandError, match="column_missing"):
        run("--merchant", trade.merchant.slug, str(path))
