"""keep.eu export rows mapped onto the ontology, one named graph per programme.

Rows that cannot be mapped (no acronym, a programme the vocabulary does not know, a partner of
a project neither the export nor the knowledge base lists) are quarantined with their position
and the reason; money that does not parse is kept as raw text and reported, never zeroed; a cell
of a column the ontology has no term for is kept as a comment naming the column. Language tags
come from a tagger (keep.eu gives none); what it could not decide is reported too.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Container, Mapping, Sequence
from decimal import Decimal
from urllib.parse import urlsplit

import pyoxigraph as ox
from anyascii import anyascii

from ..namespaces import CKB, CURRENCY, DCTERMS, GRAPH, ID, PROV, RDF, RDFS, SKOS, XSD
from .keep_places import Places, clean_town
from .keep_report import ImportReport, Quarantined
from .keep_table import (
    CALL_COLUMNS,
    CALLS,
    PARTNER_COLUMNS,
    PARTNERS,
    PROJECT_COLUMNS,
    PROJECTS,
    Row,
)
from .values import parse_country, parse_date, parse_money

__all__ = ["ImportReport", "Quarantined", "Tagger", "identity_key", "map_export", "slug", "total"]

# A tagger answers the language of a text among candidate languages, or None when undecidable.
Tagger = Callable[[str, Sequence[str]], str | None]

# (export column, funding kind slug, fund slug or None, IRI suffix)
MONEY_COLUMNS = (
    ("Budget", "total-budget", None, "total-budget"),
    ("EU Funding", "fund-contribution", "eu-unspecified", "eu-funding"),
    ("ERDF budget", "fund-contribution", "erdf", "erdf"),
    ("IPA budget", "fund-contribution", "ipa", "ipa"),
    ("ENI budget", "fund-contribution", "eni", "eni"),
    ("ERDF eq. budget", "fund-contribution", "erdf-equivalent", "erdf-equivalent"),
    ("Project total expenditure", "expenditure", None, "expenditure"),
    ("Project EU Funding expenditure", "expenditure", "eu-unspecified", "eu-expenditure"),
)
NAME_COLUMNS = ("Project Name", "Project Name language 2", "Project Name language 3")
# keep.eu gives each text in up to three columns: "... 1", "... 2" and "... EN"
TEXT_COLUMNS = {
    DCTERMS + "description": "Description",
    CKB + "expectedResults": "Expected Results",
    CKB + "expectedOutputs": "Expected Outputs",
    CKB + "deliveredOutputs": "Delivered Outputs",
    CKB + "achievements": "Achievements",
}
ADDRESS_COLUMNS = (
    "Street",
    "Postal code",
    "Town",
    "Country",
    "Country code",
    "NUTS1 (or equivalent)",
    "NUTS2 (or equivalent)",
    "NUTS3 (or equivalent)",
)
LEAD_COLUMNS = ("Lead Partner", "Street", "Postal code", "Town", "Country")
FUNDS_BY_NAME = {
    "erdf": "erdf",
    "ipa": "ipa",
    "ipa ii": "ipa",
    "ipa/ipa ii": "ipa",
    "eni": "eni",
    "enpi": "enpi",
    "erdf eq.": "erdf-equivalent",
}
LEGAL_STATUSES = {"public": "public", "private": "private"}
# keep.eu columns the ontology has no term for: their cells stay as comments naming the column
UNMAPPED = {
    "Thematic Priorities (Interreg-IPA CBC specific)",
    "Priority Area",
    "Degree of comp.",
    "Strategy",
}
# Columns whose every cell has a home in the ontology; any other column is kept as a comment.
MAPPED = {
    PROJECTS: set(PROJECT_COLUMNS) - UNMAPPED,
    PARTNERS: set(PARTNER_COLUMNS),
    CALLS: set(CALL_COLUMNS),
}
FLUSH_EVERY = 100_000  # quads held before they go to the sink
# a site keep.eu gives for this many projects is the programme's; for this many partners of one
# project, the project's
SHARED_SITE_ORGANISATIONS = 3  # within one project
SHARED_SITE_PROJECTS = 2
_LEGAL_FORMS = re.compile(
    r"\b(gmbh|ggmbh|ltd|limited|s\.?r\.?l|s\.?p\.?a|spa|d\.?o\.?o|a\.?s|s\.?a|e\.?v|ag|plc|"
    r"o\.?s|z\.?s|kft|zrt|sp\.? z o\.?o)\.?$"
)
_CODED = re.compile(r"^\((\d+)\s*([a-z]|etc)?\)\s*(.*?)\s*(?:by:)?$", re.IGNORECASE | re.DOTALL)


def slug(text: str) -> str:
    folded = anyascii(unicodedata.normalize("NFKC", text)).lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-") or "x"


def short_slug(text: str, words: int = 8) -> str:
    """A readable IRI part for a long text: its first words."""
    return "-".join(slug(text).split("-")[:words])


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


def _n(local: str) -> ox.NamedNode:
    return ox.NamedNode(ID + local)


def _c(local: str) -> ox.NamedNode:
    return ox.NamedNode(CKB + local)


TYPE = ox.NamedNode(RDF + "type")
LABEL = ox.NamedNode(RDFS + "label")
ALT = ox.NamedNode(SKOS + "altLabel")
COMMENT = ox.NamedNode(RDFS + "comment")
NOTATION = ox.NamedNode(SKOS + "notation")
XSD_DECIMAL = ox.NamedNode(XSD + "decimal")
XSD_DATE = ox.NamedNode(XSD + "date")
WEBSITE = _c("website")
DETECTED_ON = _c("languageDetectedOn")


def _host(site: str) -> str:
    """Sites compared by host: keep.eu writes one site with and without "www." or "/"."""
    return (urlsplit(site).hostname or site).removeprefix("www.")


def _website(raw: object) -> str | None:
    text = str(raw).strip() if raw is not None else ""
    return text if re.match(r"^https?://\S+$", text) else None


class _Mapper:
    """One export's rows -> triples per programme graph, with the report of what happened."""

    def __init__(
        self,
        sheets: Mapping[str, Sequence[Row]],
        programmes: Mapping[str, tuple[str, Sequence[str]]],
        tagger: Tagger,
        source: str,
        themes: Mapping[str, str],
        known: Container[str],
        graph_suffix: str,
        programme_hosts: Container[str],
        sink: Callable[[list[ox.Quad]], None] | None = None,
    ) -> None:
        self.sheets = sheets
        self.programmes = programmes
        self.tagger = tagger
        self.themes = themes
        self.known = known
        self.graph_suffix = graph_suffix
        self.programme_hosts = programme_hosts
        self.report = ImportReport(read={name: len(rows) for name, rows in sheets.items()})
        self.source = _n(f"source/{slug(source)}")
        self.source_name = source
        self.by_graph: dict[str, list[ox.Quad]] = {}
        self.quads: list[ox.Quad] = []
        self.sink = sink
        self.graph_nodes: dict[str, ox.NamedNode] = {}
        self.graph_of: dict[str, str] = {}
        self.projects: dict[tuple[str, str], ox.NamedNode] = {}
        self.organisations: dict[tuple[str, str, str], ox.NamedNode] = {}
        self.named: set[tuple[str, str]] = set()
        self.places = Places(known, slug)
        self.leads: dict[str, set[tuple[str, str, str]]] = {}
        self.objective_texts: dict[str, str] = {}
        self.org_names: dict[str, str] = {}
        self.org_langs: dict[str, str] = {}
        self.addresses: set[tuple[object, ...]] = set()
        self.tags: dict[tuple[str, tuple[str, ...]], str | None] = {}
        self.programme_sites: set[tuple[str, str]] = set()
        self.shared_sites = self._shared_sites()

    # -- plumbing

    def tag(self, text: str, candidates: Sequence[str]) -> str | None:
        key = (text, tuple(candidates))
        if key not in self.tags:
            self.tags[key] = self.tagger(text, candidates)
        return self.tags[key]

    def detect_ahead(self) -> None:
        """Texts to tag, detected in one batch per programme when the tagger can (lingua then
        runs on every core): the names and the texts of columns not marked EN."""
        tag_many = getattr(self.tagger, "tag_many", None)
        if tag_many is None:
            return
        texts: dict[tuple[str, ...], dict[str, None]] = {}
        stems = [*NAME_COLUMNS, *(f"{s} {n}" for s in TEXT_COLUMNS.values() for n in "12")]
        for sheet, columns in ((PROJECTS, stems), (PARTNERS, ["Project Partner"])):
            for row in self.sheets.get(sheet, ()):
                found = self.programmes.get(str(row.get("Programme")))
                if found is None:
                    continue
                batch = texts.setdefault(tuple(found[1]), {})
                for column in columns:
                    value = row.get(column)
                    if value is not None and not column.endswith("EN"):
                        batch[str(value)] = None
        for candidates, batch in texts.items():
            unique = list(batch)
            for text, lang in zip(unique, tag_many(unique, candidates), strict=True):
                self.tags[(text, candidates)] = lang

    def _open(self, graph: str) -> ox.NamedNode:
        node = self.graph_nodes[graph] = ox.NamedNode(graph)
        self.by_graph.setdefault(graph, [])
        return node

    def add(
        self, graph: str, s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal
    ) -> None:
        """Quads, not triples: the store takes them as they are, with no copy per triple."""
        node = self.graph_nodes.get(graph) or self._open(graph)
        self.quads.append(ox.Quad(s, p, o, node))

    def adder(self, graph: str) -> Callable[[ox.NamedNode, ox.NamedNode, ox.Term], None]:
        node = self.graph_nodes.get(graph) or self._open(graph)
        quads = self.quads
        return lambda s, p, o: quads.append(ox.Quad(s, p, o, node))

    def flush(self, at_least: int = 0) -> None:
        """Hand the quads so far to the sink (a store), so that a large export never sits in
        memory as Python objects; without a sink they are kept per graph."""
        if len(self.quads) < at_least or not self.quads:
            return
        if self.sink is not None:
            self.sink(self.quads)
        else:
            for quad in self.quads:
                self.by_graph[quad.graph_name.value].append(quad)
        self.quads = []

    def programme_of(self, row: Row) -> tuple[str, Sequence[str]] | None:
        name = row.get("Programme")
        found = self.programmes.get(str(name)) if name else None
        if found is None:
            self.report.quarantined.append(
                Quarantined(
                    row.where(),
                    f"unknown programme {name!r}: add it to data/vocab/programmes.ttl "
                    "as a skos:altLabel of the programme",
                    row.cells,
                )
            )
        return found

    def graph_for(self, programme_slug: str) -> str:
        graph = GRAPH + f"imported/keep-{programme_slug}{self.graph_suffix}"
        if programme_slug not in self.graph_of:
            self.graph_of[programme_slug] = graph
            self.add(graph, ox.NamedNode(graph), ox.NamedNode(PROV + "wasDerivedFrom"), self.source)
        return graph

    def unmapped(self, graph: str, node: ox.NamedNode, row: Row) -> None:
        """Cells of columns we have no term for stay, as comments that name the column."""
        for column in row.cells:
            value = row.get(column)
            if column in MAPPED[row.sheet] or value is None or not column:
                continue
            self.add(graph, node, COMMENT, ox.Literal(f"keep.eu {column}: {value}"))
            self.report.unmapped.append(f"{row.where()}: {column} {value!r}")

    def _shared_sites(self) -> dict[str, str]:
        """Sites keep.eu fills in for many rows: the programme's (given across projects) or a
        project's (given for several of its partners) -> 'programme' or 'project'."""
        projects_of: dict[str, set[object]] = {}
        orgs_of: dict[str, set[tuple[str, str, str]]] = {}
        for row in self.sheets.get(PARTNERS, ()):
            site = _website(row.get("Website"))
            if site and row.get("Project Partner"):
                country = parse_country(row.get("Country code")) or parse_country(
                    row.get("Country")
                )
                town = clean_town(row.get("Town"), country)
                host = _host(site)
                projects_of.setdefault(host, set()).add((row.get("Programme"), row.get("Acronym")))
                orgs_of.setdefault(host, set()).add(
                    identity_key(str(row.get("Project Partner")), town, country)
                )
        for row in self.sheets.get(PROJECTS, ()):
            site = _website(row.get("Website"))
            if site:
                projects_of.setdefault(_host(site), set()).add(
                    (row.get("Programme"), row.get("Acronym"))
                )
        out = {}
        for host, projects in projects_of.items():
            if host in self.programme_hosts or len(projects) >= SHARED_SITE_PROJECTS:
                out[host] = "programme"
            elif len(orgs_of.get(host, ())) >= SHARED_SITE_ORGANISATIONS:
                out[host] = "project"
        return out

    def website(
        self,
        graph: str,
        node: ox.NamedNode,
        programme_slug: str,
        row: Row,
        project: ox.NamedNode | None = None,
    ) -> None:
        """`node`'s site; or, for a site keep.eu repeats, the programme's or `project`'s."""
        site = _website(row.get("Website"))
        if site is None:
            if row.get("Website") is not None:
                self.add(graph, node, COMMENT, ox.Literal(f"keep.eu Website: {row.get('Website')}"))
                self.report.unparsed.append(f"{row.where()}: Website {row.get('Website')!r}")
            return
        shared = self.shared_sites.get(_host(site))
        if shared == "programme":  # reported, not stored: programmes' sites are curated vocabulary
            self.note_site(site, _n(f"programme/{programme_slug}"))
            return
        owner = project if shared == "project" and project is not None else node
        self.add(graph, owner, WEBSITE, ox.NamedNode(site))
        if owner != node:
            self.note_site(site, owner)

    def note_site(self, site: str, owner: ox.NamedNode) -> None:
        if (owner.value, site) not in self.programme_sites:
            self.programme_sites.add((owner.value, site))
            self.report.programme_sites.append(f"{site} is {owner.value}'s site")

    def texts(
        self,
        graph: str,
        node: ox.NamedNode,
        predicate: ox.NamedNode,
        texts: Sequence[tuple[str, str]],
        candidates: Sequence[str],
        second: ox.NamedNode | None = None,
    ) -> set[str]:
        """Tag each text; a second text in one language goes on `second` (default: the same)."""
        used: set[str] = set()
        for column, text in texts:
            lang = "en" if column.endswith("EN") else self.tag(text, candidates)
            if lang is None:
                self.report.undecided_languages += 1
                self.add(graph, node, predicate, ox.Literal(text))  # kept, untagged
                continue
            target = predicate if lang not in used else (second or predicate)
            used.add(lang)
            self.add(graph, node, target, ox.Literal(text, language=lang))
            if not column.endswith("EN"):  # said, so a reader can tell a guess from a given tag
                self.add(graph, node, DETECTED_ON, target)
        return used

    def money_line(
        self,
        graph: str,
        project: ox.NamedNode,
        pslug: str,
        row: Row,
        column: str,
        kind: str,
        fund: str | None,
        suffix: str,
    ) -> None:
        raw = row.get(column)
        if raw is None:
            return
        value = parse_money(raw)
        line = _n(f"funding-line/{pslug}--{suffix}")
        self.add(graph, line, TYPE, _c("FundingLine"))
        self.add(graph, line, LABEL, ox.Literal(f"{column} of {row.get('Acronym')}", language="en"))
        self.add(graph, line, _c("fundingKind"), _n(f"funding-kind/{kind}"))
        if fund:
            self.add(graph, line, _c("fund"), _n(f"fund/{fund}"))
        self.add(graph, line, _c("fundedProject"), project)
        self.add(graph, project, _c("hasFundingLine"), line)
        if value is None:
            self.report.unparsed.append(f"{row.where()}: {column} {raw!r}")
            self.add(
                graph,
                line,
                COMMENT,
                ox.Literal(
                    f"keep.eu gives {column} as {raw!r}, which is not an amount", language="en"
                ),
            )
            return
        self.add(
            graph,
            line,
            _c("amount"),
            self.amount(graph, _n(f"amount/{pslug}--{suffix}"), value, raw),
        )

    def amount(self, graph: str, node: ox.NamedNode, value: Decimal, raw: object) -> ox.NamedNode:
        self.add(graph, node, TYPE, _c("MonetaryAmount"))
        self.add(graph, node, LABEL, ox.Literal(f"EUR {value:,.2f}", language="en"))
        self.add(graph, node, _c("value"), ox.Literal(str(value), datatype=XSD_DECIMAL))
        self.add(graph, node, _c("currency"), ox.NamedNode(CURRENCY + "EUR"))
        self.add(graph, node, _c("rawValue"), ox.Literal(str(raw)))
        return node

    def dates(
        self, graph: str, node: ox.NamedNode, row: Row, columns: Sequence[tuple[str, str]]
    ) -> None:
        for column, predicate in columns:
            raw = row.get(column)
            day = parse_date(raw)
            if day is not None:
                self.add(graph, node, _c(predicate), ox.Literal(day.isoformat(), datatype=XSD_DATE))
            elif raw is not None:
                self.report.unparsed.append(f"{row.where()}: {column} {raw!r}")
                self.add(graph, node, COMMENT, ox.Literal(f"keep.eu {column}: {raw}"))

    # -- what a project was selected under

    def objectives(self, graph: str, project: ox.NamedNode, programme_slug: str, row: Row) -> None:
        # "(1) strengthening research ..." and "(1b) promoting business investment ..."
        coded = self.code_of(graph, project, row, "Thematic Obj")
        if coded is not None:
            number, _, text = coded
            thematic = self.coded(graph, "thematic-objective", number, text, "ThematicObjective")
            self.add(graph, project, _c("thematicObjective"), thematic)
        coded = self.code_of(graph, project, row, "Inv. Priority")
        if coded is not None:
            number, letter, text = coded
            code = number + (f" {letter.upper()}" if len(letter) > 1 else letter)  # "11 ETC"
            priority = self.coded(graph, "investment-priority", code, text, "InvestmentPriority")
            self.add(graph, project, _c("investmentPriority"), priority)
            broader = _n(f"thematic-objective/{number}")
            self.add(graph, priority, ox.NamedNode(SKOS + "broader"), broader)
        raw = row.get("Specific Obj")
        if raw is not None:
            text = re.sub(r"\s+", " ", str(raw)).strip()
            oslug = f"{programme_slug}--{short_slug(text)}"
            if self.objective_texts.setdefault(oslug, text) != text:  # same first words
                oslug += "-" + hashlib.sha1(text.encode()).hexdigest()[:6]
            objective = _n(f"objective/{oslug}")
            self.add(graph, objective, TYPE, _c("SpecificObjective"))
            self.add(graph, objective, LABEL, ox.Literal(text, language="en"))
            self.add(graph, objective, _c("inProgramme"), _n(f"programme/{programme_slug}"))
            self.add(graph, project, _c("specificObjective"), objective)

    def code_of(
        self, graph: str, project: ox.NamedNode, row: Row, column: str
    ) -> tuple[str, str, str] | None:
        """(number, letter or "etc", text) of a "(1b) text" cell; a cell without its code in
        brackets is kept as a comment and reported."""
        raw = row.get(column)
        if raw is None:
            return None
        coded = _CODED.match(str(raw))
        if coded is None:
            self.add(graph, project, COMMENT, ox.Literal(f"keep.eu {column}: {raw}"))
            self.report.unparsed.append(f"{row.where()}: {column} {raw!r} has no (code)")
            return None
        return coded.group(1), coded.group(2) or "", coded.group(3)

    def coded(self, graph: str, kind: str, code: str, text: str, cls: str) -> ox.NamedNode:
        """A concept keep.eu writes as '(1b) text': pointed at when curated, else minted."""
        node = _n(f"{kind}/{slug(code)}")
        if node.value not in self.known:
            self.add(graph, node, TYPE, _c(cls))
            self.add(graph, node, NOTATION, ox.Literal(code))
            self.add(graph, node, LABEL, ox.Literal(text or code, language="en"))
        return node

    def cofinancing(self, graph: str, project: ox.NamedNode, row: Row) -> None:
        raw = row.get("Co-Financing sources")
        if raw is None:
            return
        for name in (part.strip() for part in str(raw).split(",")):
            fund = FUNDS_BY_NAME.get(name.casefold())
            if fund is None:
                self.add(
                    graph, project, COMMENT, ox.Literal(f"keep.eu Co-Financing sources: {name}")
                )
                self.report.unparsed.append(f"{row.where()}: Co-Financing sources {name!r}")
            else:
                self.add(graph, project, _c("cofinancingFund"), _n(f"fund/{fund}"))

    # -- the three sheets

    def project(self, row: Row) -> None:
        found = self.programme_of(row)
        acronym = row.get("Acronym")
        if found is None:
            return
        if acronym is None:
            self.report.quarantined.append(Quarantined(row.where(), "no acronym", row.cells))
            return
        programme_slug, candidates = found
        acronym = str(acronym).strip('"“”')
        pslug = f"{programme_slug}--{slug(acronym)}"
        project = _n(f"project/{pslug}")
        graph = self.graph_for(programme_slug)
        self.projects[(str(row.get("Programme")), acronym.casefold())] = project
        programme = _n(f"programme/{programme_slug}")
        self.add(graph, project, TYPE, _c("Project"))
        self.add(graph, project, _c("acronym"), ox.Literal(acronym))
        self.add(graph, project, _c("programme"), programme)
        # (programme ckb:fundsProject project follows by inference: the programme's node stays
        # the curated vocabulary's alone)
        names = [(c, str(row.get(c))) for c in NAME_COLUMNS if row.get(c)]
        used = self.texts(graph, project, LABEL, names, candidates, ALT)
        if "en" not in used:  # shapes want an English label: the acronym reads the same
            self.add(graph, project, LABEL, ox.Literal(acronym, language="en"))
        for predicate, stem in TEXT_COLUMNS.items():
            columns = (f"{stem} 1", f"{stem} 2", f"{stem} EN")
            texts = [(c, str(row.get(c))) for c in columns if row.get(c)]
            self.texts(graph, project, ox.NamedNode(predicate), texts, candidates)
        self.dates(
            graph, project, row, (("Project start", "startDate"), ("Project end", "endDate"))
        )
        self.website(graph, project, programme_slug, row)
        serial = row.get("Call SN")
        if serial is not None:
            self.add(graph, project, _c("call"), _n(f"call/{programme_slug}--{slug(str(serial))}"))
        for column in ("Thematic1", "Thematic2", "Thematic3"):
            keyword = row.get(column)
            if keyword is None:
                continue
            theme = self.themes.get(str(keyword))
            if theme is None:
                self.add(graph, project, COMMENT, ox.Literal(f"keep.eu {column}: {keyword}"))
                self.report.unparsed.append(
                    f"{row.where()}: {column} {keyword!r} is no keep.eu theme"
                )
            else:
                self.add(graph, project, _c("theme"), ox.NamedNode(theme))
        self.objectives(graph, project, programme_slug, row)
        self.cofinancing(graph, project, row)
        for column, kind, fund, suffix in MONEY_COLUMNS:
            self.money_line(graph, project, pslug, row, column, kind, fund, suffix)
        self.unmapped(graph, project, row)
        self.report.store(PROJECTS)

    def organisation(
        self,
        graph: str,
        row: Row,
        name: str,
        candidates: Sequence[str],
        *,
        country_columns: Sequence[str],
    ) -> tuple[ox.NamedNode, tuple[str, str, str]]:
        country = None
        for column in country_columns:
            country = country or parse_country(row.get(column))
        town = clean_town(row.get("Town"), country)
        key = identity_key(name, town, country)
        organisation = self.organisations.get(key)
        if organisation is None:
            oslug = "keep--" + slug(f"{key[0]} {key[1]} {country or ''}")
            organisation = _n(f"organisation/{oslug}")
            self.organisations[key] = organisation
        else:
            self.report.merges.append(f"{row.where()}: {name!r} is {organisation.value}")
        add = self.adder(graph)
        # one name is the label in every graph (the first spelling met), in its own language
        # and as the English label; other spellings are alternative labels
        canonical = self.org_names.setdefault(organisation.value, name)
        if (graph, organisation.value) not in self.named:
            self.named.add((graph, organisation.value))
            if organisation.value not in self.org_langs:
                self.org_langs[organisation.value] = self.tag(canonical, candidates) or "en"
            lang = self.org_langs[organisation.value]
            add(organisation, LABEL, ox.Literal(canonical, language=lang))
            if lang != "en":
                add(organisation, DETECTED_ON, LABEL)
            if lang != "en":
                add(organisation, LABEL, ox.Literal(canonical, language="en"))
        if name != canonical:
            add(organisation, ALT, ox.Literal(name, language="en"))
        # an organisation met again in this graph with the same address cells says nothing new
        address = (graph, organisation.value, *(row.get(c) for c in ADDRESS_COLUMNS))
        if address in self.addresses:
            return organisation, key
        self.addresses.add(address)
        add(organisation, TYPE, _c("Organisation"))
        if country:
            add(
                organisation,
                _c("country"),
                ox.NamedNode(f"http://publications.europa.eu/resource/authority/country/{country}"),
            )
        if row.get("Postal code") is not None:
            add(organisation, _c("postalCode"), ox.Literal(str(row.get("Postal code"))))
        if row.get("Street"):
            add(organisation, _c("streetAddress"), ox.Literal(str(row.get("Street"))))
        region = self.places.region(graph, row, country, add)
        if region is not None:
            add(organisation, _c("region"), region)
        city = self.places.city(graph, town, country, region, add)
        if city is not None:
            add(organisation, _c("city"), city)
        elif town:
            add(organisation, COMMENT, ox.Literal(f"keep.eu Town: {town}"))
        return organisation, key

    def participation(
        self,
        graph: str,
        project: ox.NamedNode,
        organisation: ox.NamedNode,
        name: str,
        acronym: str,
        lead: bool,
    ) -> None:
        participation = _n(
            f"participation/{project.value.rsplit('/', 1)[1]}--"
            f"{organisation.value.rsplit('/', 1)[1]}"
        )
        self.add(graph, participation, TYPE, _c("Participation"))
        self.add(graph, participation, LABEL, ox.Literal(f"{name} in {acronym}", language="en"))
        self.add(graph, participation, _c("participationIn"), project)
        self.add(graph, participation, _c("participant"), organisation)
        self.add(
            graph, participation, _c("role"), _n(f"role/{'lead-partner' if lead else 'partner'}")
        )
        self.add(graph, project, _c("hasParticipation"), participation)
        self.add(graph, organisation, _c("participates"), participation)

    def partner(self, row: Row) -> None:
        found = self.programme_of(row)
        if found is None:
            return
        programme_slug, candidates = found
        acronym = str(row.get("Acronym") or "").strip('"“”')
        project = self.projects.get((str(row.get("Programme")), acronym.casefold()))
        if project is None and acronym:
            known = _n(f"project/{programme_slug}--{slug(acronym)}")
            if known.value in self.known:  # imported before, from the workbook
                project = known
                self.report.attached_to_known_projects += 1
        name = row.get("Project Partner")
        if project is None or not name:
            reason = (
                "no partner name"
                if not name
                else f"partner of project {acronym!r}, which neither the projects sheet nor "
                "the knowledge base lists: import the workbook first"
            )
            self.report.quarantined.append(Quarantined(row.where(), reason, row.cells))
            return
        graph = self.graph_for(programme_slug)
        organisation, key = self.organisation(
            graph,
            row,
            str(name),
            candidates,
            country_columns=("Country code", "Country"),
        )
        add = self.adder(graph)
        if row.get("Department"):
            add(organisation, _c("department"), ox.Literal(str(row.get("Department"))))
        status = row.get("Legal Status")
        if status is not None:
            known_status = LEGAL_STATUSES.get(str(status).casefold())
            if known_status is None:
                add(organisation, COMMENT, ox.Literal(f"keep.eu Legal Status: {status}"))
                self.report.unparsed.append(f"{row.where()}: Legal Status {status!r}")
            else:
                add(organisation, _c("legalStatus"), _n(f"legal-status/{known_status}"))
        self.website(graph, organisation, programme_slug, row, project)
        lead = str(row.get("Lead Partner")).lower() == "yes"
        if lead:
            self.leads.setdefault(project.value, set()).add(key)
        self.participation(graph, project, organisation, str(name), acronym, lead)
        self.unmapped(graph, organisation, row)
        self.report.store(PARTNERS)

    def lead_from_projects_sheet(self, row: Row) -> None:
        """The projects sheet names each lead partner again: used where the partners sheet
        has no lead for the project, compared where it has one."""
        found = self.programmes.get(str(row.get("Programme")))
        acronym = row.get("Acronym")
        name = row.get("Lead Partner")
        if found is None or acronym is None or not name:
            return
        programme_slug, candidates = found
        acronym = str(acronym).strip('"“”')
        project = self.projects[(str(row.get("Programme")), acronym.casefold())]
        graph = self.graph_for(programme_slug)
        country = parse_country(row.get("Country"))
        key = identity_key(str(name), clean_town(row.get("Town"), country), country)
        given = self.leads.get(project.value)
        if given is None:
            organisation, key = self.organisation(
                graph,
                row,
                str(name),
                candidates,
                country_columns=("Country",),
            )
            self.participation(graph, project, organisation, str(name), acronym, True)
            self.report.leads_from_projects_sheet.append(f"{row.where()}: {name!r}")
        elif key not in given:
            self.add(
                graph, project, COMMENT, ox.Literal(f"keep.eu projects sheet, Lead Partner: {name}")
            )
            self.report.lead_disagreements.append(
                f"{row.where()}: the projects sheet names {name!r} as lead partner, "
                "the partners sheet another"
            )

    def call(self, row: Row) -> None:
        found = self.programme_of(row)
        if found is None:
            return
        programme_slug, _ = found
        serial = row.get("Serial Number")
        if serial is None:
            self.report.quarantined.append(Quarantined(row.where(), "no serial number", row.cells))
            return
        graph = self.graph_for(programme_slug)
        cslug = f"{programme_slug}--{slug(str(serial))}"
        call = _n(f"call/{cslug}")
        self.add(graph, call, TYPE, _c("Call"))
        self.add(
            graph,
            call,
            LABEL,
            ox.Literal(f"Call {serial} of {row.get('Programme')}", language="en"),
        )
        self.add(graph, call, NOTATION, ox.Literal(str(serial)))
        self.add(graph, call, _c("inProgramme"), _n(f"programme/{programme_slug}"))
        self.dates(graph, call, row, (("Start Date", "startDate"), ("End Date", "endDate")))
        raw = row.get("Budget")
        if raw is not None:
            value = parse_money(raw)
            if value is None:
                self.report.unparsed.append(f"{row.where()}: Budget {raw!r}")
                self.add(graph, call, COMMENT, ox.Literal(f"keep.eu Budget: {raw}"))
            else:
                amount = self.amount(graph, _n(f"amount/call--{cslug}"), value, raw)
                self.add(graph, call, _c("callBudget"), amount)
        self.unmapped(graph, call, row)
        self.report.store(CALLS)

    def finish(self) -> None:
        for graph in self.graph_of.values():
            self.add(graph, self.source, TYPE, _c("SourceDocument"))
            self.add(
                graph,
                self.source,
                LABEL,
                ox.Literal(f"keep.eu export {self.source_name}", language="en"),
            )
            self.add(
                graph,
                self.source,
                ox.NamedNode(DCTERMS + "language"),
                ox.NamedNode("http://publications.europa.eu/resource/authority/language/ENG"),
            )


