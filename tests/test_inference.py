"""Our rule-based inference gives exactly the OWL 2 RL entailments owlrl gives, on the curated
data and on a generated keep.eu-shaped set, for every data resource."""

from __future__ import annotations

import sys
from pathlib import Path

import owlrl
import pyoxigraph as ox
import pytest
import rdflib
from rdflib import OWL, RDF, RDFS

from clusterkb.build import build_into
from clusterkb.export import _term_to_rdflib
from clusterkb.inference import infer, source_graphs
from clusterkb.namespaces import INFERRED_OWL, INFERRED_SCHEMA, ONTOLOGY_GRAPH, SCHEMA
from clusterkb.settings import Settings
from clusterkb.store import EmbeddedStore

ROOT = Path(__file__).resolve().parents[1]
# built-in vocabularies: the values of ckb:linkPredicate name their properties; not data
BUILT_IN = (str(OWL), str(RDF), str(RDFS), "http://www.w3.org/2004/02/skos/core#")


def to_rdflib(store: EmbeddedStore, graphs: list[str]) -> rdflib.Graph:
    g = rdflib.Graph()
    for q in store.quads(graphs):
        g.add((_term_to_rdflib(q.subject), _term_to_rdflib(q.predicate), _term_to_rdflib(q.object)))
    return g


def entailments_agree(store: EmbeddedStore) -> tuple[set, set]:
    sources = source_graphs(store)
    base = to_rdflib(store, sources)
    ontology_terms = set(to_rdflib(store, [ONTOLOGY_GRAPH.value]).subjects())
    data = to_rdflib(store, [g for g in sources if g != ONTOLOGY_GRAPH.value])
    nodes = {x for t in data for x in (t[0], t[2]) if not isinstance(x, rdflib.Literal)}
    nodes -= ontology_terms
    nodes = {n for n in nodes if not str(n).startswith(BUILT_IN)}

    def about_data(t: tuple) -> bool:
        s, p, o = t
        if s not in nodes:
            return False
        if p == RDF.type and o in (OWL.Thing, RDFS.Resource, OWL.NamedIndividual):
            return False
        return not (p == OWL.sameAs and s == o)

    closure = to_rdflib(store, sources)
    # owl:sameAs links (data/links/) are deliberately not followed (no eq-* rules), so owlrl
    # reasons over the data without them
    closure.remove((None, OWL.sameAs, None))
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
    theirs = {t for t in set(closure) - set(base) if about_data(t)}
    mine = {t for t in to_rdflib(store, [INFERRED_OWL.value]) if about_data(t)}
    return theirs, mine


def test_same_entailments_as_owlrl_on_curated_data(kb: EmbeddedStore) -> None:
    theirs, mine = entailments_agree(kb)
    assert len(mine) > 500
    assert mine == theirs


def test_same_entailments_as_owlrl_on_generated_data(tmp_path: Path, settings: Settings) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    generate = pytest.importorskip("generate")
    out = generate.write(25, tmp_path)
    store = EmbeddedStore()
    build_into(store, settings, validate_data=False)
    store.add("https://w3id.org/clusterkb/graph/generated/bench", ox.parse(path=str(out)))
    infer(store, settings.rules_dir)
    theirs, mine = entailments_agree(store)
    assert len(mine) > 1000
    assert mine == theirs


def test_inference_is_idempotent(kb: EmbeddedStore, settings: Settings) -> None:
    before = set(kb.quads([INFERRED_OWL.value]))
    infer(kb, settings.rules_dir)
    assert set(kb.quads([INFERRED_OWL.value])) == before


def test_schema_org_view(kb: EmbeddedStore) -> None:
    q = f"""PREFIX schema: <{SCHEMA}>
    SELECT ?name ?alt ?start ?end ?url WHERE {{
      ?p a schema:Project ; schema:name ?name ; schema:alternateName ?alt ;
         schema:startDate ?start ; schema:endDate ?end ; schema:url ?url .
      FILTER(?alt = "S3-4AlpClusters")
    }}"""
    rows = kb.select(q, graphs=None).rows
    assert rows, "the schema.org view of S3-4AlpClusters is missing"
    assert {r["start"].value for r in rows} == {"2016-01-11"}
    assert {r["end"].value for r in rows} == {"2019-04-30"}
    assert any(r["name"].language == "en" for r in rows)
    grant = kb.select(
        f"""PREFIX schema: <{SCHEMA}>
    SELECT ?value ?currency ?funderName ?funderAlt WHERE {{
      ?g a schema:MonetaryGrant ; schema:fundedItem ?p ; schema:funder ?f ;
         schema:amount ?a .
      ?a schema:value ?value ; schema:currency ?currency .
      ?f schema:name ?funderName ; schema:alternateName ?funderAlt .
      ?p schema:alternateName "S3-4AlpClusters" .
    }}""",
        graphs=None,
    ).rows
    assert [
        (r["value"].value, r["currency"].value, r["funderName"].value, r["funderAlt"].value)
        for r in grant
    ] == [("1929500", "EUR", "European Regional Development Fund", "ERDF")]
    assert kb.count(INFERRED_SCHEMA.value) > 100
