"""Shared fixtures: the repository's settings and one knowledge base built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from clusterkb.build import build
from clusterkb.settings import Settings
from clusterkb.store import EmbeddedStore

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings(root=ROOT)


@pytest.fixture(scope="session")
def kb(settings: Settings) -> EmbeddedStore:
    store, _ = build(settings, validate_data=False)
    return store


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent: the shared folder sits beside the clone in CI")
    return SHARED


@pytest.fixture(scope="session")
def live_server():
    """One server for the whole session (the curated knowledge base, built in memory)."""
    from live_server import start

    server = start()
    yield server
    server.stop()
