"""SELECT and ASK answers written in the four SPARQL result formats, row by row.

oxigraph can write these too, but only a whole answer at once; an endpoint with a row cap
must stop after N rows and say so, so the writing happens here (tests check it against
oxigraph's own output).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _json_term(term: Term) -> dict[str, object]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    out: dict[str, object] = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Triple):
        return (
            f"<triple><subject>{_xml_term(term.subject)}</subject>"
            f"<predicate>{_xml_term(term.predicate)}</predicate>"
            f"<object>{_xml_term(term.object)}</object></triple>"
        )
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != XSD_STRING:
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def _tsv_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return (
            f"<< {_tsv_term(term.subject)} {_tsv_term(term.predicate)} {_tsv_term(term.object)} >>"
        )
    value = (
        term.value.replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace('"', '\\"')
    )
    if term.language:
        return f'"{value}"@{term.language}'
    if term.datatype.value != XSD_STRING:
        return f'"{value}"^^<{term.datatype.value}>'
    return f'"{value}"'


def _csv_cell(term: Term | None) -> str:
    if term is None:
        return ""
    text = f"_:{term.value}" if isinstance(term, ox.BlankNode) else str(term.value)
    if any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def write_select(
    variables: Sequence[str], rows: Iterable[Sequence[Term | None]], fmt: str
) -> bytes:
    """`rows`: one value (or None) per variable, in order."""
    if fmt == "json":
        bindings = [
            {v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None}
            for row in rows
        ]
        doc = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    out = io.StringIO()
    if fmt == "xml":
        out.write('<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">')
        out.write("<head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in variables))
        out.write("</head><results>")
        for row in rows:
            out.write("<result>")
            for v, t in zip(variables, row, strict=True):
                if t is not None:
                    out.write(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>")
            out.write("</result>")
        out.write("</results></sparql>")
    elif fmt == "csv":
        out.write(",".join(variables) + "\r\n")
        for row in rows:
            out.write(",".join(_csv_cell(t) for t in row) + "\r\n")
    elif fmt == "tsv":
        out.write("\t".join(f"?{v}" for v in variables) + "\n")
        for row in rows:
            out.write("\t".join("" if t is None else _tsv_term(t) for t in row) + "\n")
    else:
        raise ValueError(f"unknown results format {fmt!r}")
    return out.getvalue().encode("utf-8")


def write_boolean(value: bool, fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode("utf-8")
    if fmt == "xml":
        return (
            '<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{'true' if value else 'false'}</boolean></sparql>"
        ).encode()
    return (b"true" if value else b"false") + (b"\n" if fmt == "tsv" else b"")
