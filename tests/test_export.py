"""Every export format parses back to the same graph; personal data stays out unless asked."""

from __future__ import annotations

import io
import json

import pyoxigraph as ox
import pytest
import rdflib
from pyld import jsonld
from rdflib.compare import isomorphic

from clusterkb.export import FORMATS, export, export_graphs, read_csv
from clusterkb.settings import Settings
from clusterkb.store import EmbeddedStore

RDFLIB_FORMAT = {
    "ttl": "turtle",
    "nt": "nt",
    "xml": "xml",
    "jsonld": "json-ld",
    "nq": "nquads",
    "trig": "trig",
}


def expected_graph(kb: EmbeddedStore, **kwargs: bool) -> rdflib.Graph:
    g = rdflib.Graph()
    data = ox.serialize(
        [q.triple for q in kb.quads(export_graphs(kb, **kwargs))], format=ox.RdfFormat.N_TRIPLES
    )
    g.parse(data=data.decode("utf-8"), format="nt")
    return g


def as_graph(data: bytes, fmt: str) -> rdflib.Graph:
    if fmt == "csv":
        quads = read_csv(data.decode("utf-8"))
        nt = ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES)
        return rdflib.Graph().parse(data=nt.decode("utf-8"), format="nt")
    if fmt in ("nq", "trig"):
        ds = rdflib.Dataset()
        ds.parse(data=data.decode("utf-8"), format=RDFLIB_FORMAT[fmt])
        g = rdflib.Graph()
        for s, p, o, _ in ds.quads((None, None, None, None)):
            g.add((s, p, o))
        return g
    return rdflib.Graph().parse(data=data.decode("utf-8"), format=RDFLIB_FORMAT[fmt])


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_round_trip(fmt: str, kb: EmbeddedStore, settings: Settings) -> None:
    data = export(kb, fmt, context_file=settings.context_file)
    got = as_graph(data, fmt)
    want = expected_graph(kb)
    assert len(want) > 1000
    assert len(got) == len(want)
    assert isomorphic(got, want)


def _no_remote(url: str, options: dict) -> dict:
    raise AssertionError(f"pyld tried to fetch {url}")


def test_jsonld_reads_as_plain_json_and_pyld_agrees(kb: EmbeddedStore, settings: Settings) -> None:
    doc = json.loads(export(kb, "jsonld", context_file=settings.context_file))
    assert isinstance(doc["@context"], dict), "the context must be inline, never a remote URL"
    nodes = {n["id"]: n for n in doc["@graph"]}
    project = nodes["https://w3id.org/clusterkb/id/project/alpine-space-2014-2020--s3-4alpclusters"]
    assert project["acronym"] == "S3-4AlpClusters"
    assert project["label"]["en"].startswith("Smart Specialisation Strategies")
    amount = nodes[
        "https://w3id.org/clusterkb/id/amount/alpine-space-2014-2020--s3-4alpclusters--erdf"
    ]
    assert amount["value"] == "1929500" and amount["rawValue"] == "1.929.500,00"
    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads", "documentLoader": _no_remote})
    g = rdflib.Graph().parse(data=nquads, format="nt")
    assert isomorphic(g, expected_graph(kb))


def test_contacts_are_left_out_unless_asked(kb: EmbeddedStore, settings: Settings) -> None:
    public = export(kb, "nq", context_file=settings.context_file).decode("utf-8")
    assert "k.triposkoufis@attica.gr" not in public and "krejsova@rra.cz" not in public
    assert "graph/contacts/" not in public
    private = export(kb, "nq", context_file=settings.context_file, include_contacts=True).decode(
        "utf-8"
    )
    assert "mailto:krejsova@rra.cz" in private


def test_inferred_export_has_the_schema_org_view(kb: EmbeddedStore, settings: Settings) -> None:
    plain = export(kb, "nt", context_file=settings.context_file).decode("utf-8")
    inferred = export(kb, "nt", context_file=settings.context_file, inferred=True).decode("utf-8")
    typed = "22-rdf-syntax-ns#type> <https://schema.org/MonetaryGrant>"
    assert typed not in plain
    assert typed in inferred
    assert 'ontology#searchKey> "' not in inferred


def test_csv_export_is_a_quad_table(kb: EmbeddedStore, settings: Settings) -> None:
    text = export(kb, "csv", context_file=settings.context_file).decode("utf-8")
    header = next(io.StringIO(text)).strip()
    assert header == "graph,subject,predicate,object,object_type,datatype,language"
    assert ",el\n" in text
