"""`clusterkb link wikidata` against a local Oxigraph server that holds a small Wikidata-shaped
fixture (written below), reached through a flaky stub proxy on 127.0.0.1 that counts requests
and can answer 429 (with Retry-After), 500, 503, or too late for the client's timeout.

The fixture describes some of our real things under made-up QIDs (Q999xxxx; the countries and the
anchor classes have their real QIDs, which the reconciler's tables use) and near-misses: the same
name in another country, the same name for a thing of another type, two items with one name.
The tests say which of our things link to which item, which do not and why, and that retries,
the cache (reruns ask nothing, interrupted runs resume) and the threshold work. No request leaves
127.0.0.1, and the repository's data/links is never written.
"""

from __future__ import annotations

import csv
import datetime as dt
import http.server
import io
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest

from clusterkb.cli import main
from clusterkb.linking.wikidata import (
    COUNTRY_LANGS,
    COUNTRY_QIDS,
    EndpointUnavailable,
    ReconcileReport,
    run,
)
from clusterkb.settings import Settings
from live_server import knowledge_root, oxigraph_server

ROOT = Path(__file__).resolve().parents[1]
OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which(
    "oxigraph"
)
WD = "http://www.wikidata.org/entity/"
ID = "https://w3id.org/clusterkb/id/"
CKB = "https://w3id.org/clusterkb/ontology#"
NOW = dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
TIMEOUT = 1.0  # the client's; the stub's "slow" answer comes later than that
SLOW = 3.0

FIXTURE = """\
@prefix wd: <http://www.wikidata.org/entity/> .
@prefix wdt: <http://www.wikidata.org/prop/direct/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

# classes: the anchors under their real QIDs, the rest made up
wd:Q43229 rdfs:label "organization"@en .
wd:Q4830453 rdfs:label "business"@en ; wdt:P279 wd:Q43229 .
wd:Q3918 rdfs:label "university"@en ; wdt:P279 wd:Q43229 .
wd:Q327333 rdfs:label "government agency"@en ; wdt:P279 wd:Q43229 .
wd:Q486972 rdfs:label "human settlement"@en .
wd:Q515 rdfs:label "city"@en ; wdt:P279 wd:Q486972 .
wd:Q1549591 rdfs:label "big city"@en ; wdt:P279 wd:Q515 .
wd:Q9990901 rdfs:label "business incubator"@en ; wdt:P279 wd:Q4830453 .
wd:Q9990902 rdfs:label "association football club"@en ; wdt:P279 wd:Q9990907 .
wd:Q9990907 rdfs:label "sports club"@en ; wdt:P279 wd:Q43229 .
wd:Q9990904 rdfs:label "Interreg programme"@en ; wdt:P279 wd:Q9990905 .
wd:Q9990905 rdfs:label "funding programme"@en .
wd:Q9990906 rdfs:label "European Union fund"@en .
wd:Q9990908 rdfs:label "administrative region of Greece"@en .
wd:Q9990910 rdfs:label "television programme"@en .

# places
wd:Q9990109 rdfs:label "Περιφέρεια Αττικής"@el , "Attica Region"@en ;
    wdt:P31 wd:Q9990908 ; wdt:P17 wd:Q41 .
wd:Q9990101 rdfs:label "Αθήνα"@el , "Athens"@en , "Athen"@de , "Atene"@it ;
    skos:altLabel "Athina"@en ;
    wdt:P31 wd:Q1549591 ; wdt:P17 wd:Q41 ; wdt:P131 wd:Q9990109 .
wd:Q9990102 rdfs:label "Athens"@en ; wdt:P31 wd:Q515 ; wdt:P17 wd:Q30 .
wd:Q9990103 rdfs:label "Celje"@sl , "Celje"@en , "Cilli"@de ; wdt:P31 wd:Q515 ; wdt:P17 wd:Q215 .
wd:Q9990105 rdfs:label "Lavrio"@en ; skos:altLabel "AO Lavrio"@en ;
    wdt:P31 wd:Q9990902 ; wdt:P17 wd:Q41 .
wd:Q9990106 rdfs:label "Marseille"@fr ; wdt:P31 wd:Q515 ; wdt:P17 wd:Q16 .
wd:Q9990107 rdfs:label "München"@de , "Munich"@en ; wdt:P31 wd:Q1549591 .

# organisations
wd:Q9990001 rdfs:label "Business and Innovation Centre of Attika"@en ,
        "Κέντρο Επιχείρησης και Καινοτομίας Αττικής"@el ;
    skos:altLabel "BIC of Attika"@en ;
    wdt:P31 wd:Q9990901 ; wdt:P17 wd:Q41 ; wdt:P131 wd:Q9990101 .
wd:Q9990002 rdfs:label "Bayerische Forschungsallianz GmbH"@de ; skos:altLabel "BayFOR"@de ;
    wdt:P31 wd:Q4830453 ; wdt:P17 wd:Q183 ; wdt:P131 wd:Q9990107 ;
    wdt:P856 <https://www.bayfor.org/> .
wd:Q9990003 rdfs:label "CzechInvest"@en ; wdt:P31 wd:Q4830453 ; wdt:P17 wd:Q183 .
wd:Q9990004 rdfs:label "European Cluster Collaboration Platform"@en ;
    wdt:P31 wd:Q43229 ; wdt:P856 <https://clustercollaboration.eu/> .
wd:Q9990005 rdfs:label "University of Patras"@en , "Πανεπιστήμιο Πατρών"@el ; wdt:P31 wd:Q3918 .
wd:Q9990006 rdfs:label "Ministerstvo průmyslu a obchodu"@cs ; wdt:P31 wd:Q327333 ; wdt:P17 wd:Q213 .
wd:Q9990007 rdfs:label "Ministerstvo průmyslu a obchodu"@cs ; wdt:P31 wd:Q327333 ; wdt:P17 wd:Q213 .

# programmes and funds
wd:Q9990201 rdfs:label "Interreg V B Alpine Space"@en , "Interreg V B Alpenraum"@de ;
    wdt:P31 wd:Q9990904 ; wdt:P856 <https://www.alpine-space.eu/> .
wd:Q9990202 rdfs:label "CENTRAL EUROPE Programme"@en ; wdt:P31 wd:Q9990910 .
wd:Q9990301 rdfs:label "European Regional Development Fund"@en ;
    skos:altLabel "ERDF"@en , "EFRE"@de ; wdt:P31 wd:Q9990906 .
"""

