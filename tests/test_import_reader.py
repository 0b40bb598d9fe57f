"""Reading keep.eu exports: the real sample (beside the clone) and small workbooks made here."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from clusterkb.errors import InputError
from clusterkb.importers.keep_table import (
    CALLS,
    PARTNERS,
    PROJECTS,
    REQUIRED,
    read_partner_csv,
    read_workbook,
)


def test_the_real_sample_reads_completely(shared: Path) -> None:
    sheets = read_workbook(shared / "keep-sample" / "keep-sample-2014-2020.xlsx")
    assert (len(sheets[PROJECTS]), len(sheets[PARTNERS]), len(sheets[CALLS])) == (27, 236, 12)
    first = sheets[PARTNERS][0]
    assert first.line == 2 and first.get("Lead Partner") in ("Yes", "No")
    rows = read_partner_csv(shared / "keep-sample" / "keep-sample-2014-2020-partners.csv")
    assert len(rows) == 228
    assert rows[0].get("NUTS3 (or equivalent)") == "ITH20  / Trento"


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def test_missing_sheet_is_named(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "x.xlsx", {PROJECTS: [list(REQUIRED[PROJECTS])]})
    with pytest.raises(InputError, match=r"no sheet.*'Partners'.*'Calls'"):
        read_workbook(path)


def test_missing_column_is_named(tmp_path: Path) -> None:
    sheets = {name: [list(cols)] for name, cols in REQUIRED.items()}
    sheets[CALLS] = [["Programme", "Serial Number"]]
    path = _workbook(tmp_path / "x.xlsx", sheets)
    with pytest.raises(InputError, match="'Calls' lacks the column"):
        read_workbook(path)


def test_rows_keep_their_line_and_blank_rows_are_skipped(tmp_path: Path) -> None:
    sheets = {name: [list(cols)] for name, cols in REQUIRED.items()}
    sheets[CALLS] += [
        ["P", 1, "2015/02/12", "2015/12/04", None],
        [None] * 5,
        ["P", 2, "2016/01/01", "2016/03/01", "1,000.00"],
    ]
    rows = read_workbook(_workbook(tmp_path / "x.xlsx", sheets))[CALLS]
    assert [(r.line, r.get("Serial Number"), r.get("Budget")) for r in rows] == [
        (2, 1, None),
        (4, 2, "1,000.00"),
    ]


def test_not_a_workbook(tmp_path: Path) -> None:
    bad = tmp_path / "x.xlsx"
    bad.write_text("hello", encoding="utf-8")
    with pytest.raises(InputError, match=r"not a readable \.xlsx workbook"):
        read_workbook(bad)


def test_every_programme_of_the_sample_is_in_the_vocabulary(shared: Path, kb) -> None:
    """keep.eu names programmes in its own way; data/vocab/programmes.ttl knows each name."""
    import pyoxigraph as ox

    from clusterkb.namespaces import SKOS

    known = {
        q.object.value
        for q in kb.match(None, ox.NamedNode(SKOS + "altLabel"), None, kb.public_graphs())
    }
    sheets = read_workbook(shared / "keep-sample" / "keep-sample-2014-2020.xlsx")
    csv_rows = read_partner_csv(shared / "keep-sample" / "keep-sample-2014-2020-partners.csv")
    names = {r.get("Programme") for rows in sheets.values() for r in rows}
    names |= {r.get("Programme") for r in csv_rows}
    assert len(names) == 7
    assert names <= known
