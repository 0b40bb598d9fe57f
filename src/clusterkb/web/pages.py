"""Pages for people: rendered on the server from the query library and `describe`, in the
reader's language (?lang=, else Accept-Language, else English). Templates escape everything.

Projects, organisations, programmes, events, themes and countries get a page of their own, fed
by library queries pinned to the thing's IRI; anything else gets the table of its statements.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import jinja2
import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from .. import media
from ..describe import Description, Statement
from ..namespaces import CKB, COUNTRY, DCTERMS, ID, RDFS, SKOS, shorten
from ..queries import QueryLibrary, bind
from ..settings import service_routes
from ..sparql_guard import Refused, inspect
from ..store import SelectResult, with_bindings
from . import charts
from .context import AppContext, run
from .context import error as plain_error

HERE = Path(__file__).parent
YASGUI = HERE / "static" / "yasgui" / "yasgui.min.js"
Cell = dict[str, Any]
Call = tuple[str, dict[str, str], dict[str, str]]  # library query, its params, pinned IRIs


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
    """Our own page for an IRI: things under /id/, ontology terms, and EU country codes."""
    if iri.startswith(ID):
        return f"/id/{iri[len(ID) :]}?lang={lang}"
    if iri.startswith(CKB):
        return f"/ontology.html?lang={lang}#{iri[len(CKB) :]}"
    if iri.startswith(COUNTRY) and _CODE.match(iri[len(COUNTRY) :]):
        return f"/country/{iri[len(COUNTRY) :]}?lang={lang}"
    return None


_CODE = re.compile(r"^[A-Z0-9_]{2,8}$")
OURS = "https://w3id.org/clusterkb/"


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
            keep_params=[(k, v) for k, v in request.query_params.multi_items() if k != "lang"],
            **values,
        )
    )
    return HTMLResponse(page, status_code=status, headers={"Content-Language": lang})


def not_found(request: Request, message: str) -> HTMLResponse:
    lang = ui_lang(request)
    return render(request, "error.html", 404, heading=strings()[lang]["not_found"], message=message)


def number_format(lang: str) -> Callable[[float], str]:
    """Digits grouped the reader's way (1,808,000 / 1.808.000 / 1 808 000)."""
    t = strings()[lang]

    def fmt(value: float) -> str:
        whole = value == int(value)
        text = f"{value:,.0f}" if whole else f"{value:,.2f}"
        return text.translate({ord(","): "\0", ord("."): t["decimal_sep"]}).replace(
            "\0", t["thousands_sep"]
        )

    return fmt


def _float(term: object) -> float | None:
    try:
        return float(term.value)  # type: ignore[attr-defined]
    except (AttributeError, TypeError, ValueError):
        return None


def cell(term: object, label: object = None, lang: str = "en") -> Cell:
    """A value as the templates show it: text, our link or an outside one, its language."""
    if term is None:
        return {"text": "", "href": None, "external": False, "lang": None}
    tag = None
    if isinstance(label, ox.Literal):
        tag = label.language
    elif isinstance(term, ox.Literal):
        tag = term.language
    if tag and tag.split("-")[0].lower() == lang:
        tag = None
    if isinstance(term, ox.NamedNode):
        link = href(term.value, lang)
        outside = (
            link is None
            and term.value.startswith(("http://", "https://"))
            and not term.value.startswith(OURS)  # graphs, sources: named, not linked out
        )
        if isinstance(label, ox.Literal):
            text = label.value
        else:
            text = term.value if outside else shorten(term.value)
        return {
            "text": text,
            "href": link or (term.value if outside else None),
            "external": outside,
            "lang": tag,
        }
    text = term.value if isinstance(term, ox.Literal) else str(term)
    return {"text": text, "href": None, "external": False, "lang": tag}


def cells(result: SelectResult, lang: str) -> list[dict[str, Cell]]:
    """Each row as column -> cell, an IRI column labelled from its label column."""
    out = []
    for row in result.rows:
        out.append(
            {
                var: cell(row.get(var), row.get(result.labelled.get(var, "")), lang)
                for var in result.variables
            }
        )
    return out


