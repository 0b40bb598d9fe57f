"""Load test: N concurrent clients × M requests of a mixed workload against `clusterkb serve`.

Each client is a thread with its own keep-alive connection (stdlib http.client), going round
the workload from its own starting point: library-like SELECTs (some varied per request, so the
answer cache does not serve them all), a CONSTRUCT, a linked-data page and a search page. Any
status of 400 or more, or a broken connection, is an error. Prints p50/p99 latency and req/s.

Usage: python benchmarks/load_test.py [--base http://127.0.0.1:8000] [--clients 8] [--requests 50]
Without --base it starts a server of its own on a free loopback port (rate limit off).
"""

from __future__ import annotations

import argparse
import http.client
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from kb_root import free_port, wait_until_up  # noqa: E402

CKB = "https://w3id.org/clusterkb/ontology#"
PROJECT = "https://w3id.org/clusterkb/id/project/alpine-space-2014-2020--s3-4alpclusters"
PREFIXES = f"PREFIX ckb: <{CKB}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "


@dataclass(frozen=True)
class Step:
    """One kind of request; `path(i)` may vary with the request's number."""

    name: str
    path: Callable[[int], str]
    accept: str = "*/*"
    body: bytes | None = None  # POSTed as application/x-www-form-urlencoded


def _sparql(query: str) -> str:
    return "/sparql?query=" + quote(query)


def workload() -> list[Step]:
    """The mix: what the web pages and a typical SPARQL client ask for."""
    projects = (
        PREFIXES + "SELECT ?p ?label WHERE { ?p a ckb:Project ; rdfs:label ?label } "
        "ORDER BY ?label LIMIT 20 OFFSET "
    )
    partners = (
        PREFIXES + "SELECT ?org (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p ckb:hasParticipation ?x . "
        "?x ?role ?org . ?org a ckb:Organisation } GROUP BY ?org ORDER BY DESC(?n) LIMIT "
    )
    count = PREFIXES + "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a ckb:Project }"
    form = ("query=" + quote(PREFIXES + "ASK { ?p a ckb:Programme }")).encode()
    construct = f"CONSTRUCT {{ <{PROJECT}> ?p ?o }} WHERE {{ <{PROJECT}> ?p ?o }}"
    return [
        Step("select-projects", lambda i: _sparql(projects + str(i % 5))),
        Step("select-partners", lambda i: _sparql(partners + str(5 + i % 5))),
        Step("select-count", lambda i: _sparql(count)),
        Step("ask-post", lambda i: "/sparql", body=form),
        Step("construct", lambda i: _sparql(construct), accept="text/turtle"),
        Step("id-page", lambda i: PROJECT.removeprefix("https://w3id.org/clusterkb"), "text/html"),
        Step("search-page", lambda i: "/search?q=" + ("cluster", "patron", "innov")[i % 3]),
    ]


@dataclass
class Report:
    clients: int
    requests: int
    seconds: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def all_latencies(self) -> list[float]:
        return sorted(x for values in self.latencies.values() for x in values)

    @property
    def total(self) -> int:
        return len(self.all_latencies) + len(self.errors)

    def summary(self) -> str:
        every = self.all_latencies
        lines = [
            f"{self.clients} clients × {self.requests} requests: {self.total} requests, "
            f"{len(self.errors)} errors, {self.total / self.seconds:.1f} req/s, "
            f"p50 {percentile(every, 50) * 1000:.1f} ms, p99 {percentile(every, 99) * 1000:.1f} ms",
        ]
        for name, values in sorted(self.latencies.items()):
            values = sorted(values)
            lines.append(
                f"  {name:<16} n={len(values):<4} p50 {percentile(values, 50) * 1000:7.1f} ms"
                f"  p99 {percentile(values, 99) * 1000:7.1f} ms"
            )
        lines += [f"  error: {e}" for e in self.errors[:10]]
        return "\n".join(lines)


def percentile(ordered: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of sorted values (0 for none)."""
    if not ordered:
        return 0.0
    rank = max(1, -(-len(ordered) * q // 100))  # ceil(n * q / 100)
    return ordered[int(rank) - 1]


def _client(base: str, number: int, requests: int, steps: list[Step], report: Report) -> None:
    parts = urlsplit(base)
    lock = report.lock
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)
    try:
        for i in range(requests):
            step = steps[(number + i) % len(steps)]
            path = step.path(number * requests + i)
            headers = {"Accept": step.accept}
            if step.body is not None:
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            started = time.perf_counter()
            try:
                conn.request("POST" if step.body else "GET", path, step.body, headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                conn.close()  # reconnect for the next request; this one is an error
                with lock:
                    report.errors.append(f"{step.name}: {type(exc).__name__}: {exc}")
                continue
            elapsed = time.perf_counter() - started
            with lock:
                if status >= 400:
                    report.errors.append(f"{step.name}: HTTP {status}")
                else:
                    report.latencies.setdefault(step.name, []).append(elapsed)
    finally:
        conn.close()


def run(base: str, clients: int, requests: int, steps: list[Step] | None = None) -> Report:
    """`clients` threads at once, each making `requests` requests one after another."""
    steps = steps or workload()
    report = Report(clients, requests)
    threads = [
        threading.Thread(target=_client, args=(base, n, requests, steps, report))
        for n in range(clients)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report.seconds = time.perf_counter() - started
    return report


def start_server(*args: str) -> tuple[str, subprocess.Popen[bytes]]:
    """`clusterkb serve` on a free loopback port, once it answers."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "clusterkb.cli", "serve", "--port", str(port), *args],
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base + "/", process, 120, "clusterkb serve")
    return base, process


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", help="a running server (default: start one)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=50, help="per client")
    parser.add_argument(
        "--workers", type=int, default=2, help="query processes of a started server"
    )
    args = parser.parse_args(argv)
    process = None
    base = args.base
    if base is None:
        base, process = start_server("--rate", "0", "--workers", str(args.workers))
    try:
        report = run(base, args.clients, args.requests)
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=15)
    print(report.summary())
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
