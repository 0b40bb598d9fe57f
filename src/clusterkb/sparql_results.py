"""SELECT and ASK answers written in the four SPARQL result formats, row by row.

oxigraph can write these too, but only a whole answer at once; an endpoint with a row cap
must stop after N rows and say so, so the writing happens here (tests/test_sparql_results.py
checks it against oxigraph's own output, byte for byte for CSV and TSV).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
ITS = "http://www.w3.org/2005/11/its"
# Turtle's short forms (INTEGER, DECIMAL, DOUBLE, BOOLEAN): TSV terms are written in Turtle, and
# a literal whose lexical form fits its datatype's short form is written bare, as oxigraph does.
_SHORT = {
    XSD + "integer": re.compile(r"[+-]?[0-9]+"),
    XSD + "decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    XSD + "double": re.compile(
        r"[+-]?(?:[0-9]+\.[0-9]*[eE][+-]?[0-9]+|\.[0-9]+[eE][+-]?[0-9]+|[0-9]+[eE][+-]?[0-9]+)"
    ),
    XSD + "boolean": re.compile(r"true|false"),
}


def _direction(term: ox.Literal) -> str | None:
    """The base direction ("ltr", "rtl") of a SPARQL 1.2 directional language string, if any."""
    direction = getattr(term, "direction", None)
    return str(direction) if direction is not None else None


def _xml_text(value: str) -> str:
    """Element content that any XML parser reads back as `value`: a carriage return as a
    character reference (a raw one is read as a line feed), and whitespace at either end too, as
    oxigraph writes it (its parser trims raw whitespace there)."""
    core = value.strip(" \t\n\r")
    lead = value[: len(value) - len(value.lstrip(" \t\n\r"))]
    trail = value[len(lead) + len(core) :]
    return _refs(lead) + escape(core, {"\r": "&#13;"}) + _refs(trail)


def _refs(text: str) -> str:
    return "".join(f"&#{ord(c)};" for c in text)


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
        if _direction(term):
            out["its:dir"] = _direction(term)
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
    value = _xml_text(term.value)
    if term.language:
        direction = _direction(term)
        if direction:
            return (
                f"<literal xml:lang={quoteattr(term.language)} its:dir={quoteattr(direction)} "
                f'xmlns:its="{ITS}" its:version="2.0">{value}</literal>'
            )
        return f"<literal xml:lang={quoteattr(term.language)}>{value}</literal>"
    if term.datatype.value != XSD_STRING:
        return f"<literal datatype={quoteattr(term.datatype.value)}>{value}</literal>"
    return f"<literal>{value}</literal>"


def _tsv_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):  # SPARQL 1.2 triple term
        parts = (_tsv_term(term.subject), _tsv_term(term.predicate), _tsv_term(term.object))
        return "<<( " + " ".join(parts) + " )>>"
    value = (
        term.value.replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace('"', '\\"')
    )
    if term.language:
        direction = _direction(term)
        return f'"{value}"@{term.language}' + (f"--{direction}" if direction else "")
    datatype = term.datatype.value
    if datatype == XSD_STRING:
        return f'"{value}"'
    short = _SHORT.get(datatype)
    if short is not None and short.fullmatch(term.value):
        return term.value
    return f'"{value}"^^<{datatype}>'


def _csv_text(term: Term) -> str:
    """The CSV spec's plain string of a term (IRI, lexical form, `_:label`); a triple term, which
    SPARQL 1.1 CSV does not know, as its three parts separated by spaces (as oxigraph writes)."""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return " ".join(_csv_text(t) for t in (term.subject, term.predicate, term.object))
    return term.value


def _csv_cell(term: Term | None) -> str:
    if term is None:
        return ""
    text = _csv_text(term)
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
    """An ASK answer. The SPARQL 1.1 CSV/TSV formats cover SELECT only; asked for one of them,
    the answer is the bare word `true` or `false`, as oxigraph (and RDF4J's text/boolean) write it.
    """
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode("utf-8")
    if fmt == "xml":
        return (
            '<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{'true' if value else 'false'}</boolean></sparql>"
        ).encode()
    if fmt in ("csv", "tsv"):
        return b"true" if value else b"false"
    raise ValueError(f"unknown results format {fmt!r}")
