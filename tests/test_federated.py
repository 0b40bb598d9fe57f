"""Federated queries on an allowlist: a SERVICE reaches only the endpoints the user allowed
(`--service URL`, or `URL=MIRROR` to send it to a copy), through the CLI and the server alike;
anything else is refused, saying how to allow it, and no request leaves the machine.

A local Oxigraph server (`oxigraph serve-read-only`) stands in for Wikidata, loaded with a few
Wikidata-shaped items; a copy of the knowledge base links three of our organisations to them.
A canary HTTP server on 127.0.0.1 records any request a refused query might have made.
"""

from __future__ import annotations

import csv
import http.server
import io
import json
import shutil
import socket
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from clusterkb.cli import main
from clusterkb.settings import check_services, split_service
from clusterkb.sparql_guard import Refused, guard, inspect, named_services
from live_server import knowledge_root, oxigraph_server, start

ROOT = Path(__file__).resolve().parents[1]
OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which(
    "oxigraph"
)
WIKIDATA = "https://query.wikidata.org/sparql"
QUERY = ROOT / "queries" / "federated" / "partners-wikidata.rq"
ORG = "https://w3id.org/clusterkb/id/organisation/"
WD = "http://www.wikidata.org/entity/"

ITEMS = """\
@prefix wd: <http://www.wikidata.org/entity/> .
@prefix wdt: <http://www.wikidata.org/prop/direct/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
wd:Q990001 wdt:P571 "1964-01-01T00:00:00Z"^^xsd:dateTime ; wdt:P856 <https://www.upatras.gr/> .
wd:Q990002 wdt:P571 "1991-06-01T00:00:00Z"^^xsd:dateTime ; wdt:P856 <https://www.biz-up.at/> .
wd:Q990003 wdt:P856 <https://vdivde-it.de/> .
wd:Q990009 wdt:P571 "2000-01-01T00:00:00Z"^^xsd:dateTime .
"""
LINKS = """\
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix organisation: <https://w3id.org/clusterkb/id/organisation/> .
@prefix wd: <http://www.wikidata.org/entity/> .
organisation:university-of-patras owl:sameAs wd:Q990001 .
organisation:business-upper-austria owl:sameAs wd:Q990002 .
organisation:vdi-vde-innovation-technik owl:sameAs wd:Q990003 .
"""
EXPECTED = sorted(
    [
        ["University of Patras", WD + "Q990001", "1964", "https://www.upatras.gr/"],
        ["Business Upper Austria", WD + "Q990002", "1991", "https://www.biz-up.at/"],
        ["VDI/VDE Innovation + Technik GmbH", WD + "Q990003", "", "https://vdivde-it.de/"],
    ]
)


