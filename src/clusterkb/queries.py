"""The query library: `.rq` files with a header, parameters bound (never formatted) into them.

Header lines start with `#+ `:
    #+ summary: one line
    #+ description: more text (may repeat)
    #+ param: NAME TYPE required|optional[=DEFAULT] — what it is
    #+ labels: var[=column] ...   (IRI columns whose label, in the user's languages, is added)
    #+ columns: a, b, c           (the columns of the answer, checked by the tests)
    #+ example: NAME=VALUE; NAME=VALUE
Labels are chosen in Python, like Wikidata's label service: the requested languages in order,
then English, then any; SPARQL cannot express an ordered fallback over a list of languages.

Every library query runs through the SPARQL guard, as the endpoint's queries do: a query that
calls another endpoint (SERVICE) runs only where that endpoint is allowed (`--service`), and
until then it is a federated query the library lists apart, not one that runs everywhere.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError
from .labels import pick
from .namespaces import PREFIXES, RDFS, SKOS
from .search import search_key
from .settings import service_routes
from .sparql_guard import Refused, guard, named_services
from .store import EmbeddedStore, SelectResult, Term, with_bindings

XSD = "http://www.w3.org/2001/XMLSchema#"
PARAM_TYPES = ("string", "text", "integer", "decimal", "date", "iri", "boolean")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    required: bool
    default: str | None
    doc: str


@dataclass
class LibraryQuery:
    name: str
    path: Path
    text: str
    summary: str = ""
    description: str = ""
    params: list[Param] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # IRI variable -> label column
    columns: list[str] = field(default_factory=list)
    examples: list[dict[str, str]] = field(default_factory=list)

    @property
    def topic(self) -> str:
        return self.path.parent.name

    @property
    def services(self) -> tuple[str, ...]:
        """The outside endpoints it calls (SERVICE): none for a query of our data alone."""
        return named_services(self.text)

    def runs_with(self, allowed_services: Collection[str]) -> bool:
        """Whether every endpoint it calls is on this allowlist (URL or URL=MIRROR entries)."""
        allowed = service_routes(allowed_services)
        return all(s in allowed for s in self.services)


_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_]\w*)\s+(?P<type>\w+)\s+(?P<req>required|optional)(?:=(?P<default>\S+))?"
    r"\s*(?:[—-]+\s*(?P<doc>.*))?$"
)


def parse_query_file(path: Path) -> LibraryQuery:
    text = path.read_text(encoding="utf-8")
    q = LibraryQuery(name=path.stem, path=path, text=text)
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#+"):
            continue
        key, _, value = line[2:].strip().partition(":")
        key, value = key.strip(), value.strip()
        if key == "summary":
            q.summary = value
        elif key == "description":
            q.description = (q.description + " " + value).strip()
        elif key == "param":
            m = _PARAM.match(value)
            if not m or m["type"] not in PARAM_TYPES:
                raise InputError(
                    f"bad parameter declaration {value!r}",
                    path=path,
                    line=lineno,
                    fix=f"write '#+ param: NAME TYPE required|optional[=DEFAULT] — doc' with "
                    f"TYPE one of {', '.join(PARAM_TYPES)}",
                )
            q.params.append(
                Param(
                    m["name"],
                    m["type"],
                    m["req"] == "required",
                    m["default"],
                    (m["doc"] or "").strip(),
                )
            )
        elif key == "labels":
            for item in value.split():
                var, _, col = item.partition("=")
                q.labels[var] = col or f"{var}Label"
        elif key == "columns":
            q.columns = [c.strip() for c in value.split(",") if c.strip()]
        elif key == "example":
            q.examples.append(
                dict(
                    (k.strip(), v.strip())
                    for k, _, v in (
                        part.partition("=") for part in value.split(";") if part.strip()
                    )
                )
            )
        else:
            raise InputError(
                f"unknown header key {key!r}",
                path=path,
                line=lineno,
                fix="use summary, description, param, labels, columns or example",
            )
    if not q.summary:
        raise InputError(
            "the query has no '#+ summary:' line",
            path=path,
            line=1,
            fix="start the file with '#+ summary: what the query answers'",
        )
    return q


class QueryLibrary:
    """The queries under a folder (not checks/). `names()` and iteration give those that run
    here: a federated query whose endpoints are not all in `services` is listed by
    `federated()` instead, and `get()` finds it (so that running it says how to allow it)."""

    def __init__(self, folder: Path, services: Collection[str] = ()) -> None:
        self.folder = folder
        self.services = tuple(services)
        self._all = {
            q.name: q
            for q in (parse_query_file(p) for p in sorted(folder.rglob("*.rq")))
            if "checks" not in q.path.parts
        }
        self._queries = {n: q for n, q in self._all.items() if q.runs_with(self.services)}

    def names(self) -> list[str]:
        return sorted(self._queries)

    def __iter__(self) -> Iterator[LibraryQuery]:
        return iter(self._queries[n] for n in self.names())

    def federated(self) -> list[LibraryQuery]:
        """The queries that need an endpoint this allowlist lacks."""
        return [q for n, q in sorted(self._all.items()) if n not in self._queries]

    def get(self, name_or_path: str) -> LibraryQuery:
        if name_or_path in self._all:
            return self._all[name_or_path]
        path = Path(name_or_path)
        if path.suffix == ".rq" and path.is_file():
            return parse_query_file(path)
        close = [n for n in sorted(self._all) if name_or_path in n]
        raise InputError(
            f"no query named {name_or_path!r}",
            fix=("did you mean: " + ", ".join(close))
            if close
            else "run 'clusterkb query --list' to see the library, or give a path to a .rq file",
        )


def convert(param: Param, raw: str) -> Term:
    """Turn a user's text into a typed RDF term; a bad value is an InputError naming the param."""

    def bad(expected: str) -> InputError:
        return InputError(
            f"parameter {param.name}={raw!r} is not {expected}",
            fix=f"give {param.name} as {expected}",
        )

    t = param.type
    if t == "string":
        return ox.Literal(raw)
    if t == "text":
        return ox.Literal(search_key(raw))
    if t == "integer":
        try:
            return ox.Literal(str(int(raw)), datatype=ox.NamedNode(XSD + "integer"))
        except ValueError:
            raise bad("a whole number") from None
    if t == "decimal":
        try:
            return ox.Literal(str(Decimal(raw)), datatype=ox.NamedNode(XSD + "decimal"))
        except InvalidOperation:
            raise bad("a decimal number such as 1500000.00") from None
    if t == "date":
        try:
            return ox.Literal(
                dt.date.fromisoformat(raw).isoformat(), datatype=ox.NamedNode(XSD + "date")
            )
        except ValueError:
            raise bad("a date YYYY-MM-DD") from None
    if t == "boolean":
        if raw.lower() not in ("true", "false"):
            raise bad("true or false")
        return ox.Literal(raw.lower(), datatype=ox.NamedNode(XSD + "boolean"))
    if t == "iri":
        prefix, _, local = raw.partition(":")
        if prefix in PREFIXES and not local.startswith("//"):
            raw = PREFIXES[prefix] + local
        if not re.match(r"^[a-z][a-z0-9+.-]*:[^\s<>\"{}|^`\\]+$", raw, re.IGNORECASE):
            raise bad("an IRI such as https://w3id.org/clusterkb/id/project/...")
        return ox.NamedNode(raw)
    raise AssertionError(t)


