"""Materialise entailments with rule files run inside the store.

OWL 2 RL rules (rules/owl-rl/*.ru, filled with the closed schema by reasoner.py) run as SPARQL
updates to a fixpoint; owlrl computes the same closure on small data (a test checks it) but
takes minutes where this takes seconds. The schema.org view (rules/schema-org/*.rq, CONSTRUCT
queries) runs once, after the closure.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .namespaces import (
    INFERRED_OWL,
    INFERRED_PREFIX,
    INFERRED_SCHEMA,
)
from .reasoner import materialise
from .store import EmbeddedStore


@dataclass(frozen=True)
class Rule:
    name: str
    query: str

    @classmethod
    def from_file(cls, path: Path) -> Rule:
        return cls(path.stem, path.read_text(encoding="utf-8"))


@dataclass
class InferenceReport:
    per_rule: dict[str, int] = field(default_factory=dict)
    schema_view: int = 0

    @property
    def total(self) -> int:
        return sum(self.per_rule.values())


def load_rules(folder: Path) -> list[Rule]:
    return [Rule.from_file(p) for p in sorted(folder.glob("*.rq"))]


def source_graphs(store: EmbeddedStore) -> list[str]:
    """What inference reads: ontology and public data (the public store holds no shapes or
    contacts), never derived graphs."""
    return [g for g in store.public_graphs() if not g.startswith(INFERRED_PREFIX)]


def infer(store: EmbeddedStore, rules_dir: Path) -> InferenceReport:
    """OWL 2 RL closure (rules/owl-rl), then the schema.org view (rules/schema-org)."""
    report = InferenceReport()
    store.drop_graph(INFERRED_OWL.value)
    store.drop_graph(INFERRED_SCHEMA.value)
    store.add(INFERRED_OWL.value, [])  # exists from the start, so rules see one stable dataset
    graphs = [*source_graphs(store), INFERRED_OWL.value]
    report.per_rule = materialise(
        store, rules_dir / "owl-rl", source_graphs(store), INFERRED_OWL.value
    )
    rules = load_rules(rules_dir / "schema-org")
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:  # oxigraph frees the GIL
        answers = list(pool.map(lambda r: store.construct(r.query, graphs=graphs), rules))
    report.schema_view = store.add(INFERRED_SCHEMA.value, [t for a in answers for t in a])
    return report