async def home(request: Request) -> Response:
    ctx: AppContext = request.app.state.ctx
    lang = ui_lang(request)
    number = number_format(lang)
    counts = [
        (k, number(ctx.counts.get(k, 0)))
        for k in ("projects", "organisations", "programmes", "countries", "sources")
    ]
    shown = await _charts(ctx, request, lang, ("partners", "timeline"))
    return render(request, "home.html", counts=counts, charts=shown, lang=lang)


async def charts_page(request: Request) -> Response:
    ctx: AppContext = request.app.state.ctx
    lang = ui_lang(request)
    shown = await _charts(
        ctx, request, lang, ("funding", "partners", "network", "timeline", "years")
    )
    return render(request, "charts.html", charts=shown, lang=lang)


_CHART_QUERIES: dict[str, str] = {
    "funding": "programme-budgets",
    "partners": "partners-by-country",
    "network": "country-collaboration",
    "timeline": "projects",
    "years": "timeline",
}


async def _charts(
    ctx: AppContext, request: Request, lang: str, which: Sequence[str]
) -> list[charts.Chart]:
    """The charts asked for, from one trip to a worker; a failure leaves the page without them."""
    calls: list[Call] = [(_CHART_QUERIES[k], {}, {}) for k in which]
    results = await run(
        ctx, "page_queries", ctx.settings.queries_dir, calls, data_langs(lang), False
    )
    if isinstance(results, Response):
        return []
    t = strings()[lang]
    number = number_format(lang)
    out: list[charts.Chart] = []
    for key, result in zip(which, results, strict=True):
        out.extend(_CHART_BUILDERS[key](result, lang, t, number))
    return out


def _label(row: Mapping[str, Any], var: str, fallback: str = "") -> str:
    term = row.get(var + "Label") or row.get(var)
    if term is None:
        return fallback
    return term.value if isinstance(term, ox.Literal) else shorten(term.value)


def _funding_charts(
    result: SelectResult, lang: str, t: dict[str, str], number: Callable[[float], str]
) -> list[charts.Chart]:
    by_currency: dict[str, list[charts.Bar]] = {}
    for row in result.rows:
        total = _float(row.get("total"))
        if total is None:
            continue
        part = _label(row, "kind")
        if row.get("fund") is not None:
            part += " · " + _label(row, "fund")
        currency = row["currency"].value if row.get("currency") is not None else ""
        programme = row["programme"].value
        by_currency.setdefault(currency, []).append(
            charts.Bar(part, total, href(programme, lang), _label(row, "programme"))
        )
    out = []
    for currency, bars in sorted(by_currency.items()):
        bars.sort(key=lambda b: (b.group.lower(), -b.value))
        out.append(
            charts.bar_chart(
                "funding" + (f"-{currency.lower()}" if len(by_currency) > 1 else ""),
                t["chart_funding"] + (f" ({currency})" if currency else ""),
                t["chart_funding_desc"].replace("{currency}", currency or "?"),
                bars,
                [t["programme"], t["kind"] + " · " + t["fund"], f"{t['amount']} ({currency})"],
                number,
            )
        )
    return out


def _partner_charts(
    result: SelectResult, lang: str, t: dict[str, str], number: Callable[[float], str]
) -> list[charts.Chart]:
    bars = []
    rows = []
    for row in result.rows:
        n = _float(row.get("organisations")) or 0
        label = _label(row, "country")
        bars.append(charts.Bar(label, n, href(row["country"].value, lang)))
        rows.append(
            [label]
            + [number(_float(row.get(c)) or 0) for c in ("organisations", "participations")]
            + [number(_float(row.get(c)) or 0) for c in ("projects", "leadPartners")]
        )
    chart = charts.bar_chart(
        "partners",
        t["chart_partners"],
        t["chart_partners_desc"],
        bars,
        [],
        number,
    )
    chart.columns = [
        t["country"],
        t["organisations_title"],
        t["participations"],
        t["projects_title"],
        t["lead_partners"],
    ]
    chart.rows = rows
    return [chart]


