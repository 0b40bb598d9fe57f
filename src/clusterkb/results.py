"""Render SELECT answers: an aligned table for people, CSV/TSV/SPARQL-JSON for programs."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox

from .namespaces import shorten
from .store import SelectResult, Term

FORMATS = ("table", "csv", "tsv", "json")


def _plain(term: Term | None) -> str:
    return "" if term is None else term.value


def _human(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return shorten(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def to_table(result: SelectResult) -> str:
    """People read labels: an IRI column with a label column is shown as that label alone."""
    label_cols = {col: var for var, col in result.labelled.items()}
    cols = [c for c in result.variables if c not in result.labelled]
    cells = [
        [_human(row.get(c) or row.get(label_cols.get(c, ""))) for c in cols] for row in result.rows
    ]
    headers = [label_cols.get(c, c) for c in cols]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(headers)]
    widths = [min(w, 60) for w in widths]

    def line(values: list[str]) -> str:
        out = []
        for v, w in zip(values, widths, strict=True):
            v = v if len(v) <= w else v[: w - 1] + "…"
            out.append(v.ljust(w))
        return "  ".join(out).rstrip()

    lines = [line(headers), line(["-" * w for w in widths])]
    lines += [line(r) for r in cells]
    lines.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def to_csv(result: SelectResult, delimiter: str = ",") -> str:
    buf = io.StringIO()
    if delimiter == "\t":
        # SPARQL 1.1 TSV: terms in Turtle syntax, variables with '?'
        buf.write("\t".join("?" + v for v in result.variables) + "\n")
        for row in result.rows:
            buf.write("\t".join(str(row[v]) if v in row else "" for v in result.variables) + "\n")
        return buf.getvalue()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([_plain(row.get(v)) for v in result.variables])
    return buf.getvalue()


def term_json(term: Term) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def to_json(result: SelectResult) -> str:
    doc = {
        "head": {"vars": result.variables},
        "results": {"bindings": [{k: term_json(v) for k, v in row.items()} for row in result.rows]},
    }
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def render(result: SelectResult, fmt: str) -> str:
    if fmt == "table":
        return to_table(result)
    if fmt == "csv":
        return to_csv(result)
    if fmt == "tsv":
        return to_csv(result, "\t")
    if fmt == "json":
        return to_json(result)
    raise ValueError(fmt)
