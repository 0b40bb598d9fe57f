"""Linked data: every https://w3id.org/clusterkb/id/... IRI answers at /id/..., as a page for
people and as RDF for programs; the ontology and the JSON-LD context are served beside them."""

from __future__ import annotations

import json

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from .. import media
from ..export import load_context, to_jsonld
from ..namespaces import ID, ONTOLOGY_GRAPH, TURTLE_PREFIXES
from .context import AppContext, error, run
from .pages import thing_page

OFFERS = (media.HTML, *media.GRAPHS)


def _alternates(path: str) -> str:
    return ", ".join(
        f'<{path}?format={m.name}>; rel="alternate"; type="{m.type}"' for m in media.GRAPHS
    )


def _chosen(request: Request) -> media.Media | None:
    fmt = request.query_params.get("format")
    if fmt:
        return media.by_name(fmt, OFFERS)
    return media.negotiate(request.headers.get("accept"), OFFERS)


async def thing(request: Request) -> Response:
    ctx: AppContext = request.app.state.ctx
    path = request.path_params["path"]
    iri = ID + path
    if path.startswith(("dataset/", "distribution/", "service/", "agent/")):
        # the dataset's own description is not in the store: it is written at request time
        return RedirectResponse("/.well-known/void", status_code=303)
    chosen = _chosen(request)
    if chosen is None:
        return error(406, "available: " + ", ".join(m.type for m in OFFERS))
    headers = {"Link": _alternates(request.url.path), "Vary": "Accept, Authorization"}
    if chosen is media.HTML:
        response = await thing_page(request, iri)
        response.headers.update(headers)
        return response
    triples = await run(ctx, "triples_about", iri, ctx.private(request))
    if isinstance(triples, Response):
        return triples
    if not triples:
        return error(404, f"{iri} is not in the knowledge base", headers)
    return Response(
        _serialise(ctx, triples, chosen),
        media_type=chosen.type + "; charset=utf-8",
        headers=headers,
    )


def _serialise(ctx: AppContext, triples: list[ox.Triple], chosen: media.Media) -> bytes:
    if chosen.name == "jsonld":  # compacted with our own context, never a remote one
        return to_jsonld(triples, load_context(ctx.settings.context_file))
    assert chosen.rdf is not None
    if chosen.rdf in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
        return ox.serialize(triples, format=chosen.rdf, prefixes=TURTLE_PREFIXES)
    return ox.serialize(triples, format=chosen.rdf)


async def ontology(request: Request) -> Response:
    """The ontology's IRI (and its terms' hash IRIs) see-other the document in a format."""
    chosen = _chosen(request) or media.GRAPHS[0]
    target = "/ontology.html" if chosen is media.HTML else f"/ontology.{chosen.name}"
    return RedirectResponse(target, status_code=303, headers={"Vary": "Accept"})


async def ontology_document(request: Request) -> Response:
    ctx: AppContext = request.app.state.ctx
    name = request.path_params["ext"]
    if name == "html":
        from .pages import ontology_page

        return await ontology_page(request)
    chosen = media.by_name(name, media.GRAPHS)
    if chosen is None:
        return error(404, "the ontology is at /ontology.ttl, .jsonld, .nt and .xml")
    outcome = await run(
        ctx, "graph", ONTOLOGY_GRAPH.value, chosen.type, None, False, [ONTOLOGY_GRAPH.value]
    )
    if isinstance(outcome, Response):
        return outcome
    return Response(
        outcome.body, media_type=outcome.content_type, headers={"Link": _alternates("/ontology")}
    )


async def context_document(request: Request) -> Response:
    ctx: AppContext = request.app.state.ctx
    body = json.dumps(load_context(ctx.settings.context_file), ensure_ascii=False, indent=1)
    return Response(body, media_type="application/ld+json")


async def download(request: Request) -> Response:
    """/data/clusterkb.<format>: the dataset as `clusterkb export` writes it, cached by version."""
    from ..export import FORMATS

    ctx: AppContext = request.app.state.ctx
    fmt = request.path_params["ext"]
    if fmt not in FORMATS:
        return error(404, "downloads: " + ", ".join(f"/data/clusterkb.{f}" for f in FORMATS))
    private = ctx.private(request)
    etag = f'"{ctx.version}-dump-{fmt}-{int(private)}"'
    headers = {"ETag": etag, "Vary": "Authorization"}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    body = ctx.cache.get(etag)
    if body is None:
        # a whole dataset takes longer than one query: ten query timeouts
        body = await run(
            ctx, "dump", fmt, ctx.settings.context_file, private, limit=ctx.server.timeout * 10
        )
        if isinstance(body, Response):
            return body
        ctx.cache.put(etag, body)
    return Response(body, media_type=FORMATS[fmt][1] + "; charset=utf-8", headers=headers)
