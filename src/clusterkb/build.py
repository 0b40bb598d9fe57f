"""Build: load the knowledge files, validate, infer, derive search keys, record what was built.

The build runs in a fresh in-memory store and only then replaces the graphs of a store on disk,
so a file that does not parse or data that does not validate never damages what is stored.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox

from .errors import ValidationFailed
from .inference import InferenceReport, infer
from .knowledge import KnowledgeFile, knowledge_files
from .loader import load_files
from .namespaces import BUILD_GRAPH, CKB, DCTERMS, GRAPH, INFERRED_SEARCH, PROV, SHAPES_GRAPH
from .search import derive_search_keys
from .settings import Settings
from .store import EmbeddedStore
from .validation import CompiledConstraint, ValidationReport, compile_shapes, load_shapes, validate

Progress = Callable[[str], None]


@dataclass
class BuildReport:
    graphs: dict[str, int] = field(default_factory=dict)
    validation: ValidationReport | None = None
    inference: InferenceReport | None = None
    search_keys: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.graphs.values())


def _quiet(_: str) -> None:
    pass


def _shape_files(files: list[KnowledgeFile]) -> list:
    return [kf.path for kf in files if kf.graph == SHAPES_GRAPH.value]


def load_knowledge(settings: Settings) -> EmbeddedStore:
    """The knowledge files in memory, neither validated nor inferred: reference data to read."""
    store = EmbeddedStore()
    load_files(store, knowledge_files(settings))
    return store


def shape_constraints(settings: Settings) -> list[CompiledConstraint]:
    """The project's shapes, compiled: for checking data that is not (yet) in a build."""
    return compile_shapes(load_shapes(_shape_files(knowledge_files(settings))))


def build_into(
    store: EmbeddedStore,
    settings: Settings,
    *,
    validate_data: bool = True,
    progress: Progress = _quiet,
    stored: EmbeddedStore | None = None,
) -> BuildReport:
    """Load, validate and infer into `store` (expected empty or in-memory).

    `stored` is the on-disk store being rebuilt: graphs it holds that no file provides (imports
    made with --store) are validated and inferred with the rest.
    """
    report = BuildReport()
    files = knowledge_files(settings)
    t0 = time.perf_counter()
    progress(f"loading {len(files)} knowledge files")
    load_files(store, files)
    if stored is not None:
        from_files = {kf.graph for kf in files}
        for graph in stored.graphs():
            if graph not in from_files and not _is_derived(graph) and not _is_file_graph(graph):
                store.copy_graph(stored, graph)
    report.timings["load"] = time.perf_counter() - t0

    if validate_data:
        t0 = time.perf_counter()
        progress("validating")
        constraints = compile_shapes(load_shapes(_shape_files(files)))
        report.validation = validate(store, constraints, per_source=True)
        report.timings["validate"] = time.perf_counter() - t0
        if not report.validation.conforms:
            raise BuildValidationFailed(report)

    t0 = time.perf_counter()
    progress("inferring")
    report.inference = infer(store, settings.rules_dir)
    report.timings["infer"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    progress("deriving search keys")
    public = [g for g in store.public_graphs() if g != INFERRED_SEARCH.value]
    report.search_keys = derive_search_keys(store, public)
    report.timings["search"] = time.perf_counter() - t0

    _record_build(store, files)
    report.graphs = {g: store.size(g) for g in store.graphs()}
    return report


def build(
    settings: Settings, *, validate_data: bool = True, progress: Progress = _quiet
) -> tuple[EmbeddedStore, BuildReport]:
    """Build in memory; with settings.store, copy the result over the stored graphs."""
    staging = EmbeddedStore()
    target = EmbeddedStore(settings.store) if settings.store is not None else None
    report = build_into(
        staging, settings, validate_data=validate_data, progress=progress, stored=target
    )
    if target is None:
        return staging, report
    progress(f"writing to {settings.store}")
    built = set(staging.graphs())
    for graph in target.graphs():
        if graph not in built and _is_file_graph(graph):
            target.drop_graph(graph)  # its file was deleted
    for graph in sorted(built):
        target.copy_graph(staging, graph)
    target.flush()
    return target, report


def _is_derived(graph: str) -> bool:
    return graph.startswith(GRAPH + "inferred/") or graph == BUILD_GRAPH.value


def _is_file_graph(graph: str) -> bool:
    rel = graph.removeprefix(GRAPH)
    return rel in ("ontology", "shapes", "build") or rel.split("/", 1)[0] in (
        "vocab",
        "sources",
        "contacts",
        "inferred",
        "links",
    )


def _record_build(store: EmbeddedStore, files: list[KnowledgeFile]) -> None:
    build_node = ox.NamedNode(GRAPH + "build")
    triples = [
        ox.Triple(
            build_node,
            ox.NamedNode(DCTERMS + "created"),
            ox.Literal(
                dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
                datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime"),
            ),
        ),
    ]
    for kf in files:
        file_node = ox.NamedNode(kf.path.resolve().as_uri())
        triples += [
            ox.Triple(build_node, ox.NamedNode(PROV + "used"), file_node),
            ox.Triple(file_node, ox.NamedNode(CKB + "sha256"), ox.Literal(kf.digest())),
        ]
    store.replace_graph(BUILD_GRAPH.value, triples)


class BuildValidationFailed(ValidationFailed):
    def __init__(self, report: BuildReport) -> None:
        super().__init__("the data breaks the shapes")
        self.report = report


def is_stale(store: EmbeddedStore, settings: Settings) -> bool:
    """True when any knowledge file changed, appeared or vanished since the store was built."""
    recorded: dict[str, str] = {}
    used = ox.NamedNode(PROV + "used")
    sha = ox.NamedNode(CKB + "sha256")
    for q in store.match(None, used, None, [BUILD_GRAPH.value]):
        for h in store.match(q.object, sha, None, [BUILD_GRAPH.value]):
            recorded[q.object.value] = h.object.value
    if not recorded:
        return True
    current = {kf.path.resolve().as_uri(): kf.digest() for kf in knowledge_files(settings)}
    return current != recorded


def check(settings: Settings, progress: Progress = _quiet) -> ValidationReport:
    """Validate the knowledge files as they are now, without building or touching any store."""
    store = EmbeddedStore()
    files = knowledge_files(settings)
    progress(f"loading {len(files)} knowledge files")
    load_files(store, files)
    progress("validating")
    return validate(store, compile_shapes(load_shapes(_shape_files(files))), per_source=True)