class _Canary(http.server.BaseHTTPRequestHandler):
    heard: ClassVar[list[str]] = []

    def _any(self) -> None:
        _Canary.heard.append(f"{self.command} {self.path}")
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = _any

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def canary() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Canary)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def mirror(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A read-only Oxigraph server with the Wikidata-shaped items: its query endpoint."""
    if OXIGRAPH is None:
        pytest.skip("the oxigraph server is not installed (pip package 'oxigraph', test extra)")
    endpoint, process = oxigraph_server(ITEMS, tmp_path_factory.mktemp("mirror"))
    yield endpoint
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the knowledge base whose links to Wikidata are the three above."""
    folder = knowledge_root(tmp_path_factory.mktemp("federated"))
    shutil.rmtree(folder / "data" / "links", ignore_errors=True)  # only the test's links
    (folder / "data" / "links").mkdir()
    (folder / "data" / "links" / "wikidata.ttl").write_text(LINKS, encoding="utf-8")
    return folder


def rows_of(text: str) -> list[list[str]]:
    """CSV rows (organisation's label, item, inception, site), header checked, sorted."""
    table = list(csv.DictReader(io.StringIO(text)))
    assert table and list(table[0]) == [
        "organisation",
        "organisationLabel",
        "wikidata",
        "inception",
        "website",
    ]
    return sorted(
        [r["organisationLabel"], r["wikidata"], r["inception"], r["website"]] for r in table
    )


def cli(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# -- the guard's allowlist and mirrors (no network) --------------------------------------------

MIRROR = "http://127.0.0.1:9/query"  # never contacted here (port 9: discard)


def test_a_mirror_replaces_exactly_the_service_iri() -> None:
    escaped = WIKIDATA.replace("sparql", "\\u0073parql")  # the engine decodes \\u in IRIs
    query = (
        f"PREFIX w: <{WIKIDATA}>\n"
        f'SELECT * WHERE {{ ?s ?p <{WIKIDATA}> . ?s ?p "SERVICE <{WIKIDATA}> {{}}"\n'
        f"  # SERVICE <{WIKIDATA}> in a comment\n"
        f"  SERVICE SILENT <{WIKIDATA}> {{ ?a ?b ?c }} SERVICE <{escaped}> {{ ?d ?e ?f }} }}"
    )
    shape, text = guard(query, (f"{WIKIDATA}={MIRROR}",))
    assert shape.services == (WIKIDATA, WIKIDATA)
    assert text.count(f"<{MIRROR}>") == 2 and text.count(WIKIDATA) == 4
    assert f"SERVICE SILENT <{MIRROR}> {{ ?a ?b ?c }}" in text
    assert f'"SERVICE <{WIKIDATA}> {{}}"' in text and f"# SERVICE <{WIKIDATA}>" in text
    assert guard(query, (WIKIDATA,))[1] == query  # allowed without a mirror: unchanged


def test_only_the_named_endpoints_are_allowed_not_their_mirrors() -> None:
    allowed = (f"{WIKIDATA}={MIRROR}",)
    for target in (MIRROR, "http://elsewhere.example/sparql"):
        with pytest.raises(Refused) as info:
            inspect(f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}", allowed)
        assert info.value.status == 403 and "is not allowed" in str(info.value)
        assert f"--service {target}" in str(info.value)  # and how to allow it
    with pytest.raises(Refused, match="full http"):
        inspect("SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }", allowed)


def test_service_entries_are_checked() -> None:
    assert split_service(f"{WIKIDATA}={MIRROR}") == (WIKIDATA, MIRROR)
    assert split_service("https://e.example/sparql?a=b") == ("https://e.example/sparql?a=b",) * 2
    assert check_services([WIKIDATA, "", WIKIDATA]) == (WIKIDATA,)
    for bad in ("wikidata", "ftp://e.example/", f"{WIKIDATA}=http://127.0.0.1:9/q>x"):
        with pytest.raises(Exception, match="not an http"):
            check_services([bad])
    unchecked = (f"{WIKIDATA}=http://127.0.0.1:9/q>{{}}",)  # made in code, not by check_services
    with pytest.raises(Refused, match="not an http"):  # never written into the query
        guard(f"SELECT * WHERE {{ SERVICE <{WIKIDATA}> {{ ?s ?p ?o }} }}", unchecked)


def test_the_library_lists_a_federated_query_apart(kb) -> None:
    from clusterkb.queries import QueryLibrary, run_query

    plain = QueryLibrary(ROOT / "queries")
    assert "partners-wikidata" not in plain.names()
    assert "partners-wikidata" in [q.name for q in plain.federated()]
    assert named_services(QUERY.read_text(encoding="utf-8")) == (WIKIDATA,)
    allowed = QueryLibrary(ROOT / "queries", (f"{WIKIDATA}={MIRROR}",))
    assert "partners-wikidata" in allowed.names() and allowed.federated() == []
    with pytest.raises(Refused, match="is not allowed"):  # every library query is guarded
        run_query(kb, plain.get("partners-wikidata"))


# -- the command line ---------------------------------------------------------------------------


def test_cli_runs_the_library_query_against_the_mirror(
    capsys: pytest.CaptureFixture, root: Path, mirror: str
) -> None:
    code, out, err = cli(
        capsys,
        "query",
        "partners-wikidata",
        "--root",
        str(root),
        "--service",
        f"{WIKIDATA}={mirror}",
        "--format",
        "csv",
    )
    assert code == 0, err
    assert rows_of(out) == EXPECTED  # Q990009 is not ours: not joined


def test_cli_refuses_it_without_service_and_nothing_is_asked(
    capsys: pytest.CaptureFixture, root: Path, mirror: str, canary: str, tmp_path: Path
) -> None:
    _Canary.heard.clear()
    code, out, err = cli(capsys, "query", "partners-wikidata", "--root", str(root))
    assert code == 2 and out == ""
    assert f"SERVICE <{WIKIDATA}> is not allowed" in err
    assert f"--service {WIKIDATA}" in err  # says how to allow it
    code, out, _ = cli(capsys, "query", "--list", "--root", str(root))
    assert code == 0 and f"(needs --service {WIKIDATA})" in out
    sneaky = tmp_path / "sneaky.rq"
    for target in (canary + "/sparql", mirror):  # with Wikidata allowed, neither is
        sneaky.write_text(
            f"#+ summary: asks an endpoint not on the allowlist\n"
            f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}\n",
            encoding="utf-8",
        )
        for allowed in ([], ["--service", f"{WIKIDATA}={canary}/wikidata"]):
            code, _, err = cli(capsys, "query", str(sneaky), "--root", str(root), *allowed)
            assert code == 2 and "is not allowed" in err, err
    assert _Canary.heard == []


def test_cli_stops_an_endpoint_that_does_not_answer(
    capsys: pytest.CaptureFixture, root: Path
) -> None:
    """The --timeout bound: a SERVICE whose endpoint accepts the connection and says nothing."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    try:
        started = time.monotonic()
        code, _, err = cli(
            capsys,
            "query",
            "partners-wikidata",
            "--root",
            str(root),
            "--service",
            f"{WIKIDATA}=http://127.0.0.1:{silent.getsockname()[1]}/query",
            "--timeout",
            "3",
        )
        assert code == 2 and "ran longer than 3 s" in err, err
        assert time.monotonic() - started < 60
    finally:
        silent.close()


# -- the server ---------------------------------------------------------------------------------


def fetch(
    url: str, data: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, str]:
    request = urllib.request.Request(url, data, headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def post_query(base: str, query: str) -> tuple[int, str]:
    return fetch(
        base + "/sparql",
        urllib.parse.urlencode({"query": query}).encode(),
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json",
        },
    )


def sites(body: str) -> dict[str, str]:
    doc = json.loads(body)
    return {
        b["wikidata"]["value"]: b.get("website", {}).get("value", "")
        for b in doc["results"]["bindings"]
    }


@pytest.mark.parametrize("how", ["--service", "CLUSTERKB_SERVICES"])
def test_server_runs_it_with_the_same_service(root: Path, mirror: str, how: str) -> None:
    entry = f"{WIKIDATA}={mirror}"
    if how == "--service":
        server = start("--service", entry, root=root)
    else:
        server = start(
            root=root, env={"CLUSTERKB_SERVICES": f"https://other.example/sparql {entry}"}
        )
    try:
        status, text = fetch(server.url("/queries/partners-wikidata?format=csv&lang=en"))
        assert status == 200, text
        assert rows_of(text) == EXPECTED
        status, body = post_query(server.base, QUERY.read_text(encoding="utf-8"))
        assert status == 200, body
        assert sites(body) == {
            WD + "Q990001": "https://www.upatras.gr/",
            WD + "Q990002": "https://www.biz-up.at/",
            WD + "Q990003": "https://vdivde-it.de/",
        }
        status, page = fetch(server.url("/queries?lang=en"))
        assert status == 200 and 'href="/queries/partners-wikidata?lang=en"' in page
        assert 'class="federated"' not in page  # allowed here: an ordinary library query
        status, body = post_query(
            server.base, f"SELECT * WHERE {{ SERVICE <{mirror}> {{ ?s ?p ?o }} }}"
        )
        assert status == 403 and "is not allowed" in body  # the mirror itself is not allowed
    finally:
        server.stop()


def test_server_refuses_it_without_service(live_server, canary: str) -> None:
    _Canary.heard.clear()
    status, body = post_query(live_server.base, QUERY.read_text(encoding="utf-8"))
    assert status == 403
    assert f"SERVICE <{WIKIDATA}> is not allowed" in body and f"--service {WIKIDATA}" in body
    status, body = post_query(live_server.base, f"SELECT * WHERE {{ SERVICE <{canary}/q> {{}} }}")
    assert status == 403 and f"--service {canary}/q" in body
    status, page = fetch(live_server.url("/queries/partners-wikidata?lang=en"))
    assert status == 200  # explained, not run
    assert "which this server does not call" in page and f"<code>{WIKIDATA}</code>" in page
    assert 'class="results"' not in page
    status, text = fetch(live_server.url("/queries/partners-wikidata?format=csv"))
    assert status == 403 and f"--service {WIKIDATA}" in text  # a program gets the refusal
    status, page = fetch(live_server.url("/queries?lang=en"))
    assert '<section class="federated">' in page and "partners-wikidata" in page
    assert _Canary.heard == []


def test_server_stops_a_service_that_does_not_answer(root: Path) -> None:
    """The serve path's bound is the query timeout: the worker waiting on a silent endpoint is
    killed and replaced, and the client hears why."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    entry = f"{WIKIDATA}=http://127.0.0.1:{silent.getsockname()[1]}/query"
    server = start("--service", entry, "--timeout", "2", root=root)
    try:
        started = time.monotonic()
        status, body = post_query(server.base, QUERY.read_text(encoding="utf-8"))
        assert status == 503 and "ran longer than 2 s" in body, body
        assert time.monotonic() - started < 30
        status, _ = post_query(server.base, "ASK { ?s ?p ?o }")
        assert status == 200  # a fresh worker answers
    finally:
        server.stop()
        silent.close()
