"""Wikidata: reconcile our organisations, cities, programmes and funds against a SPARQL endpoint.

Nothing is guessed. A link (owl:sameAs to http://www.wikidata.org/entity/Q…) is written only for
a candidate that the endpoint returned for one of our names and that scores at least the
threshold; candidates below it go to a review file with the reasons, for a person to decide.

How: our things are sorted (cities first, so that organisations can use their cities' links) and
asked in batches of ~50 with plain SPARQL 1.1 (works on Wikidata and on any Oxigraph server):
one query finds the items whose rdfs:label or skos:altLabel is exactly one of our names, tagged
with its own language and with the languages of its country (Wikidata labels are
language-tagged, so an untagged or differently tagged string never matches); a second fetches
what the candidates say of themselves (labels in all languages, P31 and its class closure, P17,
the P131 chain, P856). The score weighs the name match (exact / folded, in which language)
against country, type, city and website agreement; a same name in another country, or a thing
of another type, never links.

Every answer is cached on disk (key: endpoint + query text), so a rerun asks nothing again and
an interrupted run resumes after its last finished batch; the cache never expires (delete
.cache/wikidata/ to ask Wikidata afresh), and changed data changes the queries anyway.
Requests carry a User-Agent with a contact (Wikidata's policy) and are retried with exponential
backoff, honouring Retry-After, on 429, 5xx and timeouts; after the last attempt the run stops
with a message naming the endpoint and the status, and what was done stays in the cache.
"""

from __future__ import annotations

import csv
import datetime as dt
import email.utils
import hashlib
import http.client
import io
import json
import os
import re
import time
import urllib.error
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyoxigraph as ox
from SPARQLWrapper import JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError,
    EndPointNotFound,
    QueryBadFormed,
    Unauthorized,
    URITooLong,
)

from .. import __version__
from ..errors import ClusterkbError, InputError
from ..namespaces import CKB, COUNTRY, ID, RDFS, SKOS
from ..search import search_key
from ..settings import Settings, is_endpoint
from ..store import EmbeddedStore
from .model import RECONCILIATION, SAME_AS, WIKIDATA, Link, LinkReport, LinkSet, write_link_set

DATASET = "wikidata"
COMMAND = "clusterkb link wikidata"
DEFAULT_ENDPOINT = "https://query.wikidata.org/sparql"
TYPES = ("organisation", "city", "programme", "fund")
_ORDER = ("city", "organisation", "programme", "fund")  # cities first: organisations use them
PLURAL = {
    "organisation": "organisations",
    "city": "cities",
    "programme": "programmes",
    "fund": "funds",
}
ARTICLE = {
    "organisation": "an organisation",
    "city": "a city",
    "programme": "a programme",
    "fund": "a fund",
}
CLASSES = {
    "organisation": CKB + "Organisation",
    "city": CKB + "City",
    "programme": CKB + "Programme",
    "fund": CKB + "Fund",
}
# Stand-ins for "not stated" that name nothing in the world, so have nothing to link to.
NOT_THINGS = frozenset({ID + "programme/unknown-programme", ID + "fund/eu-unspecified"})
USER_AGENT = (
    f"clusterkb/{__version__} (https://w3id.org/clusterkb; "
    "contact: https://w3id.org/clusterkb/issues) SPARQLWrapper"
)
BATCH_SIZE = 50
MIN_ACRONYM = 4  # shorter acronyms (MED, IPA) name hundreds of items: not asked for
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

