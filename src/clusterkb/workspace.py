"""Open the knowledge base a command works on: the stored one when it is current, else a build."""

from __future__ import annotations

from .build import Progress, build, is_stale
from .settings import Settings
from .store import EmbeddedStore


def _quiet(_: str) -> None:
    pass


def open_knowledge_base(
    settings: Settings, progress: Progress = _quiet, *, in_memory: bool = False
) -> EmbeddedStore:
    """Queries and exports need a built store; build it in memory (or refresh a stale one).
    `in_memory`: a copy in memory even of a stored one (the server forks its query workers
    from it, and an on-disk store must not be shared across a fork).

    Without --store every command builds in memory (about a second on the curated data) and
    skips validation, which `clusterkb build` and `clusterkb validate` report.
    """
    if settings.store is not None and settings.store.exists():
        store = EmbeddedStore(settings.store)
        if not is_stale(store, settings):
            return store.in_memory() if in_memory else store
        progress("the store is older than the knowledge files: rebuilding")
        del store
    store, _ = build(settings, validate_data=False, progress=progress)
    return store.in_memory() if in_memory and store.path is not None else store
