"""The repository: one interface over the triple store, so services never touch the engine.

`EmbeddedStore` wraps pyoxigraph (in memory, or on disk in a folder). A remote SPARQL 1.1 store
can stand behind the same protocol; services only see `Repository`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from .errors import InputError
from .knowledge import is_public_graph

Term = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass
class SelectResult:
    """A SPARQL SELECT answer: the projected variables and one dict per solution."""

    variables: list[str]
    rows: list[dict[str, Term]]
    # IRI column -> the column holding its label (filled by the query library's label service)
    labelled: dict[str, str] = field(default_factory=dict)


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def with_bindings(query: str, bindings: Mapping[str, Term]) -> str:
    """Bind parameters with a VALUES block opening the query's WHERE group.

    The terms are written by the RDF library in N-Triples syntax (escaped), so a value can never
    change the query's structure. Unlike SEP-0007 substitution, an absent optional parameter
    simply stays unbound, so `!BOUND(?param) || ...` works, and the parameter need not be
    projected.
    """
    # blank out comment lines (same length, so positions still match the original text)
    code = "\n".join(
        " " * len(line) if line.lstrip().startswith("#") else line for line in query.split("\n")
    )
    match = _WHERE.search(code) or re.search(r"\{", code)
    if match is None:
        raise InputError("the query has no WHERE group to bind parameters in", path="query")
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(str(term) for term in bindings.values())
    block = f" VALUES ({names}) {{ ({values}) }} "
    return query[: match.end()] + block + query[match.end() :]


_POSITION = re.compile(r"error at (\d+):(\d+): ")


def _sparql_error(exc: SyntaxError, what: str) -> InputError:
    """oxigraph puts the position in the message ("error at 3:7: ..."); lift it out."""
    msg, line, column = str(exc.msg), exc.lineno, exc.offset
    match = _POSITION.match(msg)
    if match:
        line, column = int(match.group(1)), int(match.group(2))
        msg = msg[match.end() :]
    return InputError(
        f"SPARQL {what} syntax error: {msg}",
        line=line,
        column=column,
        path=what,
        fix="correct the text at that position",
    )


class Repository(Protocol):
    def graphs(self) -> list[str]: ...

    def count(self, graph: str | None = None) -> int: ...

    def replace_graph(self, graph: str, triples: Iterable[ox.Triple]) -> int: ...

    def add(self, graph: str, triples: Iterable[ox.Triple]) -> int: ...

    def drop_graph(self, graph: str) -> None: ...

    def load_file(self, path: Path, fmt: ox.RdfFormat, graph: str) -> None: ...

    def update(self, update: str) -> None: ...

    def size(self, graph: str) -> int: ...

    def select(
        self,
        query: str,
        bindings: Mapping[str, Term] | None = None,
        graphs: Sequence[str] | None = None,
    ) -> SelectResult: ...

    def construct(
        self,
        query: str,
        bindings: Mapping[str, Term] | None = None,
        graphs: Sequence[str] | None = None,
    ) -> list[ox.Triple]: ...

    def ask(
        self,
        query: str,
        bindings: Mapping[str, Term] | None = None,
        graphs: Sequence[str] | None = None,
    ) -> bool: ...

    def quads(self, graphs: Sequence[str]) -> Iterator[ox.Quad]: ...

    def objects(self, subject: str, predicate: str, graphs: Sequence[str]) -> list[Term]: ...

    def match(
        self,
        subject: ox.NamedNode | ox.BlankNode | None,
        predicate: ox.NamedNode | None,
        obj: Term | None,
        graphs: Sequence[str],
    ) -> Iterator[ox.Quad]: ...


class EmbeddedStore:
    """Two pyoxigraph stores behind one interface.

    The main store holds exactly what anyone may read (ontology, reference data, sources,
    derived graphs), so a public query runs over the union of its named graphs — oxigraph's
    fast path, about six times faster than naming a list of graphs. Personal data (contacts),
    the shapes and the build record live in a private store, which only queries that ask for
    them see (through a merged copy, made on demand).
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._merged: ox.Store | None = None
        self._public: list[str] | None = None
        if path is not None:
            path.mkdir(parents=True, exist_ok=True)
            try:
                self._store = ox.Store(str(path / "main"))
                self._private = ox.Store(str(path / "private"))
            except OSError as exc:
                raise InputError(
                    f"cannot open the store: {exc}",
                    fix="another clusterkb process may be using it; stop it or use another --store",
                    path=path,
                ) from exc
        else:
            self._store = ox.Store()
            self._private = ox.Store()

    def in_memory(self) -> EmbeddedStore:
        """A copy held in memory (the on-disk one is closed when this one is dropped)."""
        copy = EmbeddedStore()
        for graph in self.graphs():
            copy.copy_graph(self, graph)
        return copy

    def _holder(self, graph: str) -> ox.Store:
        return self._store if is_public_graph(graph) else self._private

    def _changed(self) -> None:
        self._merged = None
        self._public = None

    # -- graphs -------------------------------------------------------------------------------
    def graphs(self) -> list[str]:
        names = [*self._store.named_graphs(), *self._private.named_graphs()]
        return sorted(g.value for g in names if isinstance(g, ox.NamedNode))

    def public_graphs(self) -> list[str]:
        if self._public is None:
            self._public = sorted(
                g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode)
            )
        return list(self._public)

    def count(self, graph: str | None = None) -> int:
        if graph is None:
            return len(self._store) + len(self._private)
        holder = self._holder(graph)
        return sum(1 for _ in holder.quads_for_pattern(None, None, None, ox.NamedNode(graph)))

    def replace_graph(self, graph: str, triples: Iterable[ox.Triple]) -> int:
        """Swap a graph's content in one step, so a failed parse never empties a graph."""
        g = ox.NamedNode(graph)
        quads = [ox.Quad(t.subject, t.predicate, t.object, g) for t in set(triples)]
        self.drop_graph(graph)
        holder = self._holder(graph)
        holder.add_graph(g)
        holder.extend(quads)
        self._changed()
        return len(quads)

    def add_quads(self, quads: Sequence[ox.Quad]) -> None:
        """Quads of public graphs, as they come (an importer streams its output here)."""
        self._store.extend(quads)
        self._changed()

    def dump_graph(self, graph: str, fmt: ox.RdfFormat, prefixes: Mapping[str, str]) -> bytes:
        """One graph serialised inside the store (in the store's order: the same for the same
        content)."""
        g = ox.NamedNode(graph)
        return self._holder(graph).dump(format=fmt, from_graph=g, prefixes=dict(prefixes))

    def add(self, graph: str, triples: Iterable[ox.Triple]) -> int:
        g = ox.NamedNode(graph)
        quads = [ox.Quad(t.subject, t.predicate, t.object, g) for t in set(triples)]
        holder = self._holder(graph)
        if not holder.contains_named_graph(g):
            holder.add_graph(g)
        holder.extend(quads)
        self._changed()
        return len(quads)

    def load_file(self, path: Path, fmt: ox.RdfFormat, graph: str) -> None:
        """Parse a file straight into a graph, inside the store (no Python objects per triple)."""
        holder = self._holder(graph)
        g = ox.NamedNode(graph)
        if not holder.contains_named_graph(g):
            holder.add_graph(g)
        holder.load(path=str(path), format=fmt, base_iri=path.resolve().as_uri(), to_graph=g)
        self._changed()

    def copy_graph(self, source: EmbeddedStore, graph: str) -> None:
        """Replace a graph with another store's copy of it, serialised and parsed in Rust."""
        g = ox.NamedNode(graph)
        data = source._holder(graph).dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g)
        self.drop_graph(graph)
        holder = self._holder(graph)
        holder.add_graph(g)
        holder.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=g)
        self._changed()

    def drop_graph(self, graph: str) -> None:
        g = ox.NamedNode(graph)
        holder = self._holder(graph)
        if holder.contains_named_graph(g):
            holder.remove_graph(g)
            self._changed()

    def raw_query(
        self,
        query: str,
        *,
        private: bool = False,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        own_dataset: bool = False,
    ) -> object:
        """A query as a SPARQL endpoint receives it: over the public graphs (everything with
        `private`), with the protocol's dataset when given, the query's own FROM when it has
        one, else the union of the graphs as the default graph."""
        store = self._merged_store() if private else self._store
        kwargs: dict[str, object] = {}
        if default_graphs is not None or named_graphs is not None:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs or ()] or [
                ox.NamedNode("urn:clusterkb:empty")
            ]
            if named_graphs is not None:
                kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        elif not own_dataset:
            kwargs["use_default_graph_as_union"] = True
        try:
            return store.query(query, **kwargs)
        except SyntaxError as exc:
            raise _sparql_error(exc, "query") from exc

    def _merged_store(self) -> ox.Store:
        if self._merged is None:
            merged = ox.Store()
            merged.extend(self._store.quads_for_pattern(None, None, None, None))
            merged.extend(self._private.quads_for_pattern(None, None, None, None))
            self._merged = merged
        return self._merged

    # -- queries ------------------------------------------------------------------------------
    def _run(
        self,
        query: str,
        bindings: Mapping[str, Term] | None,
        graphs: Sequence[str] | None,
    ) -> object:
        kwargs: dict[str, object] = {}
        store = self._store
        if graphs is not None:
            if set(graphs) == set(self.public_graphs()):
                kwargs["use_default_graph_as_union"] = True
            else:
                if any(not is_public_graph(g) for g in graphs):
                    store = self._merged_store()
                named = [ox.NamedNode(g) for g in graphs]
                kwargs["default_graph"] = named or [ox.NamedNode("urn:clusterkb:empty")]
                kwargs["named_graphs"] = named
        else:
            kwargs["use_default_graph_as_union"] = True
        if bindings:
            query = with_bindings(query, bindings)
        try:
            return store.query(query, **kwargs)
        except SyntaxError as exc:
            raise _sparql_error(exc, "query") from exc

    def select(
        self,
        query: str,
        bindings: Mapping[str, Term] | None = None,
        graphs: Sequence[str] | None = None,
    ) -> SelectResult:
        solutions = self._run(query, bindings, graphs)
        if not isinstance(solutions, ox.QuerySolutions):
            raise InputError("expected a SELECT query", fix="use SELECT, or the export command")
        variables = [v.value for v in solutions.variables]
        rows = []
        for sol in solutions:
            row = {}
            for v in variables:
                term = sol[v]
                if term is not None:
                    row[v] = term
            rows.append(row)
        return SelectResult(variables, rows)

    def construct(
        self,
        query: str,
        bindings: Mapping[str, Term] | None = None,
        graphs: Sequence[str] | None = None,
    ) -> list[ox.Triple]:
        triples = self._run(query, bindings, graphs)
        if not isinstance(triples, ox.QueryTriples):
            raise InputError("expected a CONSTRUCT or DESCRIBE query")
        return list(triples)

    def ask(
        self,
        query: str,
        bindings: Mapping[str, Term] | None = None,
        graphs: Sequence[str] | None = None,
    ) -> bool:
        answer = self._run(query, bindings, graphs)
        if not isinstance(answer, ox.QueryBoolean):
            raise InputError("expected an ASK query")
        return bool(answer)

    def quads(self, graphs: Sequence[str]) -> Iterator[ox.Quad]:
        return self.match(None, None, None, graphs)

    def match(
        self,
        subject: ox.NamedNode | ox.BlankNode | None,
        predicate: ox.NamedNode | None,
        obj: Term | None,
        graphs: Sequence[str],
    ) -> Iterator[ox.Quad]:
        for g in graphs:
            holder = self._holder(g)
            yield from holder.quads_for_pattern(subject, predicate, obj, ox.NamedNode(g))

    def size(self, graph: str) -> int:
        """Number of triples in a graph, counted inside the store."""
        holder = self._holder(graph)
        q = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        for row in holder.query(q):
            return int(row["n"].value)
        return 0

    def update(self, update: str) -> None:
        """A SPARQL update on the public store (inference writes derived graphs this way)."""
        try:
            self._store.update(update)
        except SyntaxError as exc:
            raise _sparql_error(exc, "update") from exc
        self._changed()

    def objects(self, subject: str, predicate: str, graphs: Sequence[str]) -> list[Term]:
        """Objects of (subject, predicate) in `graphs`; one index lookup for all public graphs."""
        s, p = ox.NamedNode(subject), ox.NamedNode(predicate)
        public = set(self.public_graphs())
        wanted = set(graphs)
        if public <= wanted:
            out = [
                q.object
                for q in self._store.quads_for_pattern(s, p, None, None)
                if isinstance(q.graph_name, ox.NamedNode)
            ]
            rest = [g for g in graphs if g not in public]
            return out + [q.object for q in self.match(s, p, None, rest)]
        return [q.object for q in self.match(s, p, None, graphs)]

    def flush(self) -> None:
        if self.path is not None:
            self._store.flush()
            self._private.flush()
