import pytest

from clusterkb.search import search_key


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Πανεπιστήμιο Πατρών", "panepistimio patron"),
        ("Ústecký  kraj", "ustecky kraj"),
        ("Besançon", "besancon"),
        ("ŁÓDŹ", "lodz"),
        ("Wirtschaftsagentur GmbH", "wirtschaftsagentur gmbh"),
    ],
)
def test_search_key_folds_case_accents_and_script(text: str, key: str) -> None:
    assert search_key(text) == key


def test_keys_folded_in_the_store_equal_the_python_folding(kb) -> None:
    """ASCII labels are folded by SPARQL inside the store, the rest in Python: same result."""
    import pyoxigraph as ox

    from clusterkb.namespaces import CKB, INFERRED_SEARCH, RDFS, SKOS

    stored = {(q.subject.value, q.object.value) for q in kb.quads([INFERRED_SEARCH.value])}
    graphs = [g for g in kb.public_graphs() if not g.startswith(INFERRED_SEARCH.value[:-6])]
    expected = set()
    for p in (RDFS + "label", SKOS + "altLabel", CKB + "acronym", CKB + "projectCode"):
        for q in kb.match(None, ox.NamedNode(p), None, graphs):
            if isinstance(q.object, ox.Literal) and search_key(q.object.value):
                expected.add((q.subject.value, search_key(q.object.value)))
    assert len(stored) > 1000
    assert stored == expected
