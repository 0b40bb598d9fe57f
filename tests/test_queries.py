"""The query library, driven by its files: every query parses, declares its real columns,
and answers each case in tests/queries/<name>/*.json with exactly the expected rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clusterkb.queries import QueryLibrary, run_query
from clusterkb.settings import Settings
from clusterkb.store import EmbeddedStore

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = QueryLibrary(ROOT / "queries")
CASES = sorted((ROOT / "tests" / "queries").glob("*/*.json"))
REQUIRED = {
    "projects",
    "project-partners",
    "project-funding",
    "programme-budgets",
    "organisation-projects",
    "repeat-partners",
    "partners-by-country",
    "country-collaboration",
    "projects-by-theme",
    "events",
    "timeline",
    "search",
    "provenance",
    "label-coverage",
}


def test_library_holds_every_required_query() -> None:
    assert set(LIBRARY.names()) >= REQUIRED


def test_every_query_has_at_least_one_case() -> None:
    assert len(CASES) >= len(LIBRARY.names()), "the case glob found too few cases"
    with_cases = {p.parent.name for p in CASES}
    assert set(LIBRARY.names()) <= with_cases


@pytest.mark.parametrize("name", LIBRARY.names())
def test_query_is_documented(name: str) -> None:
    q = LIBRARY.get(name)
    assert q.summary and q.columns
    for p in q.params:
        assert p.doc, f"parameter {p.name} of {name} has no description"


@pytest.mark.parametrize("name", LIBRARY.names())
def test_declared_columns_are_the_real_columns(name: str, kb: EmbeddedStore) -> None:
    q = LIBRARY.get(name)
    params = q.examples[0] if q.examples else {p.name: "x" for p in q.params if p.required}
    result = run_query(kb, q, params)
    assert result.variables == q.columns


def _cell(row: dict, column: str) -> str:
    term = row.get(column)
    return "" if term is None else term.value


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_case(case: Path, kb: EmbeddedStore, settings: Settings) -> None:
    spec = json.loads(case.read_text(encoding="utf-8"))
    q = LIBRARY.get(case.parent.name)
    result = run_query(
        kb,
        q,
        spec.get("params", {}),
        spec.get("lang", "en").split(","),
        include_contacts=spec.get("include_contacts", False),
    )
    columns = spec["columns"]
    got = [[_cell(row, c) for c in columns] for row in result.rows]
    expected = spec["rows"]
    if not spec.get("ordered", False):
        got, expected = sorted(got), sorted(expected)
    assert got == expected