def _network_charts(
    result: SelectResult, lang: str, t: dict[str, str], number: Callable[[float], str]
) -> list[charts.Chart]:
    nodes: dict[str, tuple[str, str, str | None]] = {}
    edges = []
    for row in result.rows:
        a, b = row["countryA"].value, row["countryB"].value
        nodes[a] = (a, _label(row, "countryA"), href(a, lang))
        nodes[b] = (b, _label(row, "countryB"), href(b, lang))
        edges.append((a, b, _float(row.get("projects")) or 0))
    ordered = sorted(nodes.values(), key=lambda n: n[1].lower())
    return [
        charts.network(
            "network",
            t["chart_network"],
            t["chart_network_desc"],
            ordered,
            edges,
            [t["country"], t["country"], t["shared_projects"]],
            number,
        )
    ]


def _timeline_charts(
    result: SelectResult, lang: str, t: dict[str, str], number: Callable[[float], str]
) -> list[charts.Chart]:
    spans: dict[str, charts.Span] = {}
    for row in result.rows:
        project = row["project"].value
        start = charts.month_of(row["start"].value) if row.get("start") else None
        end = charts.month_of(row["end"].value, end=True) if row.get("end") else None
        if project in spans or start is None or end is None:
            continue
        label = row["acronym"].value if row.get("acronym") else _label(row, "project")
        spans[project] = charts.Span(label, start, end, href(project, lang))
    ordered = sorted(spans.values(), key=lambda s: (s.start, s.label.lower()))
    chart = charts.timeline(
        "timeline",
        t["chart_timeline"],
        t["chart_timeline_desc"],
        ordered,
        [t["project"], t["start"], t["end"]],
    )
    return [chart]


def _year_charts(
    result: SelectResult, lang: str, t: dict[str, str], number: Callable[[float], str]
) -> list[charts.Chart]:
    bars = [
        charts.Bar(row["year"].value, _float(row.get("projects")) or 0)
        for row in result.rows
        if row.get("year") is not None
    ]
    return [
        charts.column_chart(
            "years",
            t["chart_years"],
            t["chart_years_desc"],
            bars,
            [t["year"], t["projects_title"]],
            number,
        )
    ]


_CHART_BUILDERS: dict[str, Callable[..., list[charts.Chart]]] = {
    "funding": _funding_charts,
    "partners": _partner_charts,
    "network": _network_charts,
    "timeline": _timeline_charts,
    "years": _year_charts,
}


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


def _statement(s: Statement, lang: str) -> dict[str, Any]:
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


# the page layout for a class; the first class a thing has in this order wins
LAYOUTS = (
    (CKB + "Project", "project"),
    (CKB + "Organisation", "organisation"),
    (CKB + "Programme", "programme"),
    (CKB + "Event", "event"),
    (CKB + "Theme", "theme"),
    (CKB + "Country", "country"),
)


def layout_for(kinds: Sequence[str]) -> str | None:
    for cls, name in LAYOUTS:
        if cls in kinds:
            return name
    return None


async def thing_page(request: Request, iri: str) -> Response:
    ctx: AppContext = request.app.state.ctx
    lang = ui_lang(request)
    private = ctx.private(request)
    d, kinds, found = await asyncio.gather(
        run(ctx, "thing", iri, data_langs(lang), private),
        run(ctx, "types", iri),
        run(ctx, "links", iri, data_langs(lang)),
    )
    if isinstance(d, Response):
        if d.status_code in (400, 404):
            return not_found(request, f"{iri}")
        return d
    path = request.url.path
    alternates = (
        [{"name": m.name, "type": m.type, "href": f"{path}?format={m.name}"} for m in media.GRAPHS]
        if iri.startswith(ID)
        else []
    )
    common = {
        "d": d,
        "outgoing": [_statement(s, lang) for s in d.outgoing],
        "incoming": [_statement(s, lang) for s in d.incoming],
        "alternates": alternates,
        "ext_links": link_rows(found if isinstance(found, list) else [], lang),
        "lang": lang,
    }
    layout = layout_for(kinds if isinstance(kinds, list) else [])
    if layout is None:
        return render(request, "thing.html", **common)
    page = PAGES[layout]
    calls = [
        *page.calls(iri, d),
        ("conflicts", {}, {"thing": iri}),
        ("provenance", {"entity": iri}, {}),
    ]
    results = await run(
        ctx, "page_queries", ctx.settings.queries_dir, calls, data_langs(lang), private
    )
    if isinstance(results, Response):  # the statements table still says everything
        return render(request, "thing.html", **common)
    named = {name: result for (name, _, _), result in zip(calls, results, strict=True)}
    view = View(iri, d, named, lang)
    drawn: dict[str, Any] | None = None
    if layout == "country":  # where its partners are, once some city of it has coordinates
        points = await run(ctx, "map_points", data_langs(lang), iri)
        if isinstance(points, list) and any(p["lat"] is not None for p in points):
            drawn = map_view(points, lang, d.label)
    return render(
        request,
        f"{layout}.html",
        **common,
        **view.heading(),
        **page.build(view),
        conflicts=cells(named["conflicts"], lang),
        provenance=cells(named["provenance"], lang),
        map=drawn,
    )


