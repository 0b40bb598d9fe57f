"""A store on disk keeps what was imported into it, and a rebuild validates and infers it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox

from clusterkb.build import build
from clusterkb.namespaces import INFERRED_OWL
from clusterkb.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
IMPORTED = "https://w3id.org/clusterkb/graph/imported/keep-test"
PROJECT = ox.NamedNode("https://w3id.org/clusterkb/id/project/med-2014-2020--demo")


def test_rebuild_keeps_and_infers_store_only_imports(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    for folder in ("ontology", "shapes", "rules", "queries", "data", "context"):
        shutil.copytree(ROOT / folder, root / folder)
    settings = Settings(root=root, store=tmp_path / "store")
    store, _ = build(settings, validate_data=False)
    ckb = "https://w3id.org/clusterkb/ontology#"
    store.replace_graph(
        IMPORTED,
        [
            ox.Triple(
                PROJECT,
                ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                ox.NamedNode(ckb + "Project"),
            ),
            ox.Triple(
                PROJECT,
                ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                ox.Literal("Demo", language="en"),
            ),
            ox.Triple(
                PROJECT,
                ox.NamedNode(ckb + "programme"),
                ox.NamedNode("https://w3id.org/clusterkb/id/programme/med-2014-2020"),
            ),
        ],
    )
    store.flush()
    del store
    rebuilt, report = build(settings, validate_data=True)
    assert report.validation is not None and report.validation.violations == []
    assert rebuilt.size(IMPORTED) == 3
    schema_project = ox.NamedNode("https://schema.org/Project")
    assert list(rebuilt.match(PROJECT, None, schema_project, [INFERRED_OWL.value]))
    # a deleted source file's graph goes away on rebuild; the import stays
    (root / "data" / "sources" / "s003-eccp-workshop-2012.ttl").unlink()
    del rebuilt
    again, _ = build(settings, validate_data=False)
    assert "https://w3id.org/clusterkb/graph/sources/s003-eccp-workshop-2012" not in again.graphs()
    assert again.size(IMPORTED) == 3
