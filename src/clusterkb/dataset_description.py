"""The dataset's own description in DCAT-AP 3 and VoID.

Two halves, so that neither restates the other: the fixed metadata (titles, keywords, publisher,
contact point, distributions, the SPARQL service) is a knowledge file, `catalogue/dataset.ttl`;
what the built store knows is computed here (statistics, one `void:subset` per named graph with
the source document it comes from, the countries, languages and period the data covers, the
licence the ontology declares). The file's relative IRIs are the publishing server's addresses,
resolved against its base URL, so one file serves every deployment.

Catalogue readers need class information about the IRIs used (DCAT-AP's range shapes want, for
example, a `dcterms:license` object to be a `dcterms:LicenseDocument`), so the description says
it itself: nobody has to fetch the EU authority tables to validate it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pyoxigraph as ox

from .errors import InputError
from .export import FORMATS, export, export_graphs, load_context, to_jsonld
from .namespaces import (
    CKB,
    DCTERMS,
    ID,
    ONTOLOGY_GRAPH,
    ONTOLOGY_IRI,
    PROV,
    RDF_TYPE,
    TURTLE_PREFIXES,
    XSD,
)
from .settings import Settings
from .store import EmbeddedStore, Term

DESCRIPTION_FILE = Path("catalogue") / "dataset.ttl"

DCAT = "http://www.w3.org/ns/dcat#"
VOID = "http://rdfs.org/ns/void#"
DCATAP = "http://data.europa.eu/r5r/"
IANA = "http://www.iana.org/assignments/media-types/"

_USED = (
    "rdf rdfs xsd owl skos dcterms foaf vcard prov ckb country language project organisation"
    " theme source"
)
PREFIXES: dict[str, str] = {
    **{name: TURTLE_PREFIXES[name] for name in _USED.split()},
    "dcat": DCAT,
    "dcatap": DCATAP,
    "void": VOID,
    "dataset": ID + "dataset/",
    "distribution": ID + "distribution/",
    "service": ID + "service/",
    "agent": ID + "agent/",
    "datatheme": "http://publications.europa.eu/resource/authority/data-theme/",
    "filetype": "http://publications.europa.eu/resource/authority/file-type/",
}


def _iri(local: str, ns: str = VOID) -> ox.NamedNode:
    return ox.NamedNode(ns + local)


def _integer(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=ox.NamedNode(XSD + "integer"))


def metadata_file(settings: Settings) -> Path:
    return settings.root / DESCRIPTION_FILE


def read_metadata(path: Path, base_url: str) -> list[ox.Triple]:
    """The knowledge file, its relative IRIs resolved against the server's base URL."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(
            f"the base URL {base_url!r} is not an absolute http(s) URL",
            fix="give the server's address, e.g. http://127.0.0.1:8000/",
        )
    base = base_url.split("?", 1)[0].split("#", 1)[0].rstrip("/") + "/"
    try:
        quads = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=base)
        return [q.triple for q in quads]
    except FileNotFoundError as exc:
        raise InputError(
            "the dataset's metadata file is missing", path=path, fix=f"restore {DESCRIPTION_FILE}"
        ) from exc
    except SyntaxError as exc:
        raise InputError(f"the dataset's metadata file does not parse: {exc}", path=path) from exc


@dataclass(frozen=True)
class Statistics:
    """VoID statistics of a set of named graphs (triples counted per graph, as a quad dump
    holds them; the distinct counts over their union)."""

    graphs: dict[str, tuple[int, int]]  # graph -> (triples, distinct subjects)
    entities: int
    distinct_subjects: int
    distinct_objects: int
    classes: list[str] = field(default_factory=list)
    properties: list[str] = field(default_factory=list)

    @property
    def triples(self) -> int:
        return sum(triples for triples, _ in self.graphs.values())

    @property
    def vocabularies(self) -> list[str]:
        """Namespaces of the classes and properties used (VoID: the vocabularies)."""
        spaces = set()
        for term in (*self.classes, *self.properties):
            cut = max(term.rfind("#"), term.rfind("/"))
            if cut > 0:
                spaces.add(term[: cut + 1])
        return sorted(spaces)


_PER_GRAPH = """
SELECT ?g (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects)
WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g
"""
_DISTINCT = """
SELECT (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects) WHERE { ?s ?p ?o }
"""
_ENTITIES = """
SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?s), ?space)) }
"""
_CLASSES = "SELECT DISTINCT ?term WHERE { ?s a ?term FILTER(isIRI(?term)) }"
_PROPERTIES = "SELECT DISTINCT ?term WHERE { ?s ?term ?o }"


