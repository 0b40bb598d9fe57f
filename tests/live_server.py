"""A real `clusterkb serve` on 127.0.0.1 for tests that talk HTTP to it.

The server runs as its own process (as users run it), on a free port, with a token for the
personal data; tests import `start` or use the `live_server` fixture (registered in conftest).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "test-token-for-personal-data"


@dataclass
class Server:
    base: str
    process: subprocess.Popen
    token: str = TOKEN

    def url(self, path: str) -> str:
        return self.base + path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def knowledge_root(tmp: Path) -> Path:
    """A knowledge-base folder like the repository's (data copied without earlier imports,
    the rest linked), for a test to add files to and serve or build."""
    root = tmp / "kb"
    root.mkdir()
    for folder in ("ontology", "shapes", "rules", "queries", "context"):
        (root / folder).symlink_to(ROOT / folder)
    shutil.copytree(ROOT / "data", root / "data", ignore=shutil.ignore_patterns("imported"))
    return root


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(*args: str, root: Path = ROOT, env: dict[str, str] | None = None) -> Server:
    """`clusterkb serve --port <free> *args`, waiting until it answers (at most 120 s)."""
    port = free_port()
    environment = {**os.environ, "CLUSTERKB_TOKEN": TOKEN, **(env or {})}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "clusterkb.cli",
            "serve",
            "--root",
            str(root),
            "--port",
            str(port),
            *args,
        ],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            out = process.stdout.read().decode() if process.stdout else ""
            raise RuntimeError(f"clusterkb serve exited with {process.returncode}:\n{out}")
        try:
            with urllib.request.urlopen(base + "/", timeout=2):
                return Server(base, process)
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("clusterkb serve did not answer within 120 s")


def oxigraph_server(turtle: str, tmp: Path) -> tuple[str, subprocess.Popen]:
    """A read-only Oxigraph server (pip `oxigraph`) on 127.0.0.1 holding `turtle`: its query
    endpoint and process (the caller stops it). Stands in for Wikidata in the tests."""
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    (tmp / "data.ttl").write_text(turtle, encoding="utf-8")
    location = tmp / "db"
    subprocess.run(
        [binary, "load", "--location", str(location), "--file", str(tmp / "data.ttl")],
        check=True,
        capture_output=True,
        timeout=60,
    )
    port = free_port()
    process = subprocess.Popen(
        [binary, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return f"http://127.0.0.1:{port}/query", process
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("the oxigraph server did not start") from None
            time.sleep(0.2)
