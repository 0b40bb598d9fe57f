import pyoxigraph as ox

from clusterkb.labels import parse_langs, pick


def lit(text: str, lang: str | None = None) -> ox.Literal:
    return ox.Literal(text, language=lang) if lang else ox.Literal(text)


LABELS = [lit("Praha", "cs"), lit("Prague", "en"), lit("Prag", "de"), lit("PRG")]


def test_requested_language_first() -> None:
    assert pick(LABELS, ["de", "en"]).value == "Prag"


def test_falls_back_to_english_then_untagged_then_any() -> None:
    assert pick(LABELS, ["el"]).value == "Prague"
    assert pick([lit("Praha", "cs"), lit("PRG")], ["el"]).value == "PRG"
    assert pick([lit("Praha", "cs"), lit("Prag", "de")], ["el"]).value == "Praha"


def test_region_subtags_match_their_language() -> None:
    assert pick([lit("Wien", "de-AT"), lit("Vienna", "en")], ["de"]).value == "Wien"


def test_parse_langs() -> None:
    assert parse_langs(" el, EN ") == ["el", "en"]
    assert parse_langs("") == ["en"]
    assert parse_langs(None, ("de",)) == ["de"]
