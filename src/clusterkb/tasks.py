"""The work a query worker does for the server: each task takes the store and plain arguments
and returns plain (picklable) data. The server's routes call these through the query pool."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TypedDict

import pyoxigraph as ox

from .describe import Description, describe
from .endpoint import Answer, Request, answer, graph_document
from .errors import InputError
from .namespaces import RDF, RDFS
from .queries import (
    LibraryQuery,
    Param,
    QueryLibrary,
    add_labels,
    convert,
    query_graphs,
    run_query,
)
from .sparql_guard import guard
from .store import EmbeddedStore, SelectResult, Term, with_bindings


def sparql(store: EmbeddedStore, request: Request) -> Answer:
    return answer(store, request)


def graph(
    store: EmbeddedStore,
    name: str | None,
    accept: str | None,
    fmt: str | None,
    private: bool,
    visible: Sequence[str],
) -> Answer:
    return graph_document(store, name, accept, fmt, private, visible)


def library(
    store: EmbeddedStore,
    queries_dir: Path,
    name: str,
    params: Mapping[str, str],
    langs: Sequence[str],
    include_contacts: bool,
) -> SelectResult:
    query = QueryLibrary(queries_dir).get(name)
    return run_query(store, query, params, langs, include_contacts)


def thing(
    store: EmbeddedStore, iri: str, langs: Sequence[str], include_contacts: bool
) -> Description:
    return describe(store, iri, langs, include_contacts)


_ABOUT = """
CONSTRUCT { ?x ?p ?o . ?s ?q ?x } WHERE {
  { GRAPH ?g { ?x ?p ?o } } UNION { GRAPH ?g { ?s ?q ?x } }
  FILTER(!STRSTARTS(STR(?g), "https://w3id.org/clusterkb/graph/inferred/"))
}
"""


def triples_about(store: EmbeddedStore, iri: str, private: bool) -> list[ox.Triple]:
    """A linked-data document: what the sources say about `iri`, and what points at it (no
    derived statements: those are the reader's to infer)."""
    query = with_bindings(_ABOUT, {"x": ox.NamedNode(iri)})
    return list(store.raw_query(query, private=private))  # type: ignore[call-overload]


_TERMS = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?term ?kind ?label ?definition WHERE {
  GRAPH <https://w3id.org/clusterkb/graph/ontology> {
    VALUES (?type ?kind) { (owl:Class "class") (owl:ObjectProperty "object")
                           (owl:DatatypeProperty "datatype") }
    ?term a ?type .
    FILTER(STRSTARTS(STR(?term), "https://w3id.org/clusterkb/ontology#"))
    ?term rdfs:label ?label ; skos:definition ?definition .
  }
}
"""


def ontology_terms(store: EmbeddedStore, langs: Sequence[str]) -> list[dict[str, str]]:
    """Each term of the ontology with its label and definition in the reader's language."""
    from .labels import pick

    found: dict[str, dict[str, object]] = {}
    for row in store.raw_query(_TERMS):  # type: ignore[attr-defined]
        term = row["term"].value
        entry = found.setdefault(term, {"kind": row["kind"].value, "labels": [], "defs": []})
        entry["labels"].append(row["label"])  # type: ignore[union-attr]
        entry["defs"].append(row["definition"])  # type: ignore[union-attr]
    out = []
    for term, entry in sorted(found.items(), key=lambda kv: kv[0].lower()):
        label = pick(list(dict.fromkeys(entry["labels"])), langs)  # type: ignore[arg-type]
        definition = pick(list(dict.fromkeys(entry["defs"])), langs)  # type: ignore[arg-type]
        out.append(
            {
                "local": term.rsplit("#", 1)[1],
                "kind": str(entry["kind"]),
                "label": label.value if label else "",
                "definition": definition.value if definition else "",
            }
        )
    return out


def types(store: EmbeddedStore, iri: str) -> list[str]:
    """Every class of a thing, derived ones included, so a page can pick its layout: an event
    is stated a ckb:Workshop and only inferred a ckb:Event."""
    return sorted(
        t.value
        for t in store.objects(iri, RDF + "type", query_graphs(store))
        if isinstance(t, ox.NamedNode)
    )


def _pinned(
    store: EmbeddedStore,
    query: LibraryQuery,
    params: Mapping[str, str],
    pins: Mapping[str, str],
    langs: Sequence[str],
    include_contacts: bool,
) -> SelectResult:
    """A library query with some of its variables bound to IRIs (VALUES, never text): a page
    knows its thing's IRI, and an acronym that two programmes share must not mix them."""
    if not pins:
        return run_query(store, query, params, langs, include_contacts)
    known = {p.name: p for p in query.params}
    bindings: dict[str, Term] = {n: convert(known[n], v) for n, v in params.items() if n in known}
    for var, iri in pins.items():
        if not re.search(rf"\?{re.escape(var)}\b", query.text):
            raise InputError(f"query {query.name} has no variable ?{var} to pin")
        bindings[var] = convert(Param(var, "iri", True, None, ""), iri)
    graphs = query_graphs(store, include_contacts)
    result = store.select(query.text, bindings=bindings, graphs=graphs)
    seen: set[tuple[tuple[str, str], ...]] = set()
    rows = []
    for row in result.rows:  # a pinned text parameter left free can repeat rows
        key = tuple(sorted((k, str(v)) for k, v in row.items()))
        if key not in seen:
            seen.add(key)
            rows.append(row)
    return add_labels(store, query, SelectResult(result.variables, rows), langs, graphs)


