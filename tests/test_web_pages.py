"""The pages people read: typed pages, charts, the query library and the SPARQL editor, in the
reader's language, with every text escaped and nothing loaded from another host."""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest
from starlette.requests import Request

from clusterkb.namespaces import CKB
from clusterkb.store import EmbeddedStore
from clusterkb.tasks import library_many, types
from clusterkb.web import charts, pages

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "src" / "clusterkb" / "web" / "static"
TWO_INS = "/id/project/med-2007-2013--2insclusters"
ALP = "/id/project/alpine-space-2014-2020--s3-4alpclusters"
EVIL = "<script>alert(1)</script>"


def get(server, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict, str]:
    request = urllib.request.Request(server.url(path), headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode("utf-8", "replace")


def page(server, path: str, headers: dict[str, str] | None = None) -> str:
    status, _, body = get(server, path, {"Accept": "text/html", **(headers or {})})
    assert status == 200, body[:500]
    return body


def h1(body: str) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", body, re.S)
    assert found, "no <h1>"
    return found.group(1)


class Assets(HTMLParser):
    """Every URL a page loads or links to (src, href, action)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href", "action") and value is not None:
                self.urls.append((tag, name, value))


# -- home and charts ----------------------------------------------------------------------


def test_home_shows_counts_and_a_chart_of_real_numbers(live_server) -> None:
    body = page(live_server, "/?lang=en")
    for cls, word in (("Project", "projects"), ("Organisation", "organisations")):
        query = urllib.parse.quote(
            f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a <{CKB}{cls}> }}"
        )
        _, _, answer = get(live_server, f"/sparql?query={query}")
        n = int(json.loads(answer)["results"]["bindings"][0]["n"]["value"])
        assert n > 0 and f"<strong>{n:,}</strong> {word}" in body
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in body
    status, _, answer = get(live_server, "/queries/partners-by-country?format=csv&lang=en")
    assert status == 200
    rows = list(csv.DictReader(io.StringIO(answer)))
    assert rows, "partners-by-country answered nothing"
    for row in rows:  # each country's bar says the number the library query gives
        assert f"<title>{row['countryLabel']}: {row['organisations']}</title>" in body


def test_charts_page_draws_every_chart_with_a_title_a_description_and_a_table(
    live_server,
) -> None:
    body = page(live_server, "/charts?lang=de")
    for key in ("funding", "partners", "network", "timeline", "years"):
        svg = re.search(rf'<svg [^>]*id="chart-{key}".*?</svg>', body, re.S)
        assert svg, f"no {key} chart"
        assert f'<title id="chart-{key}-title">' in svg.group(0)
        assert f'<desc id="chart-{key}-desc">' in svg.group(0)
        figure = re.search(rf'<figure class="chart" id="{key}">.*?</figure>', body, re.S)
        assert figure and '<table class="numbers">' in figure.group(0)
    assert "Finanzierung nach Programm und Fonds" in body  # German chart titles
    assert "Gesamtbudget" in body and "2.521.964" in body  # German labels and digits
    network = re.search(r'id="chart-network".*?</svg>', body, re.S)
    assert network and network.group(0).count("<line ") >= 40
    assert "Österreich – Deutschland: 2" in network.group(0)
    assert "http://" not in body.replace('xmlns="http://www.w3.org/2000/svg"', "")


# -- typed pages ---------------------------------------------------------------------------


def test_project_page_in_greek(live_server) -> None:
    status, headers, body = get(live_server, TWO_INS + "?lang=el", {"Accept": "text/html"})
    assert status == 200 and headers["content-language"] == "el"
    assert '<html lang="el">' in body
    # the Greek name the data has (an alternative label) heads the page, the source's title below
    assert "Συνεργατικοί σχηματισμοί στήριξης" in h1(body)
    assert "S.M.E.s’ Innovation and Internationalization Support Clusters" in body
    for ui in ("Εταίροι", "Χρηματοδότηση", "Στοιχεία ανά πηγή", "Πηγές", "Ακρωνύμιο"):
        assert ui in body
    assert "Κέντρο Επιχείρησης και Καινοτομίας Αττικής" in body  # partner, Greek label
    assert 'href="/id/role/lead-partner?lang=el">επικεφαλής εταίρος</a>' in body
    assert 'href="/country/GRC?lang=el">Ελλάδα</a>' in body
    assert "1.808.000" in body and "1.808.000,00€" in body  # amount the Greek way, and as written
    assert "graph:sources/s000-2insclusters-attica" in body
    assert 'href="https://keep.eu/search/?q=2InS%20Clusters" rel="external' in body
    assert 'href="http://www.2insclusters.net/" rel="external' in body


def test_project_page_in_german(live_server) -> None:
    body = page(live_server, ALP + "?lang=de")
    assert '<html lang="de">' in body
    assert "Strategien intelligenter Spezialisierung" in h1(body)
    for ui in ("Partner", "Finanzierung", "Angaben je Quelle", "Quellen", "Akronym"):
        assert ui in body
    assert "Interreg V B Alpenraum" in body and "Freiburg im Üechtland" in body
    assert body.count('href="/id/role/lead-partner?lang=de"') == 1
    assert "2.521.964" in body
    assert body.count('<tr><td class="num">') == 14  # the fourteen numbered partners


def test_accept_language_picks_the_page_language(live_server) -> None:
    status, headers, body = get(
        live_server, ALP, {"Accept": "text/html", "Accept-Language": "fr-CH, fr;q=0.9, en;q=0.8"}
    )
    assert status == 200 and headers["content-language"] == "fr"
    assert "Partenaires" in body and "Financement" in body
    _, headers, body = get(
        live_server, TWO_INS, {"Accept": "text/html", "Accept-Language": "de;q=0.5, el"}
    )
    assert headers["content-language"] == "el" and "Εταίροι" in body
    _, headers, _ = get(live_server, TWO_INS + "?lang=it", {"Accept-Language": "el"})
    assert headers["content-language"] == "it"  # ?lang= wins


def test_organisation_page_lists_its_projects(live_server) -> None:
    body = page(live_server, "/id/organisation/bic-of-attika?lang=en")
    assert "Business and Innovation Centre of Attika" in h1(body)
    assert f'href="{TWO_INS}?lang=en"' in body
    assert "2InS Clusters" in body and "lead partner" in body
    assert 'href="/country/GRC?lang=en">Greece</a>' in body


def test_programme_page_lists_projects_and_budgets(live_server) -> None:
    body = page(live_server, "/id/programme/alpine-space-2014-2020?lang=en")
    assert f'href="{ALP}?lang=en"' in body and "S3-4AlpClusters" in body
    budgets = re.search(r'<section class="budgets">.*?</section>', body, re.S)
    assert budgets
    for amount in ("2,521,964", "1,929,500", "340,500"):
        assert amount in budgets.group(0)


def test_country_page_lists_its_partners(live_server) -> None:
    body = page(live_server, "/country/GRC?lang=el")
    assert h1(body) == "Ελλάδα"
    partners = re.search(r'<section class="partners">.*?</section>', body, re.S)
    assert partners
    for name in ("Πανεπιστήμιο Πατρών", "Περιφέρεια Αττικής", "Κέντρο Επιχείρησης"):
        assert name in partners.group(0)
    assert partners.group(0).count("<tr><td>") == 4
    assert "<strong>4</strong>" in body  # organisations, from partners-by-country
    status, _, _ = get(live_server, "/country/XYZ")
    assert status == 404


def test_event_and_theme_pages(live_server) -> None:
    body = page(live_server, "/id/event/2insclusters-steering-committee-2?lang=en")
    assert "2011-09-20 – 2011-09-21" in body
    assert "Technological Cultural Park of Lavrio" in body
    assert f'href="{TWO_INS}?lang=en"' in body
    body = page(live_server, "/id/theme/keep-sme-and-entrepreneurship?lang=en")
    projects = re.search(r'<section class="projects">.*?</section>', body, re.S)
    assert projects and f'href="{TWO_INS}?lang=en"' in projects.group(0)
    assert "/id/event/" not in projects.group(0)  # events have themes too, but are no projects


def test_other_things_keep_the_statement_table(live_server) -> None:
    body = page(live_server, "/id/city/gr-patra?lang=en")
    assert '<table class="statements">' in body and '<article class="thing' not in body


def test_language_switch_keeps_the_other_parameters(live_server) -> None:
    body = page(live_server, "/search?q=patron&lang=de")
    form = re.search(r'<form class="lang".*?</form>', body, re.S)
    assert form and '<input type="hidden" name="q" value="patron">' in form.group(0)


# -- the query library ----------------------------------------------------------------------


def test_query_page_runs_project_partners_with_a_parameter(live_server) -> None:
    body = page(live_server, "/queries/project-partners?project=S3-4AlpClusters&lang=en")
    assert 'name="project"' in body and 'value="S3-4AlpClusters"' in body
    assert "14 rows" in body
    table = re.search(r'<table class="results">.*?</table>', body, re.S)
    assert table and table.group(0).count("<tr>") == 15  # the header and fourteen partners
    assert "HES-SO//FR HEIA-FR - INNOSQUARE CLUSTERS" in table.group(0)
    csv_href = re.search(r'<a href="([^"]+format=csv)"', body)
    json_href = re.search(r'<a href="([^"]+format=json)"', body)
    assert csv_href and json_href
    status, headers, text = get(live_server, csv_href.group(1).replace("&amp;", "&"))
    assert status == 200 and headers["content-type"].startswith("text/csv")
    assert text.splitlines()[0].startswith("programme,programmeLabel,organisation,label")
    assert len(text.strip().splitlines()) == 15
    status, headers, text = get(live_server, json_href.group(1).replace("&amp;", "&"))
    assert status == 200 and headers["content-type"].startswith("application/sparql-results+json")
    assert len(json.loads(text)["results"]["bindings"]) == 14


def test_every_library_query_has_a_form_field_per_parameter(live_server) -> None:
    body = page(live_server, "/queries?lang=en")
    names = re.findall(r'<a href="/queries/([a-z0-9-]+)\?lang=en">', body)
    assert len(names) >= 20 and "project-partners" in names
    for name in names:
        form = page(live_server, f"/queries/{name}?lang=en")
        header = (ROOT / "queries").rglob(f"{name}.rq")
        params = re.findall(r"^#\+ param: (\w+)", next(header).read_text(), re.M)
        for param in params:
            assert f'name="{param}"' in form, f"{name} has no field for {param}"


def test_query_page_reports_a_bad_parameter(live_server) -> None:
    status, _, body = get(live_server, "/queries/repeat-partners?min=many&lang=en")
    assert status == 400 and 'class="error"' in body and "whole number" in body


# -- the SPARQL editor ---------------------------------------------------------------------


def test_editor_loads_nothing_from_other_hosts(live_server) -> None:
    body = page(live_server, "/sparql-editor?lang=en")
    parser = Assets()
    parser.feed(body)
    assert parser.urls
    for tag, attr, url in parser.urls:
        assert not re.match(r"^[a-z][a-z0-9+.-]*:|^//", url, re.I), f"<{tag} {attr}={url}>"
    config = json.loads(
        re.search(
            r'<script type="application/json" id="editor-config">(.*?)</script>', body, re.S
        ).group(1)
    )
    assert config["endpoint"] == "/sparql"
    assert {e["name"] for e in config["examples"]} >= {"project-partners", "projects", "search"}
    script = (STATIC / "editor.js").read_text(encoding="utf-8")
    assert not re.search(r"https?://", script)
    assert "prefixCcApi: null" in script and "corsProxy: undefined" in script
    assert 'autocompleters: ["prefixes", "variables"]' in script  # no LOV look-ups
    for _, _, url in parser.urls:
        if url.startswith("/static/"):
            status, _, _ = get(live_server, url)
            assert status == 200, url
    if (STATIC / "yasgui" / "yasgui.min.js").is_file():
        assert '<script src="/static/yasgui/yasgui.min.js" defer></script>' in body
        css = (STATIC / "yasgui" / "yasgui.min.css").read_text(encoding="utf-8")
        assert "@import" not in css and not re.search(r"url\(\s*['\"]?(https?:)?//", css)
    else:  # not vendored: the plain form is the editor
        assert "/static/yasgui/" not in body


def test_editor_opens_a_library_example_with_its_values_bound(live_server) -> None:
    body = page(live_server, "/sparql-editor?example=project-partners&lang=en")
    assert '<option value="project-partners" title=' in body and " selected>" in body
    textarea = re.search(r"<textarea[^>]*>(.*?)</textarea>", body, re.S)
    assert textarea and "VALUES (?project) { (&#34;s3-4alpclusters&#34;) }" in textarea.group(1)


# -- escaping, numbers, tasks (no server) --------------------------------------------------


def request(query: str = "lang=en", headers: list[tuple[bytes, bytes]] | None = None) -> Request:
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/search",
        "query_string": query.encode(),
        "headers": headers or [],
    }
    return Request(scope)


def test_render_escapes_labels() -> None:
    rows = [{"href": "/id/x?lang=en", "label": EVIL, "type": EVIL}]
    body = pages.render(request(), "search.html", q=EVIL, rows=rows).body.decode()
    assert EVIL not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_link_macro_escapes_text_and_addresses() -> None:
    macros = pages.templates().get_template("macros.html").make_module({"t": {}})
    html = str(
        macros.link({"text": EVIL, "href": '/x?a="><b>', "external": True, "lang": '"x'})  # type: ignore[attr-defined]
    )
    assert EVIL not in html and '"><b>' not in html and "&lt;script&gt;" in html


def test_charts_escape_every_text() -> None:
    number = pages.number_format("en")
    made = [
        charts.bar_chart("b", EVIL, EVIL, [charts.Bar(EVIL, 3, '/x"><script>', EVIL)], [], number),
        charts.column_chart("c", EVIL, EVIL, [charts.Bar(EVIL, 1)], [], number),
        charts.network("n", EVIL, EVIL, [("a", EVIL, None), ("b", "B", None)], [("a", "b", 2)], []),
        charts.timeline("t", EVIL, EVIL, [charts.Span(EVIL, (2010, 1), (2012, 6))], []),
    ]
    for chart in made:
        assert "<script>" not in str(chart.svg)
        assert "&lt;script&gt;" in str(chart.svg)
        assert chart.rows and EVIL in chart.rows[0]  # the table is escaped by the template


def test_numbers_follow_the_reader() -> None:
    assert pages.number_format("en")(1808000) == "1,808,000"
    assert pages.number_format("de")(1808000) == "1.808.000"
    assert pages.number_format("fr")(1808000.5) == "1\u202f808\u202f000,50"
    assert pages.number_format("cs")(95000) == "95\u00a0000"


def test_ui_language_from_the_request() -> None:
    assert pages.ui_lang(request("lang=pl")) == "pl"
    assert pages.ui_lang(request("", [(b"accept-language", b"cs-CZ;q=0.8, it")])) == "it"
    assert pages.ui_lang(request("lang=xx", [(b"accept-language", b"ja")])) == "en"


def test_every_ui_string_is_in_every_language() -> None:
    table = pages.strings()
    assert set(table) == {"en", "el", "de", "pl", "cs", "fr", "it"}
    keys = set(table["en"])
    for lang, texts in table.items():
        assert set(texts) == keys, lang
        assert all(v for k, v in texts.items()), lang


def test_pinned_library_queries_answer_for_one_thing(kb: EmbeddedStore) -> None:
    iri = "https://w3id.org/clusterkb/id/project/med-2007-2013--2insclusters"
    partners, facts, conflicts = library_many(
        kb,
        ROOT / "queries",
        [
            ("project-partners", {}, {"p": iri}),
            ("project-facts", {}, {"p": iri}),
            ("conflicts", {}, {"thing": iri}),
        ],
        ["el", "en"],
        False,
    )
    assert len(partners.rows) == 10
    assert {r["label"].value for r in partners.rows} >= {"Περιφέρεια Αττικής"}
    assert len(facts.rows) == 1  # one source, once (its several search keys do not repeat it)
    assert conflicts.variables[0] == "thing"
    with pytest.raises(Exception, match="no variable"):
        library_many(kb, ROOT / "queries", [("timeline", {}, {"nothing": iri})], ["en"], False)
    assert "https://w3id.org/clusterkb/ontology#Event" in types(
        kb, "https://w3id.org/clusterkb/id/event/2insclusters-steering-committee-2"
    )


def test_a_typed_page_shows_conflicts_side_by_side_escaped() -> None:
    def c(text: str, href: str | None = None) -> dict:
        return {"text": text, "href": href, "external": False, "lang": None}

    conflict = {
        "property": c("start date", "/ontology.html#startDate"),
        "value1": c("2010-06-01"),
        "graph1": c("graph:sources/a"),
        "source1": c(EVIL, "/id/source/a"),
        "value2": c(EVIL),
        "graph2": c("graph:sources/b"),
        "source2": c(""),
    }
    values = {
        "d": type("D", (), {"iri": "https://w3id.org/clusterkb/id/theme/x", "label": EVIL})(),
        "outgoing": [],
        "incoming": [],
        "alternates": [],
        "title": EVIL,
        "title_lang": None,
        "original_title": None,
        "original_lang": None,
        "also_called": [],
        "descriptions": [],
        "schemes": [],
        "broader": [],
        "projects": [c(EVIL, "/id/project/x")],
        "conflicts": [conflict],
        "provenance": [],
    }
    body = pages.render(request("lang=de"), "theme.html", **values).body.decode()
    section = re.search(r'<section class="conflicts">.*?</section>', body, re.S)
    assert section and "Quellen widersprechen sich" in section.group(0)
    assert "2010-06-01" in section.group(0) and "graph:sources/b" in section.group(0)
    assert EVIL not in body and body.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 4
