"""The web application: an app factory over a built store, and `serve`.

Routes call the same services as the command line (queries, describe, export) through the
query pool; nothing here touches the store once the workers are forked, so a stopped worker
never leaves the server holding a lock.
"""

from __future__ import annotations

import hashlib
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..namespaces import CKB
from ..query_pool import QueryPool
from ..settings import ServerSettings, Settings
from ..store import EmbeddedStore
from ..tasks import TASKS
from . import pages, protocol, resources, void
from .context import AnswerCache, AppContext
from .limits import Limits, TokenBuckets

HERE = Path(__file__).parent

_COUNTS = f"""
SELECT ?key (COUNT(DISTINCT ?x) AS ?n) WHERE {{
  VALUES (?class ?key) {{
    (<{CKB}Project> "projects") (<{CKB}Organisation> "organisations")
    (<{CKB}Programme> "programmes") (<{CKB}Country> "countries")
    (<{CKB}SourceDocument> "sources")
  }}
  ?x a ?class
}} GROUP BY ?key
"""


def dataset_version(store: EmbeddedStore) -> str:
    """Changes when any graph changes size or appears: the ETag's first half."""
    sizes = sorted((g, store.size(g)) for g in store.graphs())
    return hashlib.sha256(repr(sizes).encode()).hexdigest()[:16]


def context_for(store: EmbeddedStore, settings: Settings, server: ServerSettings) -> AppContext:
    """Everything read from the store before the workers are forked."""
    public = store.public_graphs()
    private = [g for g in store.graphs() if g not in public]
    counts = {r["key"].value: int(r["n"].value) for r in store.select(_COUNTS).rows}
    version = dataset_version(store)
    pool = QueryPool(
        store,
        TASKS,
        size=server.workers,
        timeout=server.timeout,
        network=bool(server.allowed_services),  # sockets only for an allowlisted SERVICE
    )
    return AppContext(
        settings=settings,
        server=server,
        pool=pool,
        version=version,
        public_graphs=public,
        private_graphs=private,
        counts=counts,
        cache=AnswerCache(server.cache_entries),
    )


def create_app(ctx: AppContext) -> Limits:
    @asynccontextmanager
    async def lifespan(app: Starlette):  # type: ignore[no-untyped-def]
        yield
        ctx.pool.close()

    routes = [
        Route("/", pages.home),
        Route("/search", pages.search),
        Route("/sparql", protocol.sparql, methods=["GET", "POST", "HEAD"]),
        Route("/sparql-editor", pages.sparql_editor),
        Route("/charts", pages.charts_page),
        Route("/map", pages.map_page),
        Route("/country/{code}", pages.country_page),
        Route(
            "/rdf-graphs",
            protocol.graph_store,
            methods=["GET", "HEAD", "PUT", "POST", "DELETE", "PATCH"],
        ),
        Route("/id/{path:path}", resources.thing, methods=["GET", "HEAD"]),
        Route("/ontology", resources.ontology, methods=["GET", "HEAD"]),
        Route("/ontology.{ext}", resources.ontology_document, methods=["GET", "HEAD"]),
        Route("/context.jsonld", resources.context_document),
        Route("/data/clusterkb.{ext}", resources.download, methods=["GET", "HEAD"]),
        Route("/.well-known/void", void.void, methods=["GET", "HEAD"]),
        Route("/queries", pages.queries_page),
        Route("/queries/{name}", pages.query_page),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.ctx = ctx
    server = ctx.server
    return Limits(app, server.max_url, server.max_body, TokenBuckets(server.rate, server.burst))


def serve(store: EmbeddedStore, settings: Settings, server: ServerSettings) -> None:
    import uvicorn

    ctx = context_for(store, settings, server)
    try:
        uvicorn.run(
            create_app(ctx),
            host=server.host,
            port=server.port,
            log_level="warning",
            timeout_graceful_shutdown=2,
        )
    finally:
        ctx.pool.close()