def map_export(
    sheets: Mapping[str, Sequence[Row]],
    programmes: Mapping[str, tuple[str, Sequence[str]]],
    tagger: Tagger,
    source: str,
    themes: Mapping[str, str] | None = None,
    known: Container[str] = (),
    *,
    graph_suffix: str = "",
    programme_sites: Sequence[str] = (),
    sink: Callable[[list[ox.Quad]], None] | None = None,
) -> tuple[dict[str, list[ox.Quad]], ImportReport]:
    """Map the export. `programmes`: keep.eu programme name -> (programme slug, languages);
    `themes`: keep.eu thematic keyword -> theme IRI; `known`: IRIs the knowledge base already
    describes (curated places and objectives, projects imported before); `programme_sites`:
    the programmes' own web sites, which keep.eu also gives as projects' and partners';
    `sink`: takes the quads in batches (then the graphs come back empty, named only)."""
    hosts = {_host(s) for s in programme_sites}
    mapper = _Mapper(
        sheets, programmes, tagger, source, themes or {}, known, graph_suffix, hosts, sink
    )
    mapper.detect_ahead()
    for step, sheet in (
        (mapper.project, PROJECTS),
        (mapper.partner, PARTNERS),
        (mapper.lead_from_projects_sheet, PROJECTS),
        (mapper.call, CALLS),
    ):
        for row in sheets.get(sheet, ()):
            step(row)
            mapper.flush(at_least=FLUSH_EVERY)
    mapper.finish()
    mapper.flush()
    return mapper.by_graph, mapper.report


def total(report_triples: Mapping[str, Sequence[ox.Quad]], column_suffix: str) -> Decimal:
    """Sum of the amounts of one funding column across graphs (to check against the source)."""
    out = Decimal(0)
    for triples in report_triples.values():
        for t in triples:
            if t.predicate.value == CKB + "value" and t.subject.value.endswith(
                f"--{column_suffix}"
            ):
                out += Decimal(t.object.value)
    return out
