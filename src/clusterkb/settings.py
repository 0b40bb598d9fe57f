"""Where the knowledge files and the store are, and the limits queries run under."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


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
    allowed_services: tuple[str, ...] = ()
    cache_entries: int = 1_000
