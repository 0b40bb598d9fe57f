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
