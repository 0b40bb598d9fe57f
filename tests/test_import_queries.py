"""Imported keep.eu projects reach every query of the library, in their languages.

A keep-format workbook (benchmarks/keep_workbook.py, no outside data) is imported into a copy of
the knowledge base and built; each library query is then asked something about the imported
data. A query either names imported things, or answers differently than without the import,
or says why keep.eu data cannot reach it; a new query must pick one.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from clusterkb.build import build, load_knowledge, shape_constraints
from clusterkb.importers.service import language_tagger, languages_of_countries, run_import
from clusterkb.namespaces import GRAPH, ID
from clusterkb.queries import QueryLibrary, run_query
from clusterkb.settings import Settings
from clusterkb.store import EmbeddedStore
from live_server import knowledge_root

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = QueryLibrary(ROOT / "queries")
GREECE_BULGARIA = ID + "programme/greece-bulgaria-2014-2020"

# query -> ("names", params): some cell is a thing the import describes;
#          ("changes", params): the answer differs from the curated knowledge base's;
#          ("none", reason): keep.eu exports hold nothing the query is about.
EXPECT: dict[str, tuple[str, object]] = {
    "projects": ("names", {"programme": GREECE_BULGARIA}),
    "project-partners": ("names", {"project": "Net-6"}),
    "project-funding": ("changes", {"project": "Net-6"}),
    "project-facts": ("names", {"project": "Net-6"}),
    "programme-budgets": ("changes", {}),
    "programmes": ("changes", {}),
    "organisation-projects": ("names", {"name": "Handelskammer"}),
    "repeat-partners": ("names", {}),
    "partners-by-country": ("changes", {}),
    "country-collaboration": ("changes", {}),
    "projects-by-theme": ("names", {"name": "cluster"}),
    "timeline": ("changes", {}),
    "search": ("names", {"text": "net-6"}),
    "provenance": ("names", {"entity": ID + "project/greece-bulgaria-2014-2020--net-6"}),
    "sources": ("names", {}),
    "organisation-participations": (
        "names",
        {
            "organisation": ID
            + "organisation/keep--advanced-tourism-competence-centre-haskovo-haskovo-bgr"
        },
    ),
    "country-partners": ("names", {"country": "country:BGR"}),
    "label-coverage": ("changes", {}),
    "partners-by-nuts": ("names", {"nuts": "BG"}),
    "places": ("names", {"within": "country:BGR"}),
    "links-coverage": ("changes", {}),
    "conflicts": (
        "none",
        "the generated export shares no project with the curated sources; "
        "test_import_service.py::test_a_project_in_a_seed_and_in_keep_shows_its_conflicts "
        "shows it with the real sample",
    ),
    "events": ("none", "keep.eu exports list no events"),
    "cluster-initiatives": ("none", "keep.eu exports list no cluster initiatives"),
    "outputs": ("none", "keep.eu gives outputs as text (ckb:expectedOutputs), not as things"),
    "work-packages": ("none", "keep.eu exports list no work packages"),
    "contacts": ("none", "keep.eu exports hold no contact persons"),
}


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[EmbeddedStore, set[str]]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import keep_workbook

    tmp = tmp_path_factory.mktemp("import-queries")
    root = knowledge_root(tmp)
    export = tmp / "keep-60.xlsx"
    keep_workbook.write_workbook(60, export)
    settings = Settings(root=root)
    result = run_import(
        export,
        load_knowledge(settings),
        language_tagger(),
        languages_of_countries,
        out_dir=root / "data" / "imported",
        constraints=shape_constraints(settings),
    )
    assert result.report.balanced() and result.validation is not None
    assert result.validation.violations == []
    store, report = build(settings)
    assert report.validation is not None and report.validation.violations == []
    imports = [g for g in store.graphs() if g.startswith(GRAPH + "imported/")]
    things = {q.subject.value for q in store.match(None, None, None, imports)}
    return store, things


def test_every_library_query_is_accounted_for() -> None:
    assert set(EXPECT) == set(LIBRARY.names())


@pytest.mark.parametrize("name", sorted(EXPECT))
def test_imported_projects_reach_the_query(
    name: str, imported: tuple[EmbeddedStore, set[str]], kb: EmbeddedStore
) -> None:
    store, things = imported
    mode, arg = EXPECT[name]
    if mode == "none":
        pytest.skip(str(arg))
    query = LIBRARY.get(name)
    params = dict(arg) if isinstance(arg, dict) else {}
    rows = run_query(store, query, params, ["en"]).rows
    cells = [{k: v.value for k, v in r.items() if v is not None} for r in rows]
    if mode == "names":
        assert any(set(c.values()) & things for c in cells), f"{name}: nothing imported"
    else:
        before = run_query(kb, query, params, ["en"]).rows
        assert cells != [{k: v.value for k, v in r.items() if v is not None} for r in before]


def test_imported_names_come_in_their_languages(imported: tuple) -> None:
    store, _ = imported
    query = LIBRARY.get("projects")
    params = {"programme": GREECE_BULGARIA}
    greek = run_query(store, query, params, ["el", "en"]).rows
    english = run_query(store, query, params, ["en"]).rows
    labels_el = {r["project"].value: r["projectLabel"].value for r in greek}
    labels_en = {r["project"].value: r["projectLabel"].value for r in english}
    in_greek = [p for p, label in labels_el.items() if any("α" <= ch <= "ω" for ch in label)]
    assert in_greek, "no Greek project name"
    assert all(labels_en[p] != labels_el[p] for p in in_greek)
    assert all(label.isascii() for label in labels_en.values())
