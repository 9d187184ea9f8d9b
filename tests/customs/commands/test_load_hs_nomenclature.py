"""`manage.py load_hs_nomenclature` with the WCO's HS 2022 file (shared, never copied here)."""

from __future__ import annotations

import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from customs.demo import seed_commodity_codes
from customs.models import CommodityCode
from customs.selectors import commodity_codes_known

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[3]
HS2022 = REPO / ".." / "shared" / "data" / "hs2022" / "harmonized-system.csv"
HEADER = "section,hscode,description,parent,level"

needs_hs2022 = pytest.mark.skipif(
    not HS2022.is_file(), reason=f"the shared HS 2022 file is not at {HS2022}"
)


def load(path: Path | str, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("load_hs_nomenclature", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@needs_hs2022
def test_the_hs_2022_file_loads_fast_and_a_second_load_changes_nothing():
    # 6,941 lines: the header, 6,939 codes and the TOTAL root row (skipped, not a code).
    started = time.monotonic()
    first, _ = load(HS2022)
    elapsed = time.monotonic() - started
    second, _ = load(HS2022)

    assert "6940 rows read: 6939 created, 0 updated, 0 unchanged, 1 skipped, 0 rejected." in first
    assert "6940 rows read: 0 created, 0 updated, 6939 unchanged, 1 skipped, 0 rejected." in second
    assert elapsed < 5
    assert CommodityCode.objects.count() == 6939
    assert CommodityCode.objects.subheadings().count() == 5613
    horses = CommodityCode.objects.get(code="010121")
    assert (horses.level, horses.parent, horses.section) == (6, "0101", "I")
    assert CommodityCode.objects.get(code="01").parent == ""
    assert CommodityCode.objects.get(code="9999").section == ""


@needs_hs2022
def test_declarations_and_listings_are_checked_against_subheadings_only():
    load(HS2022)

    assert commodity_codes_known(codes=["180690", "220300", "1806", "18", "999998"]) == {
        "180690",
        "220300",
    }


@needs_hs2022
def test_the_demo_codes_do_not_undo_what_the_nomenclature_says():
    load(HS2022)

    seed_commodity_codes()

    chocolate = CommodityCode.objects.get(code="180690")
    assert (chocolate.section, chocolate.parent) == ("IV", "1806")
    assert CommodityCode.objects.count() == 6939


def test_bad_rows_are_reported_with_line_numbers_and_skipped(tmp_path):
    path = tmp_path / "hs.csv"
    path.write_text(
        f"{HEADER}\n"
        "I,01,Animals; live,TOTAL,2\n"
        "I,0101,Horses,01,4\n"
        "I,010121,Pure-bred horses,0102,6\n"  # wrong parent
        "I,01012,Five digits,0101,5\n"
        "I,010129,Other horses,0101,4\n"  # level does not match
        "I,010130,Asses,0101,6\n"
        "TOTAL,TOTAL,Everything,TOTAL,5\n",
        encoding="utf-8",
    )

    out, err = load(path)

    assert "line 4: parent '0102' must be 0101" in err
    assert "line 5: hscode '01012' must be 2, 4 or 6 digits." in err
    assert "line 6: level '4' does not match the 6-digit code." in err
    assert "7 rows read: 3 created, 0 updated, 0 unchanged, 1 skipped, 3 rejected." in out
    assert set(CommodityCode.objects.values_list("code", flat=True)) == {"01", "0101", "010130"}


def test_strict_writes_nothing_when_a_row_is_bad(tmp_path):
    path = tmp_path / "hs.csv"
    path.write_text(f"{HEADER}\nI,01,Animals; live,TOTAL,2\nI,0101,Horses,99,4\n", "utf-8")

    with pytest.raises(CommandError, match="--strict: nothing was written"):
        load(path, "--strict")

    assert not CommodityCode.objects.exists()


def test_a_wrong_header_is_a_clear_error(tmp_path):
    path = tmp_path / "hs.csv"
    path.write_text("hscode,description\n01,Animals\n", "utf-8")

    with pytest.raises(CommandError, match="the header must be exactly section,hscode,"):
        load(path)
