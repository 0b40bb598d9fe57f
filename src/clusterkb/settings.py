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
