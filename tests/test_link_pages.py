"""Pages show the links to other datasets with their provenance, the exports carry the link
graphs, and /map draws the partners on an outline of Europe from our own coordinates.

The links and coordinates here are the test's own (written into a copy of the knowledge base,
as data/links/*.ttl and a vocabulary file), so the tests hold whatever links the real data has.
"""

from __future__ import annotations

import re
import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from clusterkb.cli import main
from live_server import Server, knowledge_root, start

EVIL = "<script>alert(1)</script>"
ORG = "/id/organisation/university-of-patras"
LINK_GRAPH = "https://w3id.org/clusterkb/graph/links/wikidata"

PREFIXES = """\
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix geo: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
@prefix ckb: <https://w3id.org/clusterkb/ontology#> .
@prefix organisation: <https://w3id.org/clusterkb/id/organisation/> .
@prefix project: <https://w3id.org/clusterkb/id/project/> .
@prefix city: <https://w3id.org/clusterkb/id/city/> .
@prefix region: <https://w3id.org/clusterkb/id/region/> .
@prefix country: <http://publications.europa.eu/resource/authority/country/> .
@prefix wd: <http://www.wikidata.org/entity/> .
@prefix method: <https://w3id.org/clusterkb/id/test-link-method/> .
"""

FILES = {
    "links/wikidata.ttl": """
organisation:university-of-patras owl:sameAs wd:Q990001 .
country:GRC owl:sameAs wd:Q41 .
[] a ckb:LinkRecord ; ckb:linkSubject organisation:university-of-patras ;
   ckb:linkPredicate owl:sameAs ; ckb:linkTarget wd:Q990001 ;
   ckb:linkMethod method:label-match ; ckb:linkScore "0.93"^^xsd:decimal .
""",
    "links/geonames.ttl": """
city:gr-patra owl:sameAs <https://sws.geonames.org/255683/> .
[] a ckb:LinkRecord ; ckb:linkSubject city:gr-patra ; ckb:linkPredicate owl:sameAs ;
   ckb:linkTarget <https://sws.geonames.org/255683/> ; ckb:linkMethod "by hand" .
""",
    "links/nuts.ttl": """
region:el30 skos:exactMatch <http://data.europa.eu/nuts/code/EL30> .
[] a ckb:LinkRecord ; ckb:linkSubject region:el30 ; ckb:linkPredicate skos:exactMatch ;
   ckb:linkTarget <http://data.europa.eu/nuts/code/EL30> ; ckb:linkMethod method:evil ;
   ckb:linkScore "1"^^xsd:decimal .
""",
    "links/keep.ttl": """
project:med-2007-2013--2insclusters rdfs:seeAlso <https://keep.eu/projects/1234/> .
""",
    "links/odd.ttl": """
organisation:university-of-patras rdfs:seeAlso <https://example.org/?q=%3Cscript%3E&x=1> .
""",
    "vocab/test-link-methods.ttl": f"""
method:label-match rdfs:label "Name and city match"@en , "Übereinstimmung von Name und Ort"@de ;
   skos:definition "{EVIL}"@en .
method:evil rdfs:label "{EVIL}"@en .
""",
    "vocab/test-coordinates.ttl": """
city:gr-patra geo:lat "38.2466"^^xsd:decimal ; geo:long "21.7346"^^xsd:decimal .
city:gr-athina geo:lat "37.9838"^^xsd:decimal ; geo:long "23.7275"^^xsd:decimal .
city:it-milano geo:lat "45.4642"^^xsd:decimal ; geo:long "9.19"^^xsd:decimal .
city:at-linz geo:lat "48.3069"^^xsd:decimal ; geo:long "14.2858"^^xsd:decimal .
city:fr-marseille geo:lat "43.2965"^^xsd:decimal ; geo:long "5.3698"^^xsd:decimal .
""",
}


