"""`clusterkb serve` as clients see it: the endpoint answers, pages render, IRIs resolve."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

PROJECT = "https://w3id.org/clusterkb/id/project/alpine-space-2014-2020--s3-4alpclusters"


def get(server, path: str, accept: str | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(server.url(path), headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_select_over_get_answers_json(live_server) -> None:
    query = urllib.parse.quote(
        "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE "
        "{ ?p a <https://w3id.org/clusterkb/ontology#Project> }"
    )
    status, headers, body = get(live_server, f"/sparql?query={query}")
    assert status == 200
    assert headers["content-type"].startswith("application/sparql-results+json")
    answer = json.loads(body)
    assert answer["results"]["bindings"][0]["n"]["value"] == "6"


def test_bad_sparql_is_400_with_line_and_column(live_server) -> None:
    query = urllib.parse.quote("SELECT * WHERE {\n ?s ?p }")
    status, _, body = get(live_server, f"/sparql?query={query}")
    assert status == 400
    assert body.startswith(b"query:2:9: SPARQL query syntax error")


def test_a_project_iri_resolves_to_html_and_turtle(live_server) -> None:
    path = PROJECT.removeprefix("https://w3id.org/clusterkb")
    status, headers, body = get(live_server, path + "?lang=de", accept="text/html")
    assert status == 200 and b"S3-4AlpClusters" in body
    assert 'rel="alternate"' in headers["link"]
    status, headers, body = get(live_server, path, accept="text/turtle")
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    assert b"ckb:hasParticipation" in body


def test_contacts_graph_is_not_served_anonymously(live_server) -> None:
    graph = urllib.parse.quote("https://w3id.org/clusterkb/graph/contacts/contacts")
    status, _, _ = get(live_server, f"/rdf-graphs?graph={graph}")
    assert status == 404


def test_downloads_hold_personal_data_only_for_the_token(live_server) -> None:
    contacts = b"<https://w3id.org/clusterkb/graph/contacts/contacts>"
    status, headers, body = get(live_server, "/data/clusterkb.nq")
    assert status == 200 and headers["content-type"].startswith("application/n-quads")
    assert b"<https://w3id.org/clusterkb/graph/sources/s001-clusterpolisee>" in body
    assert contacts not in body
    request = urllib.request.Request(
        live_server.url("/data/clusterkb.nq"),
        headers={"Authorization": f"Bearer {live_server.token}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert contacts in response.read()
    status, _, body = get(live_server, "/.well-known/void", accept="text/turtle")
    assert status == 200 and b"/data/clusterkb.nq>" in body
