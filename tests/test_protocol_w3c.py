"""The W3C SPARQL 1.1 Protocol, Graph Store Protocol and Service Description tests, run over HTTP
against a real `clusterkb serve`.

The manifests (../shared/conformance, never copied here) describe each test as HTTP requests and
expected responses; every entry is one pytest case. The endpoint is read-only, so a test whose
point is a write (SPARQL Update, a Graph Store PUT/POST/DELETE) or a feature the store does not
offer (direct graph identification, graph creation) is "not applicable": it still runs, and must
be refused with a 4xx that changes nothing. The W3C data files are loaded as named graphs
data/w3c/<name>.nt, so the manifests' http://kasei.us/.../<name>.rdf graph names become
https://w3id.org/clusterkb/graph/w3c/<name> in requests (subjects in the data keep their IRIs).
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import json
import re
import shutil
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic

from clusterkb.endpoint import Request as EndpointRequest
from clusterkb.endpoint import answer
from clusterkb.errors import InputError
from clusterkb.store import EmbeddedStore
from live_server import Server

REPO = Path(__file__).resolve().parents[1]
CONFORMANCE = Path(__file__).resolve().parents[2] / "shared" / "conformance"
PROTOCOL = CONFORMANCE / "w3c-sparql11-protocol"
GSP = CONFORMANCE / "w3c-graph-store-protocol"
SD_TESTS = CONFORMANCE / "w3c-service-description"

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

OUR_GRAPHS = "https://w3id.org/clusterkb/graph/w3c/"
KASEI = re.compile(r"http://kasei\.us/2009/09/sparql/data/(data\d+)\.rdf")
# graph store tests name graphs under http://www.example/gsp/person/<n>.ttl; a read-only store
# cannot create them, so they stand for our W3C graphs (person/1.ttl -> w3c/data1, ...)
GSP_PERSON = ("http://www.example/gsp/person/", OUR_GRAPHS + "data")
UPDATE_TEXT = re.compile(
    r"\s*(?:(?:PREFIX|BASE)[^\n]*\n\s*)*"
    r"(?:CLEAR|INSERT|DELETE|LOAD|DROP|CREATE|COPY|MOVE|ADD|WITH)\b",
    re.IGNORECASE,
)
STATUS = {"OK": 200, "Created": 201, "NoContent": 204, "NotFound": 404}
RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
RDF_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


@dataclass
class Step:
    """One ht:Request and what its ht:Response must be."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: list[str]  # hts local names: OK, StatusCode2xx, ...
    expected_format: str | None = None
    expected_boolean: bool | None = None
    response_headers: dict[str, str] = field(default_factory=dict)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def is_update(self) -> bool:
        """A SPARQL Update: by media type, by an update= parameter, or by its first keyword."""
        body = (self.body or b"").decode("utf-8", "replace")
        return (
            self.content_type == "application/sparql-update"
            or bool(re.search(r"[?&]update=", "?" + body + "&" + self.path))
            or bool(UPDATE_TEXT.match(body))
        )

    def is_write(self) -> bool:
        return self.method in ("PUT", "POST", "DELETE", "PATCH")


@dataclass
class Case:
    suite: str  # protocol, graph-store, service-description
    name: str
    title: str
    requires: list[str]
    steps: list[Step]
    data: dict[str, Path]  # graph label (kasei IRI) -> data file


def _local(node: object) -> str:
    return re.split(r"[#/]", str(node))[-1]


def _items(graph: Graph, node: object) -> list:
    return list(Collection(graph, node)) if node is not None else []


