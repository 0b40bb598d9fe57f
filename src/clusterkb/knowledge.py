"""Which knowledge files exist and which named graph each one is loaded into.

The graph of a file follows from its path (docs/conventions.md), so that "where does this fact
come from?" is answered by the graph name alone.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .namespaces import CONTACTS_PREFIX, GRAPH, ONTOLOGY_GRAPH, SHAPES_GRAPH
from .settings import Settings

RDF_SUFFIXES = (".ttl", ".nt", ".trig", ".nq", ".rdf", ".jsonld")


@dataclass(frozen=True)
class KnowledgeFile:
    path: Path
    graph: str

    @property
    def is_contacts(self) -> bool:
        return self.graph.startswith(CONTACTS_PREFIX)

    def digest(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def _rdf_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in RDF_SUFFIXES)


def graph_for_data_file(data_dir: Path, path: Path) -> str:
    """data/<folder>/<name>.ttl -> graph/<folder>/<name>; deeper folders keep their path."""
    rel = path.relative_to(data_dir).with_suffix("")
    return GRAPH + rel.as_posix()


def knowledge_files(settings: Settings) -> list[KnowledgeFile]:
    files = [KnowledgeFile(p, ONTOLOGY_GRAPH.value) for p in _rdf_files(settings.ontology_dir)]
    files += [KnowledgeFile(p, SHAPES_GRAPH.value) for p in _rdf_files(settings.shapes_dir)]
    files += [
        KnowledgeFile(p, graph_for_data_file(settings.data_dir, p))
        for p in _rdf_files(settings.data_dir)
    ]
    return files


def is_public_graph(graph: str) -> bool:
    """Graphs anyone may read: everything but personal data, the shapes and the build record."""
    return not graph.startswith(CONTACTS_PREFIX) and graph not in (
        GRAPH + "build",
        SHAPES_GRAPH.value,
    )