def map_view(points: Sequence[Mapping[str, Any]], lang: str, where: str = "") -> dict[str, Any]:
    """The map_points task's answer as a drawn map (a dot per city with coordinates) and the
    table of every city, drawn or not, with its partners and coordinates."""
    t = strings()[lang]
    number = number_format(lang)
    places = [
        charts.Place(
            label=str(p["label"]),
            count=float(p["partners"]),
            lat=p["lat"],
            long=p["long"],
            href=href(str(p["city"]), lang),
            group=str(p["country_label"]),
        )
        for p in points
    ]
    chart = charts.europe_map(
        "map",
        t["map_title"] + (f" — {where}" if where else ""),
        t["map_desc"],
        places,
        [t["city"], t["country"], t["organisations_title"], t["coordinates"]],
        lambda place: (
            t["map_dot"].replace("{city}", place.label).replace("{n}", number(place.count))
        ),
        number,
    )
    rows = [
        {
            "city": cell(ox.NamedNode(str(p["city"])), ox.Literal(str(p["label"])), lang),
            "country": cell(
                ox.NamedNode(str(p["country"])), ox.Literal(str(p["country_label"])), lang
            )
            if p["country"]
            else cell(None),
            "partners": number(float(p["partners"])),
            "coordinates": f"{p['lat']:.2f}, {p['long']:.2f}"
            if p["lat"] is not None and p["long"] is not None
            else "",
        }
        for p in points
    ]
    return {
        "chart": chart,
        "rows": rows,
        "drawn": sum(1 for p in points if p["lat"] is not None and p["long"] is not None),
    }


async def map_page(request: Request) -> Response:
    """/map: every partner city on an outline of Europe, drawn on the server from our own
    coordinates (no tiles, nothing from another host), and the same as a table."""
    ctx: AppContext = request.app.state.ctx
    lang = ui_lang(request)
    points = await run(ctx, "map_points", data_langs(lang), None)
    if isinstance(points, Response):
        return points
    return render(request, "map.html", map=map_view(points, lang), lang=lang)


def link_rows(found: Sequence[Mapping[str, str]], lang: str) -> list[dict[str, Any]]:
    """The links task's answer as the Links table shows it: the dataset's name, the target
    (linked only when it is an http(s) address), the relation, method, score and graph."""
    t = strings()[lang]
    rows = []
    for item in found:
        target = item["target"]
        rows.append(
            {
                "dataset": t.get("link_kind_" + item["kind"], t["link_kind_other"]),
                "kind": item["kind"],
                "target": target,
                "href": target if target.startswith(("http://", "https://")) else None,
                "relation": shorten(item["predicate"]),
                "method": item["method"],
                "score": _score(item["score"], lang),
                "graph": shorten(item["graph"]),
            }
        )
    return rows


def _score(text: str, lang: str) -> str:
    """A score the reader's way (0.93 / 0,93), as stated when it is not a number."""
    try:
        value = float(text)
    except ValueError:
        return text
    return f"{value:.2f}".replace(".", strings()[lang]["decimal_sep"])


async def country_page(request: Request) -> Response:
    """Countries are the EU authority table's IRIs, not ours: they get a page of their own."""
    code = request.path_params["code"]
    if not _CODE.match(code):
        return not_found(request, code)
    return await thing_page(request, COUNTRY + code)


