"""Language detection for keep.eu texts: sentences written here, CLDR's languages of countries,
and a gold set of hand-labelled cells of the real sample (labels only: the texts stay in
../shared)."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from clusterkb.importers.keep_table import PARTNERS, PROJECTS, read_workbook
from clusterkb.importers.language import (
    MIN_CONFIDENCE,
    Detection,
    LanguageDetector,
    is_english_column,
    languages_for_countries,
    programme_languages,
    tag_texts,
)

GOLD = Path(__file__).with_name("import_language_gold.csv")
CENTRAL = languages_for_countries(["AUT", "CZE", "DEU", "HRV", "HUN", "ITA", "POL", "SVK", "SVN"])
GREECE_BULGARIA = languages_for_countries(["GRC", "BGR"])


@pytest.mark.parametrize(
    ("text", "candidates", "expected"),
    [
        (
            "Die kleinen und mittleren Unternehmen der Region arbeiten über die Grenze hinweg "
            "mit den Hochschulen zusammen.",
            CENTRAL,
            "de",
        ),
        (
            "Το έργο στοχεύει στην ενίσχυση της κοινωνικής επιχειρηματικότητας στη διασυνοριακή "
            "περιοχή.",
            GREECE_BULGARIA,
            "el",
        ),
        (
            "Проектът има за цел да подкрепи социалното предприемачество в трансграничния регион.",
            GREECE_BULGARIA,
            "bg",
        ),
        (
            "Malé a střední podniky v příhraničním regionu spolupracují s vysokými školami na "
            "nových výrobcích.",
            CENTRAL,
            "cs",
        ),
        (
            "Małe i średnie przedsiębiorstwa w regionie współpracują z uczelniami przy nowych "
            "produktach.",
            CENTRAL,
            "pl",
        ),
        (
            "Le piccole e medie imprese della regione collaborano con le università per "
            "sviluppare nuovi prodotti.",
            CENTRAL,
            "it",
        ),
        (
            "Mala in srednje velika podjetja v regiji sodelujejo z univerzami pri razvoju novih "
            "izdelkov.",
            CENTRAL,
            "sl",
        ),
        (
            "Small and medium-sized enterprises of the region work with universities on new "
            "products.",
            CENTRAL,
            "en",
        ),
        ("Digital skills for small businesses in mountain areas", CENTRAL, "en"),
    ],
)
def test_sentences_are_detected(text: str, candidates: list[str], expected: str) -> None:
    found = LanguageDetector(candidates).detect(text)
    assert found.lang == expected, found
    assert found.confidence >= MIN_CONFIDENCE and not found.given


@pytest.mark.parametrize(
    "text",
    ["XQZT", "GreenLabNet", "ABC2-017-3.2", "SEA-PORT-LINK", "R4-5DanHubs", "Open Data", "Logi4.0"],
)
def test_acronyms_and_names_are_undecidable(text: str) -> None:
    assert LanguageDetector(CENTRAL).detect(text) == Detection(None, 0.0)


@pytest.mark.parametrize("text", [None, "", "   ", "!!! ---", "2015/10/27", 892228.58, True])
def test_empty_and_odd_cells_are_undecidable(text: object) -> None:
    assert LanguageDetector(CENTRAL).detect(text).lang is None


def test_odd_input_never_raises() -> None:
    detector = LanguageDetector(CENTRAL)
    texts: list[object] = [
        "Die Unternehmen \ud800 arbeiten über die Grenze hinweg zusammen",
        b"Die Unternehmen arbeiten \xff zusammen",
        "Unternehmen " * 5000,
        "\x00\x01 control \u200b characters",
    ]
    found = detector.detect_many(texts)
    assert len(found) == len(texts) and found[0].lang == "de" and found[2].lang == "de"


def test_en_columns_are_given_the_others_detected() -> None:
    german = "Die Region arbeitet über die Grenze hinweg mit den Unternehmen zusammen."
    tags = tag_texts(
        {"Description EN": german, "Description 1": german, "Description 2": None},
        CENTRAL,
    )
    assert tags["Description EN"] == Detection("en", 1.0, given=True)
    assert tags["Description 1"].lang == "de" and not tags["Description 1"].given
    assert tags["Description 2"].lang is None
    assert list(tags) == ["Description EN", "Description 1", "Description 2"]
    assert is_english_column("Delivered Outputs EN") and not is_english_column("Project Name")


def test_detectors_are_shared_and_unsupported_candidates_dropped() -> None:
    detector = LanguageDetector(["de", "en", "frr"])
    assert detector._detector is LanguageDetector(["EN", "de"])._detector
    assert detector.candidates == ("de", "en") and detector.unsupported == ("frr",)
    # Maltese is not among lingua's languages: English alone is no choice, so no guess
    assert LanguageDetector(languages_for_countries(["MLT"])).detect(
        "This sentence is plainly written in the English language."
    ) == Detection(None, 0.0)


@pytest.mark.parametrize(
    ("countries", "expected"),
    [
        (["CZE"], ["cs", "en"]),
        (["GRC"], ["el", "en"]),
        (["BGR", "GRC"], ["bg", "el", "en"]),
        (["MLT"], ["mt", "en"]),
        (["MDA"], ["ro", "en"]),
        (["MNE"], ["sr", "en"]),
        (["XXX"], ["en"]),
        ([], ["en"]),
    ],
)
def test_languages_for_countries(countries: list[str], expected: list[str]) -> None:
    assert languages_for_countries(countries) == expected


def test_languages_for_countries_includes_regional_and_several_official() -> None:
    assert {"de", "fr", "it"} <= set(languages_for_countries(["CHE"]))
    assert {"bs", "hr", "sr"} <= set(languages_for_countries(["BIH"]))
    assert {"es", "ca"} <= set(languages_for_countries(["ESP"]))
    both = languages_for_countries(["DEU", "CZE", "AUT"])
    assert both.index("de") < both.index("cs") and both.count("de") == 1 and both[-1] == "en"


def test_gold_set(shared: Path) -> None:
    sheets = read_workbook(shared / "keep-sample" / "keep-sample-2014-2020.xlsx")
    candidates = programme_languages(sheets[PARTNERS])
    projects = {str(row.get("Acronym")): row for row in sheets[PROJECTS]}
    with GOLD.open(encoding="utf-8", newline="") as f:
        gold = list(csv.DictReader(f))
    assert len(gold) >= 60, "the gold set was not found or not read"

    confusion: Counter[tuple[str, str]] = Counter()
    wrong_confidence: list[float] = []
    right_confidence: list[float] = []
    programmes: set[str] = set()
    for entry in gold:
        assert entry["sheet"] == PROJECTS
        row = projects[entry["acronym"]]
        text = row.get(entry["column"])
        assert text is not None, f"no text in {entry}"
        programme = str(row.get("Programme"))
        programmes.add(programme)
        found = LanguageDetector(candidates[programme]).detect(text)
        confusion[entry["expected"], found.lang or "und"] += 1
        if found.lang is not None:
            hit = found.lang == entry["expected"]
            (right_confidence if hit else wrong_confidence).append(found.confidence)

    decidable = sum(n for (expected, _), n in confusion.items() if expected != "und")
    correct = sum(n for (expected, got), n in confusion.items() if expected == got != "und")
    accuracy = correct / decidable
    print(f"\ngold: {len(gold)} cells, {decidable} decidable, accuracy {accuracy:.3f}")
    for lang in sorted({expected for expected, _ in confusion}):
        row_total = sum(n for (expected, _), n in confusion.items() if expected == lang)
        got = ", ".join(f"{g}: {n}" for (e, g), n in sorted(confusion.items()) if e == lang)
        print(f"  {lang}: {confusion[lang, lang]}/{row_total} ({got})")
    if right_confidence:
        print(f"  lowest confidence of a right tag: {min(right_confidence):.3f}")
    if wrong_confidence:
        print(f"  highest confidence of a wrong tag: {max(wrong_confidence):.3f}")
    assert len(programmes) == 7, programmes
    assert decidable >= 60 and accuracy >= 0.95
    undecidable = sum(n for (expected, _), n in confusion.items() if expected == "und")
    assert confusion["und", "und"] == undecidable, "an acronym got a language"


def test_gold_rows_get_given_english_for_en_columns(shared: Path) -> None:
    sheets = read_workbook(shared / "keep-sample" / "keep-sample-2014-2020.xlsx")
    candidates = programme_languages(sheets[PARTNERS])
    columns = [
        "Project Name",
        "Project Name language 2",
        "Project Name language 3",
        *(
            f"{what} {n}"
            for what in (
                "Description",
                "Expected Results",
                "Achievements",
                "Expected Outputs",
                "Delivered Outputs",
            )
            for n in ("1", "2", "EN")
        ),
    ]
    given = 0
    for row in sheets[PROJECTS]:
        tags = tag_texts({c: row.get(c) for c in columns}, candidates[str(row.get("Programme"))])
        for column, found in tags.items():
            if row.get(column) is not None and column.endswith(" EN"):
                assert found == Detection("en", 1.0, given=True)
                given += 1
    assert given >= 60
