"""The tour `make run` prints: steps listed in queries/tour.txt, each a library query run in the
languages the step names, so a new user sees real answers in several languages at once."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import InputError
from .labels import parse_langs
from .queries import QueryLibrary, run_query
from .results import to_table
from .settings import Settings
from .store import EmbeddedStore


@dataclass(frozen=True)
class TourStep:
    title: str
    query: str
    params: dict[str, str]
    langs: list[str]


def load_tour(settings: Settings) -> list[TourStep]:
    path = settings.queries_dir / "tour.txt"
    steps = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 4:
            raise InputError(
                "a tour step needs 4 fields: title | query | k=v;k=v | langs",
                path=path,
                line=lineno,
                fix="separate the fields with '|'",
            )
        title, query, params, langs = parts
        pairs = (p.partition("=") for p in params.split(";") if p.strip())
        steps.append(
            TourStep(title, query, {k.strip(): v.strip() for k, _, v in pairs}, parse_langs(langs))
        )
    return steps


def run_tour(store: EmbeddedStore, settings: Settings) -> str:
    library = QueryLibrary(settings.queries_dir)
    out = []
    for step in load_tour(settings):
        query = library.get(step.query)
        result = run_query(store, query, step.params, step.langs)
        args = " ".join(f"--param {k}={v!r}" for k, v in step.params.items())
        out.append(
            f"== {step.title}\n$ clusterkb query {step.query} {args} "
            f"--lang {','.join(step.langs)}\n"
        )
        out.append(to_table(result))
        out.append("")
    return "\n".join(out)
