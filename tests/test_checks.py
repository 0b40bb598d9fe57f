"""Hygiene as SPARQL: every queries/checks/*-violation.rq must return no rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from clusterkb.queries import parse_query_file, query_graphs
from clusterkb.store import EmbeddedStore

ROOT = Path(__file__).resolve().parents[1]
CHECKS = sorted((ROOT / "queries" / "checks").glob("*-violation.rq"))


def test_checks_were_found() -> None:
    assert len(CHECKS) >= 4


@pytest.mark.parametrize("path", CHECKS, ids=lambda p: p.stem)
def test_check_finds_nothing(path: Path, kb: EmbeddedStore) -> None:
    q = parse_query_file(path)
    rows = kb.select(q.text, graphs=query_graphs(kb)).rows
    assert rows == [], f"{q.summary}: " + "; ".join(
        " ".join(t.value for t in row.values()) for row in rows[:10]
    )


def test_translation_check_catches_a_missing_translation() -> None:
    import pyoxigraph as ox

    store = EmbeddedStore()
    onto = "https://w3id.org/clusterkb/graph/ontology"
    term = ox.NamedNode("https://w3id.org/clusterkb/ontology#Thing")
    owl_class = ox.NamedNode("http://www.w3.org/2002/07/owl#Class")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    store.add(
        onto,
        [
            ox.Triple(term, rdf_type, owl_class),
            ox.Triple(term, label, ox.Literal("thing", language="en")),
        ],
    )
    q = parse_query_file(ROOT / "queries" / "checks" / "ontology-translation-missing-violation.rq")
    rows = store.select(q.text, graphs=[onto]).rows
    # 11 languages x (label, definition) minus the one English label present
    assert len(rows) == 21
