"""Shapes, driven by their test cases (DASH style), and our SPARQL validator against pyshacl.

Every node shape has tests/shapes/cases/<Shape>/{conforming.ttl, failing.ttl, expected.json}.
Each case is checked with our validator; pyshacl, the reference implementation, must agree.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pyshacl
import pytest
import rdflib
from rdflib.namespace import RDF, SH

from clusterkb.loader import parse_file
from clusterkb.settings import Settings
from clusterkb.store import EmbeddedStore
from clusterkb.validation import compile_shapes, load_shapes, validate

ROOT = Path(__file__).resolve().parents[1]
CASES = sorted(p for p in (ROOT / "tests" / "shapes" / "cases").glob("*") if p.is_dir())
ONTOLOGY_FILES = sorted((ROOT / "ontology").rglob("*.ttl"))
SHAPE_FILES = sorted((ROOT / "shapes").glob("*.ttl"))
Key = tuple[str, str | None, str, str | None, str]


@cache
def shapes_graph() -> rdflib.Graph:
    return load_shapes(SHAPE_FILES)


@cache
def ontology_graph() -> rdflib.Graph:
    g = rdflib.Graph()
    for p in ONTOLOGY_FILES:
        g.parse(p)
    return g


@cache
def constraints():
    return tuple(compile_shapes(shapes_graph()))


def ours(data_files: list[Path]) -> set[Key]:
    store = EmbeddedStore()
    store.replace_graph(
        "https://w3id.org/clusterkb/graph/ontology",
        [t for p in ONTOLOGY_FILES for t in parse_file(p)],
    )
    store.replace_graph(
        "https://w3id.org/clusterkb/graph/case", [t for p in data_files for t in parse_file(p)]
    )
    report = validate(store, constraints())
    return {(r.focus, r.path, r.severity, r.shape, r.message(["en"])) for r in report.results}


def reference(data_files: list[Path]) -> set[Key]:
    data = rdflib.Graph()
    for p in data_files:
        data.parse(p)
    _, report, _ = pyshacl.validate(
        data,
        shacl_graph=shapes_graph(),
        ont_graph=ontology_graph(),
        inference="none",
        advanced=True,
    )
    out = set()
    shapes = shapes_graph()
    for r in report.subjects(RDF.type, SH.ValidationResult):
        path = report.value(r, SH.resultPath)
        shape = report.value(r, SH.sourceShape)
        literals = [m for m in report.objects(r, SH.resultMessage) if isinstance(m, rdflib.Literal)]
        messages = [m for m in literals if m.language == "en"]
        if not messages:
            # pyshacl drops the language tags of the messages of SPARQL-based results: take the
            # untagged one whose text is an @en sh:message of the source shape or constraint.
            sources = (shape, report.value(r, SH.sourceConstraint))
            english = {
                str(m)
                for n in sources
                if n is not None
                for m in shapes.objects(n, SH.message)
                if isinstance(m, rdflib.Literal) and m.language == "en"
            }
            messages = [m for m in literals if m.language is None and str(m) in english]
        out.add(
            (
                str(report.value(r, SH.focusNode)),
                str(path) if isinstance(path, rdflib.URIRef) else None,
                str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[-1],
                str(shape) if isinstance(shape, rdflib.URIRef) else None,
                str(messages[0]) if messages else "",
            )
        )
    return out


def expected(case: Path) -> set[Key]:
    items = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    return {(i["focus"], i["path"], i["severity"], i["shape"], i["message_en"]) for i in items}


def test_every_node_shape_has_a_case() -> None:
    g = shapes_graph()
    node_shapes = {
        str(s).rsplit("#", 1)[-1]
        for s in g.subjects(RDF.type, SH.NodeShape)
        if isinstance(s, rdflib.URIRef)
    }
    assert len(node_shapes) >= 20, "the shapes glob found too few node shapes"
    assert node_shapes <= {c.name for c in CASES}


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_conforming_case_conforms(case: Path) -> None:
    assert ours([case / "conforming.ttl"]) == set()


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_failing_case_gives_exactly_the_expected_results(case: Path) -> None:
    got = ours([case / "failing.ttl"])
    assert got == expected(case)
    assert any(r[2] in ("Violation", "Warning") for r in got)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_pyshacl_agrees_on_the_failing_case(case: Path) -> None:
    assert ours([case / "failing.ttl"]) == reference([case / "failing.ttl"])


def test_curated_data_conforms_and_pyshacl_agrees(settings: Settings) -> None:
    files = sorted(settings.data_dir.rglob("*.ttl"))
    assert len(files) >= 10
    got = ours(files)
    assert got == reference(files)
    assert [r for r in got if r[2] == "Violation"] == []


def test_unsupported_feature_is_refused() -> None:
    from clusterkb.errors import InputError

    g = rdflib.Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true .""",
        format="turtle",
    )
    with pytest.raises(InputError, match="does not compile"):
        compile_shapes(g)


def test_messages_follow_the_language(settings: Settings) -> None:
    case = ROOT / "tests" / "shapes" / "cases"
    store = EmbeddedStore()
    failing = next(iter(sorted(case.glob("*/failing.ttl"))))
    store.replace_graph("https://w3id.org/clusterkb/graph/case", parse_file(failing))
    report = validate(store, constraints())
    assert report.results
    r = report.results[0]
    langs = {lang for lang, _ in r.messages}
    assert {"en", "el", "de"} <= langs
    assert r.message(["el"]) != r.message(["en"])
