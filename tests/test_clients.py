"""Real SPARQL clients against `clusterkb serve`: SPARQLWrapper, rdflib's SPARQLStore, curl and
Comunica (JavaScript, from npm). Each must get the same answers the knowledge base gives
in-process (the `kb` fixture), not merely a 200: clients send their own headers, parameters
(SPARQLWrapper adds format=json&output=json&results=json) and query forms.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, URIRef

from clusterkb.store import EmbeddedStore
from live_server import Server

CKB = "https://w3id.org/clusterkb/ontology#"
PROJECTS = f"SELECT DISTINCT ?p WHERE {{ ?p a <{CKB}Project> }}"
LABELS = f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?p ?label WHERE {{ ?p a <{CKB}Project> ; rdfs:label ?label }}"""
ASK = f"ASK {{ ?p a <{CKB}Project> }}"
CONSTRUCT = f"CONSTRUCT {{ ?p a <{CKB}Project> }} WHERE {{ ?p a <{CKB}Project> }}"
CACHE = Path(__file__).resolve().parents[1] / ".cache" / "comunica"


@pytest.fixture(scope="module")
def projects(kb: EmbeddedStore) -> set[str]:
    """The projects the knowledge base has, asked in-process: what every client must get."""
    found = {row["p"].value for row in kb.raw_query(PROJECTS)}  # type: ignore[attr-defined]
    assert len(found) == 6, found  # the curated data
    return found


@pytest.fixture(scope="module")
def labels(kb: EmbeddedStore) -> set[tuple[str, str, str]]:
    """(project, label, language) for every project label, in-process."""
    found = {
        (row["p"].value, row["label"].value, row["label"].language or "")
        for row in kb.raw_query(LABELS)  # type: ignore[attr-defined]
    }
    assert len({p for p, _, _ in found}) == 6 and any(lang for _, _, lang in found)
    return found


# -- SPARQLWrapper ---------------------------------------------------------------------------
def test_sparqlwrapper_select_json(
    live_server: Server, projects: set[str], labels: set[tuple[str, str, str]]
) -> None:
    from SPARQLWrapper import JSON, POST, SPARQLWrapper

    client = SPARQLWrapper(live_server.url("/sparql"))
    client.setReturnFormat(JSON)
    client.setQuery(PROJECTS)
    rows = client.queryAndConvert()["results"]["bindings"]  # type: ignore[index]
    assert {r["p"]["value"] for r in rows} == projects
    client.setQuery(LABELS)
    client.setMethod(POST)
    rows = client.queryAndConvert()["results"]["bindings"]  # type: ignore[index]
    got = {(r["p"]["value"], r["label"]["value"], r["label"].get("xml:lang", "")) for r in rows}
    assert got == labels


def test_sparqlwrapper_ask(live_server: Server) -> None:
    from SPARQLWrapper import JSON, XML, SPARQLWrapper

    client = SPARQLWrapper(live_server.url("/sparql"))
    client.setQuery(ASK)
    client.setReturnFormat(JSON)
    assert client.queryAndConvert() == {"head": {}, "boolean": True}
    client.setQuery(f"ASK {{ ?p a <{CKB}NoSuchClass> }}")
    client.setReturnFormat(XML)
    document = client.queryAndConvert()  # a DOM for XML answers
    assert document.getElementsByTagName("boolean")[0].firstChild.data == "false"  # type: ignore[union-attr]


