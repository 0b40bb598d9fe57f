"""`clusterkb serve` as an attacker and a crowd see it, over real HTTP on 127.0.0.1.

- zero egress: no request of any kind makes the server contact another machine (a canary HTTP
  server records every request it gets), and no query reads a local file;
- a runaway query is stopped at the timeout, its process killed and replaced, while the other
  worker answers; the row cap cuts answers and says so;
- limits: 413 (also chunked), 414, 429 with Retry-After, 400 with line and column;
- pages escape markup from the data; personal data (contacts) is for token holders only, and
  the answer cache never hands a private answer to an anonymous request;
- a bounded mixed load is served without errors.
"""

from __future__ import annotations

import http.client
import http.server
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from typing import ClassVar

import pytest

from live_server import TOKEN, Server, knowledge_root, start

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import load_test  # noqa: E402

CONTACTS = "https://w3id.org/clusterkb/graph/contacts/contacts"
CONTACT = "/id/contact/2insclusters-attica-1"
EMAIL = "k.triposkoufis@attica.gr"
EMAILS = "SELECT ?e WHERE { ?c <http://www.w3.org/2006/vcard/ns#hasEmail> ?e }"
PROJECT = "/id/project/alpine-space-2014-2020--s3-4alpclusters"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # 10^4 cubed


Reply = tuple[int, Message, bytes]


def fetch(
    server: Server,
    path: str,
    headers: dict[str, str] | None = None,
    data: bytes | None = None,
    method: str | None = None,
) -> Reply:
    request = urllib.request.Request(server.url(path), data, headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def sparql(
    server: Server, query: str, headers: dict[str, str] | None = None, **params: str
) -> Reply:
    """GET /sparql?query=... (and protocol parameters, `_` spelled `-`)."""
    pairs = [("query", query), *((k.replace("_", "-"), v) for k, v in params.items())]
    return fetch(server, "/sparql?" + urllib.parse.urlencode(pairs), headers)


def unique(query: str) -> str:
    """The query with a comment that no other request has: not answered from the cache."""
    return f"{query} # {uuid.uuid4()}"


# -- servers and the canary ---------------------------------------------------------------------


class _Canary(http.server.BaseHTTPRequestHandler):
    heard: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Canary.heard.append(f"{self.command} {self.path}")
        self.send_response(200)
        self.send_header("Content-Type", "text/turtle")
        self.end_headers()
        self.wfile.write(b"<http://e/a> <http://e/b> <http://e/c> .\n")

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.do_GET()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def canary() -> Iterator[str]:
    """An HTTP server on 127.0.0.1 recording every request: it must hear none."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Canary)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    assert _Canary.heard == []


@pytest.fixture(scope="module")
def limited() -> Iterator[Server]:
    server = start(
        *("--timeout", "2", "--workers", "2", "--row-cap", "5"),
        *("--max-body", "2000", "--max-url", "1000", "--rate", "0"),
    )
    yield server
    server.stop()


@pytest.fixture(scope="module")
def rated() -> Iterator[Server]:
    server = start("--rate", "1", "--burst", "5")
    yield server
    server.stop()


# -- 1. zero egress -----------------------------------------------------------------------------


def test_from_and_dataset_parameters_fetch_nothing(live_server: Server, canary: str) -> None:
    """FROM and the protocol's dataset name graphs of our store; oxigraph never fetches them."""
    replies = [
        sparql(live_server, f"SELECT * FROM <{canary}/from> WHERE {{ ?s ?p ?o }}"),
        sparql(
            live_server, f"SELECT * FROM NAMED <{canary}/nm> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
        ),
        sparql(live_server, "SELECT * WHERE { ?s ?p ?o }", default_graph_uri=f"{canary}/dg"),
        sparql(
            live_server,
            "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }",
            named_graph_uri=f"{canary}/ng",
        ),
        sparql(live_server, f"CONSTRUCT {{ ?s ?p ?o }} FROM <{canary}/c> WHERE {{ ?s ?p ?o }}"),
    ]
    for status, headers, _ in replies:
        assert status == 200 and headers["X-Result-Rows"] == "0"
    assert _Canary.heard == []


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ ?s ?p ?o SERVICE SILENT <{url}/sparql> {{ ?s ?p ?o }} }}",
        "select * where {{ {{ ?s ?p ?o }} UNION {{ service <{url}/sparql> {{ ?s ?p ?o }} }} }}",
        # a SERVICE the former tokenizer took for part of a string
        'SELECT * WHERE {{ ?s ?p ?o . FILTER(?o != """x\\"""") SERVICE <{url}/sparql> '
        '{{ ?a ?b ?c }} FILTER(?o != "y") }}',
    ],
)
def test_service_is_refused_with_a_clear_message(
    live_server: Server, canary: str, template: str
) -> None:
    status, _, body = sparql(live_server, template.format(url=canary))
    assert status == 403
    assert b"is not allowed: this server does not query other endpoints" in body
    assert _Canary.heard == []


