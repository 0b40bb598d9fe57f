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
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..errors import InputError, ValidationFailed
from ..namespaces import GRAPH, ID, SKOS, TURTLE_PREFIXES
from ..store import EmbeddedStore
from ..validation import CompiledConstraint, ValidationReport, context_graphs, validate
from .keep import ImportReport, Tagger, map_export
from .keep_table import PARTNERS, read_partner_csv, read_workbook
from .values import parse_country

_PROGRAMMES = f"""
SELECT ?programme ?name WHERE {{
  ?programme a <https://w3id.org/clusterkb/ontology#Programme> ;
    <{SKOS}altLabel> ?name .
}}
"""

_PROGRAMME_SITES = """
SELECT ?site WHERE {
  ?programme a <https://w3id.org/clusterkb/ontology#Programme> ;
    <https://w3id.org/clusterkb/ontology#website> ?site .
}
"""

_THEMES = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?theme ?label WHERE {
  ?theme skos:inScheme <https://w3id.org/clusterkb/id/scheme/keep-themes> ;
    <http://www.w3.org/2000/01/rdf-schema#label> ?label .
  FILTER(LANGMATCHES(LANG(?label), "en"))
}
"""

# What an import points at rather than describes again: curated places and objectives (not what
# an earlier import minted, or importing twice would not give the same triples), and projects
# from anywhere (the partner CSV attaches to the workbook's).
if TYPE_CHECKING:
    from .language import LanguageDetector

_KNOWN = f"""
PREFIX ckb: <https://w3id.org/clusterkb/ontology#>
SELECT DISTINCT ?r WHERE {{
  {{
    VALUES ?class {{ ckb:Region ckb:City ckb:ThematicObjective }}
    GRAPH ?g {{ ?r a ?class }}
    FILTER(!STRSTARTS(STR(?g), "{GRAPH}imported/") && !STRSTARTS(STR(?g), "{GRAPH}inferred/"))
  }} UNION {{
    ?r a ckb:Project
  }}
}}
"""

TaggerFactory = Callable[[], Tagger]
LanguagesOf = Callable[[Sequence[str]], list[str]]


@dataclass
class ImportResult:
    report: ImportReport
    graphs: dict[str, int]
    written: list[Path]
    quarantine: Path | None
    validation: ValidationReport | None = None


class ImportValidationFailed(ValidationFailed):
    """The mapped export breaks a shape: a bug of the mapping, so nothing is written."""

    def __init__(self, validation: ValidationReport, report: ImportReport) -> None:
        super().__init__(f"{len(validation.violations)} violation(s) in the imported data")
        self.validation = validation
        self.report = report


def staging_store(knowledge: EmbeddedStore) -> EmbeddedStore:
    """The reference vocabularies alone, for the import to stream into: checked there as one
    source (one export), apart from curated sources and earlier imports, on the store's fast
    union path; then written out from there. The build checks each source apart again."""
    scratch = EmbeddedStore()
    for graph in context_graphs(knowledge.graphs()):
        scratch.copy_graph(knowledge, graph)
    return scratch


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
    constraints: Sequence[CompiledConstraint] | None = None,
) -> ImportResult:
    """Map `export`; with `constraints`, validate it first and write nothing if it breaks one."""
    sheets = _read(export)
    themes = {r["label"].value: r["theme"].value for r in knowledge.select(_THEMES).rows}
    known = {r["r"].value for r in knowledge.select(_KNOWN).rows}
    if store is not None:
        known |= {r["r"].value for r in store.select(_KNOWN).rows}
    staged = staging_store(knowledge)
    graphs, report = map_export(
        sheets,
        programmes_of(knowledge, sheets, languages_of),
        tagger,
        export.name,
        themes,
        known,
        # the partner CSV repeats the workbook's partners: a graph of its own, so that neither
        # import replaces the other
        graph_suffix="--partners-csv" if export.suffix.lower() == ".csv" else "",
        programme_sites=[r["site"].value for r in knowledge.select(_PROGRAMME_SITES).rows],
        sink=staged.add_quads,
    )
    validation = None
    if constraints is not None:
        validation = validate(staged, constraints)
        if not validation.conforms:
            raise ImportValidationFailed(validation, report)
    written: list[Path] = []
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        for graph in sorted(graphs):
            name = graph.removeprefix(GRAPH + "imported/")
            target = out_dir / f"{name}.ttl"
            target.write_bytes(staged.dump_graph(graph, ox.RdfFormat.TURTLE, TURTLE_PREFIXES))
            written.append(target)
    if store is not None:
        for graph in graphs:
            store.copy_graph(staged, graph)
        store.flush()
    quarantine = write_quarantine(
        report, (out_dir or export.parent) / f"{export.stem}.quarantine.csv"
    )
    sizes = {g: staged.size(g) for g in graphs}
    return ImportResult(report, sizes, written, quarantine, validation)


class _LinguaTagger:
    """The detector (lingua, models shipped in the package), one per set of candidate
    languages; `tag_many` detects a batch on every core."""

    def __init__(self) -> None:
        from .language import LanguageDetector

        self._make = LanguageDetector
        self._detectors: dict[tuple[str, ...], LanguageDetector] = {}

    def _detector(self, candidates: Sequence[str]) -> LanguageDetector:
        key = tuple(sorted(set(candidates) | {"en"}))
        if key not in self._detectors:
            self._detectors[key] = self._make(key)
        return self._detectors[key]

    def __call__(self, text: str, candidates: Sequence[str]) -> str | None:
        return self._detector(candidates).detect(text).lang

    def tag_many(self, texts: Sequence[str], candidates: Sequence[str]) -> list[str | None]:
        return [d.lang for d in self._detector(candidates).detect_many(texts)]


def language_tagger() -> Tagger:
    return _LinguaTagger()


def languages_of_countries(countries: Sequence[str]) -> list[str]:
    from .language import languages_for_countries

    return languages_for_countries(countries)


def render_import(result: ImportResult, stored_as: Callable[[str], str] | None = None) -> str:
    """The accounting of an import, as `clusterkb import keep` prints it; `stored_as` names
    graphs written into a store (None: files were written)."""
    report = result.report
    lines = []
    quarantined = report.quarantined_per_sheet()
    for sheet, read in report.read.items():
        lines.append(
            f"{sheet}: read {read} = stored {report.stored.get(sheet, 0)} "
            f"+ quarantined {quarantined.get(sheet, 0)}"
        )
    lines += [f"wrote {path}" for path in result.written]
    if stored_as is not None:
        lines += [f"stored {stored_as(g)}: {n:,} triples" for g, n in sorted(result.graphs.items())]
    if result.quarantine:
        lines.append(f"quarantine: {result.quarantine}")
    lines += [f"kept as raw text (not a number, date or known code): {u}" for u in report.unparsed]
    lines += [f"kept as a comment (no term for the column): {u}" for u in report.unmapped]
    lines += [f"given for many rows, so not theirs: {s}" for s in report.programme_sites]
    lines += [
        f"lead partner from the projects sheet: {s}" for s in report.leads_from_projects_sheet
    ]
    lines += [f"lead partners disagree: {s}" for s in report.lead_disagreements]
    if report.attached_to_known_projects:
        lines.append(
            f"partners attached to projects imported before: {report.attached_to_known_projects}"
        )
    lines.append(
        f"organisations merged: {len(report.merges)}; "
        f"texts whose language could not be decided: {report.undecided_languages}"
    )
    if result.validation is not None:
        lines.append(
            f"shapes: {len(result.validation.violations)} violations, "
            f"{len(result.validation.warnings)} warnings "
            "(see them with: clusterkb validate, after a build)"
        )
    return "\n".join(lines) + "\n"