# ISO 3166 alpha-3 (the code of our EU authority country IRIs) -> the Wikidata country item(s):
# the EU, EEA and EFTA members, the United Kingdom, and the candidate and neighbourhood countries
# of cooperation programmes. Checked against Wikidata (P17 values in common use).
COUNTRY_QIDS: dict[str, tuple[str, ...]] = {
    "AUT": ("Q40",),  # Austria
    "BEL": ("Q31",),  # Belgium
    "BGR": ("Q219",),  # Bulgaria
    "HRV": ("Q224",),  # Croatia
    "CYP": ("Q229",),  # Cyprus
    "CZE": ("Q213",),  # Czechia
    "DNK": ("Q35",),  # Denmark
    "EST": ("Q191",),  # Estonia
    "FIN": ("Q33",),  # Finland
    "FRA": ("Q142",),  # France
    "DEU": ("Q183",),  # Germany
    "GRC": ("Q41",),  # Greece
    "HUN": ("Q28",),  # Hungary
    "IRL": ("Q27",),  # Ireland
    "ITA": ("Q38",),  # Italy
    "LVA": ("Q211",),  # Latvia
    "LTU": ("Q37",),  # Lithuania
    "LUX": ("Q32",),  # Luxembourg
    "MLT": ("Q233",),  # Malta
    "NLD": ("Q55", "Q29999"),  # Netherlands; Kingdom of the Netherlands, also used as P17
    "POL": ("Q36",),  # Poland
    "PRT": ("Q45",),  # Portugal
    "ROU": ("Q218",),  # Romania
    "SVK": ("Q214",),  # Slovakia
    "SVN": ("Q215",),  # Slovenia
    "ESP": ("Q29",),  # Spain
    "SWE": ("Q34",),  # Sweden
    "ISL": ("Q189",),  # Iceland
    "LIE": ("Q347",),  # Liechtenstein
    "NOR": ("Q20",),  # Norway
    "CHE": ("Q39",),  # Switzerland
    "GBR": ("Q145",),  # United Kingdom
    "ALB": ("Q222",),  # Albania
    "MKD": ("Q221",),  # North Macedonia
    "SRB": ("Q403",),  # Serbia
    "MNE": ("Q236",),  # Montenegro
    "BIH": ("Q225",),  # Bosnia and Herzegovina
    "TUR": ("Q43",),  # Türkiye
    "UKR": ("Q212",),  # Ukraine
    "MDA": ("Q217",),  # Moldova
    "GEO": ("Q230",),  # Georgia
}
# Languages (Wikidata language codes) names of things in a country are written in.
COUNTRY_LANGS: dict[str, tuple[str, ...]] = {
    "AUT": ("de",),
    "BEL": ("nl", "fr", "de"),
    "BGR": ("bg",),
    "HRV": ("hr",),
    "CYP": ("el", "tr"),
    "CZE": ("cs",),
    "DNK": ("da",),
    "EST": ("et",),
    "FIN": ("fi", "sv"),
    "FRA": ("fr",),
    "DEU": ("de",),
    "GRC": ("el",),
    "HUN": ("hu",),
    "IRL": ("en", "ga"),
    "ITA": ("it",),
    "LVA": ("lv",),
    "LTU": ("lt",),
    "LUX": ("lb", "fr", "de"),
    "MLT": ("mt", "en"),
    "NLD": ("nl",),
    "POL": ("pl",),
    "PRT": ("pt",),
    "ROU": ("ro",),
    "SVK": ("sk",),
    "SVN": ("sl",),
    "ESP": ("es", "ca", "eu", "gl"),
    "SWE": ("sv",),
    "ISL": ("is",),
    "LIE": ("de",),
    "NOR": ("nb", "nn"),
    "CHE": ("de", "fr", "it", "rm"),
    "GBR": ("en",),
    "ALB": ("sq",),
    "MKD": ("mk",),
    "SRB": ("sr",),
    "MNE": ("sr",),
    "BIH": ("bs", "hr", "sr"),
    "TUR": ("tr",),
    "UKR": ("uk",),
    "MDA": ("ro",),
    "GEO": ("ka",),
}
# Classes a candidate's P31 must reach through P279* to be of our type. Programmes and funds
# have no settled class on Wikidata, so for them the English labels of the candidate's classes
# (P31 and one step of P279) are read instead.
ANCHORS: dict[str, tuple[str, ...]] = {
    "organisation": (
        "Q43229",  # organization
        "Q4830453",  # business
        "Q3918",  # university
        "Q327333",  # government agency
    ),
    "city": (
        "Q486972",  # human settlement
        "Q515",  # city
        "Q1549591",  # big city
        "Q3957",  # town
        "Q15284",  # municipality
        "Q7930989",  # city or town
    ),
}
# A bare "programme" would admit television programmes: the kind of programme must be said.
CLASS_WORDS: dict[str, re.Pattern[str]] = {
    "programme": re.compile(
        r"\binterreg\b|\b(co-?operation|funding|operational|development|european union|eu)"
        r" program(me)?s?\b",
        re.IGNORECASE,
    ),
    "fund": re.compile(r"\b(funds?|financial instrument|funding instrument)\b", re.IGNORECASE),
}

# Weights of the score: the name match gives the base, the rest multiply it (a conflict weighs
# heavily, missing evidence a little) and an agreement of city or website closes half the gap
# to 1. A same name in another country or of another type ends far below any threshold.
LABEL_EXACT = 1.0  # same text, same language (or Wikidata's "mul")
ALIAS_EXACT = 0.95  # same text as an alias in the same language
OTHER_LANGUAGE = 0.93  # same text under another language tag
FOLDED = 0.9  # same text once case, accents and script are folded
ACRONYM = 0.8  # only our acronym matches
UNKNOWN = 0.8  # country or type not stated (on either side)
CITY_DIFFERS = 0.85
WEBSITE_DIFFERS = 0.9
TYPE_DIFFERS = 0.4
COUNTRY_DIFFERS = 0.25
AMBIGUITY = "ambiguous"


class EndpointUnavailable(ClusterkbError):
    """The endpoint did not answer after the last attempt (or refused the query); what was done
    is in the cache and a rerun resumes from there."""

    def __init__(self, message: str, report: ReconcileReport | None = None) -> None:
        super().__init__(message)
        self.report = report


class _GaveUp(Exception):
    def __init__(self, status: str, attempts: int, retry: bool = True) -> None:
        super().__init__(status)
        self.status = status
        self.attempts = attempts
        self.retry = retry


class _Budget(Exception):
    """The run's request limit is reached."""


