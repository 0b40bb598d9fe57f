"""What the benchmarks share: a knowledge-base folder to build, and a free loopback port."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
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


def wait_until_up(url: str, process: subprocess.Popen[bytes], seconds: float, what: str) -> None:
    """Poll `url` until it answers; kill the server and fail if it never does."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{what} did not start")


def measure_each(script: str, sizes: list[int], *extra: str) -> list[dict] | None:
    """`script --one N *extra` for each N in a process of its own (so that its peak memory is
    that N's alone); the JSON each prints last, or None when one fails."""
    results = []
    for n in sizes:
        cmd = [sys.executable, script, "--one", str(n), *extra]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            return None
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    return results