# Which of our things link to which item at the default threshold (0.85), and the score.
LINKS = {
    "city/gr-athina": ("Q9990101", "1.00"),
    "city/si-celje": ("Q9990103", "1.00"),
    "organisation/bic-of-attika": ("Q9990001", "1.00"),
    "organisation/bayerische-forschungsallianz": ("Q9990002", "1.00"),
    "organisation/eccp": ("Q9990004", "0.90"),  # no country on our side; the website agrees
    "programme/alpine-space-2014-2020": ("Q9990201", "1.00"),
    "fund/erdf": ("Q9990301", "1.00"),
}
# Which did not, with their candidates (QID, score, part of the reasons).
REVIEW = {
    "city/de-munchen": [("Q9990107", "0.80", "country unknown: Wikidata states no P17")],
    "city/fr-marseille": [("Q9990106", "0.25", "country differs (near-miss): P17 Q16")],
    "city/gr-lavrio": [("Q9990105", "0.40", "type differs: instance of Q9990902")],
    "organisation/czechinvest": [("Q9990003", "0.25", "country differs (near-miss): P17 Q183")],
    "organisation/mpo": [
        ("Q9990006", "1.00", "ambiguous: Q9990007 also score at least 0.85"),
        ("Q9990007", "1.00", "ambiguous: Q9990006 also score at least 0.85"),
    ],
    "organisation/region-of-attica": [("Q9990109", "0.40", "type differs")],
    "organisation/university-of-patras": [("Q9990005", "0.80", "Wikidata states no P17")],
    "programme/central-europe-2007-2013": [("Q9990202", "0.40", "television programme")],
}


# -- servers -------------------------------------------------------------------------------------
@dataclass
class Hit:
    method: str
    query: str
    agent: str
    accept: str
    outcome: str


