"""The dataset's description conforms to DCAT-AP 3.0.1 and says true things about the store."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import DCTERMS, RDF, SH

from clusterkb.dataset_description import (
    IANA,
    describe_dataset,
    export_described,
    metadata_file,
    serialise,
)
from clusterkb.export import CATALOGUE_GRAPH, FORMATS, export, export_graphs
from clusterkb.namespaces import ID, ONTOLOGY_GRAPH, ONTOLOGY_IRI, PROV
from clusterkb.settings import Settings
from clusterkb.store import EmbeddedStore

# plain namespaces: pytest's collection probes module attributes, which closed ones warn about
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
DCAT_AP = Path(__file__).resolve().parents[2] / "shared" / "conformance" / "dcat-ap-3.0.1"
BASE = "http://kb.example.org/clusterkb"
DATASET = rdflib.URIRef(ID + "dataset/clusterkb")
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
LANGUAGES = ("en", "el", "de", "pl", "cs")


def as_rdflib(triples: list[ox.Triple]) -> rdflib.Graph:
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    return rdflib.Graph().parse(data=data, format="nt")


@pytest.fixture(scope="module")
def triples(kb: EmbeddedStore, settings: Settings) -> list[ox.Triple]:
    return describe_dataset(kb, BASE, metadata=metadata_file(settings))


@pytest.fixture(scope="module")
def g(triples: list[ox.Triple]) -> rdflib.Graph:
    return as_rdflib(triples)


@pytest.fixture(scope="module")
def dcat_ap_shapes() -> rdflib.Graph:
    """The official shapes (shapes.ttl: cardinalities, range.ttl: classes), read offline."""
    if not DCAT_AP.is_dir():
        pytest.skip(f"{DCAT_AP} is absent: the shared folder sits beside the clone in CI")
    shapes = rdflib.Graph()
    for name in ("shapes.ttl", "range.ttl"):
        shapes.parse(DCAT_AP / name, format="turtle")
    return shapes


def validate(data: rdflib.Graph, shapes: rdflib.Graph) -> tuple[bool, list[rdflib.Node]]:
    import pyshacl

    conforms, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", do_owl_imports=False, allow_warnings=True
    )
    assert isinstance(report, rdflib.Graph)
    results = list(report.subjects(RDF.type, SH.ValidationResult))
    return bool(conforms), [report.value(r, SH.resultSeverity) for r in results]


def test_conforms_to_dcat_ap_3(g: rdflib.Graph, dcat_ap_shapes: rdflib.Graph) -> None:
    conforms, severities = validate(g, dcat_ap_shapes)
    assert conforms, severities
    assert severities == []


def test_the_shapes_do_reach_the_description(g: rdflib.Graph, dcat_ap_shapes: rdflib.Graph) -> None:
    """A guard that the validation above checks something: break it twice, see it fail."""
    broken = rdflib.Graph()
    for t in g:
        broken.add(t)
    licence = g.value(DATASET, DCTERMS.license)
    broken.remove((licence, RDF.type, DCTERMS.LicenseDocument))  # range.ttl
    broken.remove((DATASET, DCTERMS.title, None))  # shapes.ttl
    conforms, severities = validate(broken, dcat_ap_shapes)
    assert not conforms
    # the licence of each distribution and of the service (range.ttl types no dataset's); the title
    assert severities.count(SH.Violation) == 7 + 1 + 1


def test_statistics_are_the_stores(g: rdflib.Graph, kb: EmbeddedStore) -> None:
    graphs = export_graphs(kb)
    quads = list(kb.quads(graphs))
    assert int(g.value(DATASET, VOID.triples)) == sum(kb.size(x) for x in graphs) == len(quads)
    subjects = {q.subject for q in quads}
    assert int(g.value(DATASET, VOID.distinctSubjects)) == len(subjects)
    assert int(g.value(DATASET, VOID.distinctObjects)) == len({q.object for q in quads})
    assert int(g.value(DATASET, VOID.properties)) == len({q.predicate for q in quads})
    classes = {q.object for q in quads if q.predicate.value == str(RDF.type)}
    assert int(g.value(DATASET, VOID.classes)) == len(classes)
    entities = {s for s in subjects if s.value.startswith(ID)}
    assert int(g.value(DATASET, VOID.entities)) == len(entities) > 100
    assert str(g.value(DATASET, VOID.uriSpace)) == ID
    subsets = set(g.objects(DATASET, VOID.subset))
    assert {str(s) for s in subsets} == set(graphs)
    for subset in subsets:
        assert int(g.value(subset, VOID.triples)) == kb.size(str(subset))
    vocabularies = {str(v) for v in g.objects(DATASET, VOID.vocabulary)}
    assert {str(DCTERMS), str(RDF), "https://w3id.org/clusterkb/ontology#"} <= vocabularies


def test_each_source_graph_names_its_source_document(g: rdflib.Graph, kb: EmbeddedStore) -> None:
    derived = {
        q.subject.value: q.object.value
        for q in kb.match(None, ox.NamedNode(PROV + "wasDerivedFrom"), None, export_graphs(kb))
    }
    sources = {str(s): str(o) for s, o in g.subject_objects(DCTERMS.source)}
    assert len(sources) >= 5
    assert sources == {k: v for k, v in derived.items() if k in sources}
    assert all(k.startswith("https://w3id.org/clusterkb/graph/sources/") for k in sources)


def test_seven_distributions_one_per_export_format(g: rdflib.Graph, kb: EmbeddedStore) -> None:
    distributions = set(g.objects(DATASET, DCAT.distribution))
    assert len(distributions) == len(FORMATS) == 7
    media_types = {str(g.value(d, DCAT.mediaType)) for d in distributions}
    assert media_types == {IANA + media_type for _, media_type in FORMATS.values()}
    licence = kb.objects(ONTOLOGY_IRI, str(DCTERMS.license), [ONTOLOGY_GRAPH.value])
    assert [str(g.value(DATASET, DCTERMS.license))] == [t.value for t in licence]
    for d in distributions:
        assert str(g.value(d, DCTERMS.format)).startswith(FILE_TYPE)
        assert str(g.value(d, DCAT.accessURL)) == BASE + "/"
        assert g.value(d, DCTERMS.license) == g.value(DATASET, DCTERMS.license)
    turtle = next(d for d in distributions if str(g.value(d, DCAT.mediaType)).endswith("/turtle"))
    assert str(g.value(turtle, DCTERMS.format)) == FILE_TYPE + "RDF_TURTLE"


def test_titles_descriptions_and_keywords_in_each_language(g: rdflib.Graph) -> None:
    for prop in (DCTERMS.title, DCTERMS.description, DCAT.keyword):
        langs = {o.language for o in g.objects(DATASET, prop) if isinstance(o, rdflib.Literal)}
        assert set(LANGUAGES) <= langs, prop


def test_endpoint_service_coverage_and_contact(g: rdflib.Graph, kb: EmbeddedStore) -> None:
    assert str(g.value(DATASET, VOID.sparqlEndpoint)) == BASE + "/sparql"
    (service,) = g.subjects(RDF.type, DCAT.DataService)
    assert str(g.value(service, DCAT.endpointURL)) == BASE + "/sparql"
    assert g.value(service, DCAT.servesDataset) == DATASET
    countries = {str(c).rsplit("/", 1)[1] for c in g.objects(DATASET, DCTERMS.spatial)}
    assert {"GRC", "ITA", "CZE", "POL", "AUT"} <= countries
    temporal = g.value(DATASET, DCTERMS.temporal)
    assert str(g.value(temporal, DCAT.startDate)) == "2007-01-01"
    assert str(g.value(temporal, DCAT.endDate)) == "2020-12-31"
    contact = g.value(DATASET, DCAT.contactPoint)
    url = str(g.value(contact, rdflib.URIRef("http://www.w3.org/2006/vcard/ns#hasURL")))
    assert url.startswith("https://") and "@" not in url  # a tracker, not a person's address
    for example in g.objects(DATASET, VOID.exampleResource):
        assert list(kb.match(ox.NamedNode(str(example)), None, None, export_graphs(kb)))


def test_download_addresses_when_a_deployment_publishes_them(
    kb: EmbeddedStore, settings: Settings
) -> None:
    triples = describe_dataset(
        kb, BASE + "/", metadata=metadata_file(settings), downloads={"nq": "dumps/clusterkb.nq"}
    )
    g = as_rdflib(triples)
    url = rdflib.URIRef(BASE + "/dumps/clusterkb.nq")
    (distribution,) = g.subjects(DCAT.downloadURL, url)
    assert str(g.value(distribution, DCAT.mediaType)) == IANA + "application/n-quads"
    assert (DATASET, VOID.dataDump, url) in g


def test_exports_carry_the_description_only_when_asked(
    kb: EmbeddedStore, settings: Settings
) -> None:
    plain = export(kb, "nq", context_file=settings.context_file).decode("utf-8")
    assert CATALOGUE_GRAPH not in plain
    described = export_described(
        kb, "nq", BASE, context_file=settings.context_file, metadata=metadata_file(settings)
    )
    ds = rdflib.Dataset()
    ds.parse(data=described.decode("utf-8"), format="nquads")
    catalogue = ds.graph(rdflib.URIRef(CATALOGUE_GRAPH))
    assert (DATASET, RDF.type, DCAT.Dataset) in catalogue
    assert int(catalogue.value(DATASET, VOID.triples)) == len(plain.splitlines())
    assert not any("/graph/contacts/" in str(x) for x in catalogue.objects(None, VOID.subset))
    turtle = export_described(kb, "ttl", BASE, context_file=settings.context_file)
    merged = rdflib.Graph().parse(data=turtle.decode("utf-8"), format="turtle")
    assert (DATASET, VOID.sparqlEndpoint, rdflib.URIRef(BASE + "/sparql")) in merged


@pytest.mark.parametrize("fmt", ["ttl", "jsonld", "nt", "xml"])
def test_every_graph_format_reads_back(
    fmt: str, triples: list[ox.Triple], settings: Settings
) -> None:
    names = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt", "xml": "xml"}
    data = serialise(triples, fmt, settings.context_file).decode("utf-8")
    back = rdflib.Graph().parse(data=data, format=names[fmt])
    assert len(back) == len(set(triples))


def _get(url: str, accept: str) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.headers.get("Content-Type", ""), response.read()


def test_live_server_serves_the_description(live_server) -> None:
    status, kind, body = _get(live_server.url("/.well-known/void"), "text/turtle")
    assert status == 200 and kind.startswith("text/turtle")
    g = rdflib.Graph().parse(data=body.decode("utf-8"), format="turtle")
    endpoint = g.value(DATASET, VOID.sparqlEndpoint)
    assert str(endpoint) == live_server.url("/sparql")
    assert int(g.value(DATASET, VOID.triples)) > 1000
    _, kind, body = _get(live_server.url("/.well-known/void"), "application/ld+json")
    assert kind.startswith("application/ld+json")
    assert len(rdflib.Graph().parse(data=body.decode("utf-8"), format="json-ld")) == len(g)
    _, kind, body = _get(live_server.url("/.well-known/void"), "text/html,*/*;q=0.8")
    assert kind.startswith("text/html") and b"clusterkb" in body
