"""Export the knowledge base in RDF formats and as a quad table (CSV).

Personal data (contacts graphs) is left out unless asked for; derived graphs only with
`inferred`. JSON-LD is compacted with the context shipped in the repository, never a remote one.
The dataset's own description (DCAT-AP/VoID, `dataset_description`) is added when given.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError
from .namespaces import (
    BUILD_GRAPH,
    CONTACTS_PREFIX,
    GRAPH,
    INFERRED_PREFIX,
    INFERRED_SEARCH,
    SHAPES_GRAPH,
    TURTLE_PREFIXES,
)
from .store import EmbeddedStore

FORMATS: dict[str, tuple[ox.RdfFormat | None, str]] = {
    "ttl": (ox.RdfFormat.TURTLE, "text/turtle"),
    "nt": (ox.RdfFormat.N_TRIPLES, "application/n-triples"),
    "nq": (ox.RdfFormat.N_QUADS, "application/n-quads"),
    "trig": (ox.RdfFormat.TRIG, "application/trig"),
    "xml": (ox.RdfFormat.RDF_XML, "application/rdf+xml"),
    "jsonld": (None, "application/ld+json"),
    "csv": (None, "text/csv"),
}
DATASET_FORMATS = ("nq", "trig", "csv")
# where an export puts the dataset's description (it is never a graph of the store)
CATALOGUE_GRAPH = GRAPH + "catalogue"
CSV_COLUMNS = ["graph", "subject", "predicate", "object", "object_type", "datatype", "language"]


def export_graphs(
    store: EmbeddedStore, *, inferred: bool = False, include_contacts: bool = False
) -> list[str]:
    out = []
    for g in store.graphs():
        if g in (SHAPES_GRAPH.value, BUILD_GRAPH.value, INFERRED_SEARCH.value):
            continue
        if g.startswith(INFERRED_PREFIX) and not inferred:
            continue
        if g.startswith(CONTACTS_PREFIX) and not include_contacts:
            continue
        out.append(g)
    return out


def load_context(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(
            "the JSON-LD context is missing", path=path, fix="run 'clusterkb generate context'"
        ) from exc


def _term_to_rdflib(term):
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def to_jsonld(triples: Iterable[ox.Triple], context: dict) -> bytes:
    import rdflib

    g = rdflib.Graph()
    for t in triples:
        g.add((_term_to_rdflib(t.subject), _term_to_rdflib(t.predicate), _term_to_rdflib(t.object)))
    text = g.serialize(format="json-ld", context=context["@context"], auto_compact=True)
    return text.encode("utf-8")


def to_csv(quads: Iterable[ox.Quad]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    rows = []
    for q in quads:
        o = q.object
        if isinstance(o, ox.NamedNode):
            kind, datatype, lang = "iri", "", ""
        elif isinstance(o, ox.BlankNode):
            kind, datatype, lang = "bnode", "", ""
        else:
            kind, lang = "literal", o.language or ""
            datatype = "" if o.language else o.datatype.value
        graph = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
        subject = q.subject.value if isinstance(q.subject, ox.NamedNode) else f"_:{q.subject.value}"
        rows.append([graph, subject, q.predicate.value, o.value, kind, datatype, lang])
    writer.writerows(sorted(rows))
    return buf.getvalue().encode("utf-8")


def read_csv(data: str) -> list[ox.Quad]:
    """Read our CSV export back into quads (used to prove the table loses nothing)."""
    quads = []
    reader = csv.DictReader(io.StringIO(data))
    for row in reader:
        subj: ox.NamedNode | ox.BlankNode = (
            ox.BlankNode(row["subject"][2:])
            if row["subject"].startswith("_:")
            else ox.NamedNode(row["subject"])
        )
        if row["object_type"] == "iri":
            obj: ox.NamedNode | ox.BlankNode | ox.Literal = ox.NamedNode(row["object"])
        elif row["object_type"] == "bnode":
            obj = ox.BlankNode(row["object"])
        elif row["language"]:
            obj = ox.Literal(row["object"], language=row["language"])
        else:
            obj = ox.Literal(row["object"], datatype=ox.NamedNode(row["datatype"]))
        graph = ox.NamedNode(row["graph"]) if row["graph"] else ox.DefaultGraph()
        quads.append(ox.Quad(subj, ox.NamedNode(row["predicate"]), obj, graph))
    return quads


def export(
    store: EmbeddedStore,
    fmt: str,
    *,
    context_file: Path,
    inferred: bool = False,
    include_contacts: bool = False,
    graphs: Sequence[str] | None = None,
    description: Iterable[ox.Triple] | None = None,
) -> bytes:
    """The chosen graphs in `fmt`, and the dataset's description when one is given.

    The description is opt-in, so that by default an export is exactly the store's graphs (and
    reads back to them). Given one (`dataset_description.describe_dataset`, statistics of these
    same graphs), the quad formats (nq, trig, csv) hold it as the named graph
    `graph/catalogue`, apart from the data it describes; the triple formats merge it in.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}", fix="use one of " + ", ".join(FORMATS))
    chosen = (
        list(graphs)
        if graphs is not None
        else export_graphs(store, inferred=inferred, include_contacts=include_contacts)
    )
    quads = list(store.quads(chosen))
    if description is not None:
        catalogue = ox.NamedNode(CATALOGUE_GRAPH)
        quads += [ox.Quad(t.subject, t.predicate, t.object, catalogue) for t in description]
    if fmt == "csv":
        return to_csv(quads)
    if fmt in DATASET_FORMATS:
        return ox.serialize(quads, format=FORMATS[fmt][0], prefixes=TURTLE_PREFIXES)
    triples = list({q.triple for q in quads})
    if fmt == "jsonld":
        return to_jsonld(triples, load_context(context_file))
    return ox.serialize(triples, format=FORMATS[fmt][0], prefixes=TURTLE_PREFIXES)
