"""`manage.py import_tariff`: the summary, bad rows on stderr, exit status, nothing half-done."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from customs.models import TariffLine
from tests.customs.tariffs import ENGINE_TARIFF, HEADER

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_tariff", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path: Path, text: str, name: str = "tariff.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_it_prints_a_summary_and_a_second_run_changes_nothing(tmp_path):
    path = write(tmp_path, ENGINE_TARIFF)

    first, _ = run(path)
    second, _ = run(path)

    assert "9 rows read: 9 created, 0 updated, 0 unchanged, 0 skipped, 0 rejected." in first
    assert "9 rows read: 0 created, 0 updated, 9 unchanged, 0 skipped, 0 rejected." in second
    assert TariffLine.objects.count() == 9


def test_bad_rows_are_listed_with_line_numbers_and_skipped(tmp_path):
    path = write(
        tmp_path,
        f"{HEADER}\nCN,180631,Chocolate,8,13,,yes\nCN,1806,Short,8,13,,yes\nEU,180631,C,8,21,,\n",
    )

    out, err = run(path)

    assert "line 3: code '1806' must be 6, 8 or 10 digits." in err
    assert "line 4: vat_rate must be empty for EU" in err
    assert "1 created, 0 updated, 0 unchanged, 0 skipped, 2 rejected." in out
    assert list(TariffLine.objects.values_list("code", flat=True)) == ["180631"]


def test_strict_fails_and_writes_nothing(tmp_path):
    path = write(tmp_path, f"{HEADER}\nCN,180631,Chocolate,8,13,,yes\nCN,1806,Short,8,13,,yes\n")
    err = StringIO()

    with pytest.raises(CommandError, match="1 bad row"):
        call_command("import_tariff", path, "--strict", stdout=StringIO(), stderr=err)

    assert "line 3:" in err.getvalue()
    assert not TariffLine.objects.exists()


def test_a_wrong_header_is_a_clear_error(tmp_path):
    path = write(tmp_path, "jurisdiction;code;description\nCN;180631;x\n")

    with pytest.raises(CommandError, match="the header must be exactly jurisdiction,code,"):
        run(path)

    assert not TariffLine.objects.exists()


def test_a_file_that_is_not_utf8_is_a_clear_error(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(f"{HEADER}\nCN,180631,Chocolat fourr\xe9,8,13,,yes\n".encode("latin-1"))

    with pytest.raises(CommandError, match="not UTF-8"):
        run(str(path))

    assert not TariffLine.objects.exists()


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run(str(tmp_path / "nope.csv"))


def test_the_progress_bar_goes_to_stderr_and_ends_at_100_percent(tmp_path):
    path = write(tmp_path, ENGINE_TARIFF)

    out, err = run(path, "--progress")

    assert "Tariff [" in err
    assert "100% 9/9" in err
    assert "[" not in out
