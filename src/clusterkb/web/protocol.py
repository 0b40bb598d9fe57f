"""SPARQL 1.1 Protocol (query operation) and Graph Store Protocol (read-only) over HTTP.

Parsing the request is all that happens here; checking, running and writing the answer is the
endpoint service's, in a query worker.
"""

from __future__ import annotations

import hashlib
import json
from urllib.parse import parse_qsl

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response

from .. import media
from ..endpoint import Answer
from ..endpoint import Request as SparqlRequest
from ..sparql_guard import Refused
from .context import AppContext, error, run

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"


def _media_type(header: str) -> tuple[str, str | None]:
    """(media type, charset or None) of a Content-Type header."""
    kind, *params = (part.strip() for part in header.split(";"))
    charset = None
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return kind.lower(), charset


def _utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refused(f"the request body is not UTF-8 (byte {exc.start})", 400) from exc


async def _params(request: Request) -> tuple[list[tuple[str, str]], str | None]:
    """Protocol parameters (URL and form body) and a directly posted query."""
    params = parse_qsl(request.url.query, keep_blank_values=True)
    if request.method != "POST":
        return params, None
    kind, charset = _media_type(request.headers.get("content-type", ""))
    body = await request.body()
    if kind == UPDATE:
        raise Refused("this endpoint is read-only: SPARQL updates are not accepted", 403)
    if not kind and not body:  # nothing posted: the URL says it all
        return params, None
    if kind not in (FORM, DIRECT):
        raise Refused(
            f"a POSTed query is sent as {FORM} (query=...) or as {DIRECT}, not {kind or 'nothing'}",
            415,
        )
    if charset not in (None, "utf-8", "utf8", "us-ascii"):
        raise Refused(f"queries are sent in UTF-8, not {charset}", 415)
    text = _utf8(body)
    if kind == DIRECT:
        return params, text
    try:
        form = parse_qsl(text, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as exc:
        raise Refused("the form's percent-encoded bytes are not UTF-8", 400) from exc
    return params + form, None


async def sparql(request: Request) -> Response:
    ctx: AppContext = request.app.state.ctx
    try:
        params, direct = await _params(request)
    except Refused as exc:
        return error(exc.status, str(exc))
    queries = [v for k, v in params if k == "query"]
    if any(k == "update" for k, _ in params):
        return error(403, "this endpoint is read-only: SPARQL updates are not accepted")
    if direct is not None:
        queries.append(direct)
    if not queries:
        if request.method in ("GET", "HEAD"):
            return service_description(request)
        return error(400, "no query: send query=... or a body of type application/sparql-query")
    if len(queries) > 1:
        return error(400, "one query per request: the request carries several")
    defaults = tuple(v for k, v in params if k == "default-graph-uri") or None
    named = tuple(v for k, v in params if k == "named-graph-uri") or None
    fmt = next((v for k, v in params if k in ("format", "output")), None)
    private = ctx.private(request)
    accept = request.headers.get("accept")
    # a browser asked directly (a form, a link): the answer as a page, not a download
    page = fmt is None and media.negotiate(accept, BROWSER_OFFERS) is media.HTML
    if page:
        accept = "application/sparql-results+json, text/turtle;q=0.9"
    job = SparqlRequest(
        query=queries[0],
        accept=accept,
        format=fmt,
        default_graphs=defaults,
        named_graphs=named,
        private=private,
        row_cap=ctx.server.row_cap,
        allowed_services=ctx.server.allowed_services,
        base=str(request.url.replace(query="", fragment="")),
    )
    key = hashlib.sha256(repr(job).encode("utf-8")).hexdigest()[:32]
    etag = f'"{ctx.version}-{key}"'
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers={"ETag": etag})
    cached = ctx.cache.get(etag)
    if cached is None:
        outcome = await run(ctx, "sparql", job)
        if isinstance(outcome, Response):
            return outcome
        cached = outcome
        ctx.cache.put(etag, cached)
    if page:
        return results_page(request, queries[0], cached)
    return _answer_response(cached, etag, request.method == "HEAD")


BROWSER_OFFERS = (*media.RESULTS, *media.GRAPHS, media.HTML)


def results_page(request: Request, query: str, answer: Answer) -> Response:
    """A SELECT/ASK answer as a table, a graph as Turtle text, for a person at a browser."""
    from .pages import render

    columns: list[str] = []
    rows: list[list[str]] = []
    text = None
    if answer.content_type.startswith("application/sparql-results+json"):
        doc = json.loads(answer.body)
        if "boolean" in doc:
            text = "true" if doc["boolean"] else "false"
        else:
            columns = doc["head"]["vars"]
            rows = [
                [b.get(c, {}).get("value", "") for c in columns] for b in doc["results"]["bindings"]
            ]
    else:
        text = answer.body.decode("utf-8", "replace")
    return render(
        request,
        "sparql_results.html",
        query=query,
        columns=columns,
        rows=rows,
        text=text,
        truncated=answer.truncated,
    )