def test_load_and_other_updates_are_refused(live_server: Server, canary: str) -> None:
    load = f"LOAD <{canary}/data.ttl>"
    replies = [
        sparql(live_server, load),
        fetch(live_server, "/sparql?" + urllib.parse.urlencode({"update": load})),
        fetch(
            live_server,
            "/sparql",
            {"Content-Type": "application/sparql-update"},
            load.encode(),
        ),
        fetch(
            live_server,
            "/sparql",
            {"Content-Type": "application/x-www-form-urlencoded"},
            urllib.parse.urlencode({"update": load}).encode(),
        ),
        sparql(live_server, f"PREFIX ex: <{canary}/> LOAD ex:data INTO GRAPH ex:g"),
    ]
    for status, _, body in replies:
        assert status == 403 and b"read-only" in body
    assert _Canary.heard == []


def test_json_ld_is_compacted_with_our_own_context(live_server: Server, canary: str) -> None:
    status, headers, body = fetch(live_server, PROJECT, {"Accept": "application/ld+json"})
    assert status == 200 and headers["Content-Type"].startswith("application/ld+json")
    document = json.loads(body)
    assert isinstance(document["@context"], dict)  # inline, not a URL for the reader to fetch
    assert _Canary.heard == []


def test_query_workers_cannot_open_sockets(live_server: Server) -> None:
    """Behind the guard, the kernel: the workers that run queries are under a seccomp filter
    (socket() refused), so even a SERVICE the guard misread could not leave the machine."""
    workers = children(live_server.process.pid)
    assert workers
    for pid in workers:
        status = dict(
            line.split(":\t", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
        )
        assert status["NoNewPrivs"].strip() == "1" and status["Seccomp"].strip() == "2"


def test_no_query_reads_a_local_file(live_server: Server) -> None:
    replies = [
        sparql(live_server, "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"),
        sparql(live_server, "SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g {} }"),
        sparql(live_server, "SELECT * WHERE { ?s ?p ?o }", default_graph_uri="file:///etc/passwd"),
        sparql(live_server, "SELECT * WHERE { SERVICE <file:///etc/passwd> { ?s ?p ?o } }"),
        sparql(live_server, "LOAD <file:///etc/passwd>"),
    ]
    for status, _, body in replies:
        assert status in (200, 403)
        assert b"root:" not in body and b"/bin/" not in body


# -- 2. a runaway query is stopped --------------------------------------------------------------


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (the server's query workers)."""
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                stat = Path(f"/proc/{name}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(name))
    return sorted(found)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_a_runaway_query_is_stopped_and_its_worker_replaced(limited: Server) -> None:
    server_pid = limited.process.pid
    before = children(server_pid)
    assert len(before) == 2
    outcome: dict[str, object] = {}

    def runaway() -> None:
        started = time.monotonic()
        outcome["reply"] = sparql(limited, unique(RUNAWAY))
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.5)  # the runaway has one worker now
    started = time.monotonic()
    status, _, body = sparql(limited, unique("ASK { ?s ?p ?o }"))  # a connection of its own
    assert status == 200 and b"true" in body
    assert time.monotonic() - started < 1.0 and thread.is_alive()  # answered meanwhile
    thread.join(timeout=10)
    status, _, body = outcome["reply"]  # type: ignore[misc]
    assert status == 503
    assert b"the query ran longer than 2 s and was stopped" in body
    assert outcome["seconds"] <= 2 + 1  # type: ignore[operator]

    after = children(server_pid)
    assert len(after) == 2 and len(set(before) - set(after)) == 1  # one killed, one forked
    first = {pid: cpu_seconds(pid) for pid in after}
    time.sleep(1.0)
    burning = {pid: cpu_seconds(pid) - first[pid] for pid in after}
    assert all(used < 0.3 for used in burning.values()), burning  # no orphaned computation
    assert not any(Path(f"/proc/{pid}").exists() for pid in set(before) - set(after))
    assert sparql(limited, unique("ASK { ?s ?p ?o }"))[0] == 200  # still answering


# -- 3. the row cap -----------------------------------------------------------------------------


def test_a_select_is_cut_at_the_row_cap_and_says_so(limited: Server) -> None:
    status, headers, body = sparql(limited, "SELECT * WHERE { ?s ?p ?o } LIMIT 50")
    assert status == 200
    assert headers["X-Result-Truncated"] == "true" and headers["X-Result-Rows"] == "5"
    assert len(json.loads(body)["results"]["bindings"]) == 5
    status, headers, body = sparql(limited, "SELECT * WHERE { ?s ?p ?o } LIMIT 5")
    assert status == 200 and headers["X-Result-Truncated"] is None  # all there: not cut
    assert len(json.loads(body)["results"]["bindings"]) == 5


def test_a_construct_is_cut_at_the_row_cap_and_says_so(limited: Server) -> None:
    status, headers, body = sparql(
        limited, "CONSTRUCT WHERE { ?s ?p ?o }", {"Accept": "application/n-triples"}
    )
    assert status == 200 and headers["X-Result-Truncated"] == "true"
    assert len(body.decode().strip().splitlines()) == 5


# -- 4. request limits and errors ---------------------------------------------------------------


def _post(server: Server, body: object, headers: dict[str, str]) -> tuple[int, bytes]:
    """A raw POST /sparql (http.client: a generator body goes out chunked)."""
    conn = http.client.HTTPConnection("127.0.0.1", int(server.base.rsplit(":", 1)[1]), timeout=30)
    try:
        conn.request("POST", "/sparql", body=body, headers=headers)  # type: ignore[arg-type]
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


DIRECT = {"Content-Type": "application/sparql-query"}


def test_a_body_over_the_limit_is_413(limited: Server) -> None:
    status, body = _post(limited, b"ASK { ?s ?p ?o } #" + b"x" * 3000, DIRECT)
    assert status == 413 and b"larger than 2000 bytes" in body


def test_a_huge_declared_body_is_refused_before_it_is_sent(limited: Server) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", int(limited.base.rsplit(":", 1)[1]), timeout=10)
    try:
        conn.putrequest("POST", "/sparql")
        conn.putheader("Content-Type", "application/sparql-query")
        conn.putheader("Content-Length", str(50_000_000))
        conn.endheaders()  # and never send the body
        response = conn.getresponse()
        assert response.status == 413
    finally:
        conn.close()


def test_a_chunked_body_over_the_limit_is_413(limited: Server) -> None:
    chunks = (b"x" * 800 for _ in range(4))  # no Content-Length: Transfer-Encoding: chunked
    status, body = _post(limited, chunks, DIRECT)
    assert status == 413 and b"larger than 2000 bytes" in body


def test_a_chunked_body_within_the_limit_is_answered(limited: Server) -> None:
    chunks = (part for part in (b"ASK { ?s ?p", b" ?o }"))
    status, body = _post(limited, chunks, {**DIRECT, "Accept": "application/sparql-results+json"})
    assert status == 200 and json.loads(body)["boolean"] is True


def test_an_overlong_query_string_is_414_and_post_is_the_way(limited: Server) -> None:
    query = "ASK { ?s ?p ?o } #" + "x" * 1200
    status, _, body = sparql(limited, query)
    assert status == 414 and b"longer than 1000 bytes" in body and b"POST" in body
    form = urllib.parse.urlencode({"query": query}).encode()
    form_type = {"Content-Type": "application/x-www-form-urlencoded"}
    assert fetch(limited, "/sparql", form_type, form)[0] == 200


def test_past_the_rate_429_with_retry_after(rated: Server) -> None:
    replies = [fetch(rated, "/context.jsonld") for _ in range(12)]
    statuses = [status for status, _, _ in replies]
    passed = statuses.count(200)  # the burst of 5, less the start-up probe's request
    assert 4 <= passed <= 6 and statuses == [200] * passed + [429] * (12 - passed)
    _, headers, body = replies[-1]
    retry = int(headers["Retry-After"])
    assert retry >= 1 and b"too many requests" in body
    time.sleep(retry)
    assert fetch(rated, "/context.jsonld")[0] == 200


def test_bad_sparql_is_400_with_line_and_column(limited: Server) -> None:
    query = "SELECT * WHERE {\n  ?s ?p ?o .\n  ?s ?p }"  # the object missing on line 3
    status, _, body = sparql(limited, query)
    assert status == 400 and body.startswith(b"query:3:10: SPARQL query syntax error")
    status, body = _post(limited, query.encode(), DIRECT)
    assert status == 400 and body.startswith(b"query:3:10: SPARQL query syntax error")


# -- 5. pages escape the data -------------------------------------------------------------------

MARKUP_TTL = """\
@prefix ckb: <https://w3id.org/clusterkb/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix source: <https://w3id.org/clusterkb/id/source/> .

<https://w3id.org/clusterkb/graph/sources/s999-markup> prov:wasDerivedFrom source:s999-markup .

<https://w3id.org/clusterkb/id/organisation/markup-test> a ckb:Organisation ;
    rdfs:label "<script>alert(1)</script>"@en ;
    rdfs:comment "\\"><img src=x onerror=alert(2)>"@en ;
    rdfs:seeAlso <javascript:alert(3)> .
"""
ESCAPED = b"&lt;script&gt;alert(1)&lt;/script&gt;"


def make_root(tmp: Path) -> Path:
    """A knowledge base like the repository's (as benchmarks/import_run.py makes one), plus a
    source whose organisation is named with markup."""
    root = knowledge_root(tmp)
    (root / "data" / "sources" / "s999-markup.ttl").write_text(MARKUP_TTL, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def markup_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start("--rate", "0", root=make_root(tmp_path_factory.mktemp("markup")))
    yield server
    server.stop()


def assert_no_markup(body: bytes) -> None:
    assert b"<script>alert" not in body
    assert b"<img src=x" not in body
    assert b'href="javascript:' not in body.lower()


def test_a_thing_page_escapes_names_with_markup(markup_server: Server) -> None:
    status, _, body = fetch(markup_server, "/id/organisation/markup-test?lang=en")
    assert status == 200
    assert ESCAPED in body
    assert_no_markup(body)


def test_the_search_page_escapes_names_and_the_search_text(markup_server: Server) -> None:
    status, _, body = fetch(markup_server, "/search?q=alert&lang=en")
    assert status == 200 and b"/id/organisation/markup-test" in body  # found, and shown
    assert ESCAPED in body
    assert_no_markup(body)
    text = urllib.parse.quote('<script>alert(1)</script>"><img src=x>')
    status, _, body = fetch(markup_server, f"/search?q={text}&lang=en")
    assert status == 200 and ESCAPED in body
    assert_no_markup(body)


# -- 6. personal data ---------------------------------------------------------------------------


def emails(reply: Reply) -> list[str]:
    status, _, body = reply
    assert status == 200
    return [b["e"]["value"] for b in json.loads(body)["results"]["bindings"]]


def test_contacts_are_invisible_to_anonymous_sparql(live_server: Server) -> None:
    anonymous = [
        sparql(live_server, EMAILS),
        sparql(live_server, EMAILS.replace("WHERE", f"FROM <{CONTACTS}> WHERE")),
        sparql(live_server, f"SELECT ?e WHERE {{ GRAPH <{CONTACTS}> {{ ?c ?p ?e }} }}"),
        sparql(live_server, "SELECT ?e WHERE { GRAPH ?g { ?c ?p ?e } }", named_graph_uri=CONTACTS),
        sparql(live_server, EMAILS, default_graph_uri=CONTACTS),
        sparql(live_server, EMAILS, {"Authorization": "Bearer not-the-token"}),
        sparql(live_server, EMAILS, {"Authorization": TOKEN}),  # not as a bearer token
    ]
    for status, _, body in anonymous:
        assert status == 200 and b"mailto:" not in body
    status, _, body = sparql(
        live_server, "CONSTRUCT WHERE { ?c <http://www.w3.org/2006/vcard/ns#hasEmail> ?e }"
    )
    assert status == 200 and b"mailto:" not in body


def test_contacts_are_visible_with_the_token(live_server: Server) -> None:
    assert f"mailto:{EMAIL}" in emails(sparql(live_server, EMAILS, AUTH))


def test_the_cache_never_hands_a_private_answer_to_an_anonymous_request(
    live_server: Server,
) -> None:
    query = unique(EMAILS)
    private = sparql(live_server, query, AUTH)  # first, so that the cache holds it
    assert f"mailto:{EMAIL}" in emails(private)
    assert emails(sparql(live_server, query)) == []
    assert emails(sparql(live_server, query)) == []  # the anonymous answer from the cache
    etag = private[1]["ETag"]
    status, _, body = sparql(live_server, query, {"If-None-Match": etag})
    assert status == 200 and b"mailto:" not in body  # not 304: that tag is not this answer's
    assert f"mailto:{EMAIL}" in emails(sparql(live_server, query, AUTH))


def test_the_contacts_graph_is_served_to_token_holders_only(live_server: Server) -> None:
    path = "/rdf-graphs?" + urllib.parse.urlencode({"graph": CONTACTS})
    status, _, body = fetch(live_server, path, {"Accept": "text/turtle"})
    assert status == 404 and EMAIL.encode() not in body
    status, _, body = fetch(live_server, path, {"Accept": "text/turtle", **AUTH})
    assert status == 200 and EMAIL.encode() in body
    status, _, body = fetch(live_server, "/rdf-graphs?default", {"Accept": "application/n-triples"})
    assert status == 200 and b"mailto:" not in body  # the union of what anyone may read


def test_contact_pages_and_links_are_hidden_from_anonymous_readers(live_server: Server) -> None:
    status, _, body = fetch(live_server, CONTACT, {"Accept": "text/html"})
    assert status == 404 and b"Triposkoufis" not in body and EMAIL.encode() not in body
    status, _, body = fetch(live_server, CONTACT, {"Accept": "text/turtle"})
    assert status == 404 and EMAIL.encode() not in body
    status, _, body = fetch(live_server, "/id/organisation/region-of-attica?lang=en")
    assert status == 200 and b"/id/contact/" not in body and b"Triposkoufis" not in body
    status, _, body = fetch(live_server, CONTACT, {"Accept": "text/turtle", **AUTH})
    assert status == 200 and EMAIL.encode() in body


def test_search_does_not_find_contacts(live_server: Server) -> None:
    for text in ("kostas", "triposkoufis", "krejsova"):
        status, _, body = fetch(live_server, f"/search?q={text}&lang=en")
        assert status == 200
        assert b"/id/contact/" not in body
        assert b"Triposkoufis" not in body and "Krejsová".encode() not in body


# -- 7. a bounded load --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def load_server() -> Iterator[Server]:
    server = start("--rate", "0", "--workers", "2")
    yield server
    server.stop()


def test_a_mixed_load_is_served_without_errors(load_server: Server) -> None:
    report = load_test.run(load_server.base, clients=4, requests=15)
    print("\n" + report.summary())
    assert report.errors == []
    assert report.total == 60 and len(report.latencies) == len(load_test.workload())