class View:
    """What a typed page draws on: the description and its library answers, as cells."""

    def __init__(
        self, iri: str, d: Description, results: Mapping[str, SelectResult], lang: str
    ) -> None:
        self.iri = iri
        self.d = d
        self.results = results
        self.lang = lang
        self.t = strings()[lang]
        self.number = number_format(lang)

    def out(self, *predicates: str) -> list[Statement]:
        return [s for s in self.d.outgoing if s.predicate in predicates]

    def values(self, *predicates: str) -> list[Cell]:
        """The values of some properties, once each, with the graph that states them."""
        seen: set[str] = set()
        found = []
        for s in self.out(*predicates):
            if str(s.value) in seen:
                continue
            seen.add(str(s.value))
            label = ox.Literal(s.value_label) if isinstance(s.value, ox.NamedNode) else None
            found.append({**cell(s.value, label, self.lang), "graph": shorten(s.graph)})
        return found

    def rows(self, name: str) -> list[dict[str, Cell]]:
        return cells(self.results[name], self.lang) if name in self.results else []

    def amount(self, row: dict[str, Cell], column: str) -> None:
        """Write a stated amount the reader's way, in place."""
        with contextlib.suppress(ValueError):
            row[column] = {**row[column], "text": self.number(float(row[column]["text"]))}

    def heading(self) -> dict[str, Any]:
        """The title in the reader's language: a name in it (even an alternative one) before
        the source's own title, which then shows beneath."""
        lang = self.lang

        def ours(lit: ox.Literal) -> bool:
            return bool(lit.language) and lit.language.split("-")[0].lower() == lang

        names = [
            s.value
            for s in self.out(RDFS + "label", SKOS + "prefLabel")
            if isinstance(s.value, ox.Literal)
        ]
        others = [s.value for s in self.out(SKOS + "altLabel") if isinstance(s.value, ox.Literal)]
        title, original = self.d.label, None
        chosen = next((n for n in names if n.value == title), None)
        if not any(ours(n) for n in names):
            alternative = next((a for a in others if ours(a)), None)
            if alternative is not None:
                title, original, chosen = alternative.value, self.d.label, alternative
        title_lang = chosen.language if chosen is not None and not ours(chosen) else None
        named = next((n for n in names if n.value == self.d.label), None)
        original_lang = named.language if original and named is not None else None
        also = []
        for a in others:
            if a.value not in (title, original) and a.value not in [x["text"] for x in also]:
                also.append(cell(a, None, lang))
        return {
            "title": title,
            "title_lang": title_lang or None,
            "original_title": original,
            "original_lang": original_lang or None,
            "also_called": also,
            "descriptions": self.values(DCTERMS + "description", SKOS + "definition"),
        }


class Page:
    """A layout: the library queries it needs, and how their answers become the page."""

    def __init__(
        self,
        calls: Callable[[str, Description], list[Call]],
        build: Callable[[View], dict[str, Any]],
    ) -> None:
        self.calls = calls
        self.build = build


FACTS = (
    ("code", "code"),
    ("call", "call"),
    ("axis", "axis"),
    ("objective", "objective"),
    ("thematicObjective", "thematic_objective"),
    ("investmentPriority", "investment_priority"),
    ("start", "start"),
    ("end", "end"),
    ("months", "months"),
    ("partners", "stated_partners"),
    ("countries", "stated_countries"),
    ("memberStates", "member_states"),
    ("candidateCountries", "candidate_countries"),
    ("website", "website"),
)


def _project(v: View) -> dict[str, Any]:
    funding = v.rows("project-funding")
    for row in funding:
        v.amount(row, "amount")
    facts = []
    for row in v.rows("project-facts"):
        items = [(v.t[key], row[var]) for var, key in FACTS if row.get(var, {}).get("text")]
        facts.append({"graph": row["graph"]["text"], "fields": items})
    acronyms = v.values(CKB + "acronym")
    keep = [
        {
            "text": a["text"],
            "href": "https://keep.eu/search/?q=" + quote(a["text"], safe=""),
            "external": True,
            "lang": None,
        }
        for a in acronyms
    ]
    return {
        "acronyms": acronyms,
        "programmes": v.values(CKB + "programme"),
        "starts": v.values(CKB + "startDate"),
        "ends": v.values(CKB + "endDate"),
        "partners": v.rows("project-partners"),
        "funding": funding,
        "facts": facts,
        "themes": v.values(CKB + "theme", CKB + "sector"),
        "websites": v.values(CKB + "website"),
        "keep": keep,
    }


