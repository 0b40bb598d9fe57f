"""What the benchmarks share: a knowledge-base folder to build, and a free loopback port."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make_root(tmp: Path, generated: int = 0) -> Path:
    """The repository's knowledge files (data copied, without earlier imports; the rest
    linked) plus `generated` keep.eu-shaped projects from generate.py."""
    root = tmp / "kb"
    root.mkdir()
    for folder in ("ontology", "shapes", "rules", "queries", "context"):
        (root / folder).symlink_to(ROOT / folder)
    shutil.copytree(ROOT / "data", root / "data", ignore=shutil.ignore_patterns("imported"))
    if generated:
        import generate

        generate.write(generated, root)
    return root


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
