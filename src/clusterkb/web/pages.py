"""Pages for people: rendered on the server from the query library and `describe`, in the
reader's language (?lang=, else Accept-Language, else English). Templates escape everything."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from .. import media
from ..namespaces import CKB, ID, shorten
from ..queries import QueryLibrary
from .context import AppContext, run

HERE = Path(__file__).parent


@cache
def strings() -> dict[str, dict[str, str]]:
    return json.loads((HERE / "ui" / "strings.json").read_text(encoding="utf-8"))


@cache
def templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def ui_lang(request: Request) -> str:
    """?lang= if we have it, else the best of Accept-Language, else English."""
    known = strings()
    asked = request.query_params.get("lang", "").lower()
    if asked in known:
        return asked
    ranked = []
    for part in request.headers.get("accept-language", "").split(","):
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        ranked.append((weight, tag.split("-")[0].lower()))
    for _, tag in sorted(ranked, reverse=True):
        if tag in known:
            return tag
    return "en"


def data_langs(lang: str) -> list[str]:
    return [lang, "en"] if lang != "en" else ["en"]


def href(iri: str, lang: str) -> str | None:
    if iri.startswith(ID):
        return f"/id/{iri[len(ID) :]}?lang={lang}"
    if iri.startswith(CKB):
        return f"/ontology.html?lang={lang}#{iri[len(CKB) :]}"
    return None


def render(request: Request, name: str, status: int = 200, **values: Any) -> HTMLResponse:
    lang = values.pop("lang", None) or ui_lang(request)
    page = (
        templates()
        .get_template(name)
        .render(
            lang=lang,
            t=strings()[lang],
            languages=sorted(strings()),
            q=values.pop("q", None),
            **values,
        )
    )
    return HTMLResponse(page, status_code=status, headers={"Content-Language": lang})


def not_found(request: Request, message: str) -> HTMLResponse:
    lang = ui_lang(request)
    return render(request, "error.html", 404, heading=strings()[lang]["not_found"], message=message)


async def home(request: Request) -> Response:
    ctx: AppContext = request.app.state.ctx
    counts = [
        (k, ctx.counts.get(k, 0))
        for k in ("projects", "organisations", "programmes", "countries", "sources")
    ]
    return render(request, "home.html", counts=counts)


async def search(request: Request) -> Response:
    ctx: AppContext = request.app.state.ctx
    lang = ui_lang(request)
    text = request.query_params.get("q", "").strip()
    rows = []
    if text:
        result = await run(
            ctx,
            "library",
            ctx.settings.queries_dir,
            "search",
            {"text": text},
            data_langs(lang),
            False,
        )
        if isinstance(result, Response):
            return result
        for row in result.rows:
            thing = row["thing"].value
            label = row.get("thingLabel")
            kind = row.get("typeLabel") or row.get("type")
            rows.append(
                {
                    "href": href(thing, lang) or thing,
                    "label": label.value if label else shorten(thing),
                    "type": kind.value if kind else "",
                }
            )
    return render(request, "search.html", q=text, rows=rows, lang=lang)


async def thing_page(request: Request, iri: str) -> Response:
    ctx: AppContext = request.app.state.ctx
    lang = ui_lang(request)
    d = await run(ctx, "thing", iri, data_langs(lang), ctx.private(request))
    if isinstance(d, Response):
        if d.status_code in (400, 404):
            return not_found(request, f"{iri}")
        return d

    def row(s: Any) -> dict[str, Any]:
        value = s.value
        link = href(value.value, lang) if isinstance(value, ox.NamedNode) else None
        external = (
            value.value
            if isinstance(value, ox.NamedNode)
            and link is None
            and value.value.startswith(("http://", "https://"))
            else None
        )
        return {
            "predicate_label": s.predicate_label,
            "value_label": s.value_label,
            "href": link,
            "external": external,
            "graph": shorten(s.graph),
        }

    path = request.url.path
    alternates = [
        {"name": m.name, "type": m.type, "href": f"{path}?format={m.name}"} for m in media.GRAPHS
    ]
    return render(
        request,
        "thing.html",
        d=d,
        outgoing=[row(s) for s in d.outgoing],
        incoming=[row(s) for s in d.incoming],
        alternates=alternates,
        lang=lang,
    )


async def ontology_page(request: Request) -> Response:
    ctx: AppContext = request.app.state.ctx
    lang = ui_lang(request)
    result = await run(ctx, "ontology_terms", data_langs(lang))
    if isinstance(result, Response):
        return result
    t = strings()[lang]
    classes = [x for x in result if x["kind"] == "class"]
    properties = [x for x in result if x["kind"] != "class"]
    return render(
        request,
        "ontology.html",
        sections=[(t["classes"], classes), (t["properties"], properties)],
        lang=lang,
    )


def library(ctx: AppContext) -> QueryLibrary:
    return QueryLibrary(ctx.settings.queries_dir)


async def queries_page(request: Request) -> Response:
    ctx: AppContext = request.app.state.ctx
    return render(request, "queries.html", queries=list(library(ctx)))


async def query_page(request: Request) -> Response:
    """A library query with its parameters: a form, and the answer as a table (or CSV/JSON)."""
    ctx: AppContext = request.app.state.ctx
    lang = ui_lang(request)
    try:
        query = library(ctx).get(request.path_params["name"])
    except Exception:
        return not_found(request, request.path_params["name"])
    values = {
        p.name: request.query_params[p.name]
        for p in query.params
        if request.query_params.get(p.name)
    }
    missing = [p.name for p in query.params if p.required and p.name not in values]
    columns: list[str] = []
    rows: list[list[dict[str, Any]]] = []
    error = None
    if not missing:
        result = await run(
            ctx,
            "library",
            ctx.settings.queries_dir,
            query.name,
            values,
            data_langs(lang),
            ctx.private(request),
        )
        if isinstance(result, Response):
            error = result.body.decode("utf-8", "replace")
        else:
            fmt = request.query_params.get("format")
            if fmt in ("csv", "json"):
                from ..results import render as render_result

                text = render_result(result, fmt)
                kind = "text/csv" if fmt == "csv" else "application/sparql-results+json"
                return Response(text, media_type=kind + "; charset=utf-8")
            columns = list(result.variables)
            for r in result.rows:
                cells = []
                for c in columns:
                    term = r.get(c)
                    if term is None:
                        cells.append({"text": "", "href": None})
                        continue
                    label_col = result.labelled.get(c)
                    label = r.get(label_col) if label_col else None
                    text = (
                        label.value
                        if label is not None
                        else (shorten(term.value) if isinstance(term, ox.NamedNode) else term.value)
                    )
                    link = href(term.value, lang) if isinstance(term, ox.NamedNode) else None
                    cells.append({"text": text, "href": link})
                rows.append(cells)
    base = request.url.path + "?" + urlencode({**values, "lang": lang})
    return render(
        request,
        "query.html",
        query=query,
        values=values,
        columns=columns,
        rows=rows,
        error=error,
        csv_href=base + "&format=csv",
        json_href=base + "&format=json",
        lang=lang,
    )