def test_sparqlwrapper_construct_turtle(live_server: Server, projects: set[str]) -> None:
    from SPARQLWrapper import TURTLE, SPARQLWrapper

    client = SPARQLWrapper(live_server.url("/sparql"))
    client.setQuery(CONSTRUCT)
    client.setReturnFormat(TURTLE)
    result = client.query()
    assert result.info()["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=result.convert(), format="turtle")
    assert set(graph) == {(URIRef(p), RDF.type, URIRef(CKB + "Project")) for p in projects}


# -- rdflib ----------------------------------------------------------------------------------
def test_rdflib_sparqlstore(
    live_server: Server, projects: set[str], labels: set[tuple[str, str, str]]
) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = Graph(store=SPARQLStore(live_server.url("/sparql")))
    assert {str(row[0]) for row in graph.query(PROJECTS)} == projects
    got = {(str(p), str(label), label.language or "") for p, label in graph.query(LABELS)}
    assert got == labels
    # a triple pattern: rdflib writes the query itself
    project = URIRef(sorted(projects)[0])
    types = set(graph.objects(project, RDF.type))
    assert URIRef(CKB + "Project") in types
    assert all(isinstance(label, Literal) for _, label in graph.query(LABELS))


# -- curl ------------------------------------------------------------------------------------
def _curl(*args: str) -> bytes:
    if not shutil.which("curl"):
        pytest.skip("curl is not installed")
    done = subprocess.run(
        ["curl", "--silent", "--show-error", "--fail", "--max-time", "30", *args],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


def test_curl_get_csv(live_server: Server, projects: set[str]) -> None:
    body = _curl(
        "--get",
        "--data-urlencode",
        f"query={PROJECTS}",
        "--header",
        "Accept: text/csv",
        live_server.url("/sparql"),
    )
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    assert rows[0] == ["p"]
    assert {r[0] for r in rows[1:]} == projects and len(rows) == 7


def test_curl_post_form_and_direct(live_server: Server, labels: set[tuple[str, str, str]]) -> None:
    form = _curl(
        "--data-urlencode",
        f"query={LABELS}",
        "--header",
        "Accept: application/sparql-results+json",
        live_server.url("/sparql"),
    )
    rows = json.loads(form)["results"]["bindings"]
    got = {(r["p"]["value"], r["label"]["value"], r["label"].get("xml:lang", "")) for r in rows}
    assert got == labels
    direct = _curl(
        "--data-binary",
        LABELS,
        "--header",
        "Content-Type: application/sparql-query",
        "--header",
        "Accept: text/tab-separated-values",
        live_server.url("/sparql"),
    )
    lines = direct.decode("utf-8").splitlines()
    assert lines[0] == "?p\t?label" and len(lines) == len(labels) + 1


# -- Comunica (JavaScript) --------------------------------------------------------------------
NODE_CLIENT = """
const { QueryEngine } = require('@comunica/query-sparql');
(async () => {
  const engine = new QueryEngine();
  const stream = await engine.queryBindings(process.argv[3], {
    sources: [{ type: 'sparql', value: process.argv[2] }],
  });
  const rows = await stream.toArray();
  console.log(JSON.stringify(rows.map((b) => Object.fromEntries(
    [...b].map(([k, v]) => [k.value, { value: v.value, language: v.language || '' }])))));
})().catch((e) => { console.error(e); process.exit(1); });
"""


@pytest.fixture(scope="module")
def comunica() -> Path:
    """@comunica/query-sparql@4, installed once into .cache/comunica and kept between runs."""
    if not shutil.which("npm") or not shutil.which("node"):
        pytest.skip("npm/node are not installed: the JavaScript client is not tried")
    if not (CACHE / "node_modules" / "@comunica" / "query-sparql").is_dir():
        CACHE.mkdir(parents=True, exist_ok=True)
        if not (CACHE / "package.json").exists():  # else npm looks for a project further up
            (CACHE / "package.json").write_text(
                '{"name": "clusterkb-client-tests", "private": true}'
            )
        try:
            done = subprocess.run(
                ["npm", "install", "--prefix", str(CACHE), "--no-audit", "--no-fund",
                 "@comunica/query-sparql@4"],
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            reason = "npm install @comunica/query-sparql@4 took over 600 s (no network?)"
            print(reason)
            pytest.skip(reason)
        if done.returncode != 0:
            tail = " ".join(done.stderr.strip().splitlines()[-3:])
            reason = f"npm install @comunica/query-sparql@4 failed (no network?): {tail}"
            print(reason)
            pytest.skip(reason)
    script = CACHE / "query.cjs"
    if not script.exists() or script.read_text() != NODE_CLIENT:
        script.write_text(NODE_CLIENT)
    return script


def _comunica(script: Path, endpoint: str, query: str) -> list[dict[str, dict[str, str]]]:
    done = subprocess.run(
        ["node", str(script), endpoint, query],
        cwd=script.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_comunica_javascript_client(
    live_server: Server, comunica: Path, projects: set[str], labels: set[tuple[str, str, str]]
) -> None:
    """The labels' languages come from LANG() on the server: Comunica 4.5 itself drops language
    tags of endpoint results (its fetch-sparql-endpoint 6.2 builds literals with sparqljson-parse
    3's `literal(value, {language, direction})`, which its rdf-data-factory 1.1 reads as a
    datatype), whatever the endpoint sends."""
    endpoint = live_server.url("/sparql")
    rows = _comunica(comunica, endpoint, PROJECTS)
    assert len(rows) == 6 and {r["p"]["value"] for r in rows} == projects
    with_lang = LABELS.replace("SELECT ?p ?label", "SELECT ?p ?label (LANG(?label) AS ?lang)")
    rows = _comunica(comunica, endpoint, with_lang)
    got = {(r["p"]["value"], r["label"]["value"], r["lang"]["value"]) for r in rows}
    assert got == labels