def statistics(store: EmbeddedStore, graphs: Sequence[str], uri_space: str = ID) -> Statistics:
    """Counts only (COUNT, COUNT DISTINCT), each one pass inside the store."""
    per_graph = {g: (0, 0) for g in graphs}
    for row in store.select(_PER_GRAPH, graphs=graphs).rows:
        per_graph[row["g"].value] = (int(row["triples"].value), int(row["subjects"].value))
    distinct = store.select(_DISTINCT, graphs=graphs).rows[0]
    space = {"space": ox.Literal(uri_space)}
    entities = store.select(_ENTITIES, space, graphs=graphs).rows[0]
    return Statistics(
        graphs=per_graph,
        entities=int(entities["n"].value),
        distinct_subjects=int(distinct["subjects"].value),
        distinct_objects=int(distinct["objects"].value),
        classes=sorted(r["term"].value for r in store.select(_CLASSES, graphs=graphs).rows),
        properties=sorted(r["term"].value for r in store.select(_PROPERTIES, graphs=graphs).rows),
    )


_SOURCES = f"""
SELECT ?g ?source WHERE {{
  GRAPH ?g {{ ?g <{PROV}wasDerivedFrom> ?source . ?source a <{CKB}SourceDocument> }}
}}
"""
_COUNTRIES = f"SELECT DISTINCT ?place WHERE {{ ?x <{CKB}country> ?place FILTER(isIRI(?place)) }}"
_LANGUAGES = f"""
SELECT DISTINCT ?language WHERE {{
  ?doc a <{CKB}SourceDocument> ; <{DCTERMS}language> ?language FILTER(isIRI(?language))
}}
"""
_PERIOD = f"""
SELECT (MIN(?start) AS ?from) (MAX(?end) AS ?to) WHERE {{
  ?period a <{CKB}ProgrammingPeriod> ; <{CKB}startDate> ?start ; <{CKB}endDate> ?end
}}
"""


def _the_dataset(fixed: Sequence[ox.Triple]) -> ox.NamedNode:
    found = {
        t.subject
        for t in fixed
        if t.predicate == RDF_TYPE and t.object == _iri("Dataset", DCAT)
        if isinstance(t.subject, ox.NamedNode)
    }
    if len(found) != 1:
        raise InputError(
            f"the dataset's metadata must describe one dcat:Dataset, not {len(found)}",
            path=str(DESCRIPTION_FILE),
        )
    return found.pop()


def _objects(fixed: Iterable[ox.Triple], subject: Term, predicate: ox.NamedNode) -> list[Term]:
    return [t.object for t in fixed if t.subject == subject and t.predicate == predicate]


def _subjects_of_type(fixed: Iterable[ox.Triple], cls: ox.NamedNode) -> list[Term]:
    return [t.subject for t in fixed if t.predicate == RDF_TYPE and t.object == cls]


