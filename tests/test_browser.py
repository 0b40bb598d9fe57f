"""A person's view: Debian's chromium, driven by Playwright, loads the pages of a live server.

Screenshots are checked for content (a page's worth of distinct colours, the right size) and
the text on screen for the language asked for; the browser is the one `apt-get install
chromium` provides (Playwright downloads nothing).
"""

from __future__ import annotations

import shutil
import struct
import zlib
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PROJECT = "/id/project/med-2007-2013--2insclusters"


def png_colours(path: Path) -> tuple[int, int, int]:
    """(width, height, distinct colours in a sample of rows) of an 8-bit RGB(A) PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    chunks, pos = [], 8
    while pos < len(data):
        length = struct.unpack(">I", data[pos : pos + 4])[0]
        kind = data[pos + 4 : pos + 8]
        if kind == b"IDAT":
            chunks.append(data[pos + 8 : pos + 8 + length])
        pos += 12 + length
    raw = zlib.decompress(b"".join(chunks))
    channels = {2: 3, 6: 4}[colour]
    stride = width * channels + 1
    colours = set()
    for row in range(0, height, max(1, height // 40)):
        line = raw[row * stride + 1 : (row + 1) * stride]  # filtered bytes: enough for variety
        colours.update(line[i : i + channels] for i in range(0, len(line), channels * 7))
    assert depth == 8
    return width, height, len(colours)


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (Debian package 'chromium'; .ci/run installs it)")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


def shot(page, tmp_path: Path, name: str) -> tuple[int, int, int]:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return png_colours(path)


def test_home_page(browser, live_server, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(live_server.url("/?lang=en"))
    text = page.inner_text("main")
    assert "6 projects" in text.replace("\n", " ")
    width, height, colours = shot(page, tmp_path, "home")
    assert (width, height) == (1200, 900) and colours > 20


def test_project_page_in_greek_and_in_german(browser, live_server, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(live_server.url(PROJECT + "?lang=el"))
    assert page.inner_text("header button") == "Αναζήτηση"
    body = page.inner_text("main")
    assert "2InS Clusters" in body
    assert "Συνεργατικοί σχηματισμοί στήριξης της καινοτομίας" in body
    assert "στηρίζει πρωτοβουλία" in body and "unterstützt Initiative" not in body
    assert shot(page, tmp_path, "project-el")[2] > 20
    page.goto(live_server.url(PROJECT + "?lang=de"))
    assert page.inner_text("header button") == "Suchen"
    body = page.inner_text("main")
    assert "unterstützt Initiative" in body and "στηρίζει πρωτοβουλία" not in body
    assert shot(page, tmp_path, "project-de")[2] > 20


def test_accept_language_picks_the_page_language(browser, live_server) -> None:
    context = browser.new_context(locale="pl-PL")
    page = context.new_page()
    page.goto(live_server.url("/"))
    assert page.inner_text("header button") == "Szukaj"
    context.close()


def test_query_editor_runs_a_query(browser, live_server, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(live_server.url("/sparql-editor?lang=en"))
    assert shot(page, tmp_path, "editor")[2] > 10
    # the page's own query, sent from the page as a script would send it
    answer = page.evaluate(
        """async () => {
          const form = new URLSearchParams({query: document.querySelector('textarea').value});
          const r = await fetch('/sparql', {method: 'POST', body: form,
            headers: {Accept: 'application/sparql-results+json'}});
          return await r.json();
        }"""
    )
    projects = {b["project"]["value"] for b in answer["results"]["bindings"]}
    assert "https://w3id.org/clusterkb/id/project/see-2007-2013--clusterpolisee" in projects


def test_yasgui_runs_a_query_without_leaving_the_host(browser, live_server, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    hosts: set[str] = set()
    page.on("request", lambda r: hosts.add(r.url.split("/")[2]))
    page.goto(live_server.url("/sparql-editor?lang=en"))
    if page.evaluate("typeof Yasgui") == "undefined":
        pytest.skip("the vendored YASGUI bundle is absent (scripts/vendor_yasgui.sh)")
    page.wait_for_selector(".yasqe .CodeMirror", timeout=15_000)
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr table tbody tr", timeout=15_000)
    table = page.inner_text(".yasr table")
    assert "clusterkb" in table or "project" in table.lower()
    assert shot(page, tmp_path, "yasgui")[2] > 20
    assert hosts == {live_server.base.split("/")[2]}


@pytest.fixture(scope="module")
def map_server(tmp_path_factory: pytest.TempPathFactory):
    """A server over a copy of the knowledge base with coordinates for some partner cities
    (the real data may have none yet) and a few links."""
    from live_server import start
    from test_link_pages import links_root

    server = start(root=links_root(tmp_path_factory.mktemp("map")))
    yield server
    server.stop()


def test_map_page_draws_the_outline_and_the_partner_cities(
    browser, map_server, tmp_path: Path
) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    hosts: set[str] = set()
    page.on("request", lambda r: hosts.add(r.url.split("/")[2]))
    page.goto(map_server.url("/map?lang=en"))
    svg = page.locator("svg#chart-map")
    assert svg.is_visible()
    assert page.locator("svg#chart-map path.country").count() > 30
    dots = page.locator("svg#chart-map g.dots circle")
    assert dots.count() >= 1
    titles = [dots.nth(i).locator("title").text_content() or "" for i in range(dots.count())]
    assert any(t.startswith("Patras") for t in titles)
    box = svg.bounding_box()
    assert box is not None and box["width"] > 500 and box["height"] > 400
    width, height, colours = shot(page, tmp_path, "map")
    assert (width, height) == (1200, 900) and colours > 20
    assert hosts == {map_server.base.split("/")[2]}  # no tiles, no other host


def test_organisation_page_shows_its_links(browser, map_server, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(map_server.url("/id/organisation/university-of-patras?lang=en"))
    section = page.locator("section#links")
    assert "Wikidata" in section.inner_text() and "0.93" in section.inner_text()
    link = section.locator("a").first
    assert link.get_attribute("rel") == "nofollow noopener"
    section.scroll_into_view_if_needed()
    assert shot(page, tmp_path, "links")[2] > 10