class Stub:
    """A front of the Oxigraph server: each request takes the next outcome of `plan` ("ok",
    "429" with Retry-After, another status, or "slow"), then `then`; all are kept in `hits`."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.plan: list[str] = []
        self.then = "ok"
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                stub.handle(self)

            do_GET = do_POST

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/query"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def reset(self, plan: tuple[str, ...] = (), then: str = "ok") -> None:
        with self.lock:
            self.plan, self.then, self.hits = list(plan), then, []

    def queries(self) -> list[str]:
        return [h.query for h in self.hits]

    def handle(self, h: http.server.BaseHTTPRequestHandler) -> None:
        body = h.rfile.read(int(h.headers.get("Content-Length") or 0))
        form = urllib.parse.urlsplit(h.path).query if h.command == "GET" else body.decode()
        query = urllib.parse.parse_qs(form).get("query", [""])[0]
        with self.lock:
            outcome = self.plan.pop(0) if self.plan else self.then
            agent, accept = h.headers.get("User-Agent", ""), h.headers.get("Accept", "")
            self.hits.append(Hit(h.command, query, agent, accept, outcome))
        try:
            if outcome == "429":
                self.reply(h, 429, b"too many requests", {"Retry-After": "1"})
            elif outcome.isdigit():
                self.reply(h, int(outcome), b"unavailable")
            elif outcome == "slow":
                time.sleep(SLOW)
                self.reply(h, 503, b"too late")
            else:
                request = urllib.request.Request(
                    self.upstream + ("?" + form if h.command == "GET" else ""),
                    data=body if h.command == "POST" else None,
                    headers={
                        "Content-Type": h.headers.get("Content-Type", ""),
                        "Accept": h.headers.get("Accept", "*/*"),
                    },
                    method=h.command,
                )
                with urllib.request.urlopen(request, timeout=30) as answer:
                    kind = answer.headers.get("Content-Type", "")
                    self.reply(h, answer.status, answer.read(), {"Content-Type": kind})
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting

    @staticmethod
    def reply(
        h: http.server.BaseHTTPRequestHandler,
        status: int,
        body: bytes,
        headers: dict[str, str] | None = None,
    ) -> None:
        h.send_response(status)
        for name, value in (headers or {}).items():
            h.send_header(name, value)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A read-only Oxigraph server with the fixture: its query endpoint."""
    if OXIGRAPH is None:
        pytest.skip("the oxigraph server is not installed (pip package 'oxigraph', test extra)")
    endpoint, process = oxigraph_server(FIXTURE, tmp_path_factory.mktemp("wikidata"))
    try:
        yield endpoint
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def stub(oxigraph: str) -> Iterator[Stub]:
    server = Stub(oxigraph)
    yield server
    server.stop()


# -- helpers -------------------------------------------------------------------------------------
def reconcile(stub: Stub, folder: Path, **options: object) -> ReconcileReport:
    """A run through the stub into `folder` (its cache, its output), with fast retries."""
    settings = {
        "endpoint": stub.url,
        "cache_dir": folder / "cache",
        "out": folder / "out" / "wikidata.ttl",
        "now": NOW,
        "timeout": TIMEOUT,
        "batch_size": 10,
        "backoff": 0.05,
        "attempts": 4,
        **options,
    }
    return run(Settings(root=ROOT), **settings)  # type: ignore[arg-type]


def links_in(path: Path) -> dict[str, str]:
    """our local part -> QID, from the owl:sameAs triples of a written file."""
    same_as = ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs")
    with path.open("rb") as fh:
        triples = list(ox.parse(fh, format=ox.RdfFormat.TURTLE))
    return {
        t.subject.value.removeprefix(ID): t.object.value.removeprefix(WD)
        for t in triples
        if t.predicate == same_as
    }


def review_in(path: Path) -> dict[str, list[dict[str, str]]]:
    rows: dict[str, list[dict[str, str]]] = {}
    for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))):
        rows.setdefault(row["subject"].removeprefix(ID), []).append(row)
    return rows


@dataclass
class First:
    report: ReconcileReport
    folder: Path
    hits: list[Hit]

    @property
    def out(self) -> Path:
        return self.folder / "out" / "wikidata.ttl"

    @property
    def review(self) -> Path:
        return self.folder / "out" / "wikidata-review.csv"


@pytest.fixture(scope="module")
def first(stub: Stub, tmp_path_factory: pytest.TempPathFactory) -> First:
    """One run with an empty cache and a healthy endpoint."""
    folder = tmp_path_factory.mktemp("first")
    stub.reset()
    report = reconcile(stub, folder)
    return First(report, folder, list(stub.hits))