@dataclass
class Entity:
    """One of our things as the reconciler sees it."""

    iri: str
    kind: str
    labels: list[tuple[str, str]]  # (text, language tag), labels and alternative labels
    acronyms: list[str] = field(default_factory=list)
    country: str | None = None  # ISO alpha-3
    city: str | None = None  # our city IRI
    websites: list[str] = field(default_factory=list)  # host names without "www."

    def names(self) -> list[tuple[str, str]]:
        """The (text, language) pairs to ask for: each label with its own tag, the languages
        of the country, English and "mul"; acronyms (long enough) in the same languages."""
        langs = [*COUNTRY_LANGS.get(self.country or "", ()), "en", "mul"]
        out: dict[tuple[str, str], None] = {}
        for text, lang in self.labels:
            for tag in [lang, *langs] if lang else langs:
                out[(text, tag)] = None
        for acronym in self.acronyms:
            if len(acronym) >= MIN_ACRONYM:
                for tag in langs:
                    out[(acronym, tag)] = None
        return list(out)

    def languages(self) -> set[str]:
        return {lang for _, lang in self.names()}


@dataclass
class Candidate:
    """What a Wikidata item says of itself."""

    qid: str
    labels: set[tuple[str, str]] = field(default_factory=set)
    aliases: set[tuple[str, str]] = field(default_factory=set)
    classes: set[str] = field(default_factory=set)  # P31
    class_labels: dict[str, str] = field(default_factory=dict)  # P31 and P279 -> English label
    anchors: set[str] = field(default_factory=set)  # anchor classes reached by P31/P279*
    countries: set[str] = field(default_factory=set)  # P17
    places: set[str] = field(default_factory=set)  # P131+
    place_keys: set[str] = field(default_factory=set)  # folded labels of the P131 chain
    websites: set[str] = field(default_factory=set)  # P856 hosts without "www."

    @property
    def iri(self) -> str:
        return WIKIDATA + self.qid


@dataclass
class Decision:
    """One candidate for one of our things: its score, why, and whether it became a link."""

    entity: Entity
    candidate: Candidate
    score: Decimal
    reasons: list[str]
    linked: bool = False


@dataclass
class ReconcileReport(LinkReport):
    """What a run did: links made, candidates left for review, requests sent and answers read
    from the cache, and whether every batch was done."""

    endpoint: str = DEFAULT_ENDPOINT
    threshold: float = 0.85
    batches: int = 0
    batches_done: int = 0
    requests: int = 0  # HTTP requests sent, retries included
    retries: int = 0
    cached: int = 0  # answers read from the cache instead
    linked: list[Decision] = field(default_factory=list)
    review: list[Decision] = field(default_factory=list)
    no_candidates: list[str] = field(default_factory=list)
    stopped: str | None = None

    @property
    def complete(self) -> bool:
        return self.stopped is None and self.batches_done == self.batches

    def render(self) -> str:
        lines = [
            f"{self.target}: {self.links} links, {len(self.review)} candidates to review, "
            f"{len(self.no_candidates)} things without candidates (threshold {self.threshold})",
            f"  endpoint {self.endpoint}: {self.requests} requests ({self.retries} retries), "
            f"{self.cached} answers from the cache; batches {self.batches_done}/{self.batches}",
        ]
        lines += [f"  {what}: {n}" for what, n in sorted(self.considered.items())]
        if self.stopped:
            lines.append(f"  stopped early: {self.stopped}")
        lines += [f"  wrote {path}" for path in self.written]
        return "\n".join(lines) + "\n"


# -- our things ----------------------------------------------------------------------------------
_ENTITIES = f"""
SELECT ?s ?class ?p ?o WHERE {{
  VALUES ?class {{ {" ".join(f"<{c}>" for c in CLASSES.values())} }}
  ?s a ?class .
  VALUES ?p {{ <{RDFS}label> <{SKOS}altLabel> <{CKB}acronym> <{CKB}country> <{CKB}city>
              <{CKB}website> }}
  ?s ?p ?o .
}}
"""


def host(url: str) -> str:
    """The host of a web address without "www.", for comparing websites."""
    name = (urlsplit(url.strip()).hostname or "").lower()
    return name.removeprefix("www.")


def collect(store: EmbeddedStore, graphs: Sequence[str]) -> dict[str, Entity]:
    """Every organisation, city, programme and fund with a name, by IRI."""
    kinds = {cls: kind for kind, cls in CLASSES.items()}
    found: dict[str, Entity] = {}
    for row in store.select(_ENTITIES, graphs=graphs).rows:
        iri = row["s"].value
        if not isinstance(row["s"], ox.NamedNode) or iri in NOT_THINGS:
            continue
        entity = found.setdefault(iri, Entity(iri, kinds[row["class"].value], []))
        p, o = row["p"].value, row["o"]
        if p in (RDFS + "label", SKOS + "altLabel") and isinstance(o, ox.Literal):
            pair = (o.value.strip(), (o.language or "").lower())
            if pair[0] and pair not in entity.labels:
                entity.labels.append(pair)
        elif p == CKB + "acronym" and isinstance(o, ox.Literal) and o.value.strip():
            entity.acronyms.append(o.value.strip())
        elif p == CKB + "country" and o.value.startswith(COUNTRY):
            entity.country = o.value.removeprefix(COUNTRY)
        elif p == CKB + "city" and isinstance(o, ox.NamedNode):
            entity.city = o.value
        elif p == CKB + "website" and host(o.value):
            entity.websites.append(host(o.value))
    for entity in found.values():
        entity.labels.sort()
        entity.acronyms = sorted(set(entity.acronyms))
        entity.websites = sorted(set(entity.websites))
    return {iri: e for iri, e in found.items() if e.labels or e.acronyms}