def _answer_response(answer: Answer, etag: str, head: bool = False) -> Response:
    headers = {"ETag": etag, "Vary": "Accept, Authorization", "X-Result-Rows": str(answer.rows)}
    if answer.truncated:
        headers["X-Result-Truncated"] = "true"
        headers["Warning"] = f'199 clusterkb "answer cut at {answer.rows} rows"'
    return _maybe_head(answer.body, answer.content_type, headers, head)


def _maybe_head(body: bytes, content_type: str, headers: dict[str, str], head: bool) -> Response:
    """HEAD: the headers GET would send, Content-Length included, without the body."""
    if head:
        headers = {**headers, "Content-Length": str(len(body))}
        body = b""
    return Response(body, media_type=content_type, headers=headers)


def service_description(request: Request) -> Response:
    ctx: AppContext = request.app.state.ctx
    chosen = media.negotiate(request.headers.get("accept"), media.GRAPHS)
    if chosen is None or chosen.rdf is None:
        return error(
            406, "the service description is RDF: " + ", ".join(m.type for m in media.GRAPHS)
        )
    sd = "http://www.w3.org/ns/sparql-service-description#"
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    service = ox.BlankNode("service")
    endpoint = ox.NamedNode(str(request.url.replace(query="")))
    dataset = ox.BlankNode("dataset")
    default = ox.BlankNode("default")
    triples = [
        ox.Triple(service, rdf_type, ox.NamedNode(sd + "Service")),
        ox.Triple(service, ox.NamedNode(sd + "endpoint"), endpoint),
        ox.Triple(
            service, ox.NamedNode(sd + "supportedLanguage"), ox.NamedNode(sd + "SPARQL11Query")
        ),
        ox.Triple(service, ox.NamedNode(sd + "feature"), ox.NamedNode(sd + "UnionDefaultGraph")),
        ox.Triple(service, ox.NamedNode(sd + "feature"), ox.NamedNode(sd + "BasicFederatedQuery"))
        if ctx.server.allowed_services
        else None,
        ox.Triple(service, ox.NamedNode(sd + "defaultDataset"), dataset),
        ox.Triple(dataset, rdf_type, ox.NamedNode(sd + "Dataset")),
        ox.Triple(dataset, ox.NamedNode(sd + "defaultGraph"), default),
        ox.Triple(default, rdf_type, ox.NamedNode(sd + "Graph")),
    ]
    formats = "http://www.w3.org/ns/formats/"
    for name in (
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "RDF_XML",
        "JSON-LD",
    ):
        triples.append(
            ox.Triple(service, ox.NamedNode(sd + "resultFormat"), ox.NamedNode(formats + name))
        )
    for index, graph in enumerate(ctx.public_graphs):
        node = ox.BlankNode(f"g{index}")
        triples += [
            ox.Triple(dataset, ox.NamedNode(sd + "namedGraph"), node),
            ox.Triple(node, rdf_type, ox.NamedNode(sd + "NamedGraph")),
            ox.Triple(node, ox.NamedNode(sd + "name"), ox.NamedNode(graph)),
        ]
    body = ox.serialize([t for t in triples if t is not None], format=chosen.rdf)
    return _maybe_head(
        body, chosen.type + "; charset=utf-8", {"Vary": "Accept"}, request.method == "HEAD"
    )


async def graph_store(request: Request) -> Response:
    """GET / HEAD of one graph (?graph=IRI) or of the default graph (?default)."""
    ctx: AppContext = request.app.state.ctx
    if request.method not in ("GET", "HEAD"):
        return error(
            405, "this graph store is read-only: GET and HEAD only", {"Allow": "GET, HEAD"}
        )
    params = dict(parse_qsl(request.url.query, keep_blank_values=True))
    if ("graph" in params) == ("default" in params):
        return error(400, "name one graph: ?graph=<IRI> or ?default")
    private = ctx.private(request)
    visible = ctx.public_graphs + (ctx.private_graphs if private else [])
    outcome = await run(
        ctx,
        "graph",
        params.get("graph"),
        request.headers.get("accept"),
        params.get("format"),
        private,
        visible,
    )
    if isinstance(outcome, Response):
        return outcome
    key = repr((sorted(params.items()), request.headers.get("accept"), private))
    etag = f'"{ctx.version}-{hashlib.sha256(key.encode()).hexdigest()[:32]}"'
    return _answer_response(outcome, etag, request.method == "HEAD")
