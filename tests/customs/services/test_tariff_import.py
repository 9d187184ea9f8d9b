"""Tariff lines: the CSV reader and the idempotent upsert behind `import_tariff`."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from customs.models import TariffLine
from customs.reference_csv import ReferenceFileError, RejectedRow
from customs.services import ReferenceImportRejected, tariff_lines_import
from customs.tariff_csv import read_tariff_csv
from tests.customs.tariffs import ENGINE_TARIFF, HEADER, import_tariff_text

pytestmark = pytest.mark.django_db


def rows_of() -> list[tuple[str, str, Decimal, Decimal | None, Decimal | None, bool]]:
    return list(
        TariffLine.objects.order_by("jurisdiction", "code").values_list(
            "jurisdiction", "code", "duty_rate", "vat_rate", "excise_rate", "cbec_positive_list"
        )
    )


def test_an_import_creates_every_line_with_its_rates():
    report = import_tariff_text(ENGINE_TARIFF)

    assert (report.counts.created, report.counts.updated, report.rejected) == (9, 0, [])
    cosmetics = TariffLine.objects.get(jurisdiction="CN", code="33049900")
    assert (cosmetics.duty_rate, cosmetics.vat_rate, cosmetics.excise_rate) == (
        Decimal("1"),
        Decimal("13"),
        Decimal("15"),
    )
    assert cosmetics.cbec_positive_list is True
    shirts = TariffLine.objects.get(jurisdiction="EU", code="610910")
    assert (shirts.vat_rate, shirts.excise_rate, shirts.cbec_positive_list) == (None, None, False)


def test_importing_the_same_file_again_changes_nothing():
    import_tariff_text(ENGINE_TARIFF)
    before = rows_of()

    again = import_tariff_text(ENGINE_TARIFF)

    assert (again.counts.created, again.counts.updated, again.counts.unchanged) == (0, 0, 9)
    assert rows_of() == before
    assert TariffLine.objects.count() == 9


def test_a_reimport_updates_rates_in_place_and_keeps_lines_it_does_not_mention():
    import_tariff_text(ENGINE_TARIFF)
    first = TariffLine.objects.get(jurisdiction="CN", code="180631")

    report = import_tariff_text(
        f"{HEADER}\nCN,180631,Chocolate filled,10,13,,no\nCN,190532,Waffles,5,13,,yes\n"
    )

    assert (report.counts.created, report.counts.updated, report.counts.unchanged) == (1, 1, 0)
    updated = TariffLine.objects.get(jurisdiction="CN", code="180631")
    assert updated.pk == first.pk
    assert (updated.duty_rate, updated.cbec_positive_list) == (Decimal("10"), False)
    assert updated.updated_at > first.updated_at
    assert updated.created_at == first.created_at
    assert TariffLine.objects.count() == 10


def test_the_same_code_in_two_jurisdictions_is_two_lines():
    import_tariff_text(f"{HEADER}\nCN,180631,Chocolate,8,13,,yes\nEU,180631,Chocolate,8.3,,,\n")

    assert set(TariffLine.objects.values_list("jurisdiction", flat=True)) == {"CN", "EU"}


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("US,180631,Chocolate,8,13,,yes", "jurisdiction 'US' must be CN or EU"),
        ("CN,18063,Chocolate,8,13,,yes", "code '18063' must be 6, 8 or 10 digits"),
        ("CN,1806310,Chocolate,8,13,,yes", "code '1806310' must be 6, 8 or 10 digits"),
        ("CN,18063a,Chocolate,8,13,,yes", "must be 6, 8 or 10 digits"),
        ("CN,180631,,8,13,,yes", "description is empty"),
        ("CN,180631,Chocolate,eight,13,,yes", "duty_rate 'eight' is not a percentage"),
        ("CN,180631,Chocolate,100,13,,yes", "duty_rate '100' is not a percentage"),
        ("CN,180631,Chocolate,-1,13,,yes", "duty_rate '-1' is not a percentage"),
        ("CN,180631,Chocolate,8.12345,13,,yes", "duty_rate '8.12345' is not a percentage"),
        ("CN,180631,Chocolate,8,,,yes", "vat_rate is required for CN"),
        ("CN,180631,Chocolate,8,13,,maybe", "cbec_positive_list 'maybe' must be yes or no"),
        ("CN,180631,Chocolate,8,13,,", "cbec_positive_list must be yes or no for CN"),
        ("EU,180631,Chocolate,8,21,,", "vat_rate must be empty for EU"),
        ("EU,180631,Chocolate,8,,5,", "excise_rate is China's consumption tax"),
        ("EU,180631,Chocolate,8,,,yes", "cbec_positive_list is China's"),
        ("CN,180631,Chocolate,8,13", "5 fields, expected 7"),
    ],
)
def test_a_bad_row_is_reported_with_its_line_number_and_the_rest_is_loaded(row, reason):
    text = (
        f"{HEADER}\nCN,180632,Chocolate not filled,8,13,,yes\n{row}\nEU,180632,Chocolate,8.3,,,\n"
    )

    report = import_tariff_text(text)

    assert len(report.rejected) == 1
    assert report.rejected[0].line_number == 3
    assert reason in report.rejected[0].reason
    assert report.counts.created == 2
    assert not TariffLine.objects.filter(code__in=["180631", "18063", "1806310"]).exists()


def test_a_repeated_line_is_rejected_pointing_at_the_first():
    text = (
        f"{HEADER}\nCN,180631,Chocolate,8,13,,yes\nCN,180632,Other,8,13,,yes\n"
        "CN,180631,Again,9,13,,yes\n"
    )

    report = import_tariff_text(text)

    assert report.rejected == [RejectedRow(4, "repeats CN 180631 of line 2.")]
    assert TariffLine.objects.get(code="180631").duty_rate == Decimal("8")


def test_line_numbers_count_physical_lines_across_quoted_newlines_and_blank_lines():
    text = f'{HEADER}\nCN,180631,"Chocolate,\nfilled",8,13,,yes\n\nCN,180632,Bad,x,13,,yes\n'

    report = import_tariff_text(text)

    assert [r.line_number for r in report.rejected] == [5]
    assert TariffLine.objects.get(code="180631").description == "Chocolate,\nfilled"


def test_strict_writes_nothing_when_any_row_is_bad():
    text = f"{HEADER}\nCN,180631,Chocolate,8,13,,yes\nCN,180632,Bad,x,13,,yes\n"

    with pytest.raises(ReferenceImportRejected) as raised:
        import_tariff_text(text, strict=True)

    assert [r.line_number for r in raised.value.report.rejected] == [3]
    assert not TariffLine.objects.exists()


def test_values_are_trimmed_and_case_is_forgiven_where_it_is_unambiguous():
    import_tariff_text(f"{HEADER}\n cn , 180631 , Chocolate , 8 , 13 , , YES \n")

    line = TariffLine.objects.get()
    assert (line.jurisdiction, line.code, line.description, line.cbec_positive_list) == (
        "CN",
        "180631",
        "Chocolate",
        True,
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The file is empty"),
        ("jurisdiction,code,description\nCN,180631,x\n", "the header must be exactly"),
        (
            "code,jurisdiction,description,duty_rate,vat_rate,excise_rate,cbec_positive_list\n",
            "the header must be exactly",
        ),
        (f"{HEADER},extra\n", "the header must be exactly"),
    ],
)
def test_a_bad_header_is_an_error_before_any_row(text, message):
    with pytest.raises(ReferenceFileError, match=message):
        import_tariff_text(text)

    assert not TariffLine.objects.exists()


def test_a_byte_order_mark_before_the_header_is_accepted():
    rows = list(read_tariff_csv(io.StringIO(f"\ufeff{HEADER}\nCN,180631,Chocolate,8,13,,yes\n")))

    assert [type(row).__name__ for row in rows] == ["TariffRow"]


def test_thousands_of_lines_load_in_batches_with_progress_reported():
    lines = "\n".join(f"CN,{180000 + i:06d}{i % 100:02d},Line {i},8,13,,yes" for i in range(2500))
    seen: list[int] = []

    report = tariff_lines_import(
        rows=read_tariff_csv(io.StringIO(f"{HEADER}\n{lines}\n")), on_progress=seen.append
    )

    assert report.counts.created == 2500
    assert TariffLine.objects.count() == 2500
    assert seen[-1] == 2500