def _sort_key(entity: Entity) -> tuple[int, str]:
    return (_ORDER.index(entity.kind), entity.iri)


# -- the endpoint --------------------------------------------------------------------------------
class Endpoint:
    """A SPARQL endpoint behind a disk cache, with retries: one `select` per query text."""

    def __init__(
        self,
        url: str,
        cache_dir: Path,
        *,
        timeout: float,
        attempts: int,
        backoff: float,
        max_wait: float,
        max_requests: int | None,
        report: ReconcileReport,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.url = url
        self.cache_dir = cache_dir
        self.timeout = timeout
        self.attempts = attempts
        self.backoff = backoff
        self.max_wait = max_wait
        self.max_requests = max_requests
        self.report = report
        self.sleep = sleep

    def _path(self, query: str) -> Path:
        digest = hashlib.sha256(f"{self.url}\n{query}".encode()).hexdigest()
        return self.cache_dir / digest[:2] / f"{digest}.json"

    def select(self, query: str) -> list[dict[str, Any]]:
        """The bindings of a SELECT answer: from the cache when asked before, else from the
        endpoint (then cached at once, so an interrupted run keeps it)."""
        path = self._path(query)
        if path.exists():
            try:
                stored = json.loads(path.read_text(encoding="utf-8"))
                if stored.get("endpoint") == self.url and stored.get("query") == query:
                    self.report.cached += 1
                    return list(stored["results"]["bindings"])
            except (ValueError, KeyError, TypeError):
                pass  # a damaged entry is asked again and overwritten
        answer = self._ask(query)
        path.parent.mkdir(parents=True, exist_ok=True)
        entry = {"endpoint": self.url, "query": query, "results": answer["results"]}
        partial = path.with_suffix(f".{os.getpid()}.part")
        partial.write_text(json.dumps(entry, ensure_ascii=False, sort_keys=True), "utf-8")
        os.replace(partial, path)
        return list(answer["results"]["bindings"])

    def _ask(self, query: str) -> dict[str, Any]:
        status = ""
        for attempt in range(1, self.attempts + 1):
            if self.max_requests is not None and self.report.requests >= self.max_requests:
                raise _Budget
            self.report.requests += 1
            if attempt > 1:
                self.report.retries += 1
            wait: float | None = None
            try:
                return self._once(query)
            except urllib.error.HTTPError as exc:
                status = f"HTTP {exc.code} {exc.reason}".strip()
                if exc.code not in RETRY_STATUSES:
                    raise _GaveUp(status, attempt, retry=False) from exc
                wait = _retry_after(exc.headers.get("Retry-After") if exc.headers else None)
            except EndPointInternalError:
                status = "HTTP 500 Internal Server Error"
            except (QueryBadFormed, EndPointNotFound, Unauthorized, URITooLong) as exc:
                code = {
                    QueryBadFormed: "HTTP 400 (the endpoint refused the query)",
                    EndPointNotFound: "HTTP 404 (no SPARQL endpoint at this address)",
                    Unauthorized: "HTTP 401 (the endpoint asks for credentials)",
                    URITooLong: "HTTP 414 (request too long)",
                }
                raise _GaveUp(code[type(exc)], attempt, retry=False) from exc
            except TimeoutError:
                status = f"no answer within {self.timeout:g} s"
            except urllib.error.URLError as exc:
                if isinstance(exc.reason, TimeoutError):
                    status = f"no answer within {self.timeout:g} s"
                else:
                    status = f"cannot connect ({exc.reason})"
            except (http.client.HTTPException, OSError) as exc:
                status = f"connection failed ({exc.__class__.__name__}: {exc})"
            except ValueError:
                status = "the answer is not SPARQL JSON results"
            if attempt == self.attempts:
                break
            delay = min(self.backoff * 2 ** (attempt - 1), self.max_wait)
            if wait is not None:
                if wait > self.max_wait:
                    status += f", asking to wait {wait:g} s (more than {self.max_wait:g} s)"
                    raise _GaveUp(status, attempt)
                delay = max(delay, wait)
            self.sleep(delay)
        raise _GaveUp(status, self.attempts)

    def _once(self, query: str) -> dict[str, Any]:
        sparql = SPARQLWrapper(self.url, agent=USER_AGENT)
        sparql.setMethod(POST)  # long VALUES blocks do not fit in a URL
        sparql.setReturnFormat(JSON)
        sparql.setOnlyConneg(True)  # the Accept header only, no format=json parameters
        sparql.setQuery(query)
        sparql.timeout = self.timeout  # type: ignore[assignment]  # setTimeout() drops fractions
        answer = sparql.query().convert()
        if not isinstance(answer, dict):
            raise ValueError("not a JSON object")
        bindings = answer.get("results", {}).get("bindings")
        if not isinstance(bindings, list):
            raise ValueError("no results.bindings")
        return answer


def _retry_after(value: str | None) -> float | None:
    """Retry-After as seconds (it may be a number or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


# -- the queries ---------------------------------------------------------------------------------
_PREFIXES = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
"""


def _literal(text: str, lang: str) -> str:
    return str(ox.Literal(text, language=lang))  # N-Triples escaping: safe inside a query


def candidates_query(names: Iterable[tuple[str, str]]) -> str:
    """Items with one of the names, exactly, as label or alias (Wikidata indexes both)."""
    values = "\n    ".join(_literal(text, lang) for text, lang in sorted(set(names)))
    return (
        _PREFIXES
        + "SELECT DISTINCT ?item ?name WHERE {\n"
        + f"  VALUES ?name {{\n    {values}\n  }}\n"
        + "  ?item rdfs:label|skos:altLabel ?name .\n"
        + '  FILTER(STRSTARTS(STR(?item), "http://www.wikidata.org/entity/Q"))\n'
        + "}\n"
    )


def details_query(qids: Iterable[str], langs: Iterable[str]) -> str:
    """What the candidates say of themselves, one row per fact: labels and aliases in all
    languages, P31 (with the English labels of it and its superclasses, and which anchor classes
    it reaches), P17, the P131 chain (with its names in our languages) and P856."""
    items = " ".join(f"wd:{q}" for q in sorted(set(qids)))
    anchors = " ".join(f"wd:{q}" for q in sorted({a for v in ANCHORS.values() for a in v}))
    tags = ", ".join(f'"{tag}"' for tag in sorted(set(langs)))
    return _PREFIXES + (
        "SELECT ?item ?kind ?about ?value WHERE {\n"
        f"  VALUES ?item {{ {items} }}\n"
        '  { ?item rdfs:label ?value . BIND("label" AS ?kind) }\n'
        '  UNION { ?item skos:altLabel ?value . BIND("alias" AS ?kind) }\n'
        '  UNION { ?item wdt:P31 ?value . BIND("P31" AS ?kind) }\n'
        "  UNION { ?item wdt:P31 ?about . ?about rdfs:label ?value .\n"
        '          FILTER(LANG(?value) = "en") BIND("class" AS ?kind) }\n'
        "  UNION { ?item wdt:P31/wdt:P279 ?about . ?about rdfs:label ?value .\n"
        '          FILTER(LANG(?value) = "en") BIND("class" AS ?kind) }\n'
        f"  UNION {{ VALUES ?value {{ {anchors} }}\n"
        '          ?item wdt:P31/wdt:P279* ?value . BIND("anchor" AS ?kind) }\n'
        '  UNION { ?item wdt:P17 ?value . BIND("P17" AS ?kind) }\n'
        '  UNION { ?item wdt:P131+ ?value . BIND("P131" AS ?kind) }\n'
        "  UNION { ?item wdt:P131+ ?about . ?about rdfs:label|skos:altLabel ?value .\n"
        f'          FILTER(LANG(?value) IN ({tags})) BIND("place" AS ?kind) }}\n'
        '  UNION { ?item wdt:P856 ?value . BIND("P856" AS ?kind) }\n'
        "}\n"
    )


def _qid(iri: str) -> str | None:
    if iri.startswith(WIKIDATA):
        local = iri.removeprefix(WIKIDATA)
        if re.fullmatch(r"Q[1-9][0-9]*", local):
            return local
    return None


def parse_details(rows: Iterable[dict[str, Any]]) -> dict[str, Candidate]:
    found: dict[str, Candidate] = {}
    for row in rows:
        qid = _qid(row.get("item", {}).get("value", ""))
        kind = row.get("kind", {}).get("value")
        value = row.get("value", {})
        text = str(value.get("value", ""))
        if qid is None or kind is None or not text:
            continue
        c = found.setdefault(qid, Candidate(qid))
        lang = str(value.get("xml:lang", "")).lower()
        about = _qid(row.get("about", {}).get("value", ""))
        if kind == "label":
            c.labels.add((text, lang))
        elif kind == "alias":
            c.aliases.add((text, lang))
        elif kind == "class" and about:
            c.class_labels[about] = text
        elif kind == "place":
            c.place_keys.add(search_key(text))
        elif kind == "P856" and host(text):
            c.websites.add(host(text))
        elif kind in ("P31", "anchor", "P17", "P131") and (item := _qid(text)):
            sets = {"P31": c.classes, "anchor": c.anchors, "P17": c.countries, "P131": c.places}
            sets[kind].add(item)
    return found


DETAILS_CHUNK = 25  # candidates per details query: a big city alone has ~1000 names


def fetch(client: Endpoint, batch: Sequence[Entity]) -> dict[str, dict[str, Candidate]]:
    """One batch: its candidates (one query) and what they say of themselves (one query per
    DETAILS_CHUNK candidates), as entity IRI -> QID -> candidate."""
    names = {e.iri: e.names() for e in batch}
    rows = client.select(candidates_query(n for ns in names.values() for n in ns))
    hits: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in rows:
        qid = _qid(row.get("item", {}).get("value", ""))
        name = row.get("name", {})
        if qid is not None:
            hits[(str(name.get("value", "")), str(name.get("xml:lang", "")).lower())].add(qid)
    per_entity = {
        iri: sorted({q for n in ns for q in hits.get(n, ())}) for iri, ns in names.items()
    }
    qids = sorted({q for qs in per_entity.values() for q in qs})
    langs = sorted({lang for e in batch for lang in e.languages()})
    details: dict[str, Candidate] = {}
    for i in range(0, len(qids), DETAILS_CHUNK):
        details.update(
            parse_details(client.select(details_query(qids[i : i + DETAILS_CHUNK], langs)))
        )
    return {iri: {q: details.get(q, Candidate(q)) for q in qs} for iri, qs in per_entity.items()}


# -- scoring -------------------------------------------------------------------------------------
def _label_match(entity: Entity, cand: Candidate) -> tuple[float, str]:
    """The best name match: exact in the same language, as an alias, in another language,
    folded (case, accents, script), or only by acronym; with the words that say which."""
    theirs: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    folded: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for names, primary in ((cand.labels, True), (cand.aliases, False)):
        for text, lang in names:
            theirs[text].append((lang, primary))
            folded[search_key(text)].append((text, lang))
    best = (0.0, "name: none in common")

    def offer(value: float, why: str) -> None:
        nonlocal best
        if value > best[0] or (value == best[0] and why < best[1]):
            best = (value, why)

    for text, lang in entity.labels:
        for their_lang, primary in theirs.get(text, ()):
            if their_lang in (lang, "mul") or not lang:
                what = "label" if primary else "alias"
                offer(
                    LABEL_EXACT if primary else ALIAS_EXACT, f"{what} exact: {text!r}@{their_lang}"
                )
            else:
                offer(OTHER_LANGUAGE, f"name exact in another language: {text!r}@{their_lang}")
        for their_text, their_lang in folded.get(search_key(text), ()):
            if their_text != text:
                offer(FOLDED, f"name folded: {their_text!r}@{their_lang} ~ {text!r}@{lang}")
    for acronym in entity.acronyms:
        if acronym in theirs:
            offer(ACRONYM, f"acronym only: {acronym!r}")
    return best


def _classes(cand: Candidate) -> str:
    shown = [f"{q} {cand.class_labels[q]}" if q in cand.class_labels else q for q in cand.classes]
    return ", ".join(sorted(shown)) or "none"


def _type_match(entity: Entity, cand: Candidate) -> tuple[float, str]:
    kind = entity.kind
    if kind in ANCHORS:
        hits = sorted(cand.anchors & set(ANCHORS[kind]))
    else:
        hits = sorted(
            q for q, label in cand.class_labels.items() if CLASS_WORDS[kind].search(label)
        )
    if hits:
        return 1.0, f"type: {kind} (instance of {_classes(cand)}; reaches {', '.join(hits)})"
    if not cand.classes:
        return UNKNOWN, "type unknown: Wikidata states no P31"
    return TYPE_DIFFERS, f"type differs: instance of {_classes(cand)}, not {ARTICLE[kind]}"


def _country_match(entity: Entity, cand: Candidate) -> tuple[float, str]:
    if entity.country is None:
        return UNKNOWN, "country unknown: ours is not stated"
    ours = COUNTRY_QIDS.get(entity.country)
    if ours is None:
        return UNKNOWN, f"country unknown: no Wikidata item known for {entity.country}"
    if cand.countries & set(ours):
        return 1.0, f"country: {entity.country} = {'/'.join(sorted(cand.countries & set(ours)))}"
    if not cand.countries:
        return UNKNOWN, "country unknown: Wikidata states no P17"
    theirs = ", ".join(sorted(cand.countries))
    return (
        COUNTRY_DIFFERS,
        f"country differs (near-miss): P17 {theirs}, ours {entity.country} = {ours[0]}",
    )


def _city_match(
    city_iri: str, cand: Candidate, cities: dict[str, Entity], city_links: dict[str, str]
) -> tuple[bool | None, str]:
    """Whether the candidate's P131 chain reaches our city: by the city's own link when this
    run made one, else by one of its names (True); reaches others only (None); unknown (False)."""
    city = cities.get(city_iri)
    labels = city.labels if city else []
    name = min((t for t, lang in labels if lang == "en"), default=city_iri)
    known = city_links.get(city_iri)
    if known is not None and known in cand.places:
        return True, f"city: P131 chain reaches {known}, our {name}"
    if {search_key(text) for text, _ in labels} & cand.place_keys:
        return True, f"city: P131 chain reaches a place named {name}"
    if cand.places:
        return None, f"city differs: P131 chain does not reach our {name}"
    return False, "city unknown: Wikidata states no P131"


def score(
    entity: Entity, cand: Candidate, cities: dict[str, Entity], city_links: dict[str, str]
) -> tuple[Decimal, list[str]]:
    """The candidate's score (0..1, two decimals) and the reasons, in the order weighed."""
    value, why = _label_match(entity, cand)
    reasons = [why]
    if value == 0:
        return Decimal("0.00"), reasons
    checks = [_type_match(entity, cand)]
    if entity.kind in ("organisation", "city"):
        checks.append(_country_match(entity, cand))
    for factor, why in checks:
        value *= factor
        reasons.append(why)
    agreements = 0
    if entity.city is not None:
        agrees, why = _city_match(entity.city, cand, cities, city_links)
        if agrees is None:
            value *= CITY_DIFFERS
        agreements += bool(agrees)
        reasons.append(why)
    if entity.websites and cand.websites:
        same = sorted(set(entity.websites) & cand.websites)
        if same:
            agreements += 1
            reasons.append(f"website: {same[0]}")
        else:
            value *= WEBSITE_DIFFERS
            reasons.append(f"website differs: P856 {', '.join(sorted(cand.websites))}")
    for _ in range(agreements):
        value += (1 - value) / 2
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), reasons


