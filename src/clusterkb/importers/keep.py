"""keep.eu export rows mapped onto the ontology, one named graph per programme.

Rows that cannot be mapped (no acronym, a programme the vocabulary does not know, a partner of
a project the export does not list) are quarantined with their position and the reason; money
that does not parse is kept as raw text and reported, never zeroed. Language tags come from a
tagger (keep.eu gives none); what it could not decide is reported too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Container, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import pyoxigraph as ox
from anyascii import anyascii

from ..namespaces import CKB, COUNTRY, CURRENCY, DCTERMS, GRAPH, ID, PROV, RDF, RDFS, SKOS, XSD
from .keep_table import CALLS, PARTNERS, PROJECTS, Row
from .values import parse_country, parse_date, parse_money, parse_nuts

# A tagger answers the language of a text among candidate languages, or None when undecidable.
Tagger = Callable[[str, Sequence[str]], str | None]

# (export column, funding kind slug, fund slug or None, IRI suffix)
MONEY_COLUMNS = (
    ("Budget", "total-budget", None, "total-budget"),
    ("EU Funding", "fund-contribution", "eu-unspecified", "eu-funding"),
    ("ERDF budget", "fund-contribution", "erdf", "erdf"),
    ("IPA budget", "fund-contribution", "ipa", "ipa"),
    ("ENI budget", "fund-contribution", "eni", "eni"),
)
NAME_COLUMNS = ("Project Name", "Project Name language 2", "Project Name language 3")
DESCRIPTION_COLUMNS = ("Description 1", "Description 2", "Description EN")
_LEGAL_FORMS = re.compile(
    r"\b(gmbh|ltd|limited|s\.?r\.?l|s\.?p\.?a|spa|d\.?o\.?o|a\.?s|s\.?a|e\.?v|ag|plc|"
    r"o\.?s|z\.?s|kft|zrt|sp\.? z o\.?o)\.?$"
)


def slug(text: str) -> str:
    folded = anyascii(unicodedata.normalize("NFKC", text)).lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-") or "x"


def identity_key(name: str, town: str | None, country: str | None) -> tuple[str, str, str]:
    """Organisations are one node when name, town and country agree after normalisation."""

    def norm(text: str | None) -> str:
        folded = anyascii(unicodedata.normalize("NFKC", text or "")).lower()
        folded = re.sub(r"[^a-z0-9. ]+", " ", folded)
        folded = re.sub(r"\s+", " ", folded).strip()
        previous = None
        while previous != folded:  # "... gmbh" / "... d.o.o." may stack
            previous = folded
            folded = _LEGAL_FORMS.sub("", folded).strip(" .")
        return folded

    return norm(name), norm(town), country or ""


@dataclass(frozen=True)
class Quarantined:
    where: str
    reason: str
    cells: Mapping[str, object]


@dataclass
class ImportReport:
    read: dict[str, int] = field(default_factory=dict)
    stored: dict[str, int] = field(default_factory=dict)
    quarantined: list[Quarantined] = field(default_factory=list)
    unparsed: list[str] = field(default_factory=list)  # "where: column 'raw'" kept as raw text
    merges: list[str] = field(default_factory=list)
    undecided_languages: int = 0

    def quarantined_per_sheet(self) -> dict[str, int]:
        per_sheet: dict[str, int] = {}
        for q in self.quarantined:
            sheet = q.where.rsplit(":", 2)[-2]
            per_sheet[sheet] = per_sheet.get(sheet, 0) + 1
        return per_sheet

    def balanced(self) -> bool:
        """read = stored + quarantined, on every sheet."""
        per_sheet = self.quarantined_per_sheet()
        return all(self.read[s] == self.stored.get(s, 0) + per_sheet.get(s, 0) for s in self.read)


def _n(local: str) -> ox.NamedNode:
    return ox.NamedNode(ID + local)


def _c(local: str) -> ox.NamedNode:
    return ox.NamedNode(CKB + local)


TYPE = ox.NamedNode(RDF + "type")
LABEL = ox.NamedNode(RDFS + "label")
ALT = ox.NamedNode(SKOS + "altLabel")


class _Graphs:
    """Triples per programme graph."""

    def __init__(self) -> None:
        self.by_graph: dict[str, list[ox.Triple]] = {}

    def add(
        self, graph: str, s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal
    ) -> None:
        self.by_graph.setdefault(graph, []).append(ox.Triple(s, p, o))


def _texts(
    g: _Graphs,
    graph: str,
    node: ox.NamedNode,
    predicate: ox.NamedNode,
    texts: Sequence[tuple[str, str]],
    tagger: Tagger,
    candidates: Sequence[str],
    report: ImportReport,
    alternative: ox.NamedNode | None = None,
) -> set[str]:
    """Tag each text; one per language on `predicate`, the rest on `alternative`."""
    used: set[str] = set()
    for column, text in texts:
        lang = "en" if column.endswith("EN") else tagger(text, candidates)
        if lang is None:
            report.undecided_languages += 1
            continue
        target = predicate if lang not in used else alternative
        if target is None:
            continue
        used.add(lang)
        g.add(graph, node, target, ox.Literal(text, language=lang))
    return used


NUTS_COLUMNS = ("NUTS1 (or equivalent)", "NUTS2 (or equivalent)", "NUTS3 (or equivalent)")


def _nuts_regions(
    g: _Graphs,
    graph: str,
    row: Row,
    country: str | None,
    labelled: set[tuple[str, ox.NamedNode]],
    known: Container[str] = (),
) -> ox.NamedNode | None:
    """NUTS 1-3 cells become regions nested by ckb:locatedIn; returns the finest one.

    Regions the reference data already describes (`known`) are only pointed at: the export
    would otherwise give them a second English name beside the curated one.
    """
    parent: ox.NamedNode | None = None
    for column in NUTS_COLUMNS:
        nuts = parse_nuts(row.get(column))
        if nuts is None or nuts.level < 1:
            continue
        region = _n(f"region/{nuts.code.lower()}")
        if region.value in known:
            parent = region
            continue
        g.add(graph, region, TYPE, _c("Region"))
        # keep.eu writes the region's own (national) name; it also serves as the English label,
        # and a second spelling of it within one programme becomes an alternative label
        name = ox.Literal(nuts.name or nuts.code, language="en")
        if (graph, region) in labelled:
            g.add(graph, region, ALT, name)
        else:
            labelled.add((graph, region))
            g.add(graph, region, LABEL, name)
        g.add(graph, region, _c("nutsCode"), ox.Literal(nuts.code))
        g.add(
            graph,
            region,
            _c("nutsLevel"),
            ox.Literal(str(nuts.level), datatype=ox.NamedNode(XSD + "integer")),
        )
        if country:
            g.add(graph, region, _c("country"), ox.NamedNode(COUNTRY + country))
        if parent is not None:
            g.add(graph, region, _c("locatedIn"), parent)
        parent = region
    return parent


def map_export(
    sheets: Mapping[str, Sequence[Row]],
    programmes: Mapping[str, tuple[str, Sequence[str]]],
    tagger: Tagger,
    source: str,
    themes: Mapping[str, str] | None = None,
    known_regions: Container[str] = (),
) -> tuple[dict[str, list[ox.Triple]], ImportReport]:
    """Map the export. `programmes`: keep.eu programme name -> (programme slug, languages);
    `themes`: keep.eu thematic keyword -> theme IRI."""
    g = _Graphs()
    report = ImportReport(read={name: len(rows) for name, rows in sheets.items()})
    source_node = _n(f"source/{slug(source)}")
    projects: dict[tuple[str, str], ox.NamedNode] = {}
    graph_of: dict[str, str] = {}

    def programme_of(row: Row) -> tuple[str, Sequence[str]] | None:
        name = row.get("Programme")
        found = programmes.get(str(name)) if name else None
        if found is None:
            report.quarantined.append(
                Quarantined(
                    row.where(),
                    f"unknown programme {name!r}: add it to data/vocab/programmes.ttl "
                    "as a skos:altLabel of the programme",
                    row.cells,
                )
            )
        return found

    def graph_for(programme_slug: str) -> str:
        graph = GRAPH + f"imported/keep-{programme_slug}"
        if programme_slug not in graph_of:
            graph_of[programme_slug] = graph
            g.add(graph, ox.NamedNode(graph), ox.NamedNode(PROV + "wasDerivedFrom"), source_node)
        return graph

    def money(graph: str, project: ox.NamedNode, pslug: str, row: Row) -> None:
        for column, kind, fund, suffix in MONEY_COLUMNS:
            raw = row.get(column)
            if raw is None:
                continue
            value = parse_money(raw)
            line = _n(f"funding-line/{pslug}--{suffix}")
            amount = _n(f"amount/{pslug}--{suffix}")
            g.add(graph, line, TYPE, _c("FundingLine"))
            g.add(
                graph, line, LABEL, ox.Literal(f"{column} of {row.get('Acronym')}", language="en")
            )
            g.add(graph, line, _c("fundingKind"), _n(f"funding-kind/{kind}"))
            if fund:
                g.add(graph, line, _c("fund"), _n(f"fund/{fund}"))
            g.add(graph, line, _c("fundedProject"), project)
            g.add(graph, project, _c("hasFundingLine"), line)
            if value is None:
                report.unparsed.append(f"{row.where()}: {column} {raw!r}")
                g.add(
                    graph,
                    line,
                    RDFS_COMMENT,
                    ox.Literal(
                        f"keep.eu gives {column} as {raw!r}, which is not an amount", language="en"
                    ),
                )
                continue
            g.add(graph, line, _c("amount"), amount)
            g.add(graph, amount, TYPE, _c("MonetaryAmount"))
            g.add(graph, amount, LABEL, ox.Literal(f"EUR {value:,.2f}", language="en"))
            g.add(graph, amount, _c("value"), ox.Literal(str(value), datatype=XSD_DECIMAL))
            g.add(graph, amount, _c("currency"), ox.NamedNode(CURRENCY + "EUR"))
            g.add(graph, amount, _c("rawValue"), ox.Literal(str(raw)))

    for row in sheets.get(PROJECTS, ()):
        found = programme_of(row)
        acronym = row.get("Acronym")
        if found is None:
            continue
        if acronym is None:
            report.quarantined.append(Quarantined(row.where(), "no acronym", row.cells))
            continue
        programme_slug, candidates = found
        acronym = str(acronym).strip('"“”')
        pslug = f"{programme_slug}--{slug(acronym)}"
        project = _n(f"project/{pslug}")
        graph = graph_for(programme_slug)
        projects[(str(row.get("Programme")), acronym.casefold())] = project
        g.add(graph, project, TYPE, _c("Project"))
        g.add(graph, project, _c("acronym"), ox.Literal(acronym))
        g.add(graph, project, _c("programme"), _n(f"programme/{programme_slug}"))
        g.add(graph, _n(f"programme/{programme_slug}"), _c("fundsProject"), project)
        names = [(c, str(row.get(c))) for c in NAME_COLUMNS if row.get(c)]
        used = _texts(g, graph, project, LABEL, names, tagger, candidates, report, ALT)
        if "en" not in used:  # shapes want an English label: the acronym reads the same
            g.add(graph, project, LABEL, ox.Literal(acronym, language="en"))
        descriptions = [(c, str(row.get(c))) for c in DESCRIPTION_COLUMNS if row.get(c)]
        _texts(
            g,
            graph,
            project,
            ox.NamedNode(DCTERMS + "description"),
            descriptions,
            tagger,
            candidates,
            report,
        )
        for column, predicate in (("Project start", "startDate"), ("Project end", "endDate")):
            raw = row.get(column)
            day = parse_date(raw)
            if day is not None:
                g.add(graph, project, _c(predicate), ox.Literal(day.isoformat(), datatype=XSD_DATE))
            elif raw is not None:
                report.unparsed.append(f"{row.where()}: {column} {raw!r}")
        website = row.get("Website")
        if website and re.match(r"^https?://\S+$", str(website)):
            g.add(graph, project, _c("website"), ox.NamedNode(str(website)))
        serial = row.get("Call SN")
        if serial is not None:
            g.add(graph, project, _c("call"), _n(f"call/{programme_slug}--{slug(str(serial))}"))
        for column in ("Thematic1", "Thematic2", "Thematic3"):
            keyword = row.get(column)
            if keyword is None:
                continue
            theme = (themes or {}).get(str(keyword))
            if theme is None:
                report.unparsed.append(f"{row.where()}: {column} {keyword!r} is no keep.eu theme")
            else:
                g.add(graph, project, _c("theme"), ox.NamedNode(theme))
        money(graph, project, pslug, row)
        report.stored[PROJECTS] = report.stored.get(PROJECTS, 0) + 1

    seen_orgs: dict[tuple[str, str, str], ox.NamedNode] = {}
    labelled: set[tuple[str, ox.NamedNode]] = set()
    for row in sheets.get(PARTNERS, ()):
        found = programme_of(row)
        if found is None:
            continue
        programme_slug, candidates = found
        acronym = str(row.get("Acronym") or "").strip('"“”')
        project = projects.get((str(row.get("Programme")), acronym.casefold()))
        name = row.get("Project Partner")
        if project is None or not name:
            reason = (
                "no partner name"
                if not name
                else (f"partner of project {acronym!r}, which the projects sheet does not list")
            )
            report.quarantined.append(Quarantined(row.where(), reason, row.cells))
            continue
        graph = graph_for(programme_slug)
        country = parse_country(row.get("Country code")) or parse_country(row.get("Country"))
        town = row.get("Town")
        key = identity_key(str(name), str(town) if town else None, country)
        organisation = seen_orgs.get(key)
        if organisation is None:
            oslug = "keep--" + slug(f"{key[0]} {key[1]} {country or ''}")
            organisation = _n(f"organisation/{oslug}")
            seen_orgs[key] = organisation
        else:
            report.merges.append(f"{row.where()}: {name!r} is {organisation.value}")
        g.add(graph, organisation, TYPE, _c("Organisation"))
        if (graph, organisation) not in labelled:
            # a name is a name: in its own language, and the same text as the English label;
            # each programme's graph names the organisations it speaks of
            labelled.add((graph, organisation))
            lang = tagger(str(name), candidates) or "en"
            g.add(graph, organisation, LABEL, ox.Literal(str(name), language=lang))
            if lang != "en":
                g.add(graph, organisation, LABEL, ox.Literal(str(name), language="en"))
        else:
            g.add(graph, organisation, ALT, ox.Literal(str(name), language="en"))
        if country:
            g.add(graph, organisation, _c("country"), ox.NamedNode(COUNTRY + country))
        if row.get("Postal code") is not None:
            g.add(graph, organisation, _c("postalCode"), ox.Literal(str(row.get("Postal code"))))
        if row.get("Street"):
            g.add(graph, organisation, _c("streetAddress"), ox.Literal(str(row.get("Street"))))
        finest = _nuts_regions(g, graph, row, country, labelled, known_regions)
        if finest is not None:
            g.add(graph, organisation, _c("region"), finest)
        participation = _n(
            f"participation/{project.value.rsplit('/', 1)[1]}--"
            f"{organisation.value.rsplit('/', 1)[1]}"
        )
        role = "lead-partner" if str(row.get("Lead Partner")).lower() == "yes" else "partner"
        g.add(graph, participation, TYPE, _c("Participation"))
        g.add(graph, participation, LABEL, ox.Literal(f"{name} in {acronym}", language="en"))
        g.add(graph, participation, _c("participationIn"), project)
        g.add(graph, participation, _c("participant"), organisation)
        g.add(graph, participation, _c("role"), _n(f"role/{role}"))
        g.add(graph, project, _c("hasParticipation"), participation)
        g.add(graph, organisation, _c("participates"), participation)
        report.stored[PARTNERS] = report.stored.get(PARTNERS, 0) + 1

    for row in sheets.get(CALLS, ()):
        found = programme_of(row)
        if found is None:
            continue
        programme_slug, _ = found
        serial = row.get("Serial Number")
        if serial is None:
            report.quarantined.append(Quarantined(row.where(), "no serial number", row.cells))
            continue
        graph = graph_for(programme_slug)
        call = _n(f"call/{programme_slug}--{slug(str(serial))}")
        g.add(graph, call, TYPE, _c("Call"))
        g.add(
            graph,
            call,
            LABEL,
            ox.Literal(f"Call {serial} of {row.get('Programme')}", language="en"),
        )
        g.add(graph, call, _c("inProgramme"), _n(f"programme/{programme_slug}"))
        for column, predicate in (("Start Date", "startDate"), ("End Date", "endDate")):
            day = parse_date(row.get(column))
            if day is not None:
                g.add(graph, call, _c(predicate), ox.Literal(day.isoformat(), datatype=XSD_DATE))
        report.stored[CALLS] = report.stored.get(CALLS, 0) + 1

    for graph in graph_of.values():
        g.add(graph, source_node, TYPE, _c("SourceDocument"))
        g.add(graph, source_node, LABEL, ox.Literal(f"keep.eu export {source}", language="en"))
        g.add(
            graph,
            source_node,
            ox.NamedNode(DCTERMS + "language"),
            ox.NamedNode("http://publications.europa.eu/resource/authority/language/ENG"),
        )
    return g.by_graph, report


RDFS_COMMENT = ox.NamedNode(RDFS + "comment")
XSD_DECIMAL = ox.NamedNode(XSD + "decimal")
XSD_DATE = ox.NamedNode(XSD + "date")


def total(report_triples: Mapping[str, Sequence[ox.Triple]], column_suffix: str) -> Decimal:
    """Sum of the amounts of one funding column across graphs (to check against the source)."""
    out = Decimal(0)
    for triples in report_triples.values():
        for t in triples:
            if t.predicate.value == CKB + "value" and t.subject.value.endswith(
                f"--{column_suffix}"
            ):
                out += Decimal(t.object.value)
    return out
