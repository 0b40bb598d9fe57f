"""The dataset's own description (VoID and DCAT-AP 3) at /.well-known/void (RFC 5785, VoID §7).

Turtle unless the client asks for another graph format (Accept or ?format=); a browser gets the
same Turtle on a small page. The addresses in it (SPARQL endpoint, landing page) are this
server's, as the request reached it, so the description is right behind any host name.
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response

from .. import media
from ..dataset_description import metadata_file, serialise
from .context import AppContext, error, run

OFFERS = (*media.GRAPHS, media.HTML)
_TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
_DATASET = ox.NamedNode("http://www.w3.org/ns/dcat#Dataset")


@dataclass(frozen=True)
class _Document:
    body: bytes
    media_type: str


def _alternates(path: str) -> str:
    return ", ".join(
        f'<{path}?format={m.name}>; rel="alternate"; type="{m.type}"' for m in media.GRAPHS
    )


def _page(triples: list[ox.Triple], turtle: bytes, path: str) -> bytes:
    """Title, links to each format, and the Turtle itself: enough for a person to read."""
    datasets = {t.subject for t in triples if t.object == _DATASET}
    titles = [
        t.object.value
        for t in triples
        if t.subject in datasets
        and t.predicate == _TITLE
        and isinstance(t.object, ox.Literal)
        and t.object.language == "en"
    ]
    title = html.escape(titles[0] if titles else "Dataset description")
    links = " · ".join(
        f'<a href="{html.escape(path)}?format={m.name}">{html.escape(m.type)}</a>'
        for m in media.GRAPHS
    )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{title}</title></head>\n<body><h1>{title}</h1>\n"
        f"<p>The dataset's description in VoID and DCAT-AP 3, also as {links}.</p>\n"
        f"<pre>{html.escape(turtle.decode('utf-8'))}</pre>\n</body></html>\n"
    ).encode()


async def void(request: Request) -> Response:
    ctx: AppContext = request.app.state.ctx
    fmt = request.query_params.get("format")
    chosen = (
        media.by_name(fmt, OFFERS)
        if fmt
        else media.negotiate(request.headers.get("accept"), OFFERS)
    )
    if chosen is None:
        return error(406, "available: " + ", ".join(m.type for m in OFFERS))
    base = str(request.base_url)
    key = hashlib.sha256(repr(("void", base, chosen.name)).encode()).hexdigest()[:32]
    etag = f'"{ctx.version}-{key}"'
    headers = {"ETag": etag, "Vary": "Accept", "Link": _alternates(request.url.path)}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    document = ctx.cache.get(etag)
    if document is None:
        triples = await run(ctx, "dataset_description", metadata_file(ctx.settings), base)
        if isinstance(triples, Response):
            return triples
        context_file = ctx.settings.context_file
        if chosen is media.HTML:
            turtle = serialise(triples, "ttl", context_file)
            document = _Document(_page(triples, turtle, request.url.path), "text/html")
        else:
            document = _Document(serialise(triples, chosen.name, context_file), chosen.type)
        ctx.cache.put(etag, document)
    body = b"" if request.method == "HEAD" else document.body
    return Response(body, media_type=document.media_type + "; charset=utf-8", headers=headers)
