"""The WCO Harmonized System file `load_hs_nomenclature` reads (as published with HS 2022):

    section,hscode,description,parent,level

Chapters (2 digits, parent TOTAL), headings (4) and subheadings (6) each name their section
(I to XXI) and their parent. The file's root row, hscode TOTAL at level 5, is the whole
nomenclature rather than a code: it is skipped, not rejected.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TextIO

from customs.reference_csv import RejectedRow, RowError, csv_records

HS_HEADER = ("section", "hscode", "description", "parent", "level")
HS_CODE = re.compile(r"^([0-9]{2}){1,3}$")
SECTION = re.compile(r"^[IVXL]{1,8}$")
ROOT = "TOTAL"
MAX_DESCRIPTION = 500


@dataclass(frozen=True, slots=True)
class HsRow:
    line_number: int
    code: str
    description: str
    level: int
    parent: str
    section: str


@dataclass(frozen=True, slots=True)
class RootRow:
    line_number: int


def parse_hs_row(line_number: int, record: dict[str, str]) -> HsRow | RootRow:
    if "__error__" in record:
        raise RowError(record["__error__"])
    code = record["hscode"]
    if code == ROOT:
        return RootRow(line_number)
    if not HS_CODE.fullmatch(code):
        raise RowError(f"hscode {code!r} must be 2, 4 or 6 digits.")
    if record["level"] != str(len(code)):
        raise RowError(f"level {record['level']!r} does not match the {len(code)}-digit code.")
    parent = "" if record["parent"] == ROOT else record["parent"]
    if len(code) == 2:
        if parent:
            raise RowError(f"a chapter's parent must be TOTAL, not {record['parent']!r}.")
    elif parent != code[:-2]:
        raise RowError(f"parent {record['parent']!r} must be {code[:-2]}, the code less 2 digits.")
    section = record["section"]
    # The reserved chapter 99 and its codes sit in the root's "section" TOTAL.
    if section != ROOT and not SECTION.fullmatch(section):
        raise RowError(f"section {section!r} must be a Roman numeral (I to XXI).")
    description = record["description"]
    if not description:
        raise RowError("description is empty.")
    if len(description) > MAX_DESCRIPTION:
        raise RowError(f"description is longer than {MAX_DESCRIPTION} characters.")
    return HsRow(
        line_number=line_number,
        code=code,
        description=description,
        level=len(code),
        parent=parent,
        section="" if section == ROOT else section,
    )


def read_hs_csv(stream: TextIO) -> Iterator[HsRow | RootRow | RejectedRow]:
    for line_number, record in csv_records(stream, HS_HEADER):
        try:
            yield parse_hs_row(line_number, record)
        except RowError as exc:
            yield RejectedRow(line_number, str(exc))
