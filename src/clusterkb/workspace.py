"""Open the knowledge base a command works on: the stored one when it is current, else a build."""

from __future__ import annotations

from .build import Progress, build, is_stale
from .settings import Settings
from .store import EmbeddedStore


def _quiet(_: str) -> None:
    pass


def open_knowledge_base(settings: Settings, progress: Progress = _quiet) -> EmbeddedStore:
    """Queries and exports need a built store; build it in memory (or refresh a stale one).

    Without --store every command builds in memory (about a second on the curated data) and
    skips validation, which `clusterkb build` and `clusterkb validate` report.
    """
    if settings.store is not None and settings.store.exists():
        store = EmbeddedStore(settings.store)
        if not is_stale(store, settings):
            return store
        progress("the store is older than the knowledge files: rebuilding")
        del store
    store, _ = build(settings, validate_data=False, progress=progress)
    return store
