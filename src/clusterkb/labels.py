"""Language fallback for everything shown to people: requested languages, then English, then any."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pyoxigraph as ox


def parse_langs(text: str | Sequence[str] | None, default: Sequence[str] = ("en",)) -> list[str]:
    """'el, en' -> ['el', 'en']; empty -> default. Tags are compared case-insensitively."""
    if text is None:
        return list(default)
    items = text.split(",") if isinstance(text, str) else list(text)
    langs = [t.strip().lower() for t in items if t.strip()]
    return langs or list(default)


def _matches(tag: str, wanted: str) -> bool:
    tag = tag.lower()
    return tag == wanted or tag.startswith(wanted + "-")


def rank(literal: ox.Literal, langs: Sequence[str]) -> tuple[int, str, str]:
    tag = (literal.language or "").lower()
    order = [*langs, "en"]
    for i, wanted in enumerate(order):
        if tag and _matches(tag, wanted):
            return (i, tag, literal.value)
    # untagged text (acronyms, codes) before other languages: it reads the same everywhere
    return (len(order) + (0 if not tag else 1), tag, literal.value)


def pick(literals: Iterable[ox.Literal], langs: Sequence[str]) -> ox.Literal | None:
    candidates = [lit for lit in literals if isinstance(lit, ox.Literal)]
    if not candidates:
        return None
    return min(candidates, key=lambda lit: rank(lit, langs))