def library_many(
    store: EmbeddedStore,
    queries_dir: Path,
    calls: Sequence[tuple[str, Mapping[str, str], Mapping[str, str]]],
    langs: Sequence[str],
    include_contacts: bool,
) -> list[SelectResult]:
    """Several library queries, each (name, params, pins), in one trip to a worker: a page
    about one thing needs five or six of them."""
    library = QueryLibrary(queries_dir)
    return [
        _pinned(store, library.get(name), params, pins, langs, include_contacts)
        for name, params, pins in calls
    ]


DOWNLOADS = {
    fmt: f"data/clusterkb.{fmt}" for fmt in ("ttl", "jsonld", "nt", "nq", "trig", "xml", "csv")
}


def dataset_description(store: EmbeddedStore, metadata: Path, base_url: str) -> list[ox.Triple]:
    """The dataset's DCAT-AP/VoID description with the addresses of the server at `base_url`."""
    from .dataset_description import describe_dataset

    return describe_dataset(store, base_url, metadata=metadata, downloads=DOWNLOADS)


def dump(store: EmbeddedStore, fmt: str, context_file: Path, include_contacts: bool) -> bytes:
    """A distribution of the dataset: what `clusterkb export` writes (personal data only for a
    holder of the token)."""
    from .export import export

    return export(store, fmt, context_file=context_file, include_contacts=include_contacts)


def library_services(
    store: EmbeddedStore,
    queries_dir: Path,
    name: str,
    params: Mapping[str, str],
    langs: Sequence[str],
    include_contacts: bool,
    services: Sequence[str],
) -> SelectResult:
    """A library query with the server's SERVICE allowlist (a federated query runs only where
    its endpoints are on it; mirrors apply)."""
    query = QueryLibrary(queries_dir, services).get(name)
    return run_query(store, query, params, langs, include_contacts, services=services)


def page_queries(
    store: EmbeddedStore,
    queries_dir: Path,
    calls: Sequence[tuple[str, Mapping[str, str], Mapping[str, str]]],
    langs: Sequence[str],
    include_contacts: bool,
) -> list[SelectResult]:
    """library_many for pages, each query first read by the SPARQL guard with no endpoint
    allowed: a page never calls another machine, whatever the server allows."""
    library = QueryLibrary(queries_dir)
    for name, _, _ in calls:
        guard(library.get(name).text)
    return library_many(store, queries_dir, calls, langs, include_contacts)


OWL = "http://www.w3.org/2002/07/owl#"
SKOS_NS = "http://www.w3.org/2004/02/skos/core#"
CKB_NS = "https://w3id.org/clusterkb/ontology#"
LINK_GRAPHS = "https://w3id.org/clusterkb/graph/links/"
INFERRED_GRAPHS = "https://w3id.org/clusterkb/graph/inferred/"
LINK_KINDS = (  # (kind, IRI prefixes): the datasets a page names a link by
    ("wikidata", ("http://www.wikidata.org/entity/", "https://www.wikidata.org/wiki/")),
    (
        "geonames",
        ("https://sws.geonames.org/", "http://sws.geonames.org/", "https://www.geonames.org/"),
    ),
    ("nuts", ("http://data.europa.eu/nuts/", "https://data.europa.eu/nuts/")),
    ("eu_authority", ("http://publications.europa.eu/resource/authority/",)),
    ("keep", ("https://keep.eu/", "https://www.keep.eu/", "http://keep.eu/")),
)

_LINKS = f"""
PREFIX owl: <{OWL}>
PREFIX skos: <{SKOS_NS}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX ckb: <{CKB_NS}>
SELECT ?predicate ?target ?g ?recorded ?method ?score WHERE {{
  VALUES ?predicate {{ owl:sameAs skos:exactMatch skos:closeMatch skos:broadMatch
                       skos:narrowMatch skos:relatedMatch rdfs:seeAlso }}
  GRAPH ?g {{ ?x ?predicate ?target }}
  FILTER(isIRI(?target) && !STRSTARTS(STR(?g), "{INFERRED_GRAPHS}"))
  OPTIONAL {{
    ?record ckb:linkSubject ?x ; ckb:linkTarget ?target .
    OPTIONAL {{ ?record ckb:linkPredicate ?recorded }}
    OPTIONAL {{ ?record ckb:linkMethod ?method }}
    OPTIONAL {{ ?record ckb:linkScore ?score }}
  }}
}}
"""


