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


_ASCII_KEYS = """
PREFIX ckb: <https://w3id.org/clusterkb/ontology#>
INSERT { GRAPH <%(graph)s> { ?s ckb:searchKey ?key } }
WHERE {
  VALUES ?p { %(predicates)s }
  GRAPH ?g { ?s ?p ?label }
  FILTER(isLiteral(?label) && REGEX(STR(?label), "^[\\u0000-\\u007F]*$"))
  BIND(LCASE(REPLACE(REPLACE(STR(?label), "[ \\t\\n\\r\\f\\u000B]+", " "), "^ | $", "")) AS ?key)
  FILTER(?key != "")
}
"""
_OTHER_LABELS = """
SELECT DISTINCT ?s ?label WHERE {
  VALUES ?p { %(predicates)s }
  GRAPH ?g { ?s ?p ?label }
  FILTER(isLiteral(?label) && !REGEX(STR(?label), "^[\\u0000-\\u007F]*$"))
}
"""


def derive_search_keys(store: EmbeddedStore, graphs: list[str]) -> int:
    """Plain-ASCII labels (most of them) are folded inside the store; the rest in Python."""
    store.drop_graph(INFERRED_SEARCH.value)
    store.add(INFERRED_SEARCH.value, [])
    fill = {
        "graph": INFERRED_SEARCH.value,
        "predicates": " ".join(f"<{p}>" for p in _LABEL_PREDICATES),
    }
    store.update(_ASCII_KEYS % fill)
    triples = set()
    for row in store.select(_OTHER_LABELS % fill, graphs=graphs).rows:
        key = search_key(row["label"].value)
        if key:
            triples.add(ox.Triple(row["s"], SEARCH_KEY, ox.Literal(key)))
    store.add(INFERRED_SEARCH.value, triples)
    return store.size(INFERRED_SEARCH.value)
