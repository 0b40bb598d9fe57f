"""Where the knowledge files and the store are, and the limits queries run under."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError

SERVICES_ENV = "CLUSTERKB_SERVICES"  # space-separated URL[=MIRROR] entries for `serve`
_MIRRORED = re.compile(r"^(?P<name>\S+?)=(?P<mirror>https?://\S+)$")
_ENDPOINT = re.compile(r"^https?://[^\x00-\x20<>\"{}|^`\\]+$")


def _default_root() -> Path:
    env = os.environ.get("CLUSTERKB_ROOT")
    if env:
        return Path(env).resolve()
    # An editable install runs from the repository: src/clusterkb/settings.py -> repo root.
    return Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Settings:
    root: Path = field(default_factory=_default_root)
    store: Path | None = None
    default_langs: tuple[str, ...] = ("en",)

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def rules_dir(self) -> Path:
        return self.root / "rules"

    @property
    def context_file(self) -> Path:
        return self.root / "context" / "clusterkb.jsonld"


@dataclass(frozen=True)
class ServerSettings:
    """Limits and access of `clusterkb serve` (each has a test that it holds)."""

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2  # query processes
    timeout: float = 20.0  # seconds a query may run before its worker is stopped
    row_cap: int = 10_000  # rows (or triples) in one answer; more are cut and the cut is said
    max_body: int = 1_000_000  # bytes of a request body (413 beyond)
    max_url: int = 8_192  # bytes of a request target (414 beyond)
    rate: float = 50.0  # requests per second per client, on average
    burst: int = 100  # requests a client may make at once
    token: str | None = field(default_factory=lambda: os.environ.get("CLUSTERKB_TOKEN") or None)
    # SERVICE endpoints queries may call, as `URL` or `URL=MIRROR` (see service_routes); empty:
    # no query reaches another machine, and the query workers cannot open sockets at all
    allowed_services: tuple[str, ...] = ()
    cache_entries: int = 1_000


def split_service(entry: str) -> tuple[str, str]:
    """`URL` -> (URL, URL); `URL=MIRROR` -> (URL, MIRROR): queries name URL, MIRROR is called.
    The split is at the first `=` followed by http:// or https://, so a URL may hold `=`."""
    match = _MIRRORED.match(entry.strip())
    if match:
        return match["name"], match["mirror"]
    return entry.strip(), entry.strip()


def is_endpoint(iri: str) -> bool:
    """An absolute http(s) IRI that can stand between < and > in query text unchanged."""
    return bool(_ENDPOINT.match(iri))


def service_routes(entries: Iterable[str]) -> dict[str, str]:
    """The allowlist as {endpoint named in queries: address the request goes to}."""
    return dict(split_service(e) for e in entries if e.strip())


def check_services(entries: Iterable[str], origin: str = "--service") -> tuple[str, ...]:
    """The allowlist entries, each a URL or URL=MIRROR of absolute http(s) IRIs; else an
    InputError naming the entry (a mirror is written into query text, so it must be an IRI)."""
    checked = []
    for entry in entries:
        entry = entry.strip()
        if not entry:
            continue
        name, address = split_service(entry)
        for iri in (name, address):
            if not is_endpoint(iri):
                raise InputError(
                    f"{origin} {entry!r}: {iri!r} is not an http(s) endpoint address",
                    fix="give the endpoint as URL or URL=MIRROR, e.g. "
                    "https://query.wikidata.org/sparql=http://127.0.0.1:7878/query",
                )
        checked.append(entry)
    return tuple(dict.fromkeys(checked))


def services_from_env() -> tuple[str, ...]:
    """CLUSTERKB_SERVICES: the allowlist `clusterkb serve` starts with (space-separated)."""
    return check_services(os.environ.get(SERVICES_ENV, "").split(), SERVICES_ENV)
