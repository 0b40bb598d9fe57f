"""Benchmark: import a keep.eu-format workbook of N projects, build, and run the query library.

Each N runs in its own process so that peak memory (ru_maxrss) belongs to that N alone. The
workbook comes from benchmarks/keep_workbook.py (keep.eu's columns and messiness); its writing
is not timed. Steps: import (read, detect languages, map, validate, write Turtle), build (load,
validate per source, infer, search keys), then every library query with parameters that point
at the imported data. Prints one Markdown table per N and a summary against the targets
(2k: import + validate ≤ 20 s; 30k: import + build ≤ 120 s, peak RSS ≤ 4 GiB, each query ≤ 1 s).
Usage: python benchmarks/import_run.py [N ...]
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

TARGETS = {"import_2k_s": 20.0, "import_build_s": 120.0, "rss_gib": 4.0, "query_s": 1.0}


def params_for(sheets: dict, programmes: dict) -> dict[str, dict[str, str]]:
    """Parameters that make each query look at imported things (the first good project)."""
    from clusterkb.importers.keep_table import PARTNERS, PROJECTS
    from clusterkb.namespaces import ID

    project = next(
        r for r in sheets[PROJECTS] if r.get("Acronym") and str(r.get("Programme")) in programmes
    )
    programme_slug = programmes[str(project.get("Programme"))][0]
    acronym = str(project.get("Acronym")).strip('"“”')
    partner = next(r for r in sheets[PARTNERS] if r.get("Acronym") == project.get("Acronym"))
    word = max(str(partner.get("Project Partner")).split(), key=len)
    from clusterkb.importers.keep import slug

    return {
        "project-funding": {"project": acronym},
        "project-facts": {"project": acronym},
        "project-partners": {"project": acronym},
        "organisation-projects": {"name": word},
        "projects": {"programme": f"{ID}programme/{programme_slug}"},
        "provenance": {"entity": f"{ID}project/{programme_slug}--{slug(acronym)}"},
        "search": {"text": acronym},
        "projects-by-theme": {"name": "cluster"},
    }


def measure(n: int) -> dict[str, object]:
    import keep_workbook
    from clusterkb.build import build, load_knowledge, shape_constraints
    from clusterkb.importers.keep_table import read_workbook
    from clusterkb.importers.service import (
        language_tagger,
        languages_of_countries,
        programmes_of,
        run_import,
    )
    from clusterkb.queries import QueryLibrary, run_query
    from clusterkb.settings import Settings

    out: dict[str, object] = {"n": n}
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / f"keep-{n}.xlsx"
        facts = keep_workbook.write_workbook(n, export)
        out["partners"] = facts["partners"]
        root = make_root(Path(tmp))
        settings = Settings(root=root)
        t0 = time.perf_counter()
        knowledge = load_knowledge(settings)
        result = run_import(
            export,
            knowledge,
            language_tagger(),
            languages_of_countries,
            out_dir=root / "data" / "imported",
            constraints=shape_constraints(settings),
        )
        out["import_s"] = time.perf_counter() - t0
        out["stored"] = result.report.stored
        out["quarantined"] = len(result.report.quarantined)
        out["import_violations"] = len(result.validation.violations) if result.validation else None
        t0 = time.perf_counter()
        store, report = build(settings, validate_data=True)
        out["build_s"] = time.perf_counter() - t0
        out.update({f"build_{k}_s": v for k, v in report.timings.items()})
        out["triples"] = report.total
        out["violations"] = len(report.validation.violations) if report.validation else None
        sheets = read_workbook(export)
        chosen = params_for(sheets, programmes_of(knowledge, sheets, languages_of_countries))
        queries = {}
        for q in QueryLibrary(settings.queries_dir):
            params = chosen.get(q.name, q.examples[0] if q.examples else {})
            t0 = time.perf_counter()
            rows = len(run_query(store, q, params, ["de", "en"]).rows)
            queries[q.name] = (time.perf_counter() - t0, rows)
        out["queries"] = queries
    out["rss_gib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    return out


def table(r: dict) -> str:
    lines = [
        f"### N = {r['n']:,} projects, {r['partners']:,} partner rows ({r['triples']:,} triples)",
        "",
        "| step | seconds | note |",
        "| --- | ---: | --- |",
        f"| import | {r['import_s']:.2f} | read, languages, map, validate, write; "
        f"{r['quarantined']} rows quarantined, {r['import_violations']} violations |",
    ]
    for key in ("load", "validate", "infer", "search"):
        lines.append(f"| build: {key} | {r[f'build_{key}_s']:.2f} | |")
    lines.append(f"| build | {r['build_s']:.2f} | {r['violations']} violations |")
    lines.append(f"| import + build | {r['import_s'] + r['build_s']:.2f} | |")
    for name, (sec, rows) in sorted(r["queries"].items()):
        lines.append(f"| query {name} | {sec:.3f} | {rows} rows |")
    lines.append(f"| peak RSS | {r['rss_gib']:.2f} GiB | |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("sizes", nargs="*", type=int, default=[2000, 10000, 30000])
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(measure(args.one)))
        return 0
    results = measure_each(__file__, args.sizes)
    if results is None:
        return 1
    for r in results:
        print(table(r), "\n", flush=True)
    print("| N | import s | build s | import + build s | peak RSS GiB | slowest query | s |")
    print("| ---: | ---: | ---: | ---: | ---: | --- | ---: |")
    for r in results:
        name, (sec, _) = max(r["queries"].items(), key=lambda kv: kv[1][0])
        print(
            f"| {r['n']:,} | {r['import_s']:.1f} | {r['build_s']:.1f} | "
            f"{r['import_s'] + r['build_s']:.1f} | {r['rss_gib']:.2f} | {name} | {sec:.3f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