def link_kind(target: str) -> str | None:
    """Which outside dataset an IRI belongs to (None: not one a page names)."""
    for kind, prefixes in LINK_KINDS:
        if target.startswith(prefixes):
            return kind
    return None


def links(store: EmbeddedStore, iri: str, langs: Sequence[str]) -> list[dict[str, str]]:
    """The thing's links to outside datasets, each with its provenance: the graph that states
    it and, from its link record, how it was made (method) and how sure (score)."""
    from .labels import pick

    query = with_bindings(_LINKS, {"x": ox.NamedNode(iri)})
    graphs = query_graphs(store)
    found: dict[tuple[str, str, str], dict[str, str]] = {}
    for row in store.select(query, graphs=graphs).rows:
        predicate, target, graph = (row[v].value for v in ("predicate", "target", "g"))
        kind = link_kind(target)
        if kind is None and not graph.startswith(LINK_GRAPHS):
            continue  # an alignment or a pointer of another kind: the statements table has it
        recorded = row.get("recorded")
        if recorded is not None and recorded.value != predicate:
            continue  # the record of another link between the same two things
        entry = found.setdefault(
            (predicate, target, graph),
            {
                "kind": kind or "other",
                "predicate": predicate,
                "target": target,
                "graph": graph,
                "method": "",
                "score": "",
            },
        )
        method = row.get("method")
        if method is not None and not entry["method"]:
            if isinstance(method, ox.NamedNode):
                names = [
                    o
                    for p in (RDFS + "label", SKOS_NS + "prefLabel")
                    for o in store.objects(method.value, p, graphs)
                    if isinstance(o, ox.Literal)
                ]
                label = pick(names, langs)
                entry["method"] = label.value if label else method.value.rsplit("/", 1)[-1]
            else:
                entry["method"] = method.value
        score = row.get("score")
        if score is not None and not entry["score"]:
            entry["score"] = score.value
    order = [k for k, _ in LINK_KINDS] + ["other"]
    return sorted(found.values(), key=lambda e: (order.index(e["kind"]), e["target"]))


GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"

_MAP = f"""
PREFIX ckb: <{CKB_NS}>
PREFIX geo: <{GEO}>
SELECT ?city ?country (COUNT(DISTINCT ?organisation) AS ?partners)
       (SAMPLE(?lat0) AS ?lat) (SAMPLE(?long0) AS ?long) WHERE {{
  ?organisation a ckb:Organisation ; ckb:city ?city .
  OPTIONAL {{ ?city ckb:country ?country }}
  OPTIONAL {{ ?city geo:lat ?lat0 ; geo:long ?long0 }}
}} GROUP BY ?city ?country
"""


class MapPoint(TypedDict):
    city: str
    label: str
    country: str
    country_label: str
    partners: int
    lat: float | None
    long: float | None


def map_points(
    store: EmbeddedStore, langs: Sequence[str], country: str | None = None
) -> list[MapPoint]:
    """Each city our partners are in (ckb:city), with its label, country, number of partner
    organisations and, when known, its coordinates (geo:lat / geo:long): what a map draws."""
    from .labels import pick

    graphs = query_graphs(store)

    def label(iri: str) -> str:
        names = [
            o
            for p in (RDFS + "label", SKOS_NS + "prefLabel")
            for o in store.objects(iri, p, graphs)
            if isinstance(o, ox.Literal)
        ]
        chosen = pick(names, langs)
        return chosen.value if chosen else iri.rsplit("/", 1)[-1]

    points: dict[str, MapPoint] = {}
    for row in store.select(_MAP, graphs=graphs).rows:
        city, where = row["city"], row.get("country")
        if not isinstance(city, ox.NamedNode) or city.value in points:
            continue
        if country is not None and (where is None or where.value != country):
            continue
        points[city.value] = MapPoint(
            city=city.value,
            label=label(city.value),
            country=where.value if where is not None else "",
            country_label=label(where.value) if isinstance(where, ox.NamedNode) else "",
            partners=int(row["partners"].value),
            lat=_degrees(row.get("lat"), 90),
            long=_degrees(row.get("long"), 180),
        )
    return sorted(points.values(), key=lambda p: (-p["partners"], p["label"].lower()))


def _degrees(term: Term | None, bound: float) -> float | None:
    """A coordinate as a number, or None when it is absent or not a number within ±bound."""
    try:
        value = float(term.value) if term is not None else None
    except ValueError:
        return None
    return value if value is not None and -bound <= value <= bound else None


TASKS = {
    "sparql": sparql,
    "graph": graph,
    "library": library,
    "thing": thing,
    "triples_about": triples_about,
    "dump": dump,
    "ontology_terms": ontology_terms,
    "types": types,
    "library_many": library_many,
    "dataset_description": dataset_description,
    "library_services": library_services,
    "page_queries": page_queries,
    "links": links,
    "map_points": map_points,
}