def _steps(graph: Graph, action: object) -> list[Step]:
    steps = []
    for req in _items(graph, graph.value(action, HT.requests)):
        headers = {
            str(graph.value(h, HT.fieldName)).lower(): str(graph.value(h, HT.fieldValue))
            for h in _items(graph, graph.value(req, HT.headers))
        }
        body_node = graph.value(req, HT.body)
        body = None
        if body_node is not None:
            encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
            body = str(graph.value(body_node, CNT.chars)).encode(encoding)
        resp = graph.value(req, HT.resp)
        boolean = graph.value(resp, MF.expectedBoolean)
        expected_format = graph.value(resp, MF.expectedFormat)
        steps.append(
            Step(
                method=str(graph.value(req, HT.methodName)),
                path=str(graph.value(req, HT.absolutePath)),
                headers=headers,
                body=body,
                statuses=sorted(_local(s) for s in graph.objects(resp, MF.expectedStatus)),
                expected_format=str(expected_format) if expected_format is not None else None,
                expected_boolean=boolean.toPython() if boolean is not None else None,
                response_headers={
                    str(graph.value(h, HT.fieldName)).lower(): str(graph.value(h, HT.fieldValue))
                    for h in _items(graph, graph.value(resp, HT.headers))
                },
            )
        )
    return steps


def _manifest_cases(path: Path, suite: str) -> list[Case]:
    """The entries of one manifest (and of the manifests it includes), in manifest order."""
    graph = Graph().parse(path, format="turtle")
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    cases = []
    for include in _items(graph, graph.value(manifest, MF.include)):
        cases += _manifest_cases(path.parent / Path(urlsplit(str(include)).path).name, suite)
    for entry in _items(graph, graph.value(manifest, MF.entries)):
        data = {
            str(graph.value(d, RDFS.label)): path.parent
            / Path(urlsplit(str(graph.value(d, UT.graph))).path).name
            for d in graph.objects(entry, UT.graphData)
        }
        cases.append(
            Case(
                suite=suite,
                name=_local(entry),
                title=str(graph.value(entry, MF.name)),
                requires=sorted(_local(r) for r in graph.objects(entry, MF.requires)),
                steps=_steps(graph, graph.value(entry, MF.action)),
                data=data,
            )
        )
    return cases


@functools.cache
def _all_cases() -> list[Case]:
    cases = _manifest_cases(PROTOCOL / "manifest.ttl", "protocol")
    cases += _manifest_cases(GSP / "manifest.ttl", "graph-store")
    cases += _manifest_cases(SD_TESTS / "manifest.ttl", "service-description")
    return cases


def _params() -> list:
    if not CONFORMANCE.is_dir():
        reason = f"{CONFORMANCE} is absent: the W3C manifests sit in ../shared beside the clone"
        return [pytest.param(None, id="manifests-absent", marks=pytest.mark.skip(reason=reason))]
    return [pytest.param(c, id=f"{c.suite}:{c.name}") for c in _all_cases()]


CASES = _params()
# W3C verdict of each case, filled in as the cases run: passed, failed or not applicable
VERDICTS: dict[str, tuple[str, str]] = {}


def not_applicable(case: Case) -> str | None:
    """Why a case cannot be run as written against a read-only endpoint, or None."""
    if "DirectGraphIdentification" in case.requires:
        return "graphs are named by ?graph=<IRI> only (no direct graph identification)"
    if "POSTGraphCreation" in case.requires:
        return "the graph store is read-only: no graph creation"
    if any(step.is_update() for step in case.steps):
        return "the endpoint is read-only: SPARQL Update is refused"
    if case.suite == "graph-store" and any(step.is_write() for step in case.steps):
        return "the graph store is read-only: PUT, POST and DELETE are refused"
    return None


# -- HTTP --------------------------------------------------------------------------------------
@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def send(
    base: str,
    method: str,
    path: str,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
) -> Reply:
    """Exactly this request (no header added but Host and Content-Length); a 429 from the rate
    limit is waited out, as it says nothing about the request."""
    parts = urlsplit(base)
    for _ in range(20):
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            reply = Reply(
                response.status,
                {k.lower(): v for k, v in response.getheaders()},
                response.read(),
            )
        finally:
            conn.close()
        if reply.status != 429:
            return reply
        time.sleep(float(reply.headers.get("retry-after", "1")))
    raise AssertionError(f"{method} {path}: still rate-limited after 20 tries")


