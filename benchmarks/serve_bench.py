"""Throughput: `clusterkb serve` against Oxigraph server on the same data, in one run.

Builds the curated data plus N generated projects, exports what our endpoint serves (every
public graph, derived ones included) as N-Quads, loads it into Oxigraph server (the `oxigraph`
package from PyPI, read-only, union default graph), then sends both the same SPARQL workload
(benchmarks/load_test.py's SPARQL steps) from the same concurrent clients. Prints req/s and
p50/p99 for both. Usage: python benchmarks/serve_bench.py [--projects N] [--clients C]
[--requests R]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import load_test  # noqa: E402
from kb_root import free_port, make_root, wait_until_up  # noqa: E402

SPARQL_STEPS = ("select-projects", "select-partners", "select-count", "ask-post", "construct")


def oxigraph_server(nquads: Path, tmp: Path) -> tuple[str, subprocess.Popen[bytes]]:
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    location = tmp / "oxigraph"
    subprocess.run(
        [binary, "load", "--location", str(location), "--file", str(nquads)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    port = free_port()
    process = subprocess.Popen(
        [
            binary,
            "serve-read-only",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base + "/query?query=ASK%7B%7D", process, 60, "oxigraph server")
    return base, process


def steps(endpoint: str, unique: bool = False) -> list[load_test.Step]:
    """The SPARQL part of the workload, sent to `endpoint` (/sparql here, /query there);
    `unique`: each GET query ends with a different comment, so no answer comes from a cache."""
    out = []
    for step in load_test.workload():
        if step.name not in SPARQL_STEPS:
            continue
        path = step.path

        def moved(i: int, path=path) -> str:  # type: ignore[no-untyped-def]
            moved = path(i).replace("/sparql", endpoint, 1)
            return moved + f"%0A%23{i}" if unique and "?query=" in moved else moved

        out.append(load_test.Step(step.name, moved, step.accept, step.body))
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--projects", type=int, default=2000)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--requests", type=int, default=200)
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        root = make_root(tmp, args.projects)
        nquads = tmp / "data.nq"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "clusterkb.cli",
                "export",
                "--root",
                str(root),
                "--format",
                "nq",
                "--inferred",
                "-o",
                str(nquads),
            ],
            check=True,
        )
        ours, ours_process = load_test.start_server("--root", str(root), "--rate", "0")
        theirs, theirs_process = oxigraph_server(nquads, tmp)
        try:
            for name, base, endpoint, unique in (
                ("clusterkb serve", ours, "/sparql", False),
                ("clusterkb serve, every query new (no cache)", ours, "/sparql", True),
                ("Oxigraph server", theirs, "/query", False),
            ):
                load_test.run(base, 2, 5, steps(endpoint))  # warm up both alike
                report = load_test.run(base, args.clients, args.requests, steps(endpoint, unique))
                every = report.all_latencies
                rows.append(
                    (
                        name,
                        report.total / report.seconds,
                        load_test.percentile(every, 50) * 1000,
                        load_test.percentile(every, 99) * 1000,
                        len(report.errors),
                    )
                )
        finally:
            for process in (ours_process, theirs_process):
                process.terminate()
                process.wait(timeout=15)
    print(
        f"{args.projects:,} generated projects; {args.clients} clients × {args.requests} "
        "requests of the SPARQL workload\n"
    )
    print("| server | req/s | p50 ms | p99 ms | errors |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, rps, p50, p99, errors in rows:
        print(f"| {name} | {rps:,.0f} | {p50:.1f} | {p99:.1f} | {errors} |")
    return 0 if all(r[4] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
