"""Bad input gets a clear error (file, line, what, how to fix) and never damages the store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from clusterkb.cli import main
from clusterkb.settings import Settings
from clusterkb.store import EmbeddedStore

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    for folder in ("ontology", "shapes", "rules", "queries"):
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, tmp_path / folder)
    (tmp_path / "data" / "vocab").mkdir(parents=True)
    shutil.copy(ROOT / "data" / "vocab" / "roles.ttl", tmp_path / "data" / "vocab" / "roles.ttl")
    return tmp_path


BROKEN = """@prefix ckb: <https://w3id.org/clusterkb/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

<https://w3id.org/clusterkb/id/city/xx-nowhere> a ckb:City ;
    rdfs:label "Nowhere@en .
"""


def test_syntax_error_names_file_line_and_fix(root: Path, capsys: pytest.CaptureFixture) -> None:
    bad = root / "data" / "vocab" / "broken.ttl"
    bad.write_text(BROKEN, encoding="utf-8")
    assert main(["build", "--root", str(root)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:5:" in err
    assert "not valid Turtle" in err
    assert "how to fix:" in err


def test_failed_build_leaves_the_store_as_it_was(root: Path, capsys: pytest.CaptureFixture) -> None:
    store_dir = root / "store"
    assert main(["build", "--root", str(root), "--store", str(store_dir)]) == 0
    before = EmbeddedStore(store_dir)
    graphs, size = before.graphs(), before.count()
    del before
    (root / "data" / "vocab" / "broken.ttl").write_text(BROKEN, encoding="utf-8")
    assert main(["build", "--root", str(root), "--store", str(store_dir)]) == 2
    after = EmbeddedStore(store_dir)
    assert after.graphs() == graphs
    assert after.count() == size
    assert "https://w3id.org/clusterkb/graph/vocab/roles" in graphs


def test_store_is_stale_after_a_file_changes(root: Path) -> None:
    from clusterkb.build import build, is_stale

    settings = Settings(root=root, store=root / "store")
    store, _ = build(settings, validate_data=False)
    assert not is_stale(store, settings)
    roles = root / "data" / "vocab" / "roles.ttl"
    roles.write_text(roles.read_text(encoding="utf-8") + "\n# touched\n", encoding="utf-8")
    assert is_stale(store, settings)


def test_unknown_query_suggests_names(capsys: pytest.CaptureFixture) -> None:
    assert main(["query", "project-partner"]) == 2
    err = capsys.readouterr().err
    assert "no query named 'project-partner'" in err