def describe_dataset(
    store: EmbeddedStore,
    base_url: str,
    *,
    metadata: Path | None = None,
    graphs: Sequence[str] | None = None,
    downloads: Mapping[str, str] | None = None,
) -> list[ox.Triple]:
    """The description of the public dataset as served at `base_url`.

    `graphs` are the named graphs the dataset consists of: by default what `clusterkb export`
    writes (no personal data, no derived graphs), so that the statistics describe the
    distributions. `downloads` maps an export format (`ttl`, `nq`, ...) to the address, relative
    to `base_url` or absolute, where a deployment publishes that export; without one a
    distribution is reached from the landing page only (its access URL).
    """
    base = base_url.split("?", 1)[0].split("#", 1)[0].rstrip("/") + "/"
    fixed = read_metadata(metadata or metadata_file(Settings()), base)
    dataset = _the_dataset(fixed)
    chosen = list(graphs) if graphs is not None else export_graphs(store)
    spaces = _objects(fixed, dataset, _iri("uriSpace"))
    stats = statistics(store, chosen, spaces[0].value if spaces else ID)
    out: list[ox.Triple] = list(fixed)

    def add(s: Term, p: ox.NamedNode, o: Term) -> None:
        assert not isinstance(s, ox.Literal), f"a literal cannot be a subject: {s}"
        out.append(ox.Triple(s, p, o))

    a = RDF_TYPE
    # -- statistics -----------------------------------------------------------------------------
    for name, value in (
        ("triples", stats.triples),
        ("entities", stats.entities),
        ("classes", len(stats.classes)),
        ("properties", len(stats.properties)),
        ("distinctSubjects", stats.distinct_subjects),
        ("distinctObjects", stats.distinct_objects),
    ):
        add(dataset, _iri(name), _integer(value))
    for vocabulary in stats.vocabularies:
        add(dataset, _iri("vocabulary"), ox.NamedNode(vocabulary))
    sources = {r["g"].value: r["source"] for r in store.select(_SOURCES, graphs=chosen).rows}
    for graph, (triples, subjects) in sorted(stats.graphs.items()):
        subset = ox.NamedNode(graph)
        add(dataset, _iri("subset"), subset)
        add(subset, a, _iri("Dataset"))
        add(subset, _iri("triples"), _integer(triples))
        add(subset, _iri("distinctSubjects"), _integer(subjects))
        if graph in sources:
            add(subset, _iri("source", DCTERMS), sources[graph])
    # -- coverage -------------------------------------------------------------------------------
    for row in store.select(_COUNTRIES, graphs=chosen).rows:
        add(dataset, _iri("spatial", DCTERMS), row["place"])
        add(row["place"], a, _iri("Location", DCTERMS))
    for row in store.select(_LANGUAGES, graphs=chosen).rows:
        add(dataset, _iri("language", DCTERMS), row["language"])
    for language in _objects(out, dataset, _iri("language", DCTERMS)):
        add(language, a, _iri("LinguisticSystem", DCTERMS))
    period = store.select(_PERIOD, graphs=chosen).rows
    if period and "from" in period[0] and "to" in period[0]:
        temporal = ox.NamedNode(dataset.value + "#temporal")
        add(dataset, _iri("temporal", DCTERMS), temporal)
        add(temporal, a, _iri("PeriodOfTime", DCTERMS))
        add(temporal, _iri("startDate", DCAT), period[0]["from"])
        add(temporal, _iri("endDate", DCAT), period[0]["to"])
    # -- licence: as declared for the data, else the ontology's ----------------------------------
    licences = _objects(fixed, dataset, _iri("license", DCTERMS)) or sorted(
        store.objects(ONTOLOGY_IRI, DCTERMS + "license", [ONTOLOGY_GRAPH.value]),
        key=lambda term: term.value,
    )
    if licences:
        licence = licences[0]
        distributions = _objects(fixed, dataset, _iri("distribution", DCAT))
        services = _subjects_of_type(fixed, _iri("DataService", DCAT))
        for resource in (dataset, *distributions, *services):
            if not _objects(fixed, resource, _iri("license", DCTERMS)):
                add(resource, _iri("license", DCTERMS), licence)
        add(licence, a, _iri("LicenseDocument", DCTERMS))
    # -- where a deployment publishes the exports -----------------------------------------------
    for fmt, address in (downloads or {}).items():
        if fmt not in FORMATS:
            raise InputError(
                f"unknown export format {fmt!r}", fix="use one of " + ", ".join(FORMATS)
            )
        media_type = ox.NamedNode(IANA + FORMATS[fmt][1])
        url = ox.NamedNode(urljoin(base, address))
        for t in fixed:
            if t.predicate == _iri("mediaType", DCAT) and t.object == media_type:
                add(t.subject, _iri("downloadURL", DCAT), url)
                add(dataset, _iri("dataDump"), url)
    return sorted(
        set(out),
        key=lambda t: (t.subject != dataset, str(t.subject), str(t.predicate), str(t.object)),
    )


def serialise(triples: Sequence[ox.Triple], fmt: str, context_file: Path) -> bytes:
    """The description in one of the graph formats (`media.GRAPHS` names)."""
    if fmt == "jsonld":  # compacted with our own context, never a remote one
        return to_jsonld(triples, load_context(context_file))
    rdf = {
        "ttl": ox.RdfFormat.TURTLE,
        "nt": ox.RdfFormat.N_TRIPLES,
        "xml": ox.RdfFormat.RDF_XML,
    }.get(fmt)
    if rdf is None:
        raise InputError(
            f"the description is not written as {fmt!r}", fix="use ttl, jsonld, nt, xml"
        )
    if rdf is ox.RdfFormat.N_TRIPLES:
        return ox.serialize(triples, format=rdf)
    return ox.serialize(triples, format=rdf, prefixes=PREFIXES)


def export_described(
    store: EmbeddedStore,
    fmt: str,
    base_url: str,
    *,
    context_file: Path,
    metadata: Path | None = None,
    inferred: bool = False,
    downloads: Mapping[str, str] | None = None,
) -> bytes:
    """An export with its description, both of the same public graphs (never personal data):
    what `clusterkb export --with-description BASE_URL` is meant to write."""
    graphs = export_graphs(store, inferred=inferred)
    description = describe_dataset(
        store, base_url, metadata=metadata, graphs=graphs, downloads=downloads
    )
    return export(store, fmt, context_file=context_file, graphs=graphs, description=description)