# -- what links and what does not ----------------------------------------------------------------
def test_links_are_exactly_the_candidates_above_the_threshold(first: First) -> None:
    assert links_in(first.out) == {ours: qid for ours, (qid, _) in LINKS.items()}
    assert {
        d.entity.iri.removeprefix(ID): (d.candidate.qid, f"{d.score:f}")
        for d in first.report.linked
    } == LINKS
    assert first.report.links == len(LINKS)
    assert first.report.complete and first.report.batches == first.report.batches_done == 9
    # the other Athens (same name, same type, in the United States) is no one's link
    assert "Q9990102" not in links_in(first.out).values()
    why = {d.entity.iri.removeprefix(ID): "; ".join(d.reasons) for d in first.report.linked}
    assert (
        "label exact: 'Business and Innovation Centre of Attika'@en"
        in why["organisation/bic-of-attika"]
    )
    assert "reaches Q43229, Q4830453" in why["organisation/bic-of-attika"]  # through P279*
    assert "country: GRC = Q41" in why["organisation/bic-of-attika"]
    german = why["organisation/bayerische-forschungsallianz"]
    assert "label exact: 'Bayerische Forschungsallianz GmbH'@de" in german
    assert "city: P131 chain reaches a place named Munich" in german  # München is not linked
    assert "website: clustercollaboration.eu" in why["organisation/eccp"]
    assert "country unknown: ours is not stated" in why["organisation/eccp"]
    assert "website: alpine-space.eu" in why["programme/alpine-space-2014-2020"]
    assert "type: city (instance of Q1549591 big city" in why["city/gr-athina"]


def test_each_link_has_its_record(first: First) -> None:
    with first.out.open("rb") as fh:
        triples = list(ox.parse(fh, format=ox.RdfFormat.TURTLE))
    by_subject: dict[str, dict[str, str]] = {}
    for t in triples:
        by_subject.setdefault(t.subject.value, {})[t.predicate.value] = t.object.value
    for ours, (qid, score) in LINKS.items():
        record = f"{ID}link/wikidata--{ours.replace('/', '-')}--{qid.lower()}"
        assert by_subject[record] == {
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#type": CKB + "LinkRecord",
            CKB + "linkSubject": ID + ours,
            CKB + "linkPredicate": "http://www.w3.org/2002/07/owl#sameAs",
            CKB + "linkTarget": WD + qid,
            CKB + "linkMethod": ID + "link-method/reconciliation",
            CKB + "linkScore": score,
            "http://www.w3.org/ns/prov#generatedAtTime": "2025-01-02T03:04:05Z",
            "http://purl.org/dc/terms/source": first.report.endpoint,
        }
    text = first.out.read_text(encoding="utf-8")
    assert text.startswith("# GENERATED by `clusterkb link wikidata`")
    assert "may only contain links a reconciliation run supports" in text
    assert "# Graph: https://w3id.org/clusterkb/graph/links/wikidata" in text
    assert '"1.00"^^xsd:decimal' in text and "^^xsd:dateTime" in text


def test_near_misses_and_weak_candidates_go_to_review_with_reasons(first: First) -> None:
    rows = review_in(first.review)
    assert set(rows) == set(REVIEW)
    for ours, expected in REVIEW.items():
        got = [(r["candidate"].removeprefix(WD), r["score"]) for r in rows[ours]]
        assert got == [(qid, score) for qid, score, _ in expected], ours
        for row, (_, _, reason) in zip(rows[ours], expected, strict=True):
            assert reason in row["reasons"], (ours, row["reasons"])
            assert row["type"] == ours.split("/")[0]
    marseille = rows["city/fr-marseille"][0]
    assert marseille["country"] == "FRA" and marseille["candidate_country"] == "Q16"
    assert "Marseille@fr" in marseille["labels"] and "Marseille@fr" in marseille["candidate_labels"]
    assert "label exact: 'Marseille'@fr" in marseille["reasons"]


def test_requests_are_batched_posted_and_say_who_asks(first: First) -> None:
    hits = first.hits
    assert hits and all(h.method == "POST" and h.outcome == "ok" for h in hits)
    assert all(
        h.agent.startswith("clusterkb/0.1.0 (https://w3id.org/clusterkb; contact:") for h in hits
    )
    assert all("application/sparql-results+json" in h.accept for h in hits)
    finding = [h.query for h in hits if "SELECT DISTINCT ?item ?name" in h.query]
    assert len(finding) == first.report.batches == 9  # one query finds a batch's candidates
    assert len(hits) == first.report.requests
    everything = "\n".join(finding)
    assert '"Αθήνα"@el' in everything and '"München"@de' in everything
    # names are also asked in the languages of the country, and in Wikidata's "mul"
    assert '"Business and Innovation Centre of Attika"@el' in everything
    assert '"Athens"@mul' in everything


