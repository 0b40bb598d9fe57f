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
    Media("ttl", "text/turtle", ("application/x-turtle",), rdf=ox.RdfFormat.TURTLE),
    Media("jsonld", "application/ld+json", ("application/json",), rdf=ox.RdfFormat.JSON_LD),
    Media("nt", "application/n-triples", ("text/plain",), rdf=ox.RdfFormat.N_TRIPLES),
    Media("xml", "application/rdf+xml", ("application/xml", "text/xml"), rdf=ox.RdfFormat.RDF_XML),
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
                    q = float(value)
                except ValueError:
                    q = 0.0
        out.append((fields[0].lower(), q, position))
    return out


def negotiate(accept: str | None, offers: tuple[Media, ...]) -> Media | None:
    """The offer the Accept header prefers (highest q, then most specific, then first listed);
    the first offer when there is no header; None when nothing offered is acceptable (406)."""
    if not accept or not accept.strip():
        return offers[0]
    best: tuple[float, int, int, int] | None = None
    chosen = None
    for index, media in enumerate(offers):
        for wanted, q, position in _accepted(accept):
            if q <= 0:
                continue
            if wanted in media.types:
                specificity = 2
            elif wanted == "*/*" or (wanted.endswith("/*") and media.type.startswith(wanted[:-1])):
                specificity = 0 if wanted == "*/*" else 1
            else:
                continue
            key = (q, specificity, -position, -index)
            if best is None or key > best:
                best, chosen = key, media
    return chosen


def by_name(name: str, offers: tuple[Media, ...]) -> Media | None:
    """?format= (a short name or a media type)."""
    wanted = name.strip().lower()
    return next((m for m in offers if wanted == m.name or wanted in m.types), None)
