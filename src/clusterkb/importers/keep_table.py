"""Reading keep.eu exports: the three-sheet workbook and the semicolon-separated partner CSV.

Rows come back as dicts keyed by the export's own column names, each with its sheet and line,
so that every later complaint can say where the row came from.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError

PROJECTS = "Projects (lead partners)"
PARTNERS = "Partners"
CALLS = "Calls"
# keep.eu's export layout (2014-2020 closed projects), column by column
PROJECT_COLUMNS = (
    "Programme",
    "Acronym",
    "Project Name",
    "Project Name language 2",
    "Project Name language 3",
    "Lead Partner",
    "Period",
    "Street",
    "Postal code",
    "Town",
    "Country",
    "Budget",
    "Project total expenditure",
    "EU Funding",
    "Project EU Funding expenditure",
    "ERDF budget",
    "ENI budget",
    "IPA budget",
    "ERDF eq. budget",
    "Co-Financing sources",
    "Website",
    "Thematic1",
    "Thematic2",
    "Thematic3",
    "Specific Obj",
    "Thematic Obj",
    "Inv. Priority",
    "Thematic Priorities (Interreg-IPA CBC specific)",
    "Description 1",
    "Description 2",
    "Description EN",
    "Expected Results 1",
    "Expected Results 2",
    "Expected Results EN",
    "Achievements 1",
    "Achievements 2",
    "Achievements EN",
    "Expected Outputs 1",
    "Expected Outputs 2",
    "Expected Outputs EN",
    "Delivered Outputs 1",
    "Delivered Outputs 2",
    "Delivered Outputs EN",
    "Project start",
    "Project end",
    "Priority Area",
    "Degree of comp.",
    "Strategy",
    "Call SN",
)
PARTNER_COLUMNS = (
    "Programme",
    "Acronym",
    "Project Partner",
    "Lead Partner",
    "Street",
    "Postal code",
    "Town",
    "Country",
    "Website",
    "Department",
    "Legal Status",
    "Country code",
    "NUTS1 (or equivalent)",
    "NUTS2 (or equivalent)",
    "NUTS3 (or equivalent)",
)
CALL_COLUMNS = ("Programme", "Serial Number", "Start Date", "End Date", "Budget")
COLUMNS = {PROJECTS: PROJECT_COLUMNS, PARTNERS: PARTNER_COLUMNS, CALLS: CALL_COLUMNS}
REQUIRED: dict[str, tuple[str, ...]] = {
    PROJECTS: ("Programme", "Acronym", "Project Name", "Lead Partner", "Budget"),
    PARTNERS: ("Programme", "Acronym", "Project Partner", "Lead Partner", "Country"),
    CALLS: ("Programme", "Serial Number", "Start Date", "End Date", "Budget"),
}


@dataclass(frozen=True)
class Row:
    source: Path
    sheet: str
    line: int  # 1-based line in the sheet or file, the header being line 1
    cells: dict[str, object]

    def get(self, column: str) -> object:
        value = self.cells.get(column)
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    def where(self) -> str:
        return f"{self.source}:{self.sheet}:{self.line}"


def _check_columns(path: Path, sheet: str, header: list[str]) -> None:
    missing = [c for c in REQUIRED.get(sheet, ()) if c not in header]
    if missing:
        raise InputError(
            f"sheet {sheet!r} lacks the column(s) {', '.join(missing)}",
            path=path,
            line=1,
            fix="export from keep.eu again with all columns, or rename the header cells",
        )


def _cell(value: object) -> object:
    """calamine reads every number as a float; keep.eu's whole numbers (acronyms such as "28",
    serial numbers, postal codes) read back as the integers they were."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return None if value == "" else value


def read_workbook(path: Path) -> dict[str, list[Row]]:
    """Rows of the three sheets (calamine: a Rust reader, ~10x faster than openpyxl at
    keep.eu's size)."""
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several kinds for a file that is no workbook
        raise InputError(
            f"not a readable .xlsx workbook: {exc}",
            path=path,
            fix="give the .xlsx file keep.eu exported, unchanged",
        ) from exc
    missing = [s for s in REQUIRED if s not in wb.sheet_names]
    if missing:
        raise InputError(
            f"the workbook has no sheet(s) {', '.join(repr(s) for s in missing)} "
            f"(it has {', '.join(repr(s) for s in wb.sheet_names)})",
            path=path,
            fix="give keep.eu's export workbook with its three sheets",
        )
    out: dict[str, list[Row]] = {}
    for sheet in REQUIRED:
        rows = iter(wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False))
        header = [str(c).strip() for c in next(rows, ())]
        _check_columns(path, sheet, header)
        out[sheet] = [
            Row(path, sheet, line, dict(zip(header, map(_cell, values), strict=False)))
            for line, values in enumerate(rows, start=2)
            if any(v is not None and str(v).strip() for v in values)
        ]
    return out


def read_partner_csv(path: Path) -> list[Row]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text: {exc}", path=path, fix="save the CSV as UTF-8") from exc
    reader = csv.reader(text.splitlines(), delimiter=";")
    header = [h.strip() for h in next(reader, [])]
    _check_columns(path, PARTNERS, header)
    return [
        Row(path, PARTNERS, line, dict(zip(header, values, strict=False)))
        for line, values in enumerate(reader, start=2)
        if any(v.strip() for v in values)
    ]