def links_root(tmp: Path) -> Path:
    """A copy of the knowledge base with the links and coordinates above (and no others, so
    that what the tests count does not change with the curated links)."""
    root = knowledge_root(tmp)
    shutil.rmtree(root / "data" / "links", ignore_errors=True)
    (root / "data" / "vocab" / "geonames-places.ttl").unlink(missing_ok=True)
    for name, body in FILES.items():
        path = root / "data" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(PREFIXES + body, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return links_root(tmp_path_factory.mktemp("links"))


@pytest.fixture(scope="module")
def server(root: Path) -> Iterator[Server]:
    running = start(root=root)
    yield running
    running.stop()


def get(server: Server, path: str) -> str:
    request = urllib.request.Request(server.url(path), headers={"Accept": "text/html"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status == 200
            return response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        raise AssertionError(f"{path}: {exc.code} {exc.read()[:300]!r}") from exc


def links_section(body: str) -> str:
    found = re.search(r'<section class="links" id="links">.*?</section>', body, re.S)
    assert found, "no Links section"
    return found.group(0)


class Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.anchors: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.anchors.append(dict(attrs))


# -- the Links section ----------------------------------------------------------------------


def test_an_organisation_page_lists_its_links_with_their_provenance(server: Server) -> None:
    section = links_section(get(server, ORG + "?lang=en"))
    row = re.search(r'<tr class="link-wikidata">(.*?)</tr>', section, re.S)
    assert row, section
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    assert cells[0] == "Wikidata"
    assert "http://www.wikidata.org/entity/Q990001" in cells[1]
    assert cells[2] == "<code>owl:sameAs</code>"
    assert cells[3] == "Name and city match" and cells[4] == "0.93"
    assert cells[5] == "graph:links/wikidata"
    anchors = Anchors()
    anchors.feed(section)
    assert anchors.anchors
    for a in anchors.anchors:  # every outside link: not followed by robots, no opener
        assert a["rel"] == "nofollow noopener", a
        assert (a["href"] or "").startswith(("http://", "https://"))
    other = re.search(r'<tr class="link-other">(.*?)</tr>', section, re.S)
    assert other and "https://example.org/?q=%3Cscript%3E&amp;x=1" in other.group(1)


def test_links_follow_the_reader_language(server: Server) -> None:
    section = links_section(get(server, ORG + "?lang=de"))
    assert "Verknüpfungen mit anderen Datensätzen" in section
    assert "Übereinstimmung von Name und Ort" in section and "0,93" in section


def test_city_region_project_and_country_pages_show_their_links(server: Server) -> None:
    city = links_section(get(server, "/id/city/gr-patra?lang=en"))
    assert "GeoNames" in city and 'href="https://sws.geonames.org/255683/"' in city
    assert "by hand" in city
    region = links_section(get(server, "/id/region/el30?lang=en"))
    assert "NUTS" in region and "http://data.europa.eu/nuts/code/EL30" in region
    assert EVIL not in region and "&lt;script&gt;alert(1)&lt;/script&gt;" in region  # escaped
    assert "1.00" in region
    project = links_section(get(server, "/id/project/med-2007-2013--2insclusters?lang=en"))
    assert "keep.eu" in project and "https://keep.eu/projects/1234/" in project
    country = links_section(get(server, "/country/GRC?lang=en"))
    assert "http://www.wikidata.org/entity/Q41" in country


def test_a_page_without_links_has_no_links_section(server: Server) -> None:
    body = get(server, "/id/organisation/business-upper-austria?lang=en")
    assert '<section class="links"' not in body


# -- exports --------------------------------------------------------------------------------


def test_the_n_quads_export_holds_the_link_graphs(
    root: Path, server: Server, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    out = tmp_path / "all.nq"
    assert main(["export", "--root", str(root), "--format", "nq", "-o", str(out)]) == 0
    capsys.readouterr()
    quads = out.read_text(encoding="utf-8")
    assert (
        "<https://w3id.org/clusterkb/id/organisation/university-of-patras> "
        "<http://www.w3.org/2002/07/owl#sameAs> <http://www.wikidata.org/entity/Q990001> "
        f"<{LINK_GRAPH}> ."
    ) in quads
    assert "<https://w3id.org/clusterkb/graph/links/geonames> ." in quads
    with urllib.request.urlopen(server.url("/data/clusterkb.nq"), timeout=120) as response:
        served = response.read().decode("utf-8")
    assert f"<{LINK_GRAPH}> ." in served


# -- the map --------------------------------------------------------------------------------


def test_the_map_draws_partner_cities_from_our_coordinates(server: Server) -> None:
    body = get(server, "/map?lang=en")
    svg = re.search(r'<svg[^>]*id="chart-map".*?</svg>', body, re.S)
    assert svg, "no map"
    drawn = svg.group(0)
    assert drawn.count('<path class="country"') > 30  # the outline of Europe
    titles = re.findall(r"<circle[^>]*><title>(.*?)</title></circle>", drawn)
    assert "Patras — partner organisations: 2" in titles
    assert "Milan — partner organisations: 2" in titles
    assert len(titles) == 4  # a dot per city with coordinates and partners (not Athens: none)
    assert not re.search(r'(href|src)="(https?:)?//', body)  # no tiles, nothing from elsewhere
    table = re.search(r'<table class="numbers map-table">.*?</table>', body, re.S)
    assert table and "Ljubljana" in table.group(0)  # drawn or not, every city is a row
    assert "38.25, 21.73" in table.group(0)


def test_a_country_page_maps_its_partners(server: Server) -> None:
    body = get(server, "/country/GRC?lang=el")
    svg = re.search(r'<svg[^>]*id="chart-map".*?</svg>', body, re.S)
    assert svg
    titles = re.findall(r"<title>([^<]*οργανισμοί εταίροι[^<]*)</title>", svg.group(0))
    assert titles and all("Πάτρα" in t or "Αθήνα" in t for t in titles)