def _organisation(v: View) -> dict[str, Any]:
    return {
        "acronyms": v.values(CKB + "acronym"),
        "countries": v.values(CKB + "country"),
        "cities": v.values(CKB + "city"),
        "websites": v.values(CKB + "website"),
        "participations": v.rows("organisation-participations"),
    }


def _programme(v: View) -> dict[str, Any]:
    budgets = v.rows("programme-budgets")
    for row in budgets:
        v.amount(row, "total")
    return {
        "periods": v.values(CKB + "programmingPeriod"),
        "websites": v.values(CKB + "website"),
        "projects": v.rows("projects"),
        "budgets": budgets,
    }


def _event(v: View) -> dict[str, Any]:
    rows = v.rows("events")
    first = rows[0] if rows else {}
    organisers: list[Cell] = []
    for row in rows:
        if row["organiser"]["text"] and row["organiser"] not in organisers:
            organisers.append(row["organiser"])
    return {"event": first, "organisers": organisers, "websites": v.values(CKB + "website")}


def _theme(v: View) -> dict[str, Any]:
    projects: list[Cell] = []
    for row in v.rows("projects-by-theme"):
        if row["project"] not in projects:
            projects.append(row["project"])
    projects.sort(key=lambda c: c["text"].lower())
    return {
        "schemes": v.values(SKOS + "inScheme"),
        "broader": v.values(SKOS + "broader"),
        "projects": projects,
    }


def _country(v: View) -> dict[str, Any]:
    summary = v.rows("partners-by-country")
    partners: dict[str, dict[str, Any]] = {}
    for row in v.rows("country-partners"):
        key = row["organisation"]["href"] or row["organisation"]["text"]
        entry = partners.setdefault(
            key, {"organisation": row["organisation"], "city": row["city"], "projects": []}
        )
        if row["project"]["text"]:
            entry["projects"].append((row["project"], row["role"]))
    return {
        "summary": summary[0] if summary else None,
        "partners": sorted(partners.values(), key=lambda p: p["organisation"]["text"].lower()),
    }


PAGES: dict[str, Page] = {
    "project": Page(
        lambda iri, d: [
            ("project-partners", {}, {"p": iri}),
            ("project-funding", {}, {"p": iri}),
            ("project-facts", {}, {"p": iri}),
        ],
        _project,
    ),
    "organisation": Page(
        lambda iri, d: [("organisation-participations", {"organisation": iri}, {})],
        _organisation,
    ),
    "programme": Page(
        lambda iri, d: [
            ("projects", {"programme": iri}, {}),
            ("programme-budgets", {}, {"programme": iri}),
        ],
        _programme,
    ),
    "event": Page(lambda iri, d: [("events", {}, {"event": iri})], _event),
    "theme": Page(lambda iri, d: [("projects-by-theme", {}, {"theme": iri})], _theme),
    "country": Page(
        lambda iri, d: [
            ("country-partners", {"country": iri}, {}),
            ("partners-by-country", {}, {"country": iri}),
        ],
        _country,
    ),
}


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
    """The library as this server runs it: federated queries only with their endpoints."""
    return QueryLibrary(ctx.settings.queries_dir, ctx.server.allowed_services)


async def queries_page(request: Request) -> Response:
    ctx: AppContext = request.app.state.ctx
    topics: dict[str, list[Any]] = {}
    here = library(ctx)
    for query in here:
        topics.setdefault(query.topic, []).append(query)
    return render(
        request, "queries.html", queries=list(here), topics=topics, federated=here.federated()
    )