def status_ok(status: int, expected: list[str]) -> bool:
    for name in expected:
        match = re.fullmatch(r"StatusCode(\d)xx", name)
        if match and status // 100 == int(match.group(1)):
            return True
        if STATUS.get(name) == status:
            return True
    return False


# -- the server: the curated knowledge base plus the W3C data files as named graphs --------------
@functools.cache
def _data_files() -> dict[str, Path]:
    """Our graph IRI -> W3C data file, for every file a manifest loads."""
    files = {}
    for case in _all_cases():
        for path in case.data.values():
            files[OUR_GRAPHS + path.stem] = path
    return files


@pytest.fixture(scope="module")
def w3c_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A knowledge-base root like benchmarks/import_run.py's make_root, with data/w3c/dataN.nt
    added (graph https://w3id.org/clusterkb/graph/w3c/dataN); `serve` builds it without
    validation, so data outside the shapes' scope is fine."""
    if not CONFORMANCE.is_dir():
        pytest.skip(f"{CONFORMANCE} is absent: the W3C manifests sit in ../shared beside the clone")
    from live_server import knowledge_root, start

    root = knowledge_root(tmp_path_factory.mktemp("w3c"))
    (root / "data" / "w3c").mkdir()
    for path in _data_files().values():
        shutil.copy(path, root / "data" / "w3c" / path.name)
    server = start(root=root)
    yield server
    server.stop()


@pytest.fixture(scope="module", autouse=True)
def w3c_summary(request: pytest.FixtureRequest) -> Iterator[None]:
    """After the module: the one-line W3C verdict, per suite, and why cases do not apply."""
    yield
    if not VERDICTS:
        return
    lines = [_summary("W3C SPARQL protocol", VERDICTS.values())]
    for suite in ("protocol", "graph-store", "service-description"):
        mine = [v for k, v in VERDICTS.items() if k.startswith(suite + ":")]
        if mine:
            lines.append("  " + _summary(suite, mine))
    lines += [f"  {verdict}: {k} ({why})" for k, (verdict, why) in VERDICTS.items() if why]
    # printed past pytest's output capture, which holds fixture teardown output otherwise
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        for line in ["", *lines]:
            if reporter is not None:
                reporter.write_line(line)
            else:
                print(line)


def _summary(label: str, verdicts: Iterable[tuple[str, str]]) -> str:
    seen = [v for v, _ in verdicts]
    return (
        f"{label}: {seen.count('passed')} passed, {seen.count('failed')} failed, "
        f"{seen.count('not applicable')} not applicable"
    )


def fingerprint(server: Server) -> dict[str, int]:
    """Triples per graph, personal graphs included (token): what a refused write must not change.
    A fresh comment each time keeps the answer cache out of it."""
    query = (
        f"# {time.monotonic_ns()}\n"
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    )
    reply = send(
        server.base,
        "GET",
        "/sparql?query=" + quote(query, safe=""),
        {
            "Accept": "application/sparql-results+json",
            "Authorization": f"Bearer {server.token}",
        },
    )
    assert reply.status == 200, reply.body
    rows = json.loads(reply.body)["results"]["bindings"]
    counts = {r["g"]["value"]: int(r["n"]["value"]) for r in rows}
    assert set(_data_files()) <= set(counts), "the W3C graphs are loaded"
    return counts


# -- rewriting the manifests' requests for this server ------------------------------------------
DATASET_PARAMS = (
    "default-graph-uri",
    "named-graph-uri",
    "using-graph-uri",
    "using-named-graph-uri",
)


def _our_graph(iri: str) -> str:
    return KASEI.sub(lambda m: OUR_GRAPHS + m.group(1), iri)


def protocol_path(path: str) -> str:
    """/sparql/?... -> /sparql?..., with dataset parameters naming our graphs (other parameters
    are left exactly as encoded in the manifest)."""
    target, _, query = path.partition("?")
    assert target.startswith("/sparql"), path
    pieces = []
    for piece in query.split("&") if query else []:
        key, _, value = piece.partition("=")
        if key in DATASET_PARAMS:
            value = quote(_our_graph(parse_qsl(piece)[0][1]), safe="")
        pieces.append(f"{key}={value}" if _ else key)
    return "/sparql" + ("?" + "&".join(pieces) if pieces else "")


def protocol_body(body: bytes | None) -> bytes | None:
    """A query's own FROM / FROM NAMED names our graphs too (subjects keep their IRIs)."""
    if body is None:
        return None
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:  # the UTF-16 cases: sent as they are
        return body
    return re.sub(
        r"(FROM\s+(?:NAMED\s+)?<)([^>]*)(>)",
        lambda m: m.group(1) + _our_graph(m.group(2)) + m.group(3),
        text,
    ).encode("utf-8")


# -- checking answers ----------------------------------------------------------------------------
def local_store() -> ox.Store:
    """The W3C data alone, in the graphs the server has them in: to compare answers with."""
    store = ox.Store()
    for graph, path in _data_files().items():
        store.load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
    return store


def _rows(solutions: ox.QuerySolutions) -> list[tuple[str, ...]]:
    names = solutions.variables
    return sorted(tuple(str(row[v]) for v in names) for row in solutions)


def check_format(step: Step, reply: Reply, query: str, endpoint: str) -> None:
    """mf:expectedFormat (and mf:expectedBoolean): the media type fits, the body parses, and it
    says what the query says."""
    where = f"{step.method} {step.path}: {reply.media_type}"
    if step.expected_format == "boolean":
        assert reply.media_type in list(RESULT_TYPES)[:2], f"{where}: not XML or JSON"
        answer = ox.parse_query_results(reply.body, format=RESULT_TYPES[reply.media_type])
        assert isinstance(answer, ox.QueryBoolean), where
        if step.expected_boolean is not None:
            assert bool(answer) is step.expected_boolean, where
    elif step.expected_format == "tabular":
        assert reply.media_type in RESULT_TYPES, where
        answer = ox.parse_query_results(reply.body, format=RESULT_TYPES[reply.media_type])
        assert isinstance(answer, ox.QuerySolutions), where
        expected = local_store().query(query, use_default_graph_as_union=True)
        assert [v.value for v in answer.variables] == [v.value for v in expected.variables]
        assert _rows(answer) == _rows(expected), where
    elif step.expected_format == "RDF":
        assert reply.media_type in RDF_TYPES, f"{where}: not RDF/XML, Turtle or N-Triples"
        parsed = ox.parse(reply.body, format=RDF_TYPES[reply.media_type])
        triples = {ox.Triple(q.subject, q.predicate, q.object) for q in parsed}
        expected = local_store().query(query, use_default_graph_as_union=True, base_iri=endpoint)
        assert triples == set(expected), where
    else:
        raise AssertionError(f"unknown mf:expectedFormat {step.expected_format!r}")


def _query_of(step: Step) -> str:
    """The query a protocol request carries (query= in the URL or form, else the body)."""
    body = protocol_body(step.body) or b""
    params = parse_qsl(urlsplit(step.path).query)
    if step.content_type == "application/x-www-form-urlencoded":
        params += parse_qsl(body.decode("utf-8"))
        return next(v for k, v in params if k == "query")
    found = [v for k, v in params if k == "query"]
    return found[0] if found else body.decode("utf-8")


def run_protocol(case: Case, server: Server, reason: str | None) -> None:
    base = server.base
    endpoint = base + "/sparql"
    if reason is None:  # as the manifest says
        for step in case.steps:
            reply = send(
                base, step.method, protocol_path(step.path), step.headers, protocol_body(step.body)
            )
            assert status_ok(reply.status, step.statuses), (
                f"{step.method} {step.path}: {reply.status} (expected {step.statuses}): "
                f"{reply.body[:300]!r}"
            )
            if step.expected_format:
                check_format(step, reply, _query_of(step), endpoint)
        return
    # an update: refused with a 4xx, and what it would have done is not done
    before = fingerprint(server)
    for step in case.steps:
        reply = send(
            base, step.method, protocol_path(step.path), step.headers, protocol_body(step.body)
        )
        if step.is_update():
            assert 400 <= reply.status < 500, f"update answered {reply.status}: {reply.body!r}"
            continue
        # the manifest's check of the update's effect: the effect is absent
        assert reply.status == 200, reply.body
        answer = ox.parse_query_results(reply.body, format=RESULT_TYPES[reply.media_type])
        assert isinstance(answer, ox.QueryBoolean) and not bool(answer), step.body
    assert fingerprint(server) == before, "a refused update changed the store"


def gsp_target(path: str, stand_in: bool) -> tuple[str, str | None]:
    """/gsp?graph=... -> /rdf-graphs?graph=... and the graph it names once decoded: "default"
    for ?default, "" for none, None for a direct path (which this store does not resolve).
    With `stand_in`, the example's person/<n>.ttl graphs become our w3c/data<n>, in the same
    percent-encoding, so the encoding cases stay meaningful."""
    target, _, query = path.partition("?")
    assert target.startswith("/gsp"), path
    new_target = "/rdf-graphs" + target.removeprefix("/gsp")
    if stand_in:
        raw, ours = GSP_PERSON
        query = query.replace(quote(raw, safe=""), quote(ours, safe="")).replace(raw, ours)
        query = re.sub(r"\.ttl(?=&|$)", "", query)
    params = dict(parse_qsl(query, keep_blank_values=True))
    if new_target != "/rdf-graphs":
        name = None
    elif "default" in params:
        name = "default"
    else:
        name = params.get("graph", "")
    return new_target + ("?" + query if query else ""), name


def _same_type(got: str, expected: str) -> bool:
    return got.replace(" ", "").lower() == expected.replace(" ", "").lower()


def check_graph_read(step: Step, reply: Reply, name: str | None) -> None:
    """A GET / HEAD in a case whose writes were refused: the graph as the store has it."""
    files = _data_files()
    where = f"{step.method} {step.path} ({name}): {reply.status}"
    if name == "":  # neither ?graph= nor ?default
        assert reply.status == 400, where
        return
    if name != "default" and name not in files:
        assert reply.status == 404, where
        return
    assert reply.status == 200, f"{where}: {reply.body[:300]!r}"
    if "content-type" in step.response_headers:
        assert _same_type(reply.headers["content-type"], step.response_headers["content-type"])
    if step.method == "HEAD":
        assert reply.body == b"" and int(reply.headers["content-length"]) > 0, where
        return
    got = Graph().parse(data=reply.body, format=reply.media_type)
    if name == "default":  # the union of every graph: the W3C data among the rest
        for path in files.values():
            assert set(Graph().parse(path, format="nt")) <= set(got), where
    else:
        assert isomorphic(got, Graph().parse(files[name], format="nt")), where


def run_graph_store(case: Case, server: Server, reason: str | None) -> None:
    base = server.base
    before = fingerprint(server)
    for step in case.steps:
        path, name = gsp_target(step.path, stand_in=reason is not None)
        reply = send(base, step.method, path, step.headers, step.body)
        where = f"{step.method} {path}: {reply.status} {reply.body[:200]!r}"
        if reason is None:  # as the manifest says
            assert status_ok(reply.status, step.statuses), where
            for header, value in step.response_headers.items():
                assert _same_type(reply.headers.get(header, ""), value), where
        elif step.is_write() and name is None:  # no such resource to write to
            assert reply.status == 404, where
        elif step.is_write():
            assert reply.status == 405, where
            assert {"GET", "HEAD"} <= set(reply.headers["allow"].replace(" ", "").split(","))
        else:
            check_graph_read(step, reply, name)
    assert fingerprint(server) == before, "a refused graph store request changed the store"


SD_TERMS = {
    # classes
    "Service", "Feature", "Language", "Function", "Aggregate", "EntailmentRegime",
    "EntailmentProfile", "GraphCollection", "Dataset", "Graph", "NamedGraph",
    # properties
    "endpoint", "feature", "defaultEntailmentRegime", "entailmentRegime",
    "defaultSupportedEntailmentProfile", "supportedEntailmentProfile", "extensionFunction",
    "extensionAggregate", "languageExtension", "supportedLanguage", "propertyFeature",
    "defaultDataset", "availableGraphs", "resultFormat", "inputFormat", "defaultGraph",
    "namedGraph", "name", "graph",
    # instances
    "SPARQL10Query", "SPARQL11Query", "SPARQL11Update", "DereferencesURIs", "UnionDefaultGraph",
    "RequiresDataset", "EmptyGraphs", "BasicFederatedQuery",
}  # fmt: skip


def service_description(server: Server, accept: str | None = None) -> tuple[Reply, Graph]:
    headers = {"Accept": accept} if accept else {}
    reply = send(server.base, "GET", "/sparql", headers)
    assert reply.status == 200, reply.body
    return reply, Graph().parse(data=reply.body, format=reply.media_type)


def run_service_description(case: Case, server: Server) -> None:
    endpoint = URIRef(server.base + "/sparql")
    if case.name == "returns-rdf":
        for accept in (None, "text/turtle", "application/rdf+xml", "application/n-triples"):
            reply, graph = service_description(server, accept)
            assert reply.media_type == (accept or "text/turtle"), reply.headers
            assert (None, RDF.type, SD.Service) in graph
    elif case.name == "has-endpoint-triple":
        _, graph = service_description(server)
        services = set(graph.subjects(SD.endpoint, endpoint))
        assert services and all((s, RDF.type, SD.Service) in graph for s in services)
    elif case.name == "conforms-to-schema":
        _, graph = service_description(server)
        used = {t for triple in graph for t in triple if str(t).startswith(str(SD))}
        assert {_local(t) for t in used} <= SD_TERMS, "terms outside the SD vocabulary"
        (service,) = graph.subjects(RDF.type, SD.Service)
        assert all(isinstance(e, URIRef) for e in graph.objects(service, SD.endpoint))
        languages = set(graph.objects(service, SD.supportedLanguage))
        assert languages and languages <= {SD.SPARQL10Query, SD.SPARQL11Query}, languages
        assert SD.SPARQL11Update not in languages, "the endpoint is read-only"
        assert all(isinstance(f, URIRef) for f in graph.objects(service, SD.resultFormat))
        for dataset in graph.objects(service, SD.defaultDataset):
            assert (dataset, RDF.type, SD.Dataset) in graph
            for default in graph.objects(dataset, SD.defaultGraph):
                assert (default, RDF.type, SD.Graph) in graph
            named = list(graph.objects(dataset, SD.namedGraph))
            for node in named:
                assert (node, RDF.type, SD.NamedGraph) in graph
                names = list(graph.objects(node, SD.name))
                assert len(names) == 1 and isinstance(names[0], URIRef), node
            listed = {str(n) for node in named for n in graph.objects(node, SD.name)}
            assert set(_data_files()) <= listed, "the W3C graphs are described"
    else:
        raise AssertionError(f"no runner for service description test {case.name}")


# -- the cases ---------------------------------------------------------------------------------
@pytest.mark.parametrize("case", CASES)
def test_w3c(case: Case, w3c_server: Server) -> None:
    key = f"{case.suite}:{case.name}"
    reason = None if case.suite == "service-description" else not_applicable(case)
    VERDICTS[key] = ("failed", "")
    if case.suite == "protocol":
        run_protocol(case, w3c_server, reason)
    elif case.suite == "graph-store":
        run_graph_store(case, w3c_server, reason)
    else:
        run_service_description(case, w3c_server)
    VERDICTS[key] = ("not applicable", reason) if reason else ("passed", "")


# -- protocol details the manifests leave open (on the curated knowledge base) -------------------
PROJECTS = "SELECT ?p WHERE { ?p a <https://w3id.org/clusterkb/ontology#Project> } ORDER BY ?p"


def _get(server: Server, path: str, accept: str | None = None, method: str = "GET") -> Reply:
    headers = {"Accept": accept} if accept else {}
    return send(server.base, method, path, headers)


def test_head_has_the_headers_of_get_and_no_body(live_server: Server) -> None:
    path = "/sparql?query=" + quote(PROJECTS, safe="")
    got, head = _get(live_server, path), _get(live_server, path, method="HEAD")
    assert got.status == head.status == 200
    assert head.body == b"" and int(head.headers["content-length"]) == len(got.body) > 0
    assert head.headers["content-type"] == got.headers["content-type"]
    description = _get(live_server, "/sparql", method="HEAD")
    assert description.status == 200 and description.media_type == "text/turtle"
    assert int(description.headers["content-length"]) == len(_get(live_server, "/sparql").body)


def test_accept_q_zero_refuses_a_type_even_under_a_wildcard(live_server: Server) -> None:
    path = "/sparql?query=" + quote(PROJECTS, safe="")
    reply = _get(live_server, path, "application/sparql-results+json;q=0, */*;q=0.5")
    assert reply.status == 200 and reply.media_type == "application/sparql-results+xml"
    rows = ox.parse_query_results(reply.body, format=ox.QueryResultsFormat.XML)
    assert len(list(rows)) == 6  # type: ignore[arg-type]
    assert _get(live_server, path, "image/png").status == 406
    page = _get(live_server, path, "text/html")  # a person at a browser gets a table
    assert page.status == 200 and page.media_type == "text/html"
    assert page.body.count(b'<tr><td><a href="/id/project/') == 6


def test_ask_prefers_the_standard_boolean_formats(live_server: Server) -> None:
    """CSV/TSV define no boolean: an ASK answers in JSON or XML whenever the client takes one,
    and as the bare word only when it takes nothing else."""
    ask = "/sparql?query=" + quote("ASK { ?p a <https://w3id.org/clusterkb/ontology#Project> }")
    reply = _get(live_server, ask, "text/csv, application/sparql-results+json;q=0.1")
    assert reply.media_type == "application/sparql-results+json"
    assert json.loads(reply.body)["boolean"] is True
    for accept in ("text/csv", "text/tab-separated-values"):
        reply = _get(live_server, ask, accept)
        assert (reply.status, reply.media_type, reply.body) == (200, accept, b"true")


def test_a_posted_query_must_be_utf8(live_server: Server) -> None:
    base = live_server.base
    utf16 = {"Content-Type": "application/sparql-query; charset=UTF-16"}
    assert send(base, "POST", "/sparql", utf16, PROJECTS.encode("utf-16")).status == 415
    latin = {"Content-Type": "application/sparql-query"}
    bad = send(base, "POST", "/sparql", latin, b'SELECT * { ?s ?p "caf\xe9" }')
    assert bad.status == 400 and b"not UTF-8" in bad.body
    good = send(base, "POST", "/sparql", {**latin, "Accept": "text/csv"}, PROJECTS.encode())
    assert good.status == 200 and len(good.body.decode().splitlines()) == 7


def test_format_names_clients_send(live_server: Server) -> None:
    """SPARQLWrapper adds format=<name> (turtle, xml, json-ld, ...) to every request."""
    construct = quote(
        "CONSTRUCT { ?p a <https://w3id.org/clusterkb/ontology#Project> } WHERE "
        "{ ?p a <https://w3id.org/clusterkb/ontology#Project> }"
    )
    for name, media_type in (
        ("turtle", "text/turtle"),
        ("rdf+xml", "application/rdf+xml"),
        ("json-ld", "application/ld+json"),
        ("nt", "application/n-triples"),
    ):
        reply = _get(live_server, f"/sparql?query={construct}&format={quote(name, safe='')}")
        assert (reply.status, reply.media_type) == (200, media_type), name
        assert len(Graph().parse(data=reply.body, format=media_type)) == 6, name


def test_graph_store_head_and_refused_writes(live_server: Server) -> None:
    graph = "/rdf-graphs?graph=" + quote("https://w3id.org/clusterkb/graph/ontology", safe="")
    got, head = _get(live_server, graph, "text/turtle"), _get(live_server, graph, method="HEAD")
    assert got.status == head.status == 200 and head.body == b""
    assert int(head.headers["content-length"]) == len(got.body)
    assert len(Graph().parse(data=got.body, format="turtle")) > 100
    base = live_server.base
    for method in ("PUT", "POST", "DELETE"):
        body = b"<urn:a> <urn:b> <urn:c> ." if method != "DELETE" else None
        reply = send(base, method, graph, {"Content-Type": "text/turtle"}, body)
        assert reply.status == 405 and "GET" in reply.headers["allow"], method
    assert _get(live_server, graph, "text/turtle").body == got.body


def test_protocol_dataset_restricts_the_graphs(w3c_server: Server) -> None:
    """The manifests' ASKs also hold over the whole store; these only over the dataset asked."""

    def ask(query: str, **dataset: str) -> bool:
        params = "&".join(
            f"{key.replace('_', '-')}={quote(OUR_GRAPHS + value, safe='')}"
            for key, value in dataset.items()
        )
        path = "/sparql?query=" + quote(query, safe="") + ("&" + params if params else "")
        reply = _get(w3c_server, path, "application/sparql-results+json")
        assert reply.status == 200, reply.body
        return json.loads(reply.body)["boolean"]

    doc = "<http://kasei.us/2009/09/sparql/data/{}.rdf> a ?type"
    assert ask(f"ASK {{ {doc.format('data1')} }}", default_graph_uri="data1")
    assert not ask(f"ASK {{ {doc.format('data2')} }}", default_graph_uri="data1")
    assert ask(f"ASK {{ GRAPH ?g {{ {doc.format('data1')} }} }}", named_graph_uri="data1")
    assert not ask(f"ASK {{ GRAPH ?g {{ {doc.format('data2')} }} }}", named_graph_uri="data1")
    assert not ask(f"ASK {{ {doc.format('data1')} }}", named_graph_uri="data1")  # default: empty
    from_data3 = f"ASK FROM <{OUR_GRAPHS}data3> {{{{ {doc} }}}}"
    assert ask(from_data3.format("data3")) and not ask(from_data3.format("data1"))


def test_relative_iris_resolve_against_the_endpoint(live_server: Server) -> None:
    """The base for relative IRIs is the endpoint's IRI (built from the Host header)."""
    query = b"CONSTRUCT { <s> <p> 1 } WHERE {}"
    headers = {"Content-Type": "application/sparql-query", "Accept": "application/n-triples"}
    reply = send(live_server.base, "POST", "/sparql", headers, query)
    assert reply.status == 200, reply.body
    assert reply.body.decode().split()[0] == f"<{live_server.base}/s>"
    named = send(live_server.base, "POST", "/sparql", {**headers, "Host": "example.org"}, query)
    assert named.body.decode().split()[0] == "<http://example.org/s>"
    forged = {**headers, "Host": "x> SERVICE <http://127.0.0.1:9/"}
    reply = send(live_server.base, "POST", "/sparql", forged, query)
    assert b"SERVICE" not in reply.body and b"127.0.0.1:9/" not in reply.body, reply.body


def test_a_base_that_would_add_query_text_is_not_used(kb: EmbeddedStore) -> None:
    """A forged Host must not close the base IRI and smuggle in text (a SERVICE, an update)
    that the guard never read: such a base is not tried, the query stays a syntax error."""
    query = "CONSTRUCT { <s> <p> 1 } WHERE {}"
    good = answer(kb, EndpointRequest(query, accept="application/n-triples", base="http://e.org/q"))
    assert good.body.split()[0] == b"<http://e.org/s>"
    # the first would make a valid query ("BASE <http://x/> PREFIX p: <http://y/>") if used
    for base in ("http://x/> PREFIX p: <http://y/", "http://a b/", 'http://a"b/'):
        with pytest.raises(InputError):
            answer(kb, EndpointRequest(query, base=base))
