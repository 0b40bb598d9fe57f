"""`clusterkb import keep` as a service: files per programme, idempotent, curated data untouched."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl

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
    alpine = (tmp_path / "a" / "keep-alpine-space-2014-2020.ttl").read_text(encoding="utf-8")
    assert "ckb:theme theme:keep-clustering-and-economic-cooperation" in alpine


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
