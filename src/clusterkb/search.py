"""Search keys: labels folded so that case, accents and script do not matter.

"patron" must find "Πατρών" and "usti" must find "Ústí": each label is transliterated to
Latin (anyascii), stripped of accents and lower-cased once at build time, and the user's text
goes through the same function before it is bound into the search query.
"""

from __future__ import annotations

import re
import unicodedata

import pyoxigraph as ox
from anyascii import anyascii

from .namespaces import CKB, INFERRED_SEARCH, RDFS, SKOS
from .store import EmbeddedStore

SEARCH_KEY = ox.NamedNode(CKB + "searchKey")
_LABEL_PREDICATES = [RDFS + "label", SKOS + "altLabel", CKB + "acronym", CKB + "projectCode"]
_SPACES = re.compile(r"\s+")


def search_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    no_marks = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", anyascii(no_marks).lower()).strip()


def derive_search_keys(store: EmbeddedStore, graphs: list[str]) -> int:
    triples = set()
    for predicate in _LABEL_PREDICATES:
        p = ox.NamedNode(predicate)
        for quad in store.match(None, p, None, graphs):
            if isinstance(quad.object, ox.Literal):
                key = search_key(quad.object.value)
                if key:
                    triples.add(ox.Triple(quad.subject, SEARCH_KEY, ox.Literal(key)))
    store.drop_graph(INFERRED_SEARCH.value)
    return store.add(INFERRED_SEARCH.value, triples)