def bind(query: LibraryQuery, values: Mapping[str, str]) -> dict[str, Term]:
    known = {p.name: p for p in query.params}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise InputError(
            f"query {query.name} has no parameter {', '.join(unknown)}",
            fix="its parameters are: " + (", ".join(known) or "none"),
        )
    bindings: dict[str, Term] = {}
    for p in query.params:
        raw = values.get(p.name, p.default)
        if raw is None:
            if p.required:
                raise InputError(
                    f"query {query.name} needs parameter {p.name} ({p.doc})",
                    fix=f"add --param {p.name}=VALUE",
                )
            continue
        bindings[p.name] = convert(p, raw)
    return bindings


def query_graphs(store: EmbeddedStore, include_contacts: bool = False) -> list[str]:
    """The dataset library queries see: public graphs, plus personal data only when asked."""
    graphs = store.public_graphs()
    if include_contacts:
        graphs += [g for g in store.graphs() if g.startswith(PREFIXES["graph"] + "contacts/")]
    return graphs


_LABEL_PREDICATES = (RDFS + "label", SKOS + "prefLabel")


def add_labels(
    store: EmbeddedStore,
    query: LibraryQuery,
    result: SelectResult,
    langs: Sequence[str],
    graphs: Sequence[str],
) -> SelectResult:
    if not query.labels:
        return result
    cache: dict[str, ox.Literal | None] = {}

    def label_of(term: Term) -> ox.Literal | None:
        if not isinstance(term, ox.NamedNode):
            return term if isinstance(term, ox.Literal) else None
        if term.value not in cache:
            lits = [o for p in _LABEL_PREDICATES for o in store.objects(term.value, p, graphs)]
            cache[term.value] = pick([x for x in lits if isinstance(x, ox.Literal)], langs)
        return cache[term.value]

    variables: list[str] = []
    for v in result.variables:
        variables.append(v)
        if v in query.labels and query.labels[v] not in result.variables:
            variables.append(query.labels[v])
    for row in result.rows:
        for var, col in query.labels.items():
            if var in row and col not in row:
                lab = label_of(row[var])
                if lab is not None:
                    row[col] = lab
    labelled = {v: c for v, c in query.labels.items() if v in variables and c in variables}
    return SelectResult(variables, result.rows, labelled)


def guarded_text(
    query: LibraryQuery, bindings: Mapping[str, Term], services: Collection[str]
) -> str:
    """The text to run: parameters bound, then read by the SPARQL guard (an update or a SERVICE
    not on the allowlist is Refused, 403) and an allowed SERVICE sent to its mirror."""
    text = with_bindings(query.text, bindings) if bindings else query.text
    return guard(text, services)[1]


def _guarded(
    store: EmbeddedStore,
    query: LibraryQuery,
    bindings: Mapping[str, Term],
    services: Collection[str],
) -> str:
    try:
        return guarded_text(query, bindings, services)
    except Refused as exc:
        if exc.status == 400:  # no query form found: the parser says where it went wrong
            store.select(query.text, bindings=bindings, graphs=[])
        raise


def run_query(
    store: EmbeddedStore,
    query: LibraryQuery,
    params: Mapping[str, str] | None = None,
    langs: Sequence[str] = ("en",),
    include_contacts: bool = False,
    services: Collection[str] = (),
) -> SelectResult:
    """A library query (or .rq file) over our graphs, through the guard; `services` is the
    allowlist of SERVICE endpoints (URL or URL=MIRROR), empty unless the user gave one."""
    bindings = bind(query, params or {})
    graphs = query_graphs(store, include_contacts)
    try:
        text = _guarded(store, query, bindings, services)
        result = store.select(text, graphs=graphs)
    except InputError as exc:
        if exc.path == "query":  # name the file, not "query"
            exc.path = query.path
        raise
    return add_labels(store, query, result, langs, graphs)