def test_a_rerun_asks_nothing_and_writes_the_same_bytes(
    first: First, stub: Stub, tmp_path: Path
) -> None:
    shutil.copytree(first.folder / "cache", tmp_path / "cache")
    stub.reset()
    again = reconcile(stub, tmp_path)
    assert stub.hits == []
    assert again.requests == 0 and again.cached == first.report.requests
    assert (tmp_path / "out" / "wikidata.ttl").read_bytes() == first.out.read_bytes()
    assert (tmp_path / "out" / "wikidata-review.csv").read_bytes() == first.review.read_bytes()
    # over its own output, too: the records keep their time, the bytes stay the same
    reconcile(stub, tmp_path, now=NOW + dt.timedelta(days=1))
    assert (tmp_path / "out" / "wikidata.ttl").read_bytes() == first.out.read_bytes()
    assert stub.hits == []


def test_the_threshold_splits_links_from_review(first: First, stub: Stub, tmp_path: Path) -> None:
    shutil.copytree(first.folder / "cache", tmp_path / "cache")
    stub.reset()
    lower = reconcile(stub, tmp_path, threshold=0.75)
    expected = {ours: qid for ours, (qid, _) in LINKS.items()}
    expected |= {"city/de-munchen": "Q9990107", "organisation/university-of-patras": "Q9990005"}
    assert links_in(tmp_path / "out" / "wikidata.ttl") == expected
    rows = review_in(tmp_path / "out" / "wikidata-review.csv")
    assert "city/de-munchen" not in rows and "organisation/mpo" in rows  # two items: no guess
    assert "organisation/czechinvest" in rows and "city/fr-marseille" in rows  # near-misses stay
    assert lower.links == len(expected)
    german = next(d for d in lower.linked if d.entity.iri.endswith("bayerische-forschungsallianz"))
    assert "city: P131 chain reaches Q9990107, our Munich" in german.reasons  # now by its link

    strict = reconcile(stub, tmp_path, threshold=1.0)
    assert set(links_in(tmp_path / "out" / "wikidata.ttl")) == {
        ours for ours, (_, score) in LINKS.items() if score == "1.00"
    }
    assert [
        r["score"] for r in review_in(tmp_path / "out" / "wikidata-review.csv")["organisation/eccp"]
    ] == ["0.90"]
    assert strict.links == 6 and stub.hits == []


# -- an endpoint that fails ----------------------------------------------------------------------
def test_retries_honour_retry_after_and_outlast_errors_and_timeouts(
    first: First, stub: Stub, tmp_path: Path
) -> None:
    stub.reset(plan=("429", "503", "500", "slow"))
    started = time.monotonic()
    report = reconcile(stub, tmp_path, attempts=5)  # four failures, then the answer
    elapsed = time.monotonic() - started
    assert [h.outcome for h in stub.hits[:5]] == ["429", "503", "500", "slow", "ok"]
    assert len({h.query for h in stub.hits[:5]}) == 1  # the same request, five times
    assert report.retries == 4 and report.requests == first.report.requests + 4
    assert elapsed >= 1.0 + TIMEOUT  # waited as Retry-After asked, and for the timeout
    assert (tmp_path / "out" / "wikidata.ttl").read_bytes() == first.out.read_bytes()


def test_it_gives_up_naming_endpoint_and_status_and_a_rerun_resumes(
    first: First, stub: Stub, tmp_path: Path
) -> None:
    stub.reset(plan=("ok", "ok"), then="503")  # the first batch, then nothing but 503
    with pytest.raises(EndpointUnavailable) as caught:
        reconcile(stub, tmp_path, attempts=3)
    message = str(caught.value)
    assert stub.url in message and "HTTP 503" in message and "after 3 attempt(s)" in message
    assert "1 of 9 batches are done" in message and "Run the command again to resume" in message
    assert [h.outcome for h in stub.hits] == ["ok", "ok", "503", "503", "503"]
    assert not (tmp_path / "out").exists()  # nothing half-done was written
    done = stub.queries()[:2]

    stub.reset()
    report = reconcile(stub, tmp_path)
    assert not set(done) & set(stub.queries())  # the finished batch is not asked again
    assert report.cached == 2 + 0 and report.requests == first.report.requests - 2
    assert (tmp_path / "out" / "wikidata.ttl").read_bytes() == first.out.read_bytes()