# -- deciding ------------------------------------------------------------------------------------
def _decide(entity: Entity, decisions: list[Decision], threshold: Decimal) -> None:
    """Link the one candidate at or above the threshold; two or more there is a guess: none."""
    decisions.sort(key=lambda d: (-d.score, d.candidate.qid))
    above = [d for d in decisions if d.score >= threshold]
    if len(above) == 1:
        above[0].linked = True
    elif above:
        for d in above:
            others = ", ".join(o.candidate.qid for o in above if o is not d)
            d.reasons.append(f"{AMBIGUITY}: {others} also score at least {threshold}")


def _one_to_one(decisions: Iterable[Decision]) -> None:
    """An item that is the link of two of our things is the link of neither: one of them, at
    least, is wrong, and which one is for a person to say."""
    by_item: dict[str, list[Decision]] = defaultdict(list)
    for d in decisions:
        if d.linked:
            by_item[d.candidate.qid].append(d)
    for group in by_item.values():
        if len(group) > 1:
            for d in group:
                others = ", ".join(sorted(o.entity.iri for o in group if o is not d))
                d.linked = False
                d.reasons.append(f"{AMBIGUITY}: {d.candidate.qid} also matches {others}")


def decide_all(
    todo: Sequence[Entity],
    found: dict[str, dict[str, Candidate]],
    cities: dict[str, Entity],
    threshold: Decimal,
) -> list[Decision]:
    """Score every candidate, cities first: an organisation's city then counts by its link."""
    city_links: dict[str, str] = {}
    out: list[Decision] = []
    for kinds in (("city",), tuple(k for k in _ORDER if k != "city")):
        step: list[Decision] = []
        for entity in todo:
            if entity.kind not in kinds or entity.iri not in found:
                continue
            decisions = []
            for cand in found[entity.iri].values():
                value, reasons = score(entity, cand, cities, city_links)
                decisions.append(Decision(entity, cand, value, reasons))
            _decide(entity, decisions, threshold)
            step += decisions
        _one_to_one(step)
        city_links.update({d.entity.iri: d.candidate.qid for d in step if d.linked})
        out += step
    return out


