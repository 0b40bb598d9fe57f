"""Mapping keep.eu exports: every row, partner, call and euro accounted for."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from clusterkb.importers.keep import identity_key, map_export, total
from clusterkb.importers.keep_table import CALLS, PARTNERS, PROJECTS, read_workbook

PROGRAMMES = {
    "2014 - 2020 INTERREG VB Alpine Space": ("alpine-space-2014-2020", ["de", "fr", "it", "sl"]),
    "2014 - 2020 INTERREG VB Central Europe": ("central-europe-2014-2020", ["de", "cs", "pl"]),
    "2014 - 2020 INTERREG VB Mediterranean": ("med-2014-2020", ["el", "it", "es", "fr"]),
    "2014 - 2020 INTERREG VB Danube": ("danube-2014-2020", ["de", "hu", "sk", "ro"]),
    "2014 - 2020 INTERREG VB Balkan-Mediterranean": (
        "balkan-mediterranean-2014-2020",
        ["el", "bg"],
    ),
    "2014 - 2020 INTERREG V-A Greece - Bulgaria": ("greece-bulgaria-2014-2020", ["el", "bg"]),
    "2014 - 2020 INTERREG V-A Germany / Bavaria - Czech Republic": (
        "bavaria-czech-republic-2014-2020",
        ["de", "cs"],
    ),
}


def english(text: str, candidates: object) -> str:
    return "en"


@pytest.fixture(scope="module")
def sample(shared: Path) -> dict:
    return read_workbook(shared / "keep-sample" / "keep-sample-2014-2020.xlsx")


def test_every_row_is_stored_or_quarantined(sample: dict) -> None:
    graphs, report = map_export(sample, PROGRAMMES, english, "keep-sample-2014-2020.xlsx")
    assert report.read == {PROJECTS: 27, PARTNERS: 236, CALLS: 12}
    assert report.stored == {PROJECTS: 27, PARTNERS: 236, CALLS: 12}
    assert report.quarantined == []
    assert report.balanced()
    assert len(graphs) == 7


def _naive(cell: object) -> Decimal:
    """An independent reading of the sample's two money forms: '1,598,845.43' and floats."""
    return Decimal(str(cell).replace(",", ""))


@pytest.mark.parametrize(
    ("column", "suffix"),
    [("Budget", "total-budget"), ("EU Funding", "eu-funding"), ("ERDF budget", "erdf")],
)
def test_money_adds_up_to_the_cent(sample: dict, column: str, suffix: str) -> None:
    graphs, report = map_export(sample, PROGRAMMES, english, "x.xlsx")
    cells = [r.get(column) for r in sample[PROJECTS] if r.get(column) is not None]
    assert cells, f"no {column} in the sample"
    assert [u for u in report.unparsed if column in u] == []
    assert total(graphs, suffix) == sum(_naive(c) for c in cells)


def test_unknown_programme_and_missing_acronym_are_quarantined(sample: dict) -> None:
    only_alpine = {k: v for k, v in PROGRAMMES.items() if "Alpine" in k}
    _, report = map_export(sample, only_alpine, english, "x.xlsx")
    reasons = {q.reason.split(":")[0] for q in report.quarantined}
    assert any(r.startswith("unknown programme") for r in reasons)
    assert report.balanced()
    assert report.stored[PROJECTS] == 5


def test_identity_ignores_case_accents_spacing_and_legal_form() -> None:
    a = identity_key("VDI/VDE Innovation + Technik GmbH", "Berlin", "DEU")
    b = identity_key("vdi/vde  innovation + technik", "BERLIN", "DEU")
    assert a == b
    assert identity_key("Poly4EmI d.o.o.", "Ljubljana", "SVN") == identity_key(
        "POLY4EMI", "Ljubljana", "SVN"
    )
    assert identity_key("Trentino Innovation Hub", "Trento", "ITA") != identity_key(
        "Trentino Innovation Hub", "Trento", "AUT"
    )


def test_imported_sample_passes_the_shapes(sample: dict, settings, kb) -> None:
    from clusterkb.build import _shape_files
    from clusterkb.importers.service import _KNOWN
    from clusterkb.knowledge import knowledge_files
    from clusterkb.loader import load_files
    from clusterkb.store import EmbeddedStore
    from clusterkb.validation import compile_shapes, load_shapes, validate

    known = {r["r"].value for r in kb.select(_KNOWN).rows}
    graphs, _ = map_export(sample, PROGRAMMES, english, "keep-sample-2014-2020.xlsx", known=known)
    regions = {
        t.subject.value
        for ts in graphs.values()
        for t in ts
        if t.predicate.value.endswith("#nutsCode")
    }
    assert len(regions) > 50 and not regions & known
    store = EmbeddedStore()
    files = knowledge_files(settings)
    load_files(store, files)
    for graph, triples in graphs.items():
        store.replace_graph(graph, triples)
    report = validate(store, compile_shapes(load_shapes(_shape_files(files))), per_source=True)
    assert [(r.focus, r.message(["en"])) for r in report.violations] == []
    assert any(r.graph and "/imported/keep-" in r.graph for r in report.warnings)