def test_a_refused_query_is_not_retried(stub: Stub, tmp_path: Path) -> None:
    stub.reset(then="404")
    with pytest.raises(EndpointUnavailable, match="refused the request after 1 attempt"):
        reconcile(stub, tmp_path)
    assert len(stub.hits) == 1


# -- limits and resuming -------------------------------------------------------------------------
def test_a_limited_run_stops_after_its_batches_and_the_next_run_resumes(
    first: First, stub: Stub, tmp_path: Path
) -> None:
    stub.reset()
    part = reconcile(stub, tmp_path, limit=20)  # the first two batches: 20 of the 23 cities
    assert part.batches == part.batches_done == 2
    assert part.considered["asked about in this run (--limit)"] == 20
    assert links_in(tmp_path / "out" / "wikidata.ttl") == {"city/gr-athina": "Q9990101"}
    asked = stub.queries()

    stub.reset()
    whole = reconcile(stub, tmp_path)
    assert not set(asked) & set(stub.queries())
    assert whole.cached == len(asked) and whole.requests + len(asked) == first.report.requests
    assert (tmp_path / "out" / "wikidata.ttl").read_bytes() == first.out.read_bytes()


def test_the_request_limit_stops_the_run_and_keeps_what_it_did(stub: Stub, tmp_path: Path) -> None:
    stub.reset()
    report = reconcile(stub, tmp_path, max_requests=3)
    assert len(stub.hits) == 3 and report.requests == 3
    assert report.stopped == "the request limit (3) was reached" and not report.complete
    assert report.batches_done == 1  # the second batch found candidates, then the budget ran out
    assert links_in(tmp_path / "out" / "wikidata.ttl") == {}
    assert set(review_in(tmp_path / "out" / "wikidata-review.csv")) == {
        "city/de-munchen",
        "city/fr-marseille",
    }
    assert "stopped early: the request limit (3)" in report.render()


# -- the command and the tables ------------------------------------------------------------------
def test_the_command_writes_into_data_links_of_its_root(
    stub: Stub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = knowledge_root(tmp_path)
    stub.reset()
    args = ["link", "wikidata", "--root", str(root), "--endpoint", stub.url]
    code = main([*args, "--cache", str(tmp_path / "cache"), "--types", "city,fund"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.startswith("wikidata: 3 links, 3 candidates to review")
    assert links_in(root / "data" / "links" / "wikidata.ttl") == {
        "city/gr-athina": "Q9990101",
        "city/si-celje": "Q9990103",
        "fund/erdf": "Q9990301",
    }
    assert set(review_in(root / "data" / "links" / "wikidata-review.csv")) == {
        "city/de-munchen",
        "city/fr-marseille",
        "city/gr-lavrio",
    }
    assert stub.hits and not (tmp_path / "kb" / ".cache").exists()


def test_the_country_table_covers_our_countries_with_the_right_items() -> None:
    expected = {
        "GRC": "Q41", "DEU": "Q183", "CZE": "Q213", "POL": "Q36", "ITA": "Q38", "FRA": "Q142",
        "AUT": "Q40", "SVN": "Q215", "HUN": "Q28", "SVK": "Q214", "HRV": "Q224", "BGR": "Q219",
        "ROU": "Q218", "ESP": "Q29", "PRT": "Q45", "CYP": "Q229", "CHE": "Q39", "LIE": "Q347",
        "ALB": "Q222", "MKD": "Q221", "SRB": "Q403", "MNE": "Q236", "BIH": "Q225", "MLT": "Q233",
    }  # fmt: skip
    assert {code: COUNTRY_QIDS[code][0] for code in expected} == expected
    assert set(COUNTRY_QIDS) == set(COUNTRY_LANGS)
    qids = [q for items in COUNTRY_QIDS.values() for q in items]
    assert len(qids) == len(set(qids))
    # every country our data names has its item, so no thing of ours lacks the country check
    text = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "data").rglob("*.ttl"))
    ours = {code for code in COUNTRY_QIDS if f"country:{code}" in text}
    named = set(re.findall(r"ckb:country country:([A-Z]{3})", text))
    assert named and named <= ours
