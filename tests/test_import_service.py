"""`clusterkb import keep` as a service: files per programme, idempotent, curated data untouched."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pyoxigraph as ox

from clusterkb.importers.keep_table import REQUIRED
from clusterkb.importers.service import run_import
from clusterkb.store import EmbeddedStore


def english(text: str, candidates: object) -> str:
    return "en"


def no_languages(countries: object) -> list[str]:
    return ["en"]


def test_import_writes_one_file_per_programme_and_is_idempotent(
    shared: Path, kb: EmbeddedStore, tmp_path: Path
) -> None:
    export = shared / "keep-sample" / "keep-sample-2014-2020.xlsx"
    first = run_import(export, kb, english, no_languages, out_dir=tmp_path / "a")
    second = run_import(export, kb, english, no_languages, out_dir=tmp_path / "b")
    names = sorted(p.name for p in first.written)
    assert names == [
        "keep-alpine-space-2014-2020.ttl",
        "keep-balkan-mediterranean-2014-2020.ttl",
        "keep-bavaria-czech-republic-2014-2020.ttl",
        "keep-central-europe-2014-2020.ttl",
        "keep-danube-2014-2020.ttl",
        "keep-greece-bulgaria-2014-2020.ttl",
        "keep-med-2014-2020.ttl",
    ]
    for a, b in zip(first.written, second.written, strict=True):
        assert a.read_bytes() == b.read_bytes()
    assert first.quarantine is None
    assert first.report.unparsed == []  # every keep.eu theme of the sample is in the scheme
    alpine = ox.parse(path=tmp_path / "a" / "keep-alpine-space-2014-2020.ttl")
    themes = {t.object.value for t in alpine if t.predicate.value.endswith("#theme")}
    assert "https://w3id.org/clusterkb/id/theme/keep-clustering-and-economic-cooperation" in themes


def test_import_into_a_store_replaces_only_its_programme_graphs(
    shared: Path, kb: EmbeddedStore, tmp_path: Path
) -> None:
    store = EmbeddedStore()
    seed = "https://w3id.org/clusterkb/graph/sources/s002-s3-4alpclusters"
    store.copy_graph(kb, seed)
    export = shared / "keep-sample" / "keep-sample-2014-2020.xlsx"
    result = run_import(export, kb, english, no_languages, store=store)
    again = run_import(export, kb, english, no_languages, store=store)
    assert result.graphs == again.graphs
    assert store.size(seed) == kb.size(seed)
    graph = "https://w3id.org/clusterkb/graph/imported/keep-alpine-space-2014-2020"
    assert store.size(graph) == result.graphs[graph]


def test_unknown_programme_goes_to_the_quarantine_file(kb: EmbeddedStore, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, cols in REQUIRED.items():
        wb.create_sheet(name).append(list(cols))
    wb["Projects (lead partners)"].append(
        ["2021 - 2027 Interreg Atlantis", "ATL", "A", "LP", "1,000.00"]
    )
    export = tmp_path / "export.xlsx"
    wb.save(export)
    result = run_import(export, kb, english, no_languages, out_dir=tmp_path / "out")
    assert result.report.stored == {}
    assert result.quarantine is not None
    rows = list(csv.DictReader(result.quarantine.open(encoding="utf-8")))
    assert [r["where"] for r in rows] == [f"{export}:Projects (lead partners):2"]
    assert rows[0]["reason"].startswith("unknown programme '2021 - 2027 Interreg Atlantis'")
    assert '"Acronym": "ATL"' in rows[0]["row"]


def _copy(kb: EmbeddedStore) -> EmbeddedStore:
    store = EmbeddedStore()
    for graph in kb.graphs():
        store.copy_graph(kb, graph)
    return store


def test_the_partner_csv_joins_the_workbook_projects(shared: Path, kb: EmbeddedStore) -> None:
    store = _copy(kb)
    sample = shared / "keep-sample"
    run_import(sample / "keep-sample-2014-2020.xlsx", kb, english, no_languages, store=store)
    result = run_import(
        sample / "keep-sample-2014-2020-partners.csv", kb, english, no_languages, store=store
    )
    report = result.report
    assert report.read == {"Partners": 228} and report.stored == {"Partners": 228}
    assert report.attached_to_known_projects == 228 and report.quarantined == []
    assert all(g.endswith("--partners-csv") for g in result.graphs)
    # the CSV lacks the 8 partners of the two Bavaria-Czech projects, and adds none: the union of
    # both imports has the workbook's 236 participations
    count = """SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {
      GRAPH ?g { ?p a <https://w3id.org/clusterkb/ontology#Participation> }
      FILTER(STRSTARTS(STR(?g), "https://w3id.org/clusterkb/graph/imported/keep-")) }"""
    assert store.select(count).rows[0]["n"].value == "236"


def test_a_project_in_a_seed_and_in_keep_shows_its_conflicts(
    shared: Path, kb: EmbeddedStore
) -> None:
    from clusterkb.queries import QueryLibrary, run_query

    store = _copy(kb)
    run_import(
        shared / "keep-sample" / "keep-sample-2014-2020.xlsx",
        kb,
        english,
        no_languages,
        store=store,
    )
    library = QueryLibrary(Path(__file__).resolve().parents[1] / "queries")
    rows = run_query(store, library.get("conflicts"), {}, ["en"]).rows
    found = {
        (r["thing"].value.rsplit("/", 1)[1], r["property"].value.rsplit("#", 1)[1]): {
            (r["value1"].value, r["graph1"].value.rsplit("/", 1)[1]),
            (r["value2"].value, r["graph2"].value.rsplit("/", 1)[1]),
        }
        for r in rows
    }
    # keep.eu reads s002's "11.01.16" as 1 November 2016; the seed as 11 January: both kept
    assert found[("alpine-space-2014-2020--s3-4alpclusters", "startDate")] == {
        ("2016-11-01", "keep-alpine-space-2014-2020"),
        ("2016-01-11", "s002-s3-4alpclusters"),
    }
    # the same amount, written two ways
    assert found[("alpine-space-2014-2020--s3-4alpclusters--total-budget", "rawValue")] == {
        ("2,521,964.00", "keep-alpine-space-2014-2020"),
        ("2.521.964,00", "s002-s3-4alpclusters"),
    }
