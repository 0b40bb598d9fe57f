"""Links, their records, and the generated Turtle file of one target dataset.

A link is one triple from a thing of ours to a thing of another dataset: owl:sameAs (the same
thing), skos:exactMatch / skos:closeMatch (concepts) or rdfs:seeAlso (a page about it). Its
record (ckb:LinkRecord, IRI id/link/<dataset>--<subject>--<target>) says how it was found
(ckb:linkMethod), how sure it is (ckb:linkScore), from what (dcterms:source) and when
(prov:generatedAtTime). Files are sorted and written the same way every time; a link whose record
is unchanged keeps the time it was first made, so regenerating rewrites the same bytes.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
from anyascii import anyascii

from ..namespaces import (
    CKB,
    COUNTRY,
    CURRENCY,
    DCTERMS,
    GRAPH,
    ID,
    ID_TYPES,
    LANGUAGE,
    OWL,
    PROV,
    RDF,
    RDFS,
    SKOS,
    XSD,
)

SAME_AS = OWL + "sameAs"
EXACT_MATCH = SKOS + "exactMatch"
CLOSE_MATCH = SKOS + "closeMatch"
SEE_ALSO = RDFS + "seeAlso"
LINK_PREDICATES = (SAME_AS, EXACT_MATCH, CLOSE_MATCH, SEE_ALSO)

METHODS = ID + "link-method/"
DERIVED_FROM_CODE = METHODS + "derived-from-code"
SHIPPED_PACKAGE_DATA = METHODS + "shipped-package-data"
RECONCILIATION = METHODS + "reconciliation"
REVIEWED = METHODS + "reviewed"

AUTHORITY = "http://publications.europa.eu/resource/authority/"
NUTS_CODE = "http://data.europa.eu/nuts/code/"
GEONAMES = "https://sws.geonames.org/"
WIKIDATA = "http://www.wikidata.org/entity/"
GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"

LINK_RECORD = CKB + "LinkRecord"
RDF_TYPE = RDF + "type"
_RECORD_FIELDS = {
    "subject": CKB + "linkSubject",
    "predicate": CKB + "linkPredicate",
    "target": CKB + "linkTarget",
    "method": CKB + "linkMethod",
    "score": CKB + "linkScore",
    "source": DCTERMS + "source",
    "time": PROV + "generatedAtTime",
}

# Prefixes the generated files may use (only those a file needs are declared in it).
WRITE_PREFIXES: dict[str, str] = {
    "ckb": CKB,
    "dcterms": DCTERMS,
    "geo": GEO,
    "owl": OWL,
    "prov": PROV,
    "rdfs": RDFS,
    "skos": SKOS,
    "xsd": XSD,
    "country": COUNTRY,
    "currency": CURRENCY,
    "language": LANGUAGE,
    "nuts": NUTS_CODE,
    "wd": WIKIDATA,
    "link": ID + "link/",
    "method": METHODS,
    **{t.replace("-", ""): f"{ID}{t}/" for t in ID_TYPES},
}
_SAFE_LOCAL = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]*$")
_URL = re.compile(r"^https?://[^\s<>\"{}|^`\\]+$")


@dataclass(frozen=True, order=True)
class Link:
    """One link and what its record says (`source`: an endpoint URL, written as an IRI, or a
    package name and version, written as text)."""

    subject: str
    predicate: str
    target: str
    method: str
    score: Decimal | None = None
    source: str | None = None

    def record(self, dataset: str) -> str:
        return record_iri(dataset, self.subject, self.target)


@dataclass
class LinkSet:
    """What one target dataset's file holds: links with records, plus plain facts (such as the
    ISO codes of authority entries) that need no record because nothing was matched."""

    dataset: str
    command: str
    comment: str
    links: list[Link] = field(default_factory=list)
    facts: list[ox.Triple] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class LinkReport:
    """What a run did, for people: files written, links made, things left unlinked and why."""

    target: str
    written: list[Path] = field(default_factory=list)
    links: int = 0
    facts: int = 0
    considered: dict[str, int] = field(default_factory=dict)
    unlinked: list[str] = field(default_factory=list)

    def render(self) -> str:
        lines = [f"{self.target}: {self.links} links, {self.facts} facts"]
        lines += [f"  {what}: {n}" for what, n in sorted(self.considered.items())]
        lines += [f"  wrote {path}" for path in self.written]
        if self.unlinked:
            lines.append(f"  not linked ({len(self.unlinked)}):")
            lines += [f"    {item}" for item in self.unlinked]
        return "\n".join(lines) + "\n"


def slug(text: str) -> str:
    """Lower-case ASCII, other characters (and "/") as "-"; "--" already in the text stays."""
    folded = anyascii(unicodedata.normalize("NFKC", text)).lower()
    return re.sub(r"[^a-z0-9.-]+", "-", folded).strip("-.") or "x"


def local_part(iri: str) -> str:
    """What names a thing inside its dataset: the path under id/ for ours ("city/gr-athina"),
    under authority/ for EU authority tables ("country/GRC"), else the fragment or last path
    segment ("264371" of https://sws.geonames.org/264371/, "Q1524" of a Wikidata entity)."""
    for base in (ID, AUTHORITY):
        if iri.startswith(base):
            return iri[len(base) :]
    parts = urlsplit(iri)
    if parts.fragment:
        return parts.fragment
    segments = [s for s in parts.path.split("/") if s]
    return segments[-1] if segments else parts.netloc


def record_iri(dataset: str, subject: str, target: str) -> str:
    """Deterministic, so that regenerating a file names every record the same way."""
    return f"{ID}link/{dataset}--{slug(local_part(subject))}--{slug(local_part(target))}"


def graph_of(dataset: str) -> str:
    return f"{GRAPH}links/{dataset}"


def now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- writing -------------------------------------------------------------------------------------
def _iri(iri: str, used: set[str]) -> str:
    best = ""
    for prefix, ns in WRITE_PREFIXES.items():
        if (
            iri.startswith(ns)
            and len(ns) > len(WRITE_PREFIXES.get(best, ""))
            and _SAFE_LOCAL.match(iri[len(ns) :])
        ):
            best = prefix
    if best:
        used.add(best)
        return f"{best}:{iri[len(WRITE_PREFIXES[best]) :]}"
    return f"<{iri}>"


def _string(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    return f'"{escaped}"'


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal, used: set[str]) -> str:
    if isinstance(term, ox.NamedNode):
        return _iri(term.value, used)
    if isinstance(term, ox.Literal):
        if term.language:
            return f"{_string(term.value)}@{term.language}"
        if term.datatype.value == XSD + "string":
            return _string(term.value)
        return f"{_string(term.value)}^^{_iri(term.datatype.value, used)}"
    raise ValueError(f"blank nodes are not written into link files: {term}")


def _block(subject: str, pairs: Iterable[tuple[str, str]]) -> str:
    """`subject p o ; p o .` with rdf:type first, then the given order."""
    rows = [f"{p} {o}" for p, o in pairs]
    return subject + " " + " ;\n    ".join(rows) + " ."


def _fact_blocks(triples: Iterable[ox.Triple], used: set[str]) -> list[str]:
    grouped: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for t in triples:
        grouped[t.subject.value][t.predicate.value].add(_term(t.object, used))
    blocks = []
    for subject in sorted(grouped):
        predicates = sorted(grouped[subject], key=lambda p: (p != RDF_TYPE, p))
        pairs = [
            ("a" if p == RDF_TYPE else _iri(p, used), " , ".join(sorted(grouped[subject][p])))
            for p in predicates
        ]
        blocks.append(_block(_iri(subject, used), pairs))
    return blocks


def _source_term(source: str) -> ox.NamedNode | ox.Literal:
    return ox.NamedNode(source) if _URL.match(source) else ox.Literal(source)


def _fields(link: Link) -> dict[str, ox.NamedNode | ox.Literal]:
    out: dict[str, ox.NamedNode | ox.Literal] = {
        "subject": ox.NamedNode(link.subject),
        "predicate": ox.NamedNode(link.predicate),
        "target": ox.NamedNode(link.target),
        "method": ox.NamedNode(link.method),
    }
    if link.score is not None:
        out["score"] = ox.Literal(f"{link.score:f}", datatype=ox.NamedNode(XSD + "decimal"))
    if link.source is not None:
        out["source"] = _source_term(link.source)
    return out


def previous_records(path: Path) -> dict[str, tuple[dict[str, str], str]]:
    """Record IRI -> (its fields as N-Triples terms, its generatedAtTime) in an existing file."""
    if not path.exists():
        return {}
    fields: dict[str, dict[str, str]] = defaultdict(dict)
    times: dict[str, str] = {}
    by_predicate = {iri: name for name, iri in _RECORD_FIELDS.items()}
    with path.open("rb") as fh:
        for t in ox.parse(fh, format=ox.RdfFormat.TURTLE):
            name = by_predicate.get(t.predicate.value)
            if name is None or not isinstance(t.subject, ox.NamedNode):
                continue
            if name == "time":
                times[t.subject.value] = t.object.value
            else:
                fields[t.subject.value][name] = str(t.object)
    return {r: (values, times[r]) for r, values in fields.items() if r in times}


def render(
    links: LinkSet,
    previous: Mapping[str, tuple[dict[str, str], str]] | None = None,
    time: str | None = None,
) -> str:
    """The file's text: header, graph comment, facts, then each link followed by its record.
    A record whose fields did not change keeps its earlier generatedAtTime."""
    previous = previous or {}
    stamp = time or now()
    used: set[str] = {"rdfs"}
    body: list[str] = []
    body += _fact_blocks(links.facts, used)
    seen: set[str] = set()
    for link in sorted(set(links.links), key=lambda lk: (lk.subject, lk.predicate, lk.target)):
        if link.predicate not in LINK_PREDICATES:
            raise ValueError(f"{link.predicate} is not a link property")
        record = link.record(links.dataset)
        if record in seen:
            raise ValueError(f"two links of {link.subject} to {link.target} in {links.dataset}")
        seen.add(record)
        fields = _fields(link)
        old = previous.get(record)
        kept = old[1] if old and old[0] == {k: str(v) for k, v in fields.items()} else stamp
        fields["time"] = ox.Literal(kept, datatype=ox.NamedNode(XSD + "dateTime"))
        subject, predicate, target = (fields[k] for k in ("subject", "predicate", "target"))
        body.append(f"{_term(subject, used)} {_term(predicate, used)} {_term(target, used)} .")
        pairs = [("a", _iri(LINK_RECORD, used))]
        pairs += [(_iri(_RECORD_FIELDS[k], used), _term(v, used)) for k, v in fields.items()]
        body.append(_block(_iri(record, used), pairs))
    graph = graph_of(links.dataset)
    head = [f"# GENERATED by `{links.command}`; do not edit: run the command again instead."]
    head += [f"# {note}" for note in links.notes]
    head.append(f"# Graph: {graph}")
    head += [f"@prefix {p}: <{WRITE_PREFIXES[p]}> ." for p in sorted(used)]
    comment = f"<{graph}> rdfs:comment {_string(links.comment)}@en ."
    return "\n".join(head) + "\n\n" + "\n\n".join([comment, *body]) + "\n"


def write_link_set(path: Path, links: LinkSet, time: str | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = render(links, previous_records(path), time)
    path.write_text(text, encoding="utf-8")


def facts_turtle(
    header: Sequence[str], graph: str, comment: str, triples: Iterable[ox.Triple]
) -> str:
    """A generated file of plain facts (no records), sorted like the link files."""
    used: set[str] = {"rdfs"}
    blocks = _fact_blocks(triples, used)
    head = [f"# {line}" for line in header] + [f"# Graph: {graph}"]
    head += [f"@prefix {p}: <{WRITE_PREFIXES[p]}> ." for p in sorted(used)]
    first = f"<{graph}> rdfs:comment {_string(comment)}@en ."
    return "\n".join(head) + "\n\n" + "\n\n".join([first, *blocks]) + "\n"
