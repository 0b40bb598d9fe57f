"""Language tags for keep.eu texts, which the export gives without any.

keep.eu gives a project's name in up to three columns and each description in up to three
("Description 1", "Description 2", "Description EN", ...) but never says which language a
column holds: "Project Name" is English for most programmes, German for Bavaria-Czech
Republic (with Czech in "Project Name language 3"). The knowledge base writes names and
descriptions as language-tagged literals, so the importer has to find the language itself;
a wrong tag is worse than none, so this module abstains rather than guesses:

- the candidates are the languages of the programme's countries, read from CLDR's territory
  data (which ``language_data``, the data package of ``langcodes``, ships), plus English:
  choosing among a programme's five to ten languages instead of lingua's 75 is both faster
  and much more accurate (a Czech text cannot come out Slovak in a Greek-Bulgarian programme);
- a text gets no language (``lang=None``) when it carries too little language to decide:
  empty cells, acronyms, codes and coined names ("XQZT", "GreenLabNet", "ABC2-017-3.2"), or a
  best guess whose confidence is below ``MIN_CONFIDENCE``; the importer then writes a plain
  literal;
- a column named "... EN" is English by the export's own definition: given, not detected.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import langcodes
import pycountry
from lingua import Language, LanguageDetectorBuilder
from lingua import LanguageDetector as _Lingua

from .keep_table import Row
from .values import parse_country

# CLDR officialStatus values that make a language plausible for texts written in a territory:
# "official" (de in AT), "de_facto_official" (ru in UA), "official_regional" (ca in ES).
OFFICIAL = frozenset({"official", "de_facto_official", "official_regional"})
ENGLISH = "en"

# A text needs at least this many words and letters, acronyms and codes left out, to be
# decidable. Two words of ten letters ("Smart logistics", "Nová platforma") is where
# lingua's character n-grams start to tell closely related candidates apart; below it even a
# human reads a name, not a language.
MIN_WORDS = 2
MIN_LETTERS = 10
# lingua's confidence values over the candidates sum to 1, so 0.5 is the bar where the best
# language outweighs all others together; short snippets need a margin over it. Measured on
# the keep.eu sample (its 32 names and the first 3-6 words of each of its texts, detected
# under each of its seven programmes' candidates: 2,142 guesses), wrong tags reached 0.58
# (a German or Czech head made of English loanwords -> en, a three-word German head -> fr)
# and none reached 0.6, which kept 92 % of the right ones. The sample's whole cells score
# 0.75 or more, but a name left with two plain words once its coined words are dropped
# (0.59, no tag).
MIN_CONFIDENCE = 0.6
# Only the head of a long text is read: a description does not change language after its
# first sentences, and lingua's time grows with the text. lingua reads a text of 120
# characters or more with trigrams alone, a shorter one with 1- to 5-grams (slower), so the
# head must not be too short either. On two cores 40,000 texts took 9-11 s at 200
# characters, 15 s at 600 and 12-14 s at 100-130.
MAX_CHARS = 200

_WORD = re.compile(r"[^\W\d_]+")
_TOKEN = re.compile(r"\S+")
_DIGIT = re.compile(r"\d")
_EN_COLUMN = re.compile(r"(?:^|\s)EN$")


@dataclass(frozen=True, slots=True)
class Detection:
    lang: str | None  # ISO 639-1 tag ("de", "el"), None when undecidable
    confidence: float  # 0.0 to 1.0; 1.0 for a given tag
    given: bool = False  # True when the export's column says the language, not the detector


UNDECIDED = Detection(None, 0.0)


@cache
def _official_languages() -> dict[str, tuple[str, ...]]:
    """ISO 3166-1 alpha-2 -> the territory's official languages, in CLDR's order."""
    source = files("language_data") / "data" / "supplementalData.xml"
    root = ET.fromstring(source.read_bytes())
    table: dict[str, tuple[str, ...]] = {}
    for territory in root.iterfind("./territoryInfo/territory"):
        tags: list[str] = []
        for entry in territory.iterfind("languagePopulation"):
            if entry.get("officialStatus") not in OFFICIAL:
                continue
            # "sr_Latn", "bs_Cyrl" -> "sr", "bs": the script does not matter to a language tag
            tag = langcodes.Language.get(entry.get("type", "").replace("_", "-")).language
            if tag and tag not in tags:
                tags.append(tag)
        table[territory.get("type", "")] = tuple(tags)
    return table


def languages_for_countries(iso3_codes: Iterable[str]) -> list[str]:
    """The plausible languages of texts from these countries: CLDR's official languages
    (national, de facto and regional) of each, in order, then English. Unknown codes add
    nothing. ``["DEU", "CZE"]`` -> ``["de", "frr", "cs", "en"]``."""
    table = _official_languages()
    out: list[str] = []
    for code in iso3_codes:
        country = pycountry.countries.get(alpha_3=code.strip().upper())
        for tag in table.get(country.alpha_2, ()) if country is not None else ():
            if tag not in out:
                out.append(tag)
    if ENGLISH not in out:
        out.append(ENGLISH)
    return out


def programme_languages(partners: Iterable[Row]) -> dict[str, list[str]]:
    """Programme -> the languages of its partners' countries (the "Country" column of the
    Partners sheet or CSV): derived from the data instead of a hand-kept table."""
    countries: dict[str, list[str]] = {}
    for row in partners:
        programme, country = row.get("Programme"), parse_country(row.get("Country"))
        if programme is None:
            continue
        seen = countries.setdefault(str(programme), [])
        if country is not None and country not in seen:
            seen.append(country)
    return {p: languages_for_countries(sorted(c)) for p, c in countries.items()}


# lingua's languages by ISO 639-1 tag; a candidate outside it (mt, gsw, rm, frr) is ignored
_LINGUA: dict[str, Language] = {lang.iso_code_639_1.name.lower(): lang for lang in Language.all()}


@cache
def _lingua(tags: frozenset[str]) -> _Lingua:
    # high-accuracy mode (the default): short names are the hard case here, and low-accuracy
    # mode is documented as unreliable below about 120 characters
    return LanguageDetectorBuilder.from_languages(*(_LINGUA[t] for t in sorted(tags))).build()


def _language_words(text: str) -> list[str]:
    """The words that carry language: not codes or numbers, not acronyms or coined names.

    A text in capitals only is read in lower case ("SMART HARBOURS"). A token with a digit is
    dropped whole ("Logi4.0", "ABC2-017-3.2"); of the others, words with a capital after
    their first letter ("XQZT", "SMEs", "GreenLabNet") and lone capitals ("R" of "R&D") are
    dropped. A hyphenated token counts as one word ("SEA-PORT-LINK" stays undecidable).
    Reading stops after ``MAX_CHARS`` characters of words.
    """
    if not any(ch.islower() for ch in text):
        text = text.lower()
    tokens = 0
    length = 0
    words: list[str] = []
    for match in _TOKEN.finditer(text):
        token = match.group()
        if _DIGIT.search(token):
            continue
        found = [
            w
            for w in _WORD.findall(token)
            if w[1:] == w[1:].lower() and not (len(w) == 1 and w.isupper())
        ]
        if found:
            tokens += 1
            words.extend(found)
            length += sum(len(w) + 1 for w in found)
            if length >= MAX_CHARS:
                break
    letters = length - len(words)
    return words if tokens >= MIN_WORDS and letters >= MIN_LETTERS else []


def _sample(text: object) -> str | None:
    """The text lingua reads, or None when the text is undecidable before any detection."""
    if text is None or isinstance(text, bool):
        return None
    if isinstance(text, bytes | bytearray):
        text = bytes(text).decode("utf-8", errors="replace")
    words = _language_words(text if isinstance(text, str) else str(text))
    return " ".join(words) if words else None


class LanguageDetector:
    """Detects the language of texts among a fixed set of candidate languages.

    Cheap to construct: the lingua detector behind it is built once per set of candidates
    and shared. Candidates lingua cannot detect are listed in ``unsupported`` and ignored;
    with fewer than two candidates left the detector abstains on every text.
    """

    def __init__(self, candidates: Iterable[str]) -> None:
        tags = list(dict.fromkeys(tag.strip().lower() for tag in candidates))
        self.candidates: tuple[str, ...] = tuple(t for t in tags if t in _LINGUA)
        self.unsupported: tuple[str, ...] = tuple(t for t in tags if t not in _LINGUA)
        # one candidate is no choice: lingua then gives it confidence 1.0 for any text
        many = len(self.candidates) > 1
        self._detector = _lingua(frozenset(self.candidates)) if many else None

    def detect(self, text: object) -> Detection:
        return self.detect_many([text])[0]

    def detect_many(self, texts: Iterable[object]) -> list[Detection]:
        """Detect each text; many at once run on all idle cores, a repeated text once."""
        samples = [_sample(text) for text in texts]
        unique = list(dict.fromkeys(s for s in samples if s is not None))
        found = dict(zip(unique, self._compute(unique), strict=True))
        return [UNDECIDED if s is None else found[s] for s in samples]

    def _compute(self, samples: list[str]) -> list[Detection]:
        if not samples or self._detector is None:
            return [UNDECIDED for _ in samples]
        try:
            if len(samples) == 1:
                results = [self._detector.compute_language_confidence_values(samples[0])]
            else:
                results = self._detector.compute_language_confidence_values_in_parallel(samples)
        except Exception:  # odd input (lone surrogates) must not stop an import: isolate it
            if len(samples) == 1:
                return [UNDECIDED]
            return [self._compute([s])[0] for s in samples]
        out: list[Detection] = []
        for values in results:
            best = values[0] if values else None
            if best is None or best.value <= 0:
                out.append(UNDECIDED)
                continue
            tag = best.language.iso_code_639_1.name.lower()
            confidence = float(best.value)
            out.append(Detection(tag if confidence >= MIN_CONFIDENCE else None, confidence))
        return out


def is_english_column(column: str) -> bool:
    """keep.eu's "... EN" columns ("Description EN", "Achievements EN") hold English."""
    return _EN_COLUMN.search(column.strip()) is not None


def tag_texts(
    row_texts: Mapping[str, object], candidates: Iterable[str] | LanguageDetector
) -> dict[str, Detection]:
    """Column -> language of one row's texts: given "en" for the "... EN" columns, detected
    among the candidates for the others. Empty cells come back undecided."""
    detector = (
        candidates if isinstance(candidates, LanguageDetector) else LanguageDetector(candidates)
    )
    out: dict[str, Detection] = {}
    detect: list[str] = []
    for column, text in row_texts.items():
        if text is None or not str(text).strip():
            out[column] = UNDECIDED
        elif is_english_column(column):
            out[column] = Detection(ENGLISH, 1.0, given=True)
        else:
            detect.append(column)
    for column, found in zip(
        detect, detector.detect_many(row_texts[c] for c in detect), strict=True
    ):
        out[column] = found
    return {column: out[column] for column in row_texts}
