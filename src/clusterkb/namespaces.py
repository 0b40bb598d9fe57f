"""Every namespace the code names, declared once."""

from __future__ import annotations

from pyoxigraph import NamedNode

CKB = "https://w3id.org/clusterkb/ontology#"
ID = "https://w3id.org/clusterkb/id/"
GRAPH = "https://w3id.org/clusterkb/graph/"
ONTOLOGY_IRI = "https://w3id.org/clusterkb/ontology"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SH = "http://www.w3.org/ns/shacl#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "https://schema.org/"
ORG = "http://www.w3.org/ns/org#"
EURIO = "http://data.europa.eu/s66#"
VCARD = "http://www.w3.org/2006/vcard/ns#"
FOAF = "http://xmlns.com/foaf/0.1/"
COUNTRY = "http://publications.europa.eu/resource/authority/country/"
CURRENCY = "http://publications.europa.eu/resource/authority/currency/"
LANGUAGE = "http://publications.europa.eu/resource/authority/language/"

PREFIXES: dict[str, str] = {
    "ckb": CKB,
    "id": ID,
    "graph": GRAPH,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "sh": SH,
    "dcterms": DCTERMS,
    "prov": PROV,
    "schema": SCHEMA,
    "org": ORG,
    "eurio": EURIO,
    "vcard": VCARD,
    "foaf": FOAF,
    "country": COUNTRY,
    "currency": CURRENCY,
    "language": LANGUAGE,
}

# For writing Turtle: a prefix per kind of thing, so that names read "project:med-2007-2013--x"
# (a prefixed name cannot hold "/" unescaped, so "id:project/..." would print as "id:project\/...").
ID_TYPES = (
    "project",
    "programme",
    "period",
    "axis",
    "objective",
    "thematic-objective",
    "investment-priority",
    "call",
    "organisation",
    "participation",
    "funding-line",
    "amount",
    "role",
    "fund",
    "funding-kind",
    "legal-status",
    "city",
    "region",
    "venue",
    "event",
    "initiative",
    "output",
    "work-package",
    "count",
    "theme",
    "scheme",
    "source",
    "contact",
)
TURTLE_PREFIXES: dict[str, str] = {
    **{k: v for k, v in PREFIXES.items() if k not in ("id", "graph")},
    **{t.replace("-", ""): f"{ID}{t}/" for t in ID_TYPES},
}

# Named graphs that the build derives (never loaded from files).
INFERRED_OWL = NamedNode(GRAPH + "inferred/owl-rl")
INFERRED_SCHEMA = NamedNode(GRAPH + "inferred/schema-org")
INFERRED_SEARCH = NamedNode(GRAPH + "inferred/search")
BUILD_GRAPH = NamedNode(GRAPH + "build")
ONTOLOGY_GRAPH = NamedNode(GRAPH + "ontology")
SHAPES_GRAPH = NamedNode(GRAPH + "shapes")
CONTACTS_PREFIX = GRAPH + "contacts/"
INFERRED_PREFIX = GRAPH + "inferred/"

RDFS_LABEL = NamedNode(RDFS + "label")
RDF_TYPE = NamedNode(RDF + "type")


def shorten(iri: str) -> str:
    """Write an IRI as prefix:local when a known namespace covers it, for people to read."""
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
            best = prefix
    if best:
        local = iri[len(PREFIXES[best]) :]
        if local and all(c.isalnum() or c in "-_./" for c in local):
            return f"{best}:{local}"
    return iri


def sparql_prefixes() -> str:
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
