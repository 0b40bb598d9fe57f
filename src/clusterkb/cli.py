"""Command line: parse arguments, call one service, print its answer. No logic of its own.

Exit codes: 0 ok, 1 validation failed, 2 usage or input error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .build import BuildValidationFailed, build, check
from .describe import describe, render_text
from .errors import ClusterkbError, InputError
from .export import FORMATS as EXPORT_FORMATS
from .export import export
from .generate import write_generated
from .labels import parse_langs
from .namespaces import shorten
from .progress import Progress
from .queries import QueryLibrary, run_query
from .results import FORMATS as RESULT_FORMATS
from .results import render
from .settings import Settings
from .store import EmbeddedStore
from .tour import run_tour
from .validation import render_report, report_json
from .workspace import open_knowledge_base


def _settings(args: argparse.Namespace) -> Settings:
    kwargs = {}
    if args.root:
        kwargs["root"] = Path(args.root).resolve()
    if args.store:
        kwargs["store"] = Path(args.store).resolve()
    return Settings(**kwargs)


def _params(items: Sequence[str]) -> dict[str, str]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InputError(
                f"--param {item!r} is not NAME=VALUE", fix="write --param project=ACRONYM"
            )
        out[key.strip()] = value
    return out


def cmd_build(args: argparse.Namespace) -> int:
    progress = Progress()
    try:
        _, report = build(_settings(args), validate_data=not args.no_validate, progress=progress)
    except BuildValidationFailed as exc:
        progress.done()
        assert exc.report.validation is not None
        sys.stdout.write(render_report(exc.report.validation, parse_langs(args.lang)))
        sys.stdout.write("build stopped: fix the violations above; the store was not changed\n")
        return 1
    progress.done()
    width = max(len(shorten(g)) for g in report.graphs)
    for graph, n in sorted(report.graphs.items()):
        print(f"{shorten(graph):<{width}}  {n:>9,}")
    print(f"{'total':<{width}}  {report.total:>9,}")
    if report.validation is not None:
        v = report.validation
        print(
            f"validation: {len(v.violations)} violations, {len(v.warnings)} warnings "
            f"({v.constraints} constraints)"
        )
    if report.inference is not None:
        print(
            f"inference: {report.inference.total:,} OWL 2 RL triples, "
            f"{report.inference.schema_view:,} schema.org view triples; "
            f"{report.search_keys:,} search keys"
        )
    print("timings: " + ", ".join(f"{k} {v:.2f}s" for k, v in report.timings.items()))
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    report = check(_settings(args), progress=Progress())
    langs = parse_langs(args.lang)
    if args.format == "json":
        sys.stdout.write(
            json.dumps(report_json(report, langs), ensure_ascii=False, indent=1) + "\n"
        )
    else:
        sys.stdout.write(render_report(report, langs))
    return 0 if report.conforms else 1


def cmd_query(args: argparse.Namespace) -> int:
    from .query_pool import QueryPool, QueryTimeout, WorkerFailure
    from .settings import check_services, service_routes
    from .tasks import TASKS

    settings = _settings(args)
    services = check_services(args.service)
    library = QueryLibrary(settings.queries_dir, services)
    if args.list or not args.name:
        for q in [*library, *library.federated()]:
            params = " ".join(f"{p.name}:{p.type}{'' if p.required else '?'}" for p in q.params)
            needs = [s for s in q.services if s not in service_routes(services)]
            print(
                f"{q.name:<24} {q.summary}"
                + (f"  [{params}]" if params else "")
                + (f"  (needs --service {' '.join(needs)})" if needs else "")
            )
        return 0
    query = library.get(args.name)
    if not services:  # the guard refuses any SERVICE: nothing leaves the machine
        store = open_knowledge_base(settings, Progress())
        result = run_query(
            store,
            query,
            _params(args.param),
            parse_langs(args.lang),
            include_contacts=args.include_contacts,
        )
        sys.stdout.write(render(result, args.format))
        return 0
    # endpoints allowed: the query runs in a query worker, as the server's do, so a SERVICE
    # that hangs is stopped after --timeout seconds
    store = open_knowledge_base(settings, Progress(), in_memory=True)  # forked: in memory
    pool = QueryPool(store, TASKS, size=1, timeout=args.timeout, network=True)
    try:
        result = pool.call(
            "library_services",
            settings.queries_dir,
            args.name,
            _params(args.param),
            parse_langs(args.lang),
            args.include_contacts,
            services,
        )
    except QueryTimeout as exc:
        raise InputError(
            f"{exc}: an endpoint it calls did not answer in time",
            fix="try again, raise --timeout, or check the --service address",
        ) from exc
    except WorkerFailure as exc:
        raise InputError(exc.message) from exc
    finally:
        pool.close()
    sys.stdout.write(render(result, args.format))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    settings = _settings(args)
    store = open_knowledge_base(settings, Progress())
    data = export(
        store,
        args.format,
        context_file=settings.context_file,
        inferred=args.inferred,
        include_contacts=args.include_contacts,
    )
    if args.output:
        Path(args.output).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
    return 0


def cmd_describe(args: argparse.Namespace) -> int:
    settings = _settings(args)
    store = open_knowledge_base(settings, Progress())
    desc = describe(
        store,
        args.ref,
        parse_langs(args.lang),
        include_contacts=args.include_contacts,
        inferred=args.inferred,
    )
    sys.stdout.write(render_text(desc))
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    for path in write_generated(_settings(args)):
        print(f"wrote {path}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from .build import load_knowledge, shape_constraints
    from .importers.service import (
        ImportValidationFailed,
        language_tagger,
        languages_of_countries,
        render_import,
        run_import,
    )

    settings = _settings(args)
    progress = Progress()
    progress("loading the knowledge files")
    knowledge = load_knowledge(Settings(root=settings.root))
    out_dir = (
        Path(args.out) if args.out else (None if settings.store else settings.data_dir / "imported")
    )
    store = EmbeddedStore(settings.store) if settings.store else None
    progress(f"importing and validating {args.file}")
    try:
        result = run_import(
            Path(args.file),
            knowledge,
            language_tagger(),
            languages_of_countries,
            out_dir=out_dir,
            store=store,
            constraints=shape_constraints(settings),
        )
    except ImportValidationFailed as exc:
        progress.done()
        sys.stdout.write(render_report(exc.validation, parse_langs(args.lang)))
        sys.stdout.write("import stopped: the mapped data breaks the shapes; nothing was written\n")
        return 1
    progress.done()
    sys.stdout.write(render_import(result, shorten if store is not None else None))
    return 0 if result.report.balanced() else 1


WIKIDATA_TYPES = ("organisation", "city", "programme", "fund")


def cmd_link(args: argparse.Namespace) -> int:
    settings = _settings(args)
    options = {
        "--endpoint": args.endpoint,
        "--types": args.types,
        "--limit": args.limit,
        "--cache": args.cache,
        "--threshold": args.threshold,
    }
    if args.target != "wikidata":
        from .linking.service import run as run_links

        given = [name for name, value in options.items() if value is not None]
        if given:
            raise InputError(
                f"{', '.join(given)}: only for `clusterkb link wikidata`",
                fix=f"leave them out for `clusterkb link {args.target}`",
            )
        reports: list[object] = list(run_links(settings, args.target))
    else:
        types = None
        if args.types is not None:
            types = [t.strip() for t in args.types.split(",") if t.strip()]
            unknown = sorted(set(types) - set(WIKIDATA_TYPES))
            if unknown or not types:
                raise InputError(
                    f"--types {args.types!r}: unknown type {', '.join(unknown) or '(none)'}",
                    fix=f"give a comma-separated list of {', '.join(WIKIDATA_TYPES)}",
                )
        try:
            from .linking import wikidata  # the Wikidata reconciler, imported only when asked
        except ImportError as exc:
            raise InputError(
                f"the Wikidata linker is not available: {exc}",
                fix="install clusterkb with src/clusterkb/linking/wikidata.py",
            ) from exc
        result = wikidata.run(
            settings,
            endpoint=args.endpoint,
            types=types,
            limit=args.limit,
            cache_dir=Path(args.cache) if args.cache else None,
            threshold=args.threshold,
        )
        reports = [] if result is None else [result]
    for report in reports:
        render_link = getattr(report, "render", None)
        sys.stdout.write(render_link() if callable(render_link) else f"{report}\n")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .settings import ServerSettings, check_services, services_from_env
    from .web.app import serve

    settings = _settings(args)
    services = check_services([*services_from_env(), *args.service])
    progress = Progress()
    store = open_knowledge_base(settings, progress, in_memory=True)
    progress.done()
    server = ServerSettings(
        host=args.host,
        port=args.port,
        workers=args.workers,
        timeout=args.timeout,
        row_cap=args.row_cap,
        rate=args.rate,
        burst=args.burst,
        max_body=args.max_body,
        max_url=args.max_url,
        allowed_services=services,
    )
    if services:
        print("clusterkb: queries may call " + ", ".join(services), flush=True)
    print(f"clusterkb: serving http://{server.host}:{server.port}/ (Ctrl-C stops)", flush=True)
    serve(store, settings, server)
    return 0


def cmd_tour(args: argparse.Namespace) -> int:
    settings = _settings(args)
    store = open_knowledge_base(settings, Progress())
    sys.stdout.write(run_tour(store, settings))
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="clusterkb", description=__doc__.splitlines()[0])
    p.add_argument("--version", action="version", version=f"clusterkb {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--store", metavar="DIR", help="on-disk store (default: in memory)")
    common.add_argument(
        "--root", metavar="DIR", help="folder with ontology/, data/, ... (default: this repository)"
    )
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", parents=[common], help="load, validate, infer")
    b.add_argument("--no-validate", action="store_true", help="skip SHACL validation")
    b.add_argument("--lang", default="en", help="languages of messages, e.g. el,en")
    b.set_defaults(func=cmd_build)

    v = sub.add_parser("validate", parents=[common], help="check the knowledge files")
    v.add_argument("--lang", default="en", help="languages of messages, e.g. el,en")
    v.add_argument("--format", choices=("text", "json"), default="text")
    v.set_defaults(func=cmd_validate)

    q = sub.add_parser("query", parents=[common], help="run a library query or a .rq file")
    q.add_argument("name", nargs="?", help="query name (see --list) or path to a .rq file")
    q.add_argument("--param", action="append", default=[], metavar="NAME=VALUE")
    q.add_argument("--lang", default="en", help="label languages in order, e.g. el,en")
    q.add_argument("--format", choices=RESULT_FORMATS, default="table")
    q.add_argument("--list", action="store_true", help="list the query library")
    q.add_argument(
        "--include-contacts",
        action="store_true",
        help="also read the personal-data (contacts) graphs",
    )
    q.add_argument(
        "--service",
        action="append",
        default=[],
        metavar="URL[=MIRROR]",
        help="let the query call this SPARQL endpoint (SERVICE <URL>), sent to MIRROR when "
        "given; repeatable; none by default",
    )
    q.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        help="seconds a query that calls an endpoint may run (with --service)",
    )
    q.set_defaults(func=cmd_query)

    e = sub.add_parser("export", parents=[common], help="write the data in an RDF format or CSV")
    e.add_argument("--format", choices=list(EXPORT_FORMATS), default="ttl")
    e.add_argument("--inferred", action="store_true", help="include derived triples")
    e.add_argument("--include-contacts", action="store_true", help="include personal data")
    e.add_argument("-o", "--output", metavar="FILE")
    e.set_defaults(func=cmd_export)

    d = sub.add_parser("describe", parents=[common], help="show everything about one thing")
    d.add_argument("ref", help="IRI, prefixed name (id:project/...) or slug")
    d.add_argument("--lang", default="en")
    d.add_argument("--include-contacts", action="store_true")
    d.add_argument("--inferred", action="store_true", help="also show derived statements")
    d.set_defaults(func=cmd_describe)

    g = sub.add_parser(
        "generate",
        parents=[common],
        help="regenerate derived knowledge files (countries, JSON-LD context)",
    )
    g.set_defaults(func=cmd_generate)

    i = sub.add_parser("import", parents=[common], help="import a keep.eu export")
    i.add_argument("kind", choices=["keep"], help="the export's kind")
    i.add_argument("file", help="keep.eu .xlsx workbook or ';'-separated partner .csv")
    i.add_argument(
        "--out",
        metavar="DIR",
        help="write one Turtle file per programme here (default: data/imported, "
        "or into --store when given)",
    )
    i.set_defaults(func=cmd_import)

    lk = sub.add_parser(
        "link",
        parents=[common],
        help="link our things to other datasets; writes data/links/<dataset>.ttl",
        description="Write the links of one target dataset, with a record of how each was "
        "found, into data/links/. `all` runs authorities, nuts, geonames and keep (no network); "
        "wikidata asks an endpoint and is run by name.",
    )
    lk.add_argument(
        "target", choices=["authorities", "nuts", "geonames", "keep", "wikidata", "all"]
    )
    lk.add_argument("--endpoint", metavar="URL", help="SPARQL endpoint (wikidata only)")
    lk.add_argument(
        "--types",
        metavar="LIST",
        help=f"what to link, comma-separated: {','.join(WIKIDATA_TYPES)} (wikidata only)",
    )
    lk.add_argument("--limit", type=int, metavar="N", help="at most N things (wikidata only)")
    lk.add_argument("--cache", metavar="DIR", help="cache of endpoint answers (wikidata only)")
    lk.add_argument(
        "--threshold", type=float, metavar="X", help="lowest score to link (wikidata only)"
    )
    lk.set_defaults(func=cmd_link)

    s = sub.add_parser("serve", parents=[common], help="SPARQL endpoint, linked data, web pages")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--workers", type=int, default=2, help="query processes")
    s.add_argument("--timeout", type=float, default=20.0, help="seconds a query may run")
    s.add_argument("--row-cap", type=int, default=10_000, help="rows in one answer at most")
    s.add_argument(
        "--rate",
        type=float,
        default=50.0,
        help="requests per second per client, on average (0: no limit)",
    )
    s.add_argument("--burst", type=int, default=100, help="requests a client may make at once")
    s.add_argument("--max-body", type=int, default=1_000_000, help="bytes of a request body")
    s.add_argument("--max-url", type=int, default=8_192, help="bytes of a request target")
    s.add_argument(
        "--service",
        action="append",
        default=[],
        metavar="URL[=MIRROR]",
        help="let queries call this SPARQL endpoint (SERVICE <URL>), sent to MIRROR when given; "
        "repeatable; also CLUSTERKB_SERVICES (space-separated); none by default",
    )
    s.set_defaults(func=cmd_serve)
    t = sub.add_parser("tour", parents=[common], help="a short tour of answers")
    t.set_defaults(func=cmd_tour)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ClusterkbError as exc:
        sys.stderr.write(f"clusterkb: error: {exc}\n")
        return exc.exit_code
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
