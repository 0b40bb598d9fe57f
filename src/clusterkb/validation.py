"""SHACL validation compiled to SPARQL and run inside the store.

pyshacl walks an rdflib graph node by node: right, but minutes at the scale of keep.eu. Here each
constraint of the shapes becomes one SPARQL query over all focus nodes at once, run by oxigraph.
Only the SHACL features our shapes use are compiled (listed in SUPPORTED); a shape using anything
else is refused loudly rather than silently skipped. A test checks that the results equal
pyshacl's on the curated data and on every shape test case.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib import RDF, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH, XSD

from .errors import InputError
from .knowledge import is_public_graph
from .labels import pick
from .namespaces import BUILD_GRAPH, GRAPH, INFERRED_PREFIX, ONTOLOGY_GRAPH, SHAPES_GRAPH
from .store import EmbeddedStore

VALUE_COMPONENTS = {
    SH.datatype,
    SH["class"],
    SH.nodeKind,
    SH.pattern,
    SH["in"],
    SH.minInclusive,
    SH.maxInclusive,
    SH.minExclusive,
    SH.maxExclusive,
    SH.languageIn,
    SH["or"],
}
COUNT_COMPONENTS = {SH.minCount, SH.maxCount, SH.uniqueLang, SH.hasValue}
SUPPORTED = VALUE_COMPONENTS | COUNT_COMPONENTS | {SH.sparql}
IGNORED = {
    SH.path,
    SH.property,
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.severity,
    SH.message,
    SH.name,
    SH.description,
    SH.deactivated,
    SH.flags,
    SH.order,
    SH.group,
    SH.defaultValue,
    RDF.type,
    SH.declare,
    SH.prefixes,
}
UNSUPPORTED = {
    SH.node,
    SH.qualifiedValueShape,
    SH.closed,
    SH.equals,
    SH.disjoint,
    SH.lessThan,
    SH.lessThanOrEquals,
    SH["not"],
    SH["and"],
    SH.xone,
    SH.minLength,
    SH.maxLength,
}

_CHECKS: dict[str, str] = {
    str(XSD.decimal): "xsd:decimal",
    str(XSD.integer): "xsd:integer",
    str(XSD.double): "xsd:double",
    str(XSD.float): "xsd:float",
    str(XSD.boolean): "xsd:boolean",
    str(XSD.date): "xsd:date",
    str(XSD.dateTime): "xsd:dateTime",
}
_GYEARMONTH = r"^-?[0-9]{4,}-(0[1-9]|1[0-2])(Z|[+-][0-9]{2}:[0-9]{2})?$"
_GYEAR = r"^-?[0-9]{4,}(Z|[+-][0-9]{2}:[0-9]{2})?$"
_PREFIX = (
    "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
)


@dataclass(frozen=True)
class ValidationResult:
    focus: str
    path: str | None
    value: str | None
    severity: str  # "Violation" | "Warning" | "Info"
    shape: str | None  # None where the reporting shape is a blank node
    component: str
    messages: tuple[tuple[str, str], ...]
    graph: str | None = None  # the source graph validated, when sources are validated apart

    def message(self, langs: Sequence[str] = ("en",)) -> str:
        literals = [
            ox.Literal(text, language=lang) if lang else ox.Literal(text)
            for lang, text in self.messages
        ]
        chosen = pick(literals, langs)
        text = chosen.value if chosen else f"{self.component.rsplit('#', 1)[-1]} not satisfied"
        return (
            text.replace("{$this}", self.focus)
            .replace("{?this}", self.focus)
            .replace("{?value}", self.value or "")
            .replace("{$value}", self.value or "")
        )


@dataclass
class ValidationReport:
    results: list[ValidationResult] = field(default_factory=list)
    constraints: int = 0

    @property
    def violations(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "Warning"]

    @property
    def conforms(self) -> bool:
        return not self.violations


@dataclass(frozen=True)
class CompiledConstraint:
    shape: str | None
    path: str | None
    component: str
    severity: str
    messages: tuple[tuple[str, str], ...]
    query: str


def _lit(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return f'"{escaped}"'


def _term(node: rdflib.term.Node) -> str:
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        base = _lit(str(node))
        if node.language:
            return f"{base}@{node.language}"
        if node.datatype:
            return f"{base}^^<{node.datatype}>"
        return base
    raise InputError(
        f"blank node {node} cannot be used as a constraint value",
        fix="use an IRI or a literal",
        path="shapes",
    )


SCOPE = "?_scope"


class _Compiler:
    def __init__(self, g: rdflib.Graph) -> None:
        self.g = g

    def path(self, node: rdflib.term.Node) -> str:
        if isinstance(node, URIRef):
            return f"<{node}>"
        inverse = self.g.value(node, SH.inversePath)
        if inverse is not None:
            return f"^({self.path(inverse)})"
        alternative = self.g.value(node, SH.alternativePath)
        if alternative is not None:
            return "(" + "|".join(self.path(n) for n in Collection(self.g, alternative)) + ")"
        if (node, RDF.first, None) in self.g:
            return "(" + "/".join(self.path(n) for n in Collection(self.g, node)) + ")"
        raise InputError(
            f"unsupported sh:path {node}",
            path="shapes",
            fix="use an IRI, sh:inversePath, sh:alternativePath or a sequence",
        )

    def targets(self, shapes: Iterable[rdflib.term.Node]) -> str | None:
        parts = []
        # Focus nodes are those the scope graph itself types or states; SCOPE becomes one
        # graph's IRI when each source is validated on its own, or ?_scope (any graph).
        for shape in shapes:
            for c in self.g.objects(shape, SH.targetClass):
                parts.append(
                    f"{{ GRAPH {SCOPE} {{ ?this rdf:type ?_type }} ?_type rdfs:subClassOf* <{c}> }}"
                )
            for n in self.g.objects(shape, SH.targetNode):
                parts.append(
                    f"{{ VALUES ?this {{ {_term(n)} }} "
                    f"FILTER EXISTS {{ GRAPH {SCOPE} {{ ?this ?_p ?_o }} }} }}"
                )
            for p in self.g.objects(shape, SH.targetSubjectsOf):
                parts.append(f"{{ GRAPH {SCOPE} {{ ?this <{p}> ?_t }} }}")
            for p in self.g.objects(shape, SH.targetObjectsOf):
                parts.append(f"{{ GRAPH {SCOPE} {{ ?_t <{p}> ?this }} }}")
        if not parts:
            return None
        return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"

    def messages(self, node: rdflib.term.Node) -> tuple[tuple[str, str], ...]:
        return tuple(sorted((m.language or "", str(m)) for m in self.g.objects(node, SH.message)))

    def severity(self, node: rdflib.term.Node) -> str:
        sev = self.g.value(node, SH.severity)
        return str(sev).rsplit("#", 1)[-1] if sev is not None else "Violation"

    def well_formed_ok(self, datatype: str) -> str:
        """A SPARQL expression true when ?value is a well-formed literal of `datatype`."""
        base = f"(isLiteral(?value) && datatype(?value) = <{datatype}>"
        if datatype in _CHECKS:
            cast = f"{_CHECKS[datatype]}(STR(?value))"
            return base + f' && !sameTerm(COALESCE({cast}, "!"), "!"))'
        if datatype == str(XSD.positiveInteger):
            return base + " && COALESCE(xsd:integer(STR(?value)) > 0, false))"
        if datatype == str(XSD.nonNegativeInteger):
            return base + " && COALESCE(xsd:integer(STR(?value)) >= 0, false))"
        if datatype == str(XSD.gYearMonth):
            return base + f" && REGEX(STR(?value), {_lit(_GYEARMONTH)}))"
        if datatype == str(XSD.gYear):
            return base + f" && REGEX(STR(?value), {_lit(_GYEAR)}))"
        return base + ")"

    def value_condition(
        self, shape: rdflib.term.Node, comp: URIRef, value: rdflib.term.Node
    ) -> str:
        """A SPARQL expression true when ?value breaks the constraint."""
        if comp == SH.datatype:
            return f"!{self.well_formed_ok(str(value))}"
        if comp == SH["class"]:
            return f"NOT EXISTS {{ ?value rdf:type/rdfs:subClassOf* <{value}> }}"
        if comp == SH.nodeKind:
            kinds = {
                "IRI": "isIRI(?value)",
                "BlankNode": "isBlank(?value)",
                "Literal": "isLiteral(?value)",
                "BlankNodeOrIRI": "(isBlank(?value) || isIRI(?value))",
                "BlankNodeOrLiteral": "(isBlank(?value) || isLiteral(?value))",
                "IRIOrLiteral": "(isIRI(?value) || isLiteral(?value))",
            }
            return f"!{kinds[str(value).rsplit('#', 1)[-1]]}"
        if comp == SH.pattern:
            flags = self.g.value(shape, SH.flags)
            args = f"STR(?value), {_lit(str(value))}" + (f", {_lit(str(flags))}" if flags else "")
            return f"(isBlank(?value) || !REGEX({args}))"
        if comp == SH["in"]:
            members = " || ".join(
                f"sameTerm(?value, {_term(m)})" for m in Collection(self.g, value)
            )
            return f"!({members or 'false'})"
        if comp in (SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive):
            op = {
                SH.minInclusive: ">=",
                SH.maxInclusive: "<=",
                SH.minExclusive: ">",
                SH.maxExclusive: "<",
            }[comp]
            return f"!COALESCE(?value {op} {_term(value)}, false)"
        if comp == SH.languageIn:
            tests = " || ".join(
                f"langMatches(lang(?value), {_lit(str(m))})" for m in Collection(self.g, value)
            )
            return f"(!isLiteral(?value) || !({tests or 'false'}))"
        if comp == SH["or"]:
            oks = []
            for member in Collection(self.g, value):
                dt = self.g.value(member, SH.datatype)
                cls = self.g.value(member, SH["class"])
                if dt is not None:
                    oks.append(self.well_formed_ok(str(dt)))
                elif cls is not None:
                    oks.append(f"EXISTS {{ ?value rdf:type/rdfs:subClassOf* <{cls}> }}")
                else:
                    raise InputError(
                        f"sh:or member of {shape} must hold only sh:datatype or sh:class",
                        path="shapes",
                        fix="simplify the sh:or",
                    )
            return f"!({' || '.join(oks)})"
        raise AssertionError(comp)

    def sparql(self, node: rdflib.term.Node, target: str) -> str:
        select = self.g.value(node, SH.select)
        if select is None:
            raise InputError(
                f"sh:sparql constraint {node} has no sh:select",
                path="shapes",
                fix="add an sh:select query",
            )
        prefixes = ""
        for prefixes_node in self.g.objects(node, SH.prefixes):
            for decl in self.g.objects(prefixes_node, SH.declare):
                prefixes += (
                    f"PREFIX {self.g.value(decl, SH.prefix)}: "
                    f"<{self.g.value(decl, SH.namespace)}>\n"
                )
        text = re.sub(r"\$this\b", "?this", str(select))
        match = re.search(r"\bWHERE\s*\{", text, flags=re.IGNORECASE)
        if match is None:
            match = re.search(r"\{", text)
        if match is None:
            raise InputError(f"cannot find the WHERE clause of {node}", path="shapes")
        at = match.end()
        return _PREFIX + prefixes + text[:at] + f" {target} " + text[at:]

    def compile(self) -> list[CompiledConstraint]:
        g = self.g
        out: list[CompiledConstraint] = []
        node_shapes = set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(SH.property, None))
        prop_shapes = set(g.subjects(SH.path, None))
        owners: dict[rdflib.term.Node, set[rdflib.term.Node]] = {}
        for ns in node_shapes:
            for ps in g.objects(ns, SH.property):
                owners.setdefault(ps, set()).add(ns)
        for shape in sorted(node_shapes | prop_shapes, key=str):
            if g.value(shape, SH.deactivated) == Literal(True):
                continue
            is_prop = shape in prop_shapes
            target_shapes = {shape} | (owners.get(shape, set()) if is_prop else set())
            if any(g.value(o, SH.deactivated) == Literal(True) for o in owners.get(shape, ())):
                continue
            target = self.targets(target_shapes)
            if target is None:
                continue
            path_text = self.path(g.value(shape, SH.path)) if is_prop else None
            path_iri = g.value(shape, SH.path) if is_prop else None
            out.extend(self._compile_shape(shape, target, path_text, path_iri))
        return out

    def _compile_shape(
        self,
        shape: rdflib.term.Node,
        target: str,
        path: str | None,
        path_iri: rdflib.term.Node | None,
    ) -> list[CompiledConstraint]:
        g = self.g
        name = str(shape) if isinstance(shape, URIRef) else None
        path_str = str(path_iri) if isinstance(path_iri, URIRef) else None
        severity = self.severity(shape)
        messages = self.messages(shape)
        values = f"?this {path} ?value ." if path else "BIND(?this AS ?value)"
        out = []
        for pred, obj in sorted(
            g.predicate_objects(shape), key=lambda po: (str(po[0]), str(po[1]))
        ):
            if pred in IGNORED or (pred in (SH.property,)):
                continue
            if pred in UNSUPPORTED or pred not in SUPPORTED:
                if str(pred).startswith(str(SH)):
                    raise InputError(
                        f"{shape} uses {pred}, which our validator does not compile",
                        path="shapes",
                        fix="use the features listed in clusterkb.validation.SUPPORTED",
                    )
                continue
            component = str(pred)
            if pred in VALUE_COMPONENTS:
                cond = self.value_condition(shape, pred, obj)
                query = f"{_PREFIX}SELECT ?this ?value WHERE {{ {target} {values} FILTER({cond}) }}"
            elif pred in (SH.minCount, SH.maxCount):
                if path is None:
                    continue
                n = int(obj)
                if pred == SH.minCount:
                    body = f"{target} OPTIONAL {{ ?this {path} ?v }}"
                    having = f"COUNT(DISTINCT ?v) < {n}"
                else:
                    body = f"{target} ?this {path} ?v ."
                    having = f"COUNT(DISTINCT ?v) > {n}"
                query = f"{_PREFIX}SELECT ?this WHERE {{ {body} }} GROUP BY ?this HAVING ({having})"
            elif pred == SH.uniqueLang:
                if path is None or obj != Literal(True):
                    continue
                query = (
                    f"{_PREFIX}SELECT ?this (SAMPLE(?v) AS ?value) WHERE {{ {target} "
                    f'?this {path} ?v . FILTER(isLiteral(?v) && LANG(?v) != "") }} '
                    f"GROUP BY ?this (LANG(?v) AS ?lang) HAVING (COUNT(DISTINCT ?v) > 1)"
                )
            elif pred == SH.hasValue:
                check = (
                    f"?this {path} {_term(obj)}"
                    if path
                    else f"FILTER(sameTerm(?this, {_term(obj)}))"
                )
                query = (
                    f"{_PREFIX}SELECT ?this WHERE {{ {target} FILTER NOT EXISTS {{ {check} }} }}"
                )
            elif pred == SH.sparql:
                if g.value(obj, SH.deactivated) == Literal(True):
                    continue
                own = self.messages(obj)
                out.append(
                    CompiledConstraint(
                        name,
                        path_str,
                        str(SH.SPARQLConstraintComponent),
                        self.severity(obj) if (obj, SH.severity, None) in g else severity,
                        own or messages,
                        self.sparql(obj, target),
                    )
                )
                continue
            else:
                continue
            out.append(CompiledConstraint(name, path_str, component, severity, messages, query))
        return out


def load_shapes(paths: Sequence[Path]) -> rdflib.Graph:
    g = rdflib.Graph()
    for p in paths:
        g.parse(p, format="turtle")
    return g


def compile_shapes(shapes: rdflib.Graph) -> list[CompiledConstraint]:
    return _Compiler(shapes).compile()


def data_graphs(store: EmbeddedStore) -> list[str]:
    """Everything that holds claims (contacts included); not shapes, build or derived graphs."""
    return [
        g
        for g in store.graphs()
        if g not in (SHAPES_GRAPH.value, BUILD_GRAPH.value) and not g.startswith(INFERRED_PREFIX)
    ]


def _value_str(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str | None:
    if term is None:
        return None
    return term.value


TYPES_GRAPH = GRAPH + "validation/types"
_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def context_graphs(graphs: Sequence[str]) -> list[str]:
    """Graphs every source is validated with: the ontology and the reference vocabularies."""
    return [g for g in graphs if g == ONTOLOGY_GRAPH.value or g.startswith(GRAPH + "vocab/")]


def _run(
    store: EmbeddedStore,
    constraints: Sequence[CompiledConstraint],
    graphs: list[str] | None,
    scope: str | None,
    seen: set[ValidationResult],
    report: ValidationReport,
    keep: Callable[[str], bool] = lambda _: True,
    attribute: Callable[[str], str | None] | None = None,
) -> None:
    def answer(c: CompiledConstraint) -> list[dict]:
        query = c.query if scope is None else c.query.replace(SCOPE, f"<{scope}>")
        return store.select(query, graphs=graphs).rows

    # oxigraph releases the GIL while it evaluates, so the constraints run on every core;
    # the answers are taken in order, so the report does not depend on timing.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        answers = list(pool.map(answer, constraints))
    for c, rows in zip(constraints, answers, strict=True):
        for row in rows:
            focus = row.get("this")
            if focus is None or not keep(focus.value):
                continue
            vr = ValidationResult(
                focus=focus.value,
                path=c.path,
                value=_value_str(row.get("value")),
                severity=c.severity,
                shape=c.shape,
                component=c.component,
                messages=c.messages,
                graph=attribute(focus.value) if attribute else scope,
            )
            if vr not in seen:
                seen.add(vr)
                report.results.append(vr)


def _subjects(store: EmbeddedStore, graph: str) -> set[str]:
    return {
        q.subject.value
        for q in store.match(None, None, None, [graph])
        if isinstance(q.subject, ox.NamedNode)
    }


def source_of(store: EmbeddedStore, graphs: Sequence[str]) -> dict[str, str]:
    """Graph -> the source document it was derived from (itself when it names none): the
    graphs of one keep.eu export (one per programme) are one source."""
    rows = store.select(
        "SELECT ?g ?src WHERE { GRAPH ?g { ?g <http://www.w3.org/ns/prov#wasDerivedFrom> ?src } }"
    ).rows
    derived = {r["g"].value: r["src"].value for r in rows}
    return {g: derived.get(g, g) for g in graphs}


def shared_subjects(
    store: EmbeddedStore, claims: Sequence[str], sources: Mapping[str, str] | None = None
) -> dict[str, set[str]]:
    """Things that the graphs of two or more sources make statements about, with those graphs.

    Only these can carry a disagreement between sources. The largest graph is never listed
    subject by subject: the others' subjects are looked up in it.
    """
    if len(claims) < 2:
        return {}
    source = sources or {g: g for g in claims}
    sizes = {g: store.size(g) for g in claims}
    largest = max(claims, key=lambda g: sizes[g])
    where: dict[str, set[str]] = {}
    for g in claims:
        if g != largest:
            for subject in _subjects(store, g):
                where.setdefault(subject, set()).add(g)
    for subject, graphs in where.items():
        if any(True for _ in store.match(ox.NamedNode(subject), None, None, [largest])):
            graphs.add(largest)
    return {s: gs for s, gs in where.items() if len({source.get(g, g) for g in gs}) > 1}


def _scoped_store(store: EmbeddedStore, graph: str, context: Sequence[str]) -> EmbeddedStore:
    """A store with one source, the reference graphs, and the types of what the source points
    at (asserted anywhere), so that the source's claims are checked apart from the others'."""
    scoped = EmbeddedStore()
    for g in {graph, *context}:
        scoped.copy_graph(store, g)
    own = {
        q.object
        for q in scoped.match(None, None, None, [graph])
        if isinstance(q.object, ox.NamedNode)
    }
    types = [
        ox.Triple(q.subject, q.predicate, q.object)
        for node in own
        for q in store.match(node, _TYPE, None, store.graphs())
    ]
    scoped.add(TYPES_GRAPH, types)
    return scoped


def validate(
    store: EmbeddedStore,
    constraints: Sequence[CompiledConstraint],
    graphs: Sequence[str] | None = None,
    *,
    per_source: bool = False,
) -> ValidationReport:
    """Validate `graphs` (default: every data graph) as one dataset, or each source apart.

    Per source, a source's claims are never mixed with another source's: two sources that
    disagree are each valid, and their disagreement is a conflict to show, not an error.
    Checking every source in a store of its own would copy everything, so the public sources
    are checked together (the store's fast path) except for the things two sources both
    describe, which are checked again in one store per source; personal-data graphs are
    always checked in a store of their own.
    """
    report = ValidationReport(constraints=len(constraints))
    seen: set[ValidationResult] = set()
    if not per_source:
        chosen = list(graphs) if graphs is not None else data_graphs(store)
        _run(store, constraints, chosen, None, seen, report)
        return _sorted(report)
    every = list(graphs) if graphs is not None else data_graphs(store)
    context = context_graphs(every)
    claims = [g for g in every if g != ONTOLOGY_GRAPH.value]
    public = [g for g in claims if is_public_graph(g)]
    shared = shared_subjects(store, claims, source_of(store, claims))
    public_set = set(store.public_graphs())
    dataset = None if set(public) | set(context) == public_set else sorted({*public, *context})
    _run(
        store,
        constraints,
        dataset,
        None,
        seen,
        report,
        keep=lambda f: f not in shared,
        attribute=lambda f: _typed_in(store, f, public),
    )
    scopes = sorted({g for gs in shared.values() for g in gs} | set(claims) - set(public))
    for scope in scopes:
        scoped = _scoped_store(store, scope, context)
        mine = {s for s, gs in shared.items() if scope in gs}
        keep = (lambda f, mine=mine: f in mine) if is_public_graph(scope) else (lambda f: True)
        _run(scoped, constraints, None, scope, seen, report, keep=keep)
    return _sorted(report)


def _typed_in(store: EmbeddedStore, focus: str, graphs: Sequence[str]) -> str | None:
    for q in store.match(ox.NamedNode(focus), _TYPE, None, graphs):
        return q.graph_name.value
    return None


def _sorted(report: ValidationReport) -> ValidationReport:
    report.results.sort(
        key=lambda r: (
            r.severity != "Violation",
            r.graph or "",
            r.focus,
            r.path or "",
            r.value or "",
        )
    )
    return report


def render_report(report: ValidationReport, langs: Sequence[str]) -> str:
    from .namespaces import shorten

    lines = []
    for r in report.results:
        where = shorten(r.focus) + (f" {shorten(r.path)}" if r.path else "")
        value = f" = {r.value!r}" if r.value is not None and r.value != r.focus else ""
        source = f"  [{shorten(r.graph)}]" if r.graph else ""
        lines.append(f"{r.severity.upper():9} {where}{value}{source}\n          {r.message(langs)}")
    lines.append(
        f"{len(report.violations)} violation(s), {len(report.warnings)} warning(s) "
        f"from {report.constraints} constraints: "
        + ("conforms" if report.conforms else "does NOT conform")
    )
    return "\n".join(lines) + "\n"


def report_json(report: ValidationReport, langs: Sequence[str]) -> list[dict[str, object]]:
    return [
        {
            "focus": r.focus,
            "path": r.path,
            "value": r.value,
            "severity": r.severity,
            "shape": r.shape,
            "component": r.component,
            "message": r.message(langs),
        }
        for r in report.results
    ]