# -- writing -------------------------------------------------------------------------------------
REVIEW_COLUMNS = (
    "subject",
    "type",
    "labels",
    "country",
    "candidate",
    "candidate_labels",
    "candidate_types",
    "candidate_country",
    "score",
    "reasons",
)


def _labels(pairs: Iterable[tuple[str, str]], langs: set[str] | None = None) -> str:
    chosen = sorted((lang, text) for text, lang in pairs if langs is None or lang in langs)
    return " | ".join(f"{text}@{lang}" if lang else text for lang, text in chosen)


def review_csv(decisions: Iterable[Decision]) -> str:
    """Candidates of things that got no link, best first, with both sides' names and the reasons
    (names of the candidate only in the languages of ours, English and "mul": readable)."""
    linked = {d.entity.iri for d in decisions if d.linked}
    rows = sorted(
        (d for d in decisions if d.entity.iri not in linked),
        key=lambda d: (d.entity.iri, -d.score, d.candidate.qid),
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(REVIEW_COLUMNS)
    for d in rows:
        e, c = d.entity, d.candidate
        writer.writerow(
            [
                e.iri,
                e.kind,
                _labels(e.labels),
                e.country or "",
                c.iri,
                _labels(c.labels | c.aliases, e.languages() | {lang for _, lang in e.labels}),
                _classes(c),
                ", ".join(sorted(c.countries)),
                f"{d.score:f}",
                "; ".join(d.reasons),
            ]
        )
    return buffer.getvalue()


def link_set(
    decisions: Iterable[Decision], endpoint: str, threshold: Decimal, review: str
) -> LinkSet:
    links = [
        Link(d.entity.iri, SAME_AS, d.candidate.iri, RECONCILIATION, d.score, endpoint)
        for d in decisions
        if d.linked
    ]
    return LinkSet(
        dataset=DATASET,
        command=COMMAND,
        comment="Links of organisations, cities, programmes and funds to Wikidata items, found by "
        "reconciliation against a SPARQL endpoint; each record keeps the score and the endpoint.",
        links=links,
        notes=[
            "It may only contain links a reconciliation run supports: each target came back from",
            f"the endpoint {endpoint} for one of our names and scored at least {threshold}",
            f"(name, country, type, city, website). Candidates below that are in {review}.",
        ],
    )


def _stamp(now: dt.datetime | None) -> str:
    when = now or dt.datetime.now(dt.UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- the run -------------------------------------------------------------------------------------
def run(
    settings: Settings,
    *,
    endpoint: str | None = DEFAULT_ENDPOINT,
    types: Sequence[str] | None = TYPES,
    limit: int | None = None,
    cache_dir: Path | None = None,
    threshold: float | None = 0.85,
    out: Path | None = None,
    now: dt.datetime | None = None,
    timeout: float = 30.0,
    batch_size: int = BATCH_SIZE,
    max_requests: int | None = None,
    attempts: int = 5,
    backoff: float = 2.0,
    max_wait: float = 300.0,
) -> ReconcileReport:
    """`clusterkb link wikidata`: reconcile, then write data/links/wikidata.ttl (the links) and
    wikidata-review.csv beside it (the candidates below the threshold).

    `limit` caps the things asked about in this run (the first ones in a fixed order, so a
    larger limit later reuses the cached batches) and `max_requests` the HTTP requests; a run
    stopped by either writes what it did. A run the endpoint stops (after `attempts`) writes
    nothing and raises EndpointUnavailable; its finished batches are in the cache. None for
    endpoint, types or threshold means the default (the CLI passes None for options not given).
    """
    endpoint = endpoint or DEFAULT_ENDPOINT
    kinds = tuple(types) if types else TYPES
    level = Decimal(str(0.85 if threshold is None else threshold))
    unknown = sorted(set(kinds) - set(TYPES))
    if unknown:
        raise InputError(f"unknown type(s) {', '.join(unknown)}", fix=f"use {', '.join(TYPES)}")
    if not is_endpoint(endpoint):
        raise InputError(f"{endpoint!r} is not an http(s) endpoint address")
    if not Decimal(0) < level <= Decimal(1):
        raise InputError(f"threshold {level} is not in (0, 1]", fix="e.g. --threshold 0.85")
    for name, value in (("limit", limit), ("max_requests", max_requests)):
        if value is not None and value < 0:
            raise InputError(f"{name} {value} is negative")
    if batch_size < 1 or attempts < 1:
        raise InputError("batch_size and attempts must be at least 1")
    from .service import knowledge  # here: service may import this module

    out = out or settings.data_dir / "links" / f"{DATASET}.ttl"
    review_path = out.with_name(f"{out.stem}-review.csv")
    cache_dir = cache_dir or settings.root / ".cache" / "wikidata"
    report = ReconcileReport(DATASET, endpoint=endpoint, threshold=float(level))

    store, graphs = knowledge(settings)
    everything = collect(store, graphs)
    todo = sorted((e for e in everything.values() if e.kind in kinds), key=_sort_key)
    for kind in kinds:
        report.considered[f"{PLURAL[kind]} with a name"] = sum(e.kind == kind for e in todo)
    if limit is not None:
        todo = todo[:limit]
        report.considered["asked about in this run (--limit)"] = len(todo)
    batches = [todo[i : i + batch_size] for i in range(0, len(todo), batch_size)]
    report.batches = len(batches)
    client = Endpoint(
        endpoint,
        cache_dir,
        timeout=timeout,
        attempts=attempts,
        backoff=backoff,
        max_wait=max_wait,
        max_requests=max_requests,
        report=report,
    )
    found: dict[str, dict[str, Candidate]] = {}
    for batch in batches:
        try:
            found.update(fetch(client, batch))
        except _Budget:
            report.stopped = f"the request limit ({max_requests}) was reached"
            break
        except _GaveUp as exc:
            what = "gave no usable answer" if exc.retry else "refused the request"
            raise EndpointUnavailable(
                f"{endpoint} {what} after {exc.attempts} attempt(s): {exc.status}. "
                f"{report.batches_done} of {report.batches} batches are done and kept in "
                f"{cache_dir}; nothing was written. Run the command again to resume.",
                report,
            ) from exc
        report.batches_done += 1

    cities = {iri: e for iri, e in everything.items() if e.kind == "city"}
    decisions = decide_all(todo, found, cities, level)
    report.linked = sorted((d for d in decisions if d.linked), key=lambda d: d.entity.iri)
    linked = {d.entity.iri for d in report.linked}
    report.review = [d for d in decisions if not d.linked and d.entity.iri not in linked]
    report.no_candidates = sorted(iri for iri, cands in found.items() if not cands)
    report.links = len(report.linked)
    write_link_set(out, link_set(decisions, endpoint, level, review_path.name), _stamp(now))
    review_path.write_text(review_csv(decisions), encoding="utf-8")
    report.written += [out, review_path]
    return report
