"""Read knowledge files into the store, one named graph per file group, failing loudly."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .errors import InputError
from .knowledge import KnowledgeFile
from .store import EmbeddedStore

_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".trig": ox.RdfFormat.TRIG,
    ".nq": ox.RdfFormat.N_QUADS,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
}


def parse_file(path: Path) -> list[ox.Triple]:
    """Parse one RDF file; a syntax error becomes an InputError with file, line and column."""
    fmt = _FORMATS.get(path.suffix)
    if fmt is None:
        raise InputError(
            f"unknown RDF file type {path.suffix!r}",
            fix="use .ttl, .nt, .trig, .nq, .rdf or .jsonld",
            path=path,
        )
    try:
        with path.open("rb") as fh:
            items = list(ox.parse(fh, format=fmt, base_iri=path.resolve().as_uri()))
    except SyntaxError as exc:
        raise InputError(
            f"not valid {fmt.name}: {exc.msg}",
            fix="correct the syntax at that position (a missing '.', ';' or quote is the "
            "usual cause); nothing was loaded from this file",
            path=path,
            line=exc.lineno,
            column=exc.offset,
        ) from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text: {exc}", fix="save the file as UTF-8", path=path) from exc
    triples = []
    for item in items:
        if isinstance(item, ox.Quad):
            if not isinstance(item.graph_name, ox.DefaultGraph):
                raise InputError(
                    "named graphs inside a knowledge file are not allowed",
                    fix="the file's path decides its graph; move the triples to the default graph",
                    path=path,
                )
            triples.append(item.triple)
        else:
            triples.append(item)
    return triples


def load_files(store: EmbeddedStore, files: list[KnowledgeFile]) -> None:
    """Load each file into its graph (replacing what the graph held), parsing inside the store.

    A syntax error raises InputError naming file, line and column; the build runs this in a
    fresh staging store, so a half-loaded graph is thrown away with it.
    """
    seen: set[str] = set()
    for kf in files:
        if kf.graph not in seen:
            store.drop_graph(kf.graph)
            seen.add(kf.graph)
        fmt = _FORMATS.get(kf.path.suffix)
        if fmt is None or fmt.supports_datasets:
            store.add(kf.graph, parse_file(kf.path))  # checks there are no named graphs
            continue
        try:
            store.load_file(kf.path, fmt, kf.graph)
        except SyntaxError as exc:
            raise InputError(
                f"not valid {fmt.name}: {exc.msg}",
                fix="correct the syntax at that position (a missing '.', ';' or quote is the "
                "usual cause); nothing was loaded from this file",
                path=kf.path,
                line=exc.lineno,
                column=exc.offset,
            ) from exc
