"""One table of media types: what each answer can be written as, and content negotiation.

The HTTP layer, the SPARQL protocol and the linked-data pages all choose a representation here,
so a format is added in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox


@dataclass(frozen=True)
class Media:
    name: str  # short name, as in ?format=
    type: str  # the preferred media type
    aliases: tuple[str, ...] = ()
    rdf: ox.RdfFormat | None = None
    results: ox.QueryResultsFormat | None = None
    names: tuple[str, ...] = ()  # more ?format= names (clients such as SPARQLWrapper send these)

    @property
    def types(self) -> tuple[str, ...]:
        return (self.type, *self.aliases)


# SELECT / ASK answers
RESULTS = (
    Media(
        "json",
        "application/sparql-results+json",
        ("application/json",),
        results=ox.QueryResultsFormat.JSON,
    ),
    Media(
        "xml",
        "application/sparql-results+xml",
        ("application/xml", "text/xml"),
        results=ox.QueryResultsFormat.XML,
    ),
    Media("csv", "text/csv", results=ox.QueryResultsFormat.CSV),
    Media("tsv", "text/tab-separated-values", results=ox.QueryResultsFormat.TSV),
)
# graphs: CONSTRUCT / DESCRIBE answers, linked-data documents, graph store GETs
GRAPHS = (
    Media(
        "ttl",
        "text/turtle",
        ("application/x-turtle", "application/turtle"),
        rdf=ox.RdfFormat.TURTLE,
        names=("turtle", "n3"),  # Turtle is N3 too
    ),
    Media(
        "jsonld",
        "application/ld+json",
        ("application/json",),
        rdf=ox.RdfFormat.JSON_LD,
        names=("json-ld",),
    ),
    Media(
        "nt",
        "application/n-triples",
        ("text/plain",),
        rdf=ox.RdfFormat.N_TRIPLES,
        names=("ntriples", "n-triples"),
    ),
    Media(
        "xml",
        "application/rdf+xml",
        ("application/xml", "text/xml"),
        rdf=ox.RdfFormat.RDF_XML,
        names=("rdf", "rdf+xml", "rdfxml"),
    ),
)
HTML = Media("html", "text/html", ("application/xhtml+xml",))


def _accepted(accept: str) -> list[tuple[str, float, int]]:
    """(media range, q, position) for each entry of an Accept header."""
    out = []
    for position, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for f in fields[1:]:
            key, _, value = f.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        out.append((fields[0].lower(), q, position))
    return out


def _match(wanted: str, media: Media) -> int:
    """How specifically a media range names `media`: 3 exactly, 2 by an alias, 1 by type/*
    (of the preferred type only), 0 by */*; -1 not at all."""
    if wanted == media.type:
        return 3
    if wanted in media.aliases:
        return 2
    major = wanted[:-1] if wanted.endswith("/*") else None
    if wanted == "*/*":
        return 0
    if major is not None and media.type.startswith(major):
        return 1
    return -1


def negotiate(accept: str | None, offers: tuple[Media, ...]) -> Media | None:
    """The offer the Accept header prefers; the first offer when there is no header; None when
    nothing offered is acceptable (406).

    As RFC 9110 (12.5.1) has it, an offer's quality is that of the most specific range naming it,
    so `text/csv;q=0, */*` refuses CSV; ties go to the more specific range, then to the one
    listed first, then to the first offer.
    """
    if not accept or not accept.strip():
        return offers[0]
    ranges = _accepted(accept)
    best: tuple[float, int, int, int] | None = None
    chosen = None
    for index, media in enumerate(offers):
        matches = [(_match(wanted, media), q, position) for wanted, q, position in ranges]
        matches = [m for m in matches if m[0] >= 0]
        if not matches:
            continue
        top = max(m[0] for m in matches)
        q = max(m[1] for m in matches if m[0] == top)
        position = min(m[2] for m in matches if m[0] == top and m[1] == q)
        if q <= 0:
            continue
        key = (q, top, -position, -index)
        if best is None or key > best:
            best, chosen = key, media
    return chosen


def by_name(name: str, offers: tuple[Media, ...]) -> Media | None:
    """?format= (a short name or a media type)."""
    wanted = name.strip().lower()
    return next((m for m in offers if wanted in (m.name, *m.names) or wanted in m.types), None)
