"""What a SPARQL request may do here: read, never write, never reach another machine.

oxigraph would follow a `SERVICE <http://…>` clause over the network, so every query is read
token by token (strings, IRIs and comments skipped) before it runs: an update keyword or a
SERVICE to an endpoint not on the allowlist refuses it. `FROM <…>` only names graphs of our
store (oxigraph never fetches it), so it is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+)
  | (?P<word>[A-Za-z_][A-Za-z0-9_\-]*(?::[^\s{}();,.]*)?|:[^\s{}();,.]*)
  | (?P<other>\S)
    """,
    re.VERBOSE | re.DOTALL,
)
QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_WORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)


class Refused(Exception):
    """A request this endpoint will not run; `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Shape:
    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    services: tuple[str, ...]
    from_clause: bool  # the query names its own dataset (FROM / FROM NAMED)


def _words(text: str) -> list[tuple[str, str]]:
    out = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind in ("comment", "string"):
            continue
        out.append((kind, match.group()))
    return out


def inspect(query: str, allowed_services: Collection[str] = ()) -> Shape:
    """The query's form and the services it calls; Refused for an update or a forbidden SERVICE.

    Syntax is left to the engine, which reports line and column; this only has to be right about
    what a query that parses would do.
    """
    tokens = _words(query)
    form = None
    services: list[str] = []
    from_clause = False
    for index, (kind, value) in enumerate(tokens):
        if kind != "word":
            continue
        upper = value.upper()
        if form is None and upper in QUERY_FORMS:
            form = upper
        elif form is None and upper in UPDATE_WORDS:
            raise Refused(
                f"this endpoint is read-only: {upper} is an update; "
                "updates are made with `clusterkb build` from the knowledge files",
                403,
            )
        elif upper == "FROM":
            from_clause = True
        elif upper == "SERVICE":
            rest = [
                t
                for t in tokens[index + 1 : index + 3]
                if t[0] != "word" or t[1].upper() != "SILENT"
            ]
            target = rest[0][1] if rest else ""
            iri = target[1:-1] if target.startswith("<") else target
            if iri not in allowed_services:
                raise Refused(
                    f"SERVICE {target} is not allowed: this server does not query other "
                    "endpoints unless they are on its allowlist",
                    403,
                )
            services.append(iri)
    if form is None:
        raise Refused("not a query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
    return Shape(form, tuple(services), from_clause)