_INPUTS = {"integer": "number", "decimal": "number", "date": "date"}


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
    rows: list[list[Cell]] = []
    error = None
    status = 200
    # a federated query whose endpoint this server does not call is explained, not run
    allowed = service_routes(ctx.server.allowed_services)
    blocked = [s for s in query.services if s not in allowed]
    if blocked and request.query_params.get("format") in ("csv", "json"):
        return plain_error(403, blocked_message(query.text, ctx.server.allowed_services))
    if not missing and not blocked:
        result = await run(
            ctx,
            "library_services",
            ctx.settings.queries_dir,
            query.name,
            values,
            data_langs(lang),
            ctx.private(request),
            ctx.server.allowed_services,
        )
        if isinstance(result, Response):
            error = bytes(result.body).decode("utf-8", "replace")
            status = result.status_code
        else:
            fmt = request.query_params.get("format")
            if fmt in ("csv", "json"):
                from ..results import render as render_result

                text = render_result(result, fmt)
                kind = "text/csv" if fmt == "csv" else "application/sparql-results+json"
                filename = f"{query.name}.{fmt}"
                return Response(
                    text,
                    media_type=kind + "; charset=utf-8",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'},
                )
            shown = set(result.labelled.values())  # label columns are the links' text
            columns = [v for v in result.variables if v not in shown]
            rows = [[r[c] for c in columns] for r in cells(result, lang)]
    inputs = [
        {
            "name": p.name,
            "type": p.type,
            "input": _INPUTS.get(p.type, "text"),
            "step": "any" if p.type == "decimal" else "1",
            "required": p.required,
            "default": p.default or "",
            "doc": p.doc,
            "value": values.get(p.name, ""),
        }
        for p in query.params
    ]
    examples = [
        {
            "text": "; ".join(f"{k}={v}" for k, v in ex.items()),
            "href": _query_href(query.name, ex, lang),
        }
        for ex in query.examples
    ]
    base = request.url.path + "?" + urlencode({**values, "lang": lang})
    return render(
        request,
        "query.html",
        status,
        query=query,
        values=values,
        inputs=inputs,
        examples=examples,
        asked=bool(values),
        missing=missing,
        blocked=blocked,
        columns=columns,
        rows=rows,
        error=error,
        csv_href=base + "&format=csv",
        json_href=base + "&format=json",
        editor_href="/sparql-editor?" + urlencode({"example": query.name, "lang": lang}),
        lang=lang,
    )


def blocked_message(text: str, allowed: Sequence[str]) -> str:
    """What the guard says of a query that calls an endpoint not on the allowlist."""
    try:
        inspect(text, allowed)
    except Refused as exc:
        return str(exc)
    return "this query calls an endpoint this server does not call"


def _query_href(name: str, params: Mapping[str, str], lang: str) -> str:
    return f"/queries/{quote(name)}?" + urlencode({**params, "lang": lang})


_START = """PREFIX ckb: <https://w3id.org/clusterkb/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?project ?label WHERE { ?project a ckb:Project ; rdfs:label ?label } LIMIT 20
"""


def example_text(query: Any) -> str:
    """A library query as the editor shows it: its first example's values bound (by the
    library's own VALUES binding), so it runs as it stands."""
    if not query.examples:
        return str(query.text)
    try:
        return with_bindings(query.text, bind(query, query.examples[0]))
    except Exception:
        return str(query.text)


async def sparql_editor(request: Request) -> Response:
    """YASGUI when it is vendored (static/yasgui), over a plain form that works without it."""
    ctx: AppContext = request.app.state.ctx
    lang = ui_lang(request)
    examples = [
        {"name": q.name, "topic": q.topic, "summary": q.summary, "text": example_text(q)}
        for q in library(ctx)
    ]
    chosen = request.query_params.get("example", "")
    start = next((e["text"] for e in examples if e["name"] == chosen), _START)
    config = {
        "endpoint": "/sparql",
        "start": start,
        "selected": chosen if any(e["name"] == chosen for e in examples) else "",
        "examples": examples,
        "tab": strings()[lang]["editor"],
    }
    return render(
        request,
        "editor.html",
        examples=examples,
        start=start,
        selected=config["selected"],
        config=config,
        yasgui=YASGUI.is_file(),
        lang=lang,
    )
