"""Benchmark: build, validate, infer, every library query and every export at N projects.

Each N runs in its own process so that peak memory (ru_maxrss) belongs to that N alone.
Prints one Markdown table per N and a summary against the targets (30k projects: build ≤ 60 s,
peak RSS ≤ 4 GiB, every query ≤ 1 s). Usage: python benchmarks/run.py [N ...] [--exports]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from kb_root import make_root, measure_each  # noqa: E402

TARGETS = {"build_s": 60.0, "rss_gib": 4.0, "query_s": 1.0}


def measure(n: int, exports: bool) -> dict[str, object]:
    from clusterkb.build import build
    from clusterkb.export import FORMATS, export
    from clusterkb.queries import QueryLibrary, run_query
    from clusterkb.settings import Settings

    out: dict[str, object] = {"n": n}
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        root = make_root(Path(tmp), n)
        out["generate_s"] = time.perf_counter() - t0
        settings = Settings(root=root)
        t0 = time.perf_counter()
        store, report = build(settings, validate_data=True)
        out["build_s"] = time.perf_counter() - t0
        out.update({f"{k}_s": v for k, v in report.timings.items()})
        out["triples"] = report.total
        out["violations"] = len(report.validation.violations) if report.validation else None
        queries = {}
        for q in QueryLibrary(settings.queries_dir):
            params = q.examples[0] if q.examples else {}
            t0 = time.perf_counter()
            rows = len(run_query(store, q, params, ["de", "en"]).rows)
            queries[q.name] = (time.perf_counter() - t0, rows)
        out["queries"] = queries
        if exports:
            ex = {}
            for fmt in FORMATS:
                t0 = time.perf_counter()
                size = len(export(store, fmt, context_file=settings.context_file))
                ex[fmt] = (time.perf_counter() - t0, size)
            out["exports"] = ex
    out["rss_gib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    return out


def table(r: dict) -> str:
    lines = [
        f"### N = {r['n']:,} projects ({r['triples']:,} triples)",
        "",
        "| step | seconds | note |",
        "| --- | ---: | --- |",
    ]
    for key in ("generate_s", "load_s", "validate_s", "infer_s", "search_s", "build_s"):
        if key in r:
            note = "load + validate + infer + search keys" if key == "build_s" else ""
            lines.append(f"| {key[:-2]} | {r[key]:.2f} | {note} |")
    for name, (sec, rows) in sorted(r["queries"].items()):
        lines.append(f"| query {name} | {sec:.3f} | {rows} rows |")
    for fmt, (sec, size) in sorted(r.get("exports", {}).items()):
        lines.append(f"| export {fmt} | {sec:.2f} | {size / 1e6:.1f} MB |")
    lines.append(f"| peak RSS | {r['rss_gib']:.2f} GiB | |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("sizes", nargs="*", type=int, default=[1000, 10000, 30000])
    ap.add_argument("--exports", action="store_true", help="also time every export format")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.exports)))
        return 0
    results = measure_each(__file__, args.sizes, *(["--exports"] if args.exports else []))
    if results is None:
        return 1
    for r in results:
        print(table(r), "\n", flush=True)
    print("| N | build s | peak RSS GiB | slowest query | s |")
    print("| ---: | ---: | ---: | --- | ---: |")
    for r in results:
        name, (sec, _) = max(r["queries"].items(), key=lambda kv: kv[1][0])
        print(f"| {r['n']:,} | {r['build_s']:.1f} | {r['rss_gib']:.2f} | {name} | {sec:.3f} |")
    big = results[-1]
    slow = max(v[0] for v in big["queries"].values())
    print(
        f"\ntargets at N={big['n']:,}: build {big['build_s']:.1f}s (≤ {TARGETS['build_s']}), "
        f"RSS {big['rss_gib']:.2f} GiB (≤ {TARGETS['rss_gib']}), slowest query {slow:.3f}s "
        f"(≤ {TARGETS['query_s']})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
