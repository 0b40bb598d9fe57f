"""What a SPARQL request may do here: read, never write, never reach another machine.

oxigraph follows a `SERVICE <http://…>` clause over the network, so every query is read token
by token before it runs: an update keyword, or a SERVICE to an endpoint not on the allowlist,
refuses it. `FROM <…>` only names graphs of our store (oxigraph never fetches it), so it is left
alone. The query workers also cannot open sockets (query_pool), so a tokenizer slip is an error,
not a request to another machine.

The tokens follow the SPARQL 1.1 grammar's terminals exactly (strings with their escapes,
comments ending at CR or LF, prefixed names with their escapes), because any place where this
reading and the engine's disagree could hide a SERVICE inside what looks like a string. Where
the text is not a valid token, the guard reads it as code, so it errs towards refusing.

The allowlist holds endpoints as queries name them, each optionally sent elsewhere
(`URL=MIRROR`, settings.split_service): `guard` then rewrites exactly the IRI token after that
SERVICE keyword to the mirror, so a query can name Wikidata and run against a local copy.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from .errors import ClusterkbError
from .settings import SERVICES_ENV, is_endpoint, service_routes

# Character classes of the SPARQL 1.1 grammar (section 19.8, productions 164-172).
_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_U = _BASE + "_"
_CHARS = _U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_ECHAR = r"\\[tbnrf\\\"']|" + _UCHAR
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PREFIX = f"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?"
_LOCAL = f"(?:[{_U}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?"

_TOKEN = re.compile(
    "|".join(
        [
            r"(?P<comment>\#[^\n\r]*)",
            # long strings first, as the grammar tries them first ('''' is not '' + ')
            rf"(?P<long>'''(?:[^'\\]|{_ECHAR}|'(?!''))*'''"
            rf'|"""(?:[^"\\]|{_ECHAR}|"(?!""))*""")',
            rf"(?P<string>'(?:[^'\\\n\r]|{_ECHAR})*'" rf'|"(?:[^"\\\n\r]|{_ECHAR})*")',
            rf"(?P<iri><(?:[^<>\"{{}}|^`\\\x00-\x20]|{_UCHAR})*>)",
            rf"(?P<var>[?$][{_U}0-9][{_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*)",
            rf"(?P<bnode>_:[{_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?)",
            r"(?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)",
            rf"(?P<pname>(?:{_PREFIX})?:(?:{_LOCAL})?)",
            r"(?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)",
            r"(?P<word>[A-Za-z]+)",
            r"(?P<other>\S)",
        ]
    ),
    re.DOTALL,
)
_SKIPPED = frozenset({"comment", "long", "string"})
QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_WORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)


class Refused(ClusterkbError):
    """A request this endpoint will not run; `status` is the HTTP status to answer with (the
    command line exits with 2 and the message)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Shape:
    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    services: tuple[str, ...]
    from_clause: bool  # the query names its own dataset (FROM / FROM NAMED)


def _code(text: str) -> list[re.Match[str]]:
    """Each token that is code (comments and strings are left out), with its place."""
    return [m for m in _TOKEN.finditer(text) if (m.lastgroup or "other") not in _SKIPPED]


def tokens(text: str) -> list[tuple[str, str]]:
    """(kind, text) of each token that is code: comments and strings are left out."""
    return [(m.lastgroup or "other", m.group()) for m in _code(text)]


def _unescape_iri(token: str) -> str:
    """<…> to the IRI it names (\\u and \\U escapes decoded, as the engine decodes them)."""

    def decode(match: re.Match[str]) -> str:
        code = int(match.group()[2:], 16)
        return chr(code) if code <= 0x10FFFF else match.group()  # not a character: kept as is

    return re.sub(_UCHAR, decode, token[1:-1])


def inspect(query: str, allowed_services: Collection[str] = ()) -> Shape:
    """The query's form and the services it calls; Refused for an update or a forbidden SERVICE.

    `allowed_services` holds `URL` or `URL=MIRROR` entries; a SERVICE must name a URL. Syntax
    is left to the engine, which reports line and column; this only has to be right about what
    a query that parses would do.
    """
    allowed = service_routes(allowed_services)
    found = tokens(query)
    form = None
    services: list[str] = []
    from_clause = False
    for index, (kind, value) in enumerate(found):
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
            services.append(_service_target(found[index + 1 :], allowed))
    if form is None:
        raise Refused("not a query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
    return Shape(form, tuple(services), from_clause)


def guard(query: str, allowed_services: Collection[str] = ()) -> tuple[Shape, str]:
    """inspect(), and the text to run: each allowed SERVICE that has a mirror sent there."""
    shape = inspect(query, allowed_services)
    return shape, route(query, allowed_services)


def route(query: str, allowed_services: Collection[str]) -> str:
    """The query with the IRI after each `SERVICE [SILENT]` that names a mirrored endpoint
    replaced by the mirror's; nothing else is touched (not the same IRI as data, nor in a
    string or comment). Call it on a query inspect() let through."""
    mirrors = {n: a for n, a in service_routes(allowed_services).items() if n != a}
    if not mirrors:
        return query
    found = _code(query)
    parts: list[str] = []
    done = 0
    for index, match in enumerate(found):
        if match.lastgroup != "word" or match.group().upper() != "SERVICE":
            continue
        after = index + 1
        if after < len(found) and found[after].group().upper() == "SILENT":
            after += 1
        if after >= len(found) or found[after].lastgroup != "iri":
            continue
        target = found[after]
        address = mirrors.get(_unescape_iri(target.group()))
        if address is not None and not is_endpoint(address):  # configured, never user input
            raise Refused(f"the mirror {address!r} is not an http(s) IRI; fix the allowlist", 500)
        if address is not None:
            parts += [query[done : target.start()], f"<{address}>"]
            done = target.end()
    return "".join(parts) + query[done:]


def named_services(query: str) -> tuple[str, ...]:
    """The endpoints a query's SERVICE clauses name by full IRI (none refused: for listing)."""
    found = tokens(query)
    named = []
    for index, (kind, value) in enumerate(found):
        if kind == "word" and value.upper() == "SERVICE":
            rest = found[index + 1 :]
            if rest and rest[0][0] == "word" and rest[0][1].upper() == "SILENT":
                rest = rest[1:]
            if rest and rest[0][0] == "iri":
                named.append(_unescape_iri(rest[0][1]))
    return tuple(dict.fromkeys(named))


def _service_target(rest: list[tuple[str, str]], allowed: Collection[str]) -> str:
    """The endpoint a SERVICE clause calls, if it is allowed: only a full IRI on the allowlist
    (a variable or a prefixed name could name any endpoint, so they are refused)."""
    if rest and rest[0][0] == "word" and rest[0][1].upper() == "SILENT":
        rest = rest[1:]
    kind, target = rest[0] if rest else ("other", "")
    iri = _unescape_iri(target) if kind == "iri" else None
    if iri is None or iri not in allowed:
        shown = target or "(nothing)"
        if iri is not None and re.match(r"^https?://\S+$", iri):
            how = (
                f"to allow it, start the server with `clusterkb serve --service {iri}` (or add it "
                f"to {SERVICES_ENV}), or run `clusterkb query --service {iri} ...`"
            )
        else:
            how = "name the endpoint by its full http(s) IRI, and put that IRI on the allowlist"
        raise Refused(
            f"SERVICE {shown} is not allowed: this server does not query other endpoints "
            "(federated queries reach only the endpoints on its allowlist, named by full IRI); "
            + how,
            403,
        )
    return iri
