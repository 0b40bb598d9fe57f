"""`clusterkb import keep`: read an export, map it, write it, and account for every row.

Each programme's rows become one graph, written either as data/imported/keep-<programme>.ttl
(a knowledge file like any other: the next build loads it) or straight into a store. The same
export imported twice gives the same triples; a newer export replaces that programme's graph and
nothing else.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError
from ..namespaces import GRAPH, ID, SKOS, TURTLE_PREFIXES
from ..store import EmbeddedStore
from .keep import ImportReport, Tagger, map_export
from .keep_table import PARTNERS, read_partner_csv, read_workbook
from .values import parse_country

_PROGRAMMES = f"""
SELECT ?programme ?name WHERE {{
  ?programme a <https://w3id.org/clusterkb/ontology#Programme> ;
    <{SKOS}altLabel> ?name .
}}
"""

_THEMES = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?theme ?label WHERE {
  ?theme skos:inScheme <https://w3id.org/clusterkb/id/scheme/keep-themes> ;
    <http://www.w3.org/2000/01/rdf-schema#label> ?label .
  FILTER(LANGMATCHES(LANG(?label), "en"))
}
"""

_REGIONS = "SELECT ?r WHERE { ?r a <https://w3id.org/clusterkb/ontology#Region> }"

TaggerFactory = Callable[[], Tagger]
LanguagesOf = Callable[[Sequence[str]], list[str]]


@dataclass
class ImportResult:
    report: ImportReport
    graphs: dict[str, int]
    written: list[Path]
    quarantine: Path | None


def _read(path: Path) -> dict:
    if not path.is_file():
        raise InputError("no such file", path=path, fix="give the path of a keep.eu export")
    if path.suffix.lower() == ".xlsx":
        return read_workbook(path)
    if path.suffix.lower() == ".csv":
        return {PARTNERS: read_partner_csv(path)}
    raise InputError(
        f"unknown export type {path.suffix!r}",
        path=path,
        fix="give keep.eu's .xlsx workbook or its ';'-separated partner .csv",
    )


def programmes_of(
    store: EmbeddedStore, sheets: dict, languages_of: LanguagesOf
) -> dict[str, tuple[str, list[str]]]:
    """keep.eu programme name -> (our programme slug, languages plausible for its countries)."""
    countries: dict[str, set[str]] = {}
    for row in sheets.get(PARTNERS, ()):
        code = parse_country(row.get("Country code")) or parse_country(row.get("Country"))
        if code:
            countries.setdefault(str(row.get("Programme")), set()).add(code)
    out = {}
    for row in store.select(_PROGRAMMES).rows:
        name, iri = row["name"].value, row["programme"].value
        slug = iri.removeprefix(ID + "programme/")
        out[name] = (slug, languages_of(sorted(countries.get(name, ()))))
    return out


def write_quarantine(report: ImportReport, path: Path) -> Path | None:
    if not report.quarantined:
        return None
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["where", "reason", "row"])
        for q in report.quarantined:
            writer.writerow(
                [
                    q.where,
                    q.reason,
                    json.dumps(
                        {k: str(v) for k, v in q.cells.items() if v is not None}, ensure_ascii=False
                    ),
                ]
            )
    return path


def run_import(
    export: Path,
    knowledge: EmbeddedStore,
    tagger: Tagger,
    languages_of: LanguagesOf,
    *,
    out_dir: Path | None = None,
    store: EmbeddedStore | None = None,
) -> ImportResult:
    sheets = _read(export)
    themes = {r["label"].value: r["theme"].value for r in knowledge.select(_THEMES).rows}
    regions = {r["r"].value for r in knowledge.select(_REGIONS).rows}
    graphs, report = map_export(
        sheets,
        programmes_of(knowledge, sheets, languages_of),
        tagger,
        export.name,
        themes,
        regions,
    )
    written: list[Path] = []
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        for graph, triples in sorted(graphs.items()):
            name = graph.removeprefix(GRAPH + "imported/")
            target = out_dir / f"{name}.ttl"
            target.write_bytes(
                ox.serialize(
                    sorted(set(triples), key=str),
                    format=ox.RdfFormat.TURTLE,
                    prefixes=TURTLE_PREFIXES,
                )
            )
            written.append(target)
    if store is not None:
        for graph, triples in graphs.items():
            store.replace_graph(graph, triples)
        store.flush()
    quarantine = write_quarantine(
        report, (out_dir or export.parent) / f"{export.stem}.quarantine.csv"
    )
    return ImportResult(report, {g: len(set(t)) for g, t in graphs.items()}, written, quarantine)


def language_tagger() -> Tagger:
    """The detector (lingua, models shipped in the package), one per set of candidate languages."""
    from .language import LanguageDetector

    detectors: dict[tuple[str, ...], LanguageDetector] = {}

    def tag(text: str, candidates: Sequence[str]) -> str | None:
        key = tuple(sorted(set(candidates) | {"en"}))
        if key not in detectors:
            detectors[key] = LanguageDetector(key)
        return detectors[key].detect(text).lang

    return tag


def languages_of_countries(countries: Sequence[str]) -> list[str]:
    from .language import languages_for_countries

    return languages_for_countries(countries)
