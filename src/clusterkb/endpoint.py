"""Answer one SPARQL protocol request: check it, run it, write the answer, stop at the row cap.

Runs inside a query worker (see query_pool), so a runaway query can be stopped by ending its
process; everything here is plain data in, bytes out.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from . import media
from .errors import InputError
from .namespaces import TURTLE_PREFIXES
from .sparql_guard import Refused, guard
from .sparql_results import write_boolean, write_select
from .store import EmbeddedStore


@dataclass(frozen=True)
class Request:
    query: str
    accept: str | None = None
    format: str | None = None  # ?format= overrides Accept
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    private: bool = False  # personal data visible (a valid token was given)
    row_cap: int = 10_000
    allowed_services: tuple[str, ...] = ()  # URL or URL=MIRROR entries (settings.split_service)
    base: str | None = None  # the endpoint's IRI: the base IRI of a query that has none


@dataclass(frozen=True)
class Answer:
    content_type: str
    body: bytes
    rows: int
    truncated: bool


def _choose(
    request: Request, offers: tuple[media.Media, ...], preferred: tuple[media.Media, ...] = ()
) -> media.Media:
    """?format= else content negotiation; `preferred` offers win whenever one is acceptable."""
    if request.format:
        chosen = media.by_name(request.format, offers)
    else:
        chosen = (media.negotiate(request.accept, preferred) if preferred else None) or (
            media.negotiate(request.accept, offers)
        )
    if chosen is None:
        wanted = request.format or request.accept
        raise Refused(
            f"cannot answer this query as {wanted}; available: "
            + ", ".join(m.type for m in offers),
            406,
        )
    return chosen


def answer(store: EmbeddedStore, request: Request) -> Answer:
    try:
        shape, text = guard(request.query, request.allowed_services)
    except Refused as exc:
        if exc.status == 400:  # no query form found: let the parser say where it went wrong
            store.raw_query(request.query, private=request.private)
        raise
    offers = media.RESULTS if shape.form in ("SELECT", "ASK") else media.GRAPHS
    # a boolean has two standard formats (XML, JSON); CSV/TSV only when neither is acceptable
    preferred = media.RESULTS[:2] if shape.form == "ASK" else ()
    chosen = _choose(request, offers, preferred)  # before running: a 406 costs nothing
    result = _run(store, request, text, shape.from_clause)
    charset = "; charset=utf-8"
    if isinstance(result, ox.QueryBoolean):
        return Answer(chosen.type + charset, write_boolean(bool(result), chosen.name), 1, False)
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        rows: list[Sequence[object]] = []
        truncated = False
        for solution in result:
            if len(rows) == request.row_cap:
                truncated = True
                break
            rows.append([solution[v] for v in variables])
        body = write_select(variables, rows, chosen.name)  # type: ignore[arg-type]
        return Answer(chosen.type + charset, body, len(rows), truncated)
    triples: list[ox.Triple] = []
    truncated = False
    for triple in result:  # type: ignore[attr-defined]
        if len(triples) == request.row_cap:
            truncated = True
            break
        triples.append(triple)
    return Answer(chosen.type + charset, _rdf(triples, chosen), len(triples), truncated)


_UNSAFE_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _run(store: EmbeddedStore, request: Request, query: str, own_dataset: bool) -> object:
    """The query over the protocol's dataset. Relative IRIs in a query without BASE are resolved
    against the endpoint's IRI (the protocol leaves the base to the service, which "MAY be the
    service endpoint"); that is tried only when the query fails without it, so error positions
    stay those of the text as sent. The base comes from the Host header, so it is used only when
    it cannot close the IRI and add text the guard never saw. `query` is the guarded text (an
    allowed SERVICE sent to its mirror)."""

    def attempt(text: str) -> object:
        return store.raw_query(
            text,
            private=request.private,
            default_graphs=request.default_graphs,
            named_graphs=request.named_graphs,
            own_dataset=own_dataset,
        )

    try:
        return attempt(query)
    except InputError as first:
        if not request.base or _UNSAFE_IRI.search(request.base):
            raise
        try:
            return attempt(f"BASE <{request.base}>\n{query}")
        except InputError:
            raise first from None


def _rdf(triples: list[ox.Triple], chosen: media.Media) -> bytes:
    assert chosen.rdf is not None
    if chosen.rdf in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
        return ox.serialize(triples, format=chosen.rdf, prefixes=TURTLE_PREFIXES)
    return ox.serialize(triples, format=chosen.rdf)


def graph_document(
    store: EmbeddedStore,
    graph: str | None,
    accept: str | None,
    fmt: str | None,
    private: bool = False,
    visible: Collection[str] = (),
) -> Answer:
    """Graph Store Protocol GET: one named graph (or the default graph: the union) as RDF."""
    chosen = _choose(Request("", accept=accept, format=fmt), media.GRAPHS)
    if graph is not None and graph not in visible:
        raise Refused(f"no graph {graph} here", 404)
    query = (
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
        if graph is None
        else f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    )
    triples = list(store.raw_query(query, private=private))  # type: ignore[call-overload]
    return Answer(chosen.type + "; charset=utf-8", _rdf(triples, chosen), len(triples), False)
