"""Deterministic generator of synthetic, keep.eu-shaped data for benchmarking clusterkb.

Why this exists: the curated knowledge base holds a handful of projects, keep.eu tens of
thousands. To measure build, validation, inference, search and queries at keep.eu's scale, and to
catch work that grows faster than the data, we need data of the same shape and size that anyone
can regenerate byte for byte: the same N and seed always give the same file.

The data follows docs/conventions.md: programmes spread over the three programming periods (the
periods of data/vocab/programmes.ttl are reused by IRI), priority axes, specific objectives and
calls; projects whose acronyms repeat across programmes; organisations shared between projects
with a skewed distribution (a few take part in very many projects), their cities and countries;
participations and funding lines with both directions of every link; amounts whose raw text is as
messy as keep.eu's. Names of programmes, places and organisations are invented, never taken from
the curated data (their IRIs are checked against it), and every description says the record is
synthetic.

Only the standard library and pyoxigraph are used, triples are produced one project at a time and
streamed to one N-Triples file, so 30,000 projects take seconds and little memory:

    python benchmarks/generate.py 30000 --out /tmp/bench
    # -> /tmp/bench/data/generated/bench-30000.nt, loaded into graph/generated/bench-30000
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import sys
import time
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
VOCAB_DIR = ROOT / "data" / "vocab"

CKB = "https://w3id.org/clusterkb/ontology#"
ID = "https://w3id.org/clusterkb/id/"
GRAPH = "https://w3id.org/clusterkb/graph/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
COUNTRY = "http://publications.europa.eu/resource/authority/country/"
CURRENCY = "http://publications.europa.eu/resource/authority/currency/"


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


A = _n(RDF + "type")
LABEL = _n(RDFS + "label")
COMMENT = _n(RDFS + "comment")
NOTATION = _n(SKOS + "notation")
DESCRIPTION = _n(DCTERMS + "description")
DATE = _n(XSD + "date")
DECIMAL = _n(XSD + "decimal")
POSITIVE = _n(XSD + "positiveInteger")
NON_NEGATIVE = _n(XSD + "nonNegativeInteger")
EUR = _n(CURRENCY + "EUR")


class _Ckb:
    """The ontology terms used here, as NamedNodes built once."""

    def __getattr__(self, name: str) -> ox.NamedNode:
        node = _n(CKB + name)
        setattr(self, name, node)
        return node


C = _Ckb()

ROLE_LEAD = _n(ID + "role/lead-partner")
ROLE_PARTNER = _n(ID + "role/partner")
KIND_TOTAL = _n(ID + "funding-kind/total-budget")
KIND_FUND = _n(ID + "funding-kind/fund-contribution")
KIND_COFIN = _n(ID + "funding-kind/co-financing")
FUND_ERDF = _n(ID + "fund/erdf")
FUND_IPA = _n(ID + "fund/ipa")
FUND_NATIONAL = _n(ID + "fund/national-public")

# Languages a project's labels may use besides English (the languages of programme countries).
PROJECT_LANGS = ("de", "el", "pl", "cs", "it", "fr", "sl", "hu", "sk")

# ---------------------------------------------------------------------------------------------
# Reference data read from the curated vocabularies at import time
# ---------------------------------------------------------------------------------------------

_FALLBACK_THEMES = (
    "keep-clustering-and-economic-cooperation",
    "keep-sme-and-entrepreneurship",
    "keep-innovation-capacity-and-awareness-raising",
    "keep-knowledge-and-technology-transfer",
    "keep-institutional-cooperation-and-cooperation-networks",
    "keep-new-products-and-services",
    "keep-ict-and-digital-society",
    "keep-regional-planning-and-development",
)
_FALLBACK_COUNTRIES = (
    "AUT", "CZE", "DEU", "GRC", "ESP", "FRA", "HRV", "HUN", "ITA", "POL", "SVN", "SVK",
)  # fmt: skip


def _typed_subjects(path: Path, cls: str, prefix: str) -> list[str]:
    """IRIs under prefix typed cls in one Turtle file, sorted; [] where the file is absent."""
    if not path.is_file():
        return []
    found: dict[str, None] = {}
    with path.open("rb") as fh:
        for t in ox.parse(fh, format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()):
            s = t.subject
            if (
                isinstance(s, ox.NamedNode)
                and t.predicate == A
                and t.object == _n(cls)
                and s.value.startswith(prefix)
            ):
                found[s.value] = None
    return sorted(found)


def _keep_themes() -> tuple[str, ...]:
    iris = _typed_subjects(VOCAB_DIR / "themes-keep.ttl", CKB + "Theme", ID + "theme/keep-")
    return tuple(iris) or tuple(ID + "theme/" + slug for slug in _FALLBACK_THEMES)


THEMES = _keep_themes()
THEME_CLUSTERING = ID + "theme/keep-clustering-and-economic-cooperation"
VOCAB_PERIODS = frozenset(
    _typed_subjects(VOCAB_DIR / "programmes.ttl", CKB + "ProgrammingPeriod", ID + "period/")
)
CURATED_COUNTRIES = tuple(
    iri[len(COUNTRY) :]
    for iri in _typed_subjects(VOCAB_DIR / "countries.ttl", CKB + "Country", COUNTRY)
)

# ---------------------------------------------------------------------------------------------
# Invented names: countries, their places and the words of names and titles
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CountryInfo:
    iso2: str
    lang: str
    weight: float
    postal: str  # a pattern: # = any digit, @ = a digit 1-9, other characters as they are
    prefixes: tuple[str, ...]
    heads: tuple[str, ...]
    tails: tuple[str, ...]
    posts: tuple[str, ...] = ("",)


_DE = (
    ("", "Bad ", "Markt "),
    ("Ober", "Unter", "Nieder", "Neu", "Alt", "Groß", "Klein", "Wald", "Berg", "Stein", "Hoch",
     "Rosen", "Eich", "Lind", "Sonnen", "Mühl", "Buch", "Hasel", "Kirch", "Wolfs", "Falken",
     "Hirsch", "Birken", "Tann", "Erlen", "Fichten", "Weiden", "Roth", "Schön", "Grün", "Kalten",
     "Fried"),
    ("dorf", "heim", "bach", "burg", "hausen", "feld", "stadt", "au", "kirchen", "brunn", "tal",
     "berg", "hofen", "ingen", "weiler", "stetten", "rode", "wang", "eck", "furt", "hain", "moos",
     "stein", "wald"),
)  # fmt: skip
_GREEK_PREFIXES = ("", "Νέα |Nea ", "Άνω |Ano ", "Κάτω |Kato ")
_GREEK_HEADS = (
    "Καλο|Kalo", "Μεγαλο|Megalo", "Αργυρο|Argyro", "Χρυσο|Chryso", "Λευκο|Lefko", "Μαυρο|Mavro",
    "Πετρο|Petro", "Ξηρο|Xiro", "Παλιο|Palio", "Κρυο|Kryo", "Ελαιο|Eleo", "Ροδο|Rodo",
    "Αμπελο|Ampelo", "Δαφνο|Dafno", "Καστρο|Kastro", "Λιθο|Litho", "Πλατυ|Platy", "Αγριο|Agrio",
)  # fmt: skip
_GREEK_TAILS = (
    "χώρι|chori", "πολη|poli", "βούνι|vouni", "κάμπος|kampos", "νέρι|neri", "λίβαδο|livado",
    "πύργος|pyrgos", "λάκκος|lakkos", "ρέμα|rema", "βρύση|vrysi", "χώριο|chorio",
    "σπηλιά|spilia", "λόφος|lofos", "γιαλός|gialos",
)  # fmt: skip
_CS = (
    ("", "Nové ", "Staré ", "Horní ", "Dolní "),
    ("Hor", "Dol", "Kamen", "Lip", "Břez", "Jablon", "Hrad", "Lhot", "Straš", "Buk", "Dub", "Vys",
     "Ryb", "Ol", "Zahrad", "Kostel", "Mlýn", "Bystř", "Chlum", "Vrb"),
    ("ov", "ice", "any", "ná", "ín", "ec", "ovice", "sko", "ník", "ětín", "ky", "nice"),
)  # fmt: skip
_SK = (
    ("", "Nové ", "Staré ", "Horné ", "Dolné "),
    ("Hor", "Dol", "Kamen", "Lip", "Brez", "Jablon", "Hrad", "Buk", "Dub", "Vys", "Ryb", "Ol",
     "Zlat", "Koš", "Bystr", "Topoľ", "Vrb", "Lúč", "Pieš", "Trn"),
    ("ov", "ice", "any", "ná", "ín", "ec", "ovce", "ník", "ky", "nica", "ava", "ina"),
)  # fmt: skip
_PL = (
    ("", "Nowy ", "Stary "),
    ("Borow", "Dąbr", "Jawor", "Kamien", "Lip", "Brzez", "Rad", "Sław", "Wol", "Zawadz", "Krzyż",
     "Ostr", "Bielsk", "Grab", "Mił", "Czarn", "Gór", "Lesz", "Olsz", "Sosn", "Świerk", "Wierzb",
     "Brod", "Chełm"),
    ("owo", "ów", "ice", "no", "in", "iec", "owice", "ka", "nik", "ewo", "any", "ówek"),
)  # fmt: skip
_SL = (
    ("", "Zgornja ", "Spodnja ", "Nova "),
    ("Gor", "Dol", "Kamn", "Lip", "Brez", "Jabl", "Grad", "Buk", "Dob", "Vis", "Rib", "Ol", "Zlat",
     "Kos", "Bistr", "Trn", "Vrh", "Log", "Rak", "Šmar"),
    ("je", "ica", "ovo", "nik", "ec", "ina", "ovec", "ane", "išče", "ija", "ovci", "ek"),
)  # fmt: skip
_HR = (
    ("", "Gornja ", "Donja ", "Nova "),
    ("Gor", "Dol", "Kamen", "Lip", "Brez", "Jabuk", "Grad", "Buk", "Dub", "Vis", "Rib", "Ol",
     "Zlat", "Kos", "Bistr", "Trn", "Vrh", "Lug", "Rak", "Sel"),
    ("je", "ica", "ovo", "nik", "ec", "ina", "ovac", "ane", "išće", "ija", "ovci", "ak"),
)  # fmt: skip
_HU = (
    ("", "Alsó", "Felső"),
    ("Kis", "Nagy", "Ó", "Új", "Szent", "Bala", "Hegy", "Kő", "Tó", "Vár", "Erd", "Mező", "Sár",
     "Fehér", "Fekete", "Vörös", "Szil", "Nyír", "Tölgy", "Som"),
    ("falu", "háza", "halom", "vár", "hegy", "szeg", "telek", "berény", "egyháza", "keresztúr",
     "mező", "patak"),
)  # fmt: skip
_IT = (
    ("",),
    ("Castel", "Monte", "Villa", "Borgo", "Porto", "Colle", "Rocca", "Pieve", "Torre", "Fonte",
     "Serra", "Valle", "Campo", "Bosco", "Poggio", "Ponte"),
    ("franco", "nuovo", "vecchio", "bello", "alto", "verde", "chiaro", "fiorito", "rosso", "marino",
     "sereno", "grande", "lungo", "piano", "forte", "santo"),
    ("", " Scalo", " Terme", " Superiore", " Inferiore"),
)  # fmt: skip
_FR = (
    ("",),
    ("Saint-", "Mont", "Ville", "Beau", "Bel", "Roche", "Fontaine", "Cham", "Val", "Bois", "Port",
     "Pont", "Neuf", "Haute", "Clair", "Font"),
    ("ville", "mont", "fort", "champ", "lieu", "court", "fontaine", "roche", "bourg", "val", "pré",
     "château", "rive", "mare", "lac", "bois"),
    ("", "-sur-Mer", "-les-Bains", "-le-Grand", "-en-Vallée"),
)  # fmt: skip
_ES = (
    ("",),
    ("Villa", "Torre", "Castro", "Puebla", "Vega", "Fuente", "Monte", "Valle", "Campo", "Peña",
     "Pozo", "Olmeda", "Cabeza", "Navas", "Casas", "Huerta"),
    ("nueva", "vieja", "rubia", "blanca", "alta", "fría", "real", "mayor", "hermosa", "seca",
     "verde", "llana"),
    ("", " de Arriba", " de Abajo", " del Río", " de la Sierra"),
)  # fmt: skip

COUNTRIES: dict[str, CountryInfo] = {
    "AUT": CountryInfo("at", "de", 1.5, "@###", *_DE),
    "DEU": CountryInfo("de", "de", 3.0, "@####", *_DE),
    "CHE": CountryInfo("ch", "de", 0.6, "@###", *_DE),
    "LIE": CountryInfo("li", "de", 0.1, "949#", *_DE),
    "CZE": CountryInfo("cz", "cs", 1.5, "@## ##", *_CS),
    "SVK": CountryInfo("sk", "sk", 1.0, "### ##", *_SK),
    "POL": CountryInfo("pl", "pl", 2.0, "##-###", *_PL),
    "SVN": CountryInfo("si", "sl", 1.0, "@###", *_SL),
    "HRV": CountryInfo("hr", "hr", 1.0, "@####", *_HR),
    "HUN": CountryInfo("hu", "hu", 1.2, "@###", *_HU),
    "ITA": CountryInfo("it", "it", 3.0, "@####", *_IT),
    "FRA": CountryInfo("fr", "fr", 2.0, "@####", *_FR),
    "BEL": CountryInfo("be", "fr", 0.8, "@###", *_FR),
    "LUX": CountryInfo("lu", "fr", 0.3, "L-@###", *_FR),
    "ESP": CountryInfo("es", "es", 2.0, "@####", *_ES),
    "GRC": CountryInfo("gr", "el", 1.5, "@## ##", _GREEK_PREFIXES, _GREEK_HEADS, _GREEK_TAILS),
    "CYP": CountryInfo("cy", "el", 0.3, "@###", _GREEK_PREFIXES, _GREEK_HEADS, _GREEK_TAILS),
}


def _countries() -> tuple[str, ...]:
    """The curated countries we can invent places for, or the fixed twelve when too few."""
    usable = tuple(code for code in CURATED_COUNTRIES if code in COUNTRIES)
    return usable if len(usable) >= 2 else _FALLBACK_COUNTRIES


COUNTRY_CODES = _countries()

# Organisation names, by kind and language; {c} is the city.
ORG_KINDS: tuple[dict[str, str], ...] = (
    {"en": "Chamber of Commerce and Industry of {c}", "de": "Industrie- und Handelskammer {c}",
     "el": "Εμπορικό και Βιομηχανικό Επιμελητήριο {c}", "pl": "Izba Przemysłowo-Handlowa {c}",
     "cs": "Hospodářská komora {c}", "sk": "Obchodná a priemyselná komora {c}",
     "it": "Camera di Commercio di {c}", "fr": "Chambre de commerce et d'industrie de {c}",
     "sl": "Gospodarska zbornica {c}", "hu": "{c}i Kereskedelmi és Iparkamara",
     "es": "Cámara de Comercio de {c}", "hr": "Gospodarska komora {c}"},
    {"en": "University of {c}", "de": "Universität {c}", "el": "Πανεπιστήμιο {c}",
     "pl": "Uniwersytet {c}", "cs": "Univerzita {c}", "sk": "Univerzita {c}",
     "it": "Università di {c}", "fr": "Université de {c}", "sl": "Univerza {c}",
     "hu": "{c}i Egyetem", "es": "Universidad de {c}", "hr": "Sveučilište {c}"},
    {"en": "{c} Regional Development Agency", "de": "Regionalentwicklungsagentur {c}",
     "el": "Αναπτυξιακή Εταιρεία {c}", "pl": "Agencja Rozwoju Regionalnego {c}",
     "cs": "Regionální rozvojová agentura {c}", "sk": "Regionálna rozvojová agentúra {c}",
     "it": "Agenzia di Sviluppo Regionale di {c}", "fr": "Agence de développement régional de {c}",
     "sl": "Regionalna razvojna agencija {c}", "hu": "{c}i Regionális Fejlesztési Ügynökség",
     "es": "Agencia de Desarrollo Regional de {c}", "hr": "Regionalna razvojna agencija {c}"},
    {"en": "{c} Innovation Centre", "de": "Innovationszentrum {c}",
     "el": "Κέντρο Καινοτομίας {c}", "pl": "Centrum Innowacji {c}", "cs": "Inovační centrum {c}",
     "sk": "Inovačné centrum {c}", "it": "Centro per l'Innovazione di {c}",
     "fr": "Centre d'innovation de {c}", "sl": "Inovacijski center {c}",
     "hu": "{c}i Innovációs Központ", "es": "Centro de Innovación de {c}",
     "hr": "Inovacijski centar {c}"},
    {"en": "{c} Cluster Association", "de": "Clusterverband {c}",
     "el": "Σύνδεσμος Συνεργατικών Σχηματισμών {c}", "pl": "Stowarzyszenie Klastrowe {c}",
     "cs": "Klastrová asociace {c}", "sk": "Klastrová asociácia {c}",
     "it": "Associazione Cluster di {c}", "fr": "Association des clusters de {c}",
     "sl": "Grozdno združenje {c}", "hu": "{c}i Klaszterszövetség",
     "es": "Asociación Clúster de {c}", "hr": "Klaster udruga {c}"},
    {"en": "Municipality of {c}", "de": "Stadt {c}", "el": "Δήμος {c}", "pl": "Gmina {c}",
     "cs": "Město {c}", "sk": "Mesto {c}", "it": "Comune di {c}", "fr": "Commune de {c}",
     "sl": "Občina {c}", "hu": "{c} Város Önkormányzata", "es": "Ayuntamiento de {c}",
     "hr": "Grad {c}"},
    {"en": "{c} Science and Technology Park", "de": "Technologiepark {c}",
     "el": "Επιστημονικό και Τεχνολογικό Πάρκο {c}", "pl": "Park Naukowo-Technologiczny {c}",
     "cs": "Vědeckotechnický park {c}", "sk": "Vedecko-technologický park {c}",
     "it": "Parco Scientifico e Tecnologico di {c}", "fr": "Technopole de {c}",
     "sl": "Tehnološki park {c}", "hu": "{c}i Tudományos és Technológiai Park",
     "es": "Parque Científico y Tecnológico de {c}", "hr": "Znanstveno-tehnološki park {c}"},
    {"en": "{c} Business Incubator", "de": "Gründerzentrum {c}",
     "el": "Θερμοκοιτίδα Επιχειρήσεων {c}", "pl": "Inkubator Przedsiębiorczości {c}",
     "cs": "Podnikatelský inkubátor {c}", "sk": "Podnikateľský inkubátor {c}",
     "it": "Incubatore d'Impresa di {c}", "fr": "Pépinière d'entreprises de {c}",
     "sl": "Podjetniški inkubator {c}", "hu": "{c}i Vállalkozásfejlesztési Inkubátorház",
     "es": "Vivero de Empresas de {c}", "hr": "Poduzetnički inkubator {c}"},
)  # fmt: skip

# Project titles: "<sector>: <action> <target>", each part in every project language.
SECTORS: tuple[dict[str, str], ...] = (
    {"en": "Automotive clusters", "de": "Automobilcluster",
     "el": "Συνεργατικοί σχηματισμοί αυτοκινητοβιομηχανίας", "pl": "Klastry motoryzacyjne",
     "cs": "Automobilové klastry", "it": "Cluster automobilistici", "fr": "Clusters automobiles",
     "sl": "Avtomobilski grozdi", "hu": "Járműipari klaszterek", "sk": "Automobilové klastre"},
    {"en": "Agri-food clusters", "de": "Agrar- und Lebensmittelcluster",
     "el": "Αγροδιατροφικοί συνεργατικοί σχηματισμοί", "pl": "Klastry rolno-spożywcze",
     "cs": "Agropotravinářské klastry", "it": "Cluster agroalimentari",
     "fr": "Clusters agroalimentaires", "sl": "Agroživilski grozdi",
     "hu": "Agrár-élelmiszeripari klaszterek", "sk": "Agropotravinárske klastre"},
    {"en": "Tourism clusters", "de": "Tourismuscluster",
     "el": "Τουριστικοί συνεργατικοί σχηματισμοί", "pl": "Klastry turystyczne",
     "cs": "Turistické klastry", "it": "Cluster turistici", "fr": "Clusters touristiques",
     "sl": "Turistični grozdi", "hu": "Turisztikai klaszterek", "sk": "Turistické klastre"},
    {"en": "ICT clusters", "de": "IKT-Cluster", "el": "Συνεργατικοί σχηματισμοί ΤΠΕ",
     "pl": "Klastry ICT", "cs": "Klastry ICT", "it": "Cluster ICT", "fr": "Clusters TIC",
     "sl": "Grozdi IKT", "hu": "IKT-klaszterek", "sk": "Klastre IKT"},
    {"en": "Renewable energy clusters", "de": "Cluster für erneuerbare Energien",
     "el": "Συνεργατικοί σχηματισμοί ανανεώσιμων πηγών ενέργειας",
     "pl": "Klastry energii odnawialnej", "cs": "Klastry obnovitelné energie",
     "it": "Cluster delle energie rinnovabili", "fr": "Clusters des énergies renouvelables",
     "sl": "Grozdi obnovljive energije", "hu": "Megújulóenergia-klaszterek",
     "sk": "Klastre obnoviteľnej energie"},
    {"en": "Creative industry clusters", "de": "Cluster der Kreativwirtschaft",
     "el": "Συνεργατικοί σχηματισμοί δημιουργικής οικονομίας",
     "pl": "Klastry przemysłów kreatywnych", "cs": "Klastry kreativních odvětví",
     "it": "Cluster delle industrie creative", "fr": "Clusters des industries créatives",
     "sl": "Grozdi kreativnih industrij", "hu": "Kreatívipari klaszterek",
     "sk": "Klastre kreatívneho priemyslu"},
    {"en": "Wood and furniture clusters", "de": "Holz- und Möbelcluster",
     "el": "Συνεργατικοί σχηματισμοί ξύλου και επίπλου", "pl": "Klastry drzewno-meblarskie",
     "cs": "Dřevařské a nábytkářské klastry", "it": "Cluster del legno e dell'arredo",
     "fr": "Clusters du bois et de l'ameublement", "sl": "Lesni in pohištveni grozdi",
     "hu": "Fa- és bútoripari klaszterek", "sk": "Drevárske a nábytkárske klastre"},
    {"en": "Health technology clusters", "de": "Medizintechnik-Cluster",
     "el": "Συνεργατικοί σχηματισμοί τεχνολογιών υγείας",
     "pl": "Klastry technologii medycznych", "cs": "Klastry zdravotnických technologií",
     "it": "Cluster delle tecnologie per la salute", "fr": "Clusters des technologies de santé",
     "sl": "Grozdi zdravstvenih tehnologij", "hu": "Egészségtechnológiai klaszterek",
     "sk": "Klastre zdravotníckych technológií"},
)  # fmt: skip
ACTIONS: tuple[dict[str, str], ...] = (
    {"en": "cross-border innovation network", "de": "grenzüberschreitendes Innovationsnetzwerk",
     "el": "διασυνοριακό δίκτυο καινοτομίας", "pl": "transgraniczna sieć innowacji",
     "cs": "přeshraniční inovační síť", "it": "rete transfrontaliera dell'innovazione",
     "fr": "réseau transfrontalier d'innovation", "sl": "čezmejna inovacijska mreža",
     "hu": "határon átnyúló innovációs hálózat", "sk": "cezhraničná inovačná sieť"},
    {"en": "joint internationalisation strategy",
     "de": "gemeinsame Internationalisierungsstrategie",
     "el": "κοινή στρατηγική διεθνοποίησης", "pl": "wspólna strategia umiędzynarodowienia",
     "cs": "společná strategie internacionalizace",
     "it": "strategia comune di internazionalizzazione",
     "fr": "stratégie commune d'internationalisation",
     "sl": "skupna strategija internacionalizacije", "hu": "közös nemzetköziesítési stratégia",
     "sk": "spoločná stratégia internacionalizácie"},
    {"en": "transnational knowledge transfer", "de": "transnationaler Wissenstransfer",
     "el": "διακρατική μεταφορά γνώσης", "pl": "ponadnarodowy transfer wiedzy",
     "cs": "nadnárodní přenos znalostí", "it": "trasferimento transnazionale di conoscenze",
     "fr": "transfert transnational de connaissances", "sl": "transnacionalni prenos znanja",
     "hu": "transznacionális tudástranszfer", "sk": "nadnárodný prenos poznatkov"},
    {"en": "smart specialisation roadmap", "de": "Fahrplan für intelligente Spezialisierung",
     "el": "οδικός χάρτης έξυπνης εξειδίκευσης",
     "pl": "mapa drogowa inteligentnej specjalizacji",
     "cs": "cestovní mapa inteligentní specializace",
     "it": "tabella di marcia per la specializzazione intelligente",
     "fr": "feuille de route de spécialisation intelligente",
     "sl": "načrt pametne specializacije", "hu": "intelligens szakosodási ütemterv",
     "sk": "plán inteligentnej špecializácie"},
    {"en": "digital transformation toolkit",
     "de": "Werkzeugkasten für die digitale Transformation",
     "el": "εργαλειοθήκη ψηφιακού μετασχηματισμού",
     "pl": "zestaw narzędzi transformacji cyfrowej",
     "cs": "sada nástrojů pro digitální transformaci",
     "it": "kit di strumenti per la trasformazione digitale",
     "fr": "boîte à outils de transformation numérique",
     "sl": "orodjarna za digitalno preobrazbo", "hu": "digitális átalakulási eszköztár",
     "sk": "súbor nástrojov digitálnej transformácie"},
    {"en": "green growth partnership", "de": "Partnerschaft für grünes Wachstum",
     "el": "εταιρική σχέση για πράσινη ανάπτυξη", "pl": "partnerstwo na rzecz zielonego wzrostu",
     "cs": "partnerství pro zelený růst", "it": "partenariato per la crescita verde",
     "fr": "partenariat pour la croissance verte", "sl": "partnerstvo za zeleno rast",
     "hu": "zöld növekedési partnerség", "sk": "partnerstvo pre zelený rast"},
    {"en": "cluster management excellence programme",
     "de": "Exzellenzprogramm für Clustermanagement",
     "el": "πρόγραμμα αριστείας διαχείρισης συνεργατικών σχηματισμών",
     "pl": "program doskonałości zarządzania klastrami",
     "cs": "program excelence řízení klastrů",
     "it": "programma di eccellenza nella gestione dei cluster",
     "fr": "programme d'excellence en gestion de clusters",
     "sl": "program odličnosti upravljanja grozdov",
     "hu": "klasztermenedzsment-kiválósági program",
     "sk": "program excelentnosti riadenia klastrov"},
    {"en": "open innovation platform", "de": "offene Innovationsplattform",
     "el": "πλατφόρμα ανοιχτής καινοτομίας", "pl": "platforma otwartych innowacji",
     "cs": "platforma otevřených inovací", "it": "piattaforma di innovazione aperta",
     "fr": "plateforme d'innovation ouverte", "sl": "platforma odprtih inovacij",
     "hu": "nyílt innovációs platform", "sk": "platforma otvorených inovácií"},
)  # fmt: skip
TARGETS: tuple[dict[str, str], ...] = (
    {"en": "for SMEs", "de": "für KMU", "el": "για ΜΜΕ", "pl": "dla MŚP", "cs": "pro MSP",
     "it": "per le PMI", "fr": "pour les PME", "sl": "za MSP", "hu": "a kkv-k számára",
     "sk": "pre MSP"},
    {"en": "for start-ups", "de": "für Start-ups", "el": "για νεοφυείς επιχειρήσεις",
     "pl": "dla start-upów", "cs": "pro start-upy", "it": "per le start-up",
     "fr": "pour les jeunes pousses", "sl": "za zagonska podjetja",
     "hu": "induló vállalkozások számára", "sk": "pre startupy"},
    {"en": "for regional authorities", "de": "für regionale Behörden",
     "el": "για περιφερειακές αρχές", "pl": "dla władz regionalnych",
     "cs": "pro regionální orgány", "it": "per le autorità regionali",
     "fr": "pour les autorités régionales", "sl": "za regionalne oblasti",
     "hu": "regionális hatóságok számára", "sk": "pre regionálne orgány"},
    {"en": "for research centres", "de": "für Forschungszentren", "el": "για ερευνητικά κέντρα",
     "pl": "dla ośrodków badawczych", "cs": "pro výzkumná centra",
     "it": "per i centri di ricerca", "fr": "pour les centres de recherche",
     "sl": "za raziskovalna središča", "hu": "kutatóközpontok számára",
     "sk": "pre výskumné centrá"},
    {"en": "in the border regions", "de": "in den Grenzregionen",
     "el": "στις παραμεθόριες περιφέρειες", "pl": "w regionach przygranicznych",
     "cs": "v příhraničních regionech", "it": "nelle regioni di confine",
     "fr": "dans les régions frontalières", "sl": "v obmejnih regijah",
     "hu": "a határ menti régiókban", "sk": "v prihraničných regiónoch"},
    {"en": "in mountain areas", "de": "in Berggebieten", "el": "στις ορεινές περιοχές",
     "pl": "na obszarach górskich", "cs": "v horských oblastech", "it": "nelle aree montane",
     "fr": "dans les zones de montagne", "sl": "na gorskih območjih",
     "hu": "a hegyvidéki területeken", "sk": "v horských oblastiach"},
)  # fmt: skip
AXIS_TOPICS: tuple[dict[str, str], ...] = (
    {"en": "Innovation and knowledge economy", "de": "Innovation und Wissenswirtschaft",
     "el": "Καινοτομία και οικονομία της γνώσης", "pl": "Innowacje i gospodarka oparta na wiedzy",
     "cs": "Inovace a znalostní ekonomika", "it": "Innovazione ed economia della conoscenza",
     "fr": "Innovation et économie de la connaissance", "sl": "Inovacije in gospodarstvo znanja",
     "hu": "Innováció és tudásgazdaság", "sk": "Inovácie a znalostná ekonomika"},
    {"en": "Environment and risk prevention", "de": "Umwelt und Risikovorsorge",
     "el": "Περιβάλλον και πρόληψη κινδύνων", "pl": "Środowisko i zapobieganie zagrożeniom",
     "cs": "Životní prostředí a prevence rizik", "it": "Ambiente e prevenzione dei rischi",
     "fr": "Environnement et prévention des risques", "sl": "Okolje in preprečevanje tveganj",
     "hu": "Környezet és kockázatmegelőzés", "sk": "Životné prostredie a predchádzanie rizikám"},
    {"en": "Accessibility and transport", "de": "Erreichbarkeit und Verkehr",
     "el": "Προσβασιμότητα και μεταφορές", "pl": "Dostępność i transport",
     "cs": "Dostupnost a doprava", "it": "Accessibilità e trasporti",
     "fr": "Accessibilité et transports", "sl": "Dostopnost in promet",
     "hu": "Elérhetőség és közlekedés", "sk": "Dostupnosť a doprava"},
    {"en": "Competitive and attractive regions", "de": "Wettbewerbsfähige und attraktive Regionen",
     "el": "Ανταγωνιστικές και ελκυστικές περιφέρειες", "pl": "Konkurencyjne i atrakcyjne regiony",
     "cs": "Konkurenceschopné a atraktivní regiony", "it": "Regioni competitive e attrattive",
     "fr": "Régions compétitives et attractives", "sl": "Konkurenčne in privlačne regije",
     "hu": "Versenyképes és vonzó régiók", "sk": "Konkurencieschopné a atraktívne regióny"},
    {"en": "Cooperation governance", "de": "Governance der Zusammenarbeit",
     "el": "Διακυβέρνηση της συνεργασίας", "pl": "Zarządzanie współpracą",
     "cs": "Řízení spolupráce", "it": "Governance della cooperazione",
     "fr": "Gouvernance de la coopération", "sl": "Upravljanje sodelovanja",
     "hu": "Az együttműködés irányítása", "sk": "Riadenie spolupráce"},
    {"en": "Low-carbon economy", "de": "CO2-arme Wirtschaft",
     "el": "Οικονομία χαμηλών εκπομπών άνθρακα", "pl": "Gospodarka niskoemisyjna",
     "cs": "Nízkouhlíková ekonomika", "it": "Economia a basse emissioni di carbonio",
     "fr": "Économie bas carbone", "sl": "Nizkoogljično gospodarstvo",
     "hu": "Alacsony szén-dioxid-kibocsátású gazdaság", "sk": "Nízkouhlíkové hospodárstvo"},
)  # fmt: skip
WORDS: dict[str, dict[str, str]] = {
    "objective": {"en": "Specific objective", "de": "Spezifisches Ziel", "el": "Ειδικός στόχος",
                  "pl": "Cel szczegółowy", "cs": "Specifický cíl", "it": "Obiettivo specifico",
                  "fr": "Objectif spécifique", "sl": "Specifični cilj",
                  "hu": "Konkrét célkitűzés", "sk": "Špecifický cieľ"},
    "call": {"en": "Call for proposals", "de": "Projektaufruf", "el": "Πρόσκληση",
             "pl": "Nabór wniosków", "cs": "Výzva", "it": "Bando", "fr": "Appel à projets",
             "sl": "Javni razpis", "hu": "Pályázati felhívás", "sk": "Výzva"},
    "programme": {"en": "Interreg {a} Programme {p}", "de": "Interreg-Programm {a} {p}",
                  "el": "Πρόγραμμα Interreg {a} {p}", "pl": "Program Interreg {a} {p}",
                  "cs": "Program Interreg {a} {p}", "it": "Programma Interreg {a} {p}",
                  "fr": "Programme Interreg {a} {p}", "sl": "Program Interreg {a} {p}",
                  "hu": "Interreg {a} program {p}", "sk": "Program Interreg {a} {p}"},
    "programme-description": {
        "en": "Synthetic cooperation programme of the {p} period, generated for benchmarks.",
        "de": "Synthetisches Kooperationsprogramm der Förderperiode {p}, erzeugt für "
              "Leistungstests.",
        "el": "Συνθετικό πρόγραμμα συνεργασίας της περιόδου {p}, για δοκιμές επιδόσεων.",
        "pl": "Syntetyczny program współpracy okresu {p}, wygenerowany do testów wydajności.",
        "cs": "Syntetický program spolupráce období {p}, vytvořený pro výkonnostní testy.",
        "it": "Programma di cooperazione sintetico del periodo {p}, generato per i test di "
              "prestazione.",
        "fr": "Programme de coopération synthétique de la période {p}, généré pour les tests "
              "de performance.",
        "sl": "Sintetični program sodelovanja obdobja {p}, ustvarjen za preizkuse zmogljivosti.",
        "hu": "A {p} időszak szintetikus együttműködési programja, teljesítménytesztekhez.",
        "sk": "Syntetický program spolupráce obdobia {p}, vytvorený pre výkonnostné testy.",
    },
    "project-description": {
        "en": "Synthetic record generated for benchmarks: project {a} of the {p}.",
        "de": "Synthetischer Datensatz für Leistungstests: Projekt {a} ({p}).",
        "el": "Συνθετική εγγραφή για δοκιμές επιδόσεων: έργο {a} ({p}).",
        "pl": "Syntetyczny rekord do testów wydajności: projekt {a} ({p}).",
        "cs": "Syntetický záznam pro výkonnostní testy: projekt {a} ({p}).",
        "it": "Record sintetico generato per i test di prestazione: progetto {a} ({p}).",
        "fr": "Enregistrement synthétique pour les tests de performance : projet {a} ({p}).",
        "sl": "Sintetični zapis za preizkuse zmogljivosti: projekt {a} ({p}).",
        "hu": "Teljesítménytesztekhez készült szintetikus rekord: {a} projekt ({p}).",
        "sk": "Syntetický záznam pre výkonnostné testy: projekt {a} ({p}).",
    },
}  # fmt: skip
PERIOD_LABELS = {
    "en": "programming period {p}", "el": "προγραμματική περίοδος {p}", "de": "Förderperiode {p}",
    "pl": "okres programowania {p}", "cs": "programové období {p}",
    "fr": "période de programmation {p}", "it": "periodo di programmazione {p}",
}  # fmt: skip
PERIODS = (("2007-2013", 2007, 2013), ("2014-2020", 2014, 2020), ("2021-2027", 2021, 2027))
AREA_WORDS = (
    "Danubia", "Pannonia", "Carpathia", "Adriatica", "Alpina", "Ionia", "Sudetia", "Bohemia",
    "Tyrrhenia", "Liguria", "Aegaea", "Noricum", "Illyria", "Rhaetia", "Silesia", "Moravia",
    "Istria", "Dalmatia", "Tatra", "Padania", "Jura", "Vosgesia", "Epirus", "Thracia",
)  # fmt: skip
ACRONYM_HEADS = (
    "INNO", "CLUSTER", "SME", "SMART", "GREEN", "DIGI", "BIO", "ALP", "DANU", "MED", "ADRI",
    "TECH", "NET", "CREA", "AGRO", "ENER", "TRANS", "EURO", "COOP", "S3", "KNOW", "FOOD", "WOOD",
    "AUTO", "HEALTH", "TOUR", "LOG", "BLUE",
)  # fmt: skip
ACRONYM_TAILS = (
    "Clusters", "Net", "Link", "Boost", "Hub", "Move", "Plus", "4SME", "2Grow", "Reg", "CE",
    "Act", "Bridge", "Lab", "Pro", "Up",
)  # fmt: skip
# Participants per project, 2..12 (mean about 5).
PARTNER_COUNT_WEIGHTS = (8, 14, 20, 20, 14, 9, 6, 4, 2, 2, 1)
# ERDF share of the total budget, by period.
ERDF_RATE = {"2007-2013": (75, 85), "2014-2020": (85, 85), "2021-2027": (80, 80)}

_FOLD = str.maketrans({"ł": "l", "Ł": "L", "ß": "ss", "đ": "d", "Đ": "D", "ø": "o", "æ": "ae"})
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by '-', as docs/conventions.md asks of slugs."""
    folded = unicodedata.normalize("NFKD", text.translate(_FOLD))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    return _NOT_SLUG.sub("-", ascii_text).strip("-")


def _join(*parts: str) -> str:
    """Join name parts, capitalising a part that follows a space or a hyphen."""
    out = ""
    for part in parts:
        if out and out[-1] in " -" and part:
            part = part[0].upper() + part[1:]
        out += part
    return out


def _place_names(info: CountryInfo) -> list[tuple[str, str]]:
    """Every (local name, English name) the country's name parts make, in a fixed order."""
    names: list[tuple[str, str]] = []
    for pre in info.prefixes:
        for head in info.heads:
            for tail in info.tails:
                for post in info.posts:
                    pieces = [p.split("|") for p in (pre, head, tail, post)]
                    local = _join(*(p[0] for p in pieces))
                    english = _join(*(p[-1] for p in pieces))
                    names.append((local, english))
    return names


def _fill(pattern: str, rng: random.Random) -> str:
    out = []
    for ch in pattern:
        if ch == "#":
            out.append(str(rng.randrange(10)))
        elif ch == "@":
            out.append(str(rng.randrange(1, 10)))
        else:
            out.append(ch)
    return "".join(out)


def _org_name(template: str, city: str, lang: str) -> str:
    if lang == "hu" and template.startswith("{c}i") and city.endswith("i"):
        template = "{c}" + template[4:]
    return template.format(c=city)


# ---------------------------------------------------------------------------------------------
# The plan: programmes, places and the organisation pool, drawn before any project
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class City:
    iri: ox.NamedNode
    local: str
    english: str
    lang: str
    country: ox.NamedNode
    emitted: bool = False


@dataclass(slots=True)
class Organisation:
    iri: ox.NamedNode
    slug: str
    local: str
    english: str
    lang: str
    city: City
    postal: str
    country: ox.NamedNode
    emitted: bool = False


@dataclass(slots=True)
class Axis:
    iri: ox.NamedNode
    number: int
    topic: int  # index into AXIS_TOPICS
    objectives: list[ox.NamedNode]


@dataclass(slots=True)
class Programme:
    iri: ox.NamedNode
    slug: str
    acronym: str
    period: str
    start_year: int
    labels: dict[str, str]
    countries: list[str]
    langs: list[str]  # project languages of its countries, in country order
    axes: list[Axis] = field(default_factory=list)
    calls: list[ox.NamedNode] = field(default_factory=list)
    used_acronyms: set[int] = field(default_factory=set)
    projects: int = 0


def _reserved_iris(data_dir: Path) -> frozenset[str]:
    """IRIs of things in the curated data, which invented names must not take.

    data/contacts/ (personal data) is not read: nothing generated is named like a contact.
    """
    seen: set[str] = set()
    files = sorted(data_dir.rglob("*.ttl")) if data_dir.is_dir() else []
    for path in files:
        if path.relative_to(data_dir).parts[0] == "contacts":
            continue
        with path.open("rb") as fh:
            for t in ox.parse(fh, format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()):
                for term in (t.subject, t.object):
                    if isinstance(term, ox.NamedNode) and term.value.startswith(ID):
                        seen.add(term.value)
    return frozenset(seen)


def _weighted_sample(
    rng: random.Random, items: Sequence[str], weights: Sequence[float], k: int
) -> list[str]:
    """k distinct items, each drawn with its weight among those not yet drawn."""
    pool, w, out = list(items), list(weights), []
    for _ in range(min(k, len(pool))):
        i = rng.choices(range(len(pool)), weights=w)[0]
        out.append(pool.pop(i))
        w.pop(i)
    return out


class Plan:
    """Everything shared between projects: programmes, cities and the organisation pool."""

    def __init__(self, n_projects: int, rng: random.Random, reserved: frozenset[str]) -> None:
        self.rng = rng
        self.reserved = reserved
        codes = list(COUNTRY_CODES)
        self.country_weights = [COUNTRIES[c].weight for c in codes]
        self.programmes = self._programmes(max(1, round(n_projects / 12)), codes)
        self.orgs_by_country = self._organisations(round(1.6 * n_projects), codes)
        self.acronyms = self._acronyms()

    def _programmes(self, count: int, codes: list[str]) -> list[Programme]:
        rng = self.rng
        with_lang = [c for c in codes if COUNTRIES[c].lang in PROJECT_LANGS]
        programmes = []
        areas = [(a, b) for a in AREA_WORDS for b in AREA_WORDS if a != b]
        i = 0
        while len(programmes) < count:
            i += 1
            period, y0, _ = PERIODS[i % 3]
            a, b = areas[rng.randrange(len(areas))]
            area = f"{a}-{b} {i:02d}"
            slug = f"{slugify(area)}-{period}"
            iri = ID + "programme/" + slug
            if iri in self.reserved:
                continue
            first = _weighted_sample(rng, with_lang, [COUNTRIES[c].weight for c in with_lang], 1)
            rest = [c for c in codes if c != first[0]]
            more = _weighted_sample(
                rng, rest, [COUNTRIES[c].weight for c in rest], rng.randint(1, 5)
            )
            countries = first + more
            langs: list[str] = []
            for c in countries:
                lang = COUNTRIES[c].lang
                if lang in PROJECT_LANGS and lang not in langs:
                    langs.append(lang)
            labels = {"en": WORDS["programme"]["en"].format(a=area, p=period)}
            for lang in langs:
                labels[lang] = WORDS["programme"][lang].format(a=area, p=period)
            acronym = f"{a[:3].upper()}{b[:3].upper()}{i:02d}"
            prog = Programme(_n(iri), slug, acronym, period, y0, labels, countries, langs)
            topics = rng.sample(range(len(AXIS_TOPICS)), rng.randint(2, 5))
            for number, topic in enumerate(topics, start=1):
                axis_iri = _n(f"{ID}axis/{slug}--{number}")
                objectives = [
                    _n(f"{ID}objective/{slug}--{number}.{k}")
                    for k in range(1, rng.randint(1, 3) + 1)
                ]
                prog.axes.append(Axis(axis_iri, number, topic, objectives))
            prog.calls = [_n(f"{ID}call/{slug}--{k}") for k in range(1, rng.randint(2, 4) + 1)]
            programmes.append(prog)
        return programmes

    def _organisations(self, total: int, codes: list[str]) -> dict[str, list[Organisation]]:
        rng = self.rng
        weight_sum = sum(self.country_weights)
        taken: set[str] = set(self.reserved)
        by_country: dict[str, list[Organisation]] = {}
        for code, weight in zip(codes, self.country_weights, strict=True):
            info = COUNTRIES[code]
            n_orgs = max(4, round(total * weight / weight_sum))
            n_cities = max(2, -(-n_orgs // 5))
            names = _place_names(info)
            rng.shuffle(names)
            country = _n(COUNTRY + code)
            cities: list[City] = []
            k = 0
            while len(cities) < n_cities:
                local, english = names[k % len(names)]
                if k >= len(names):  # more cities than names: number the repeats
                    repeat = k // len(names) + 1
                    local, english = f"{local} {repeat}", f"{english} {repeat}"
                k += 1
                iri = f"{ID}city/{info.iso2}-{slugify(english)}"
                if iri in taken:
                    continue
                taken.add(iri)
                cities.append(City(_n(iri), local, english, info.lang, country))
            slots = [(c, kind) for c in range(n_cities) for kind in range(len(ORG_KINDS))]
            rng.shuffle(slots)
            orgs: list[Organisation] = []
            for city_index, kind in slots[:n_orgs]:
                city = cities[city_index]
                english = _org_name(ORG_KINDS[kind]["en"], city.english, "en")
                local = _org_name(ORG_KINDS[kind][info.lang], city.local, info.lang)
                slug = slugify(english)
                if ID + "organisation/" + slug in taken:
                    slug = f"{slug}-{info.iso2}"
                n = 2
                while ID + "organisation/" + slug in taken:
                    slug = f"{slugify(english)}-{info.iso2}-{n}"
                    n += 1
                taken.add(ID + "organisation/" + slug)
                postal = _fill(info.postal, rng)
                orgs.append(
                    Organisation(
                        _n(ID + "organisation/" + slug),
                        slug,
                        local,
                        english,
                        info.lang,
                        city,
                        postal,
                        country,
                    )
                )
            by_country[code] = orgs
        return by_country

    def _acronyms(self) -> list[str]:
        rng = self.rng
        out: list[str] = []
        slugs: set[str] = set()
        for head in ACRONYM_HEADS:
            for tail in ACRONYM_TAILS:
                style = rng.randrange(3)
                if style == 0:
                    acronym = head + tail
                elif style == 1:
                    acronym = f"{head}-{tail}"
                else:
                    acronym = (head + tail).upper()
                if slugify(acronym) not in slugs:
                    slugs.add(slugify(acronym))
                    out.append(acronym)
        return out

    def pick_organisation(self, country: str) -> Organisation:
        """Skewed: half the draws favour the head of the pool, so some take part very often."""
        pool = self.orgs_by_country[country]
        if self.rng.random() < 0.5:
            return pool[int(len(pool) * self.rng.random() ** 3)]
        return pool[self.rng.randrange(len(pool))]


# ---------------------------------------------------------------------------------------------
# Triples
# ---------------------------------------------------------------------------------------------


def _lit(text: str, lang: str) -> ox.Literal:
    return ox.Literal(text, language=lang)


def _date(day: dt.date) -> ox.Literal:
    return ox.Literal(day.isoformat(), datatype=DATE)


def _money_en(cents: int) -> str:
    return f"{cents // 100:,}.{cents % 100:02d}"


def _money_raw(cents: int, style: int) -> str:
    """The amount as keep.eu-like sources write it: '892,228.58', '758394.29', '2.521.964,00'."""
    euros, rest = f"{cents // 100}", f"{cents % 100:02d}"
    if style == 0:
        return f"{cents // 100:,}.{rest}"
    if style == 1:
        return f"{euros}.{rest}"
    grouped = f"{cents // 100:,}"
    if style == 2:
        return grouped.replace(",", ".") + "," + rest
    return grouped.replace(",", " ") + "," + rest + " €"


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, 28))


def _period_triples(period: str, y0: int, y1: int) -> Iterator[ox.Triple]:
    s = _n(ID + "period/" + period)
    yield ox.Triple(s, A, C.ProgrammingPeriod)
    for lang, template in PERIOD_LABELS.items():
        yield ox.Triple(s, LABEL, _lit(template.format(p=period), lang))
    yield ox.Triple(s, NOTATION, ox.Literal(period))
    yield ox.Triple(s, C.startDate, _date(dt.date(y0, 1, 1)))
    yield ox.Triple(s, C.endDate, _date(dt.date(y1, 12, 31)))


def _programme_triples(prog: Programme) -> Iterator[ox.Triple]:
    s = prog.iri
    yield ox.Triple(s, A, C.Programme)
    for lang, text in prog.labels.items():
        yield ox.Triple(s, LABEL, _lit(text, lang))
    yield ox.Triple(s, C.acronym, ox.Literal(prog.acronym))
    yield ox.Triple(s, C.programmingPeriod, _n(ID + "period/" + prog.period))
    yield ox.Triple(s, C.website, _n(f"https://www.{prog.slug}.example/"))
    for lang in ["en", *prog.langs[:1]]:
        text = WORDS["programme-description"][lang].format(p=prog.period)
        yield ox.Triple(s, DESCRIPTION, _lit(text, lang))
    local = prog.langs[0]
    for axis in prog.axes:
        topic = axis.topic
        yield ox.Triple(axis.iri, A, C.PriorityAxis)
        yield ox.Triple(axis.iri, NOTATION, ox.Literal(str(axis.number)))
        for lang in ("en", local):
            yield ox.Triple(axis.iri, LABEL, _lit(AXIS_TOPICS[topic][lang], lang))
        yield ox.Triple(axis.iri, C.inProgramme, s)
        for k, obj in enumerate(axis.objectives, start=1):
            notation = f"{axis.number}.{k}"
            yield ox.Triple(obj, A, C.SpecificObjective)
            yield ox.Triple(obj, NOTATION, ox.Literal(notation))
            for lang in ("en", local):
                text = f"{WORDS['objective'][lang]} {notation}: {AXIS_TOPICS[topic][lang]}"
                yield ox.Triple(obj, LABEL, _lit(text, lang))
            yield ox.Triple(obj, C.inProgramme, s)
            yield ox.Triple(obj, C.underPriorityAxis, axis.iri)
    for k, call in enumerate(prog.calls, start=1):
        yield ox.Triple(call, A, C.Call)
        yield ox.Triple(call, NOTATION, ox.Literal(str(k)))
        for lang in ("en", local):
            yield ox.Triple(call, LABEL, _lit(f"{WORDS['call'][lang]} {k} ({prog.acronym})", lang))
        yield ox.Triple(call, C.inProgramme, s)
        opening = dt.date(prog.start_year + 1 + 2 * (k - 1), 1 + 3 * (k % 4), 15)
        yield ox.Triple(call, C.startDate, _date(opening))


def _organisation_triples(org: Organisation) -> Iterator[ox.Triple]:
    city = org.city
    if not city.emitted:
        city.emitted = True
        yield ox.Triple(city.iri, A, C.City)
        yield ox.Triple(city.iri, LABEL, _lit(city.english, "en"))
        yield ox.Triple(city.iri, LABEL, _lit(city.local, city.lang))
        yield ox.Triple(city.iri, C.country, city.country)
    s = org.iri
    yield ox.Triple(s, A, C.Organisation)
    yield ox.Triple(s, LABEL, _lit(org.local, org.lang))
    yield ox.Triple(s, LABEL, _lit(org.english, "en"))
    yield ox.Triple(s, C.city, city.iri)
    yield ox.Triple(s, C.postalCode, ox.Literal(org.postal))
    yield ox.Triple(s, C.country, org.country)


def _project_triples(plan: Plan) -> Iterator[ox.Triple]:
    rng = plan.rng
    prog = plan.programmes[rng.randrange(len(plan.programmes))]
    prog.projects += 1
    # An acronym unique in its programme, drawn from a pool shared by all programmes.
    if len(prog.used_acronyms) < len(plan.acronyms):
        pick = rng.randrange(len(plan.acronyms))
        while pick in prog.used_acronyms:
            pick = rng.randrange(len(plan.acronyms))
        prog.used_acronyms.add(pick)
        acronym = plan.acronyms[pick]
    else:
        acronym = f"{plan.acronyms[prog.projects % len(plan.acronyms)]} {prog.projects}"
    slug = f"{prog.slug}--{slugify(acronym)}"
    s = _n(ID + "project/" + slug)

    yield ox.Triple(prog.iri, C.fundsProject, s)
    yield ox.Triple(s, A, C.Project)
    sector, action, target = (rng.randrange(len(t)) for t in (SECTORS, ACTIONS, TARGETS))
    langs = ["en", *rng.sample(prog.langs, min(len(prog.langs), rng.randint(1, 2)))]
    for lang in langs:
        title = f"{SECTORS[sector][lang]}: {ACTIONS[action][lang]} {TARGETS[target][lang]}"
        yield ox.Triple(s, LABEL, _lit(title, lang))
    yield ox.Triple(s, C.acronym, ox.Literal(acronym))
    axis = prog.axes[rng.randrange(len(prog.axes))]
    objective = rng.randrange(len(axis.objectives))
    if prog.period == "2007-2013":
        code = f"{prog.acronym[:3]}{prog.projects:03d}P{axis.number}"
    else:
        code = f"{prog.acronym}-{axis.number}-{objective + 1}-{prog.projects:04d}"
    yield ox.Triple(s, C.projectCode, ox.Literal(code))
    yield ox.Triple(s, C.programme, prog.iri)
    yield ox.Triple(s, C.priorityAxis, axis.iri)
    yield ox.Triple(s, C.specificObjective, axis.objectives[objective])
    yield ox.Triple(s, C.call, prog.calls[rng.randrange(len(prog.calls))])
    start = dt.date(prog.start_year + rng.randint(1, 4), rng.randint(1, 12), rng.choice((1, 15)))
    end = _add_months(start, rng.randint(18, 48)) - dt.timedelta(days=1)
    yield ox.Triple(s, C.startDate, _date(start))
    yield ox.Triple(s, C.endDate, _date(end))
    yield ox.Triple(s, C.website, _n(f"https://www.{prog.slug}.example/project/{slugify(acronym)}"))
    themes = [THEME_CLUSTERING] if THEME_CLUSTERING in THEMES and rng.random() < 0.6 else []
    while len(themes) < rng.randint(1, 3):
        theme = THEMES[rng.randrange(len(THEMES))]
        if theme not in themes:
            themes.append(theme)
    for theme in themes:
        yield ox.Triple(s, C.theme, _n(theme))
    other = langs[1]
    for lang in ("en", other):
        prog_name = prog.labels[lang]
        text = WORDS["project-description"][lang].format(a=acronym, p=prog_name)
        yield ox.Triple(s, DESCRIPTION, _lit(text, lang))

    # Partners: distinct organisations of the programme's countries, the first one leads.
    available = sum(len(plan.orgs_by_country[c]) for c in prog.countries)
    k = min(available, rng.choices(range(2, 13), weights=PARTNER_COUNT_WEIGHTS)[0])
    partners: list[Organisation] = []
    chosen: set[str] = set()
    while len(partners) < k:
        for _ in range(20):
            org = plan.pick_organisation(prog.countries[rng.randrange(len(prog.countries))])
            if org.slug not in chosen:
                break
        else:  # the skew keeps hitting the same few: take the first free one
            org = next(
                o for c in prog.countries for o in plan.orgs_by_country[c] if o.slug not in chosen
            )
        chosen.add(org.slug)
        partners.append(org)
    if rng.random() < 0.5:
        yield ox.Triple(s, C.statedPartnerCount, ox.Literal(str(k), datatype=NON_NEGATIVE))
    for position, org in enumerate(partners, start=1):
        if not org.emitted:
            org.emitted = True
            yield from _organisation_triples(org)
        p = _n(f"{ID}participation/{slug}--{org.slug}")
        lead = position == 1
        yield ox.Triple(s, C.hasParticipation, p)
        yield ox.Triple(p, A, C.Participation)
        suffix = " (lead partner)" if lead else ""
        yield ox.Triple(p, LABEL, _lit(f"{org.english} in {acronym}{suffix}", "en"))
        yield ox.Triple(p, C.participationIn, s)
        yield ox.Triple(p, C.participant, org.iri)
        yield ox.Triple(p, C.role, ROLE_LEAD if lead else ROLE_PARTNER)
        yield ox.Triple(p, C.partnerNumber, ox.Literal(str(position), datatype=POSITIVE))
        yield ox.Triple(org.iri, C.participates, p)

    # Money: total = ERDF (+ IPA) + national co-financing, to the cent.
    total = rng.randint(300_000, 6_000_000) * 100 + rng.choice((0, 0, rng.randrange(100)))
    low, high = ERDF_RATE[prog.period]
    erdf = total * rng.choice((low, high)) // 100
    ipa = total * rng.randint(2, 8) // 100 if rng.random() < 0.15 else 0
    erdf -= ipa
    lines = [
        ("total-budget", KIND_TOTAL, None, total, f"Total budget of {acronym}"),
        ("erdf", KIND_FUND, FUND_ERDF, erdf, f"ERDF contribution to {acronym}"),
    ]
    if ipa:
        lines.append(("ipa", KIND_FUND, FUND_IPA, ipa, f"IPA contribution to {acronym}"))
    lines.append(
        ("national-public", KIND_COFIN, FUND_NATIONAL, total - erdf - ipa,
         f"National co-financing of {acronym}")
    )  # fmt: skip
    style = rng.randrange(4)
    for line_slug, kind, fund, cents, label in lines:
        fl = _n(f"{ID}funding-line/{slug}--{line_slug}")
        amount = _n(f"{ID}amount/{slug}--{line_slug}")
        yield ox.Triple(s, C.hasFundingLine, fl)
        yield ox.Triple(fl, A, C.FundingLine)
        yield ox.Triple(fl, LABEL, _lit(label, "en"))
        yield ox.Triple(fl, C.fundedProject, s)
        yield ox.Triple(fl, C.fundingKind, kind)
        if fund is not None:
            yield ox.Triple(fl, C.fund, fund)
        yield ox.Triple(fl, C.amount, amount)
        yield ox.Triple(amount, A, C.MonetaryAmount)
        yield ox.Triple(amount, LABEL, _lit(f"EUR {_money_en(cents)}", "en"))
        yield ox.Triple(
            amount, C.value, ox.Literal(f"{cents // 100}.{cents % 100:02d}", datatype=DECIMAL)
        )
        yield ox.Triple(amount, C.currency, EUR)
        yield ox.Triple(amount, C.rawValue, ox.Literal(_money_raw(cents, style)))
        if rng.random() < 0.3:  # sources are not consistent even within one project
            style = rng.randrange(4)


def generate(n_projects: int, seed: int = 42) -> Iterator[ox.Triple]:
    """Triples of n_projects synthetic projects and everything they point to, in a fixed order.

    The same n_projects and seed always give the same triples in the same order. Nothing is
    repeated: shared nodes (periods, programmes, cities, organisations) come once, at first use.
    """
    if n_projects < 1:
        raise ValueError("n_projects must be at least 1")
    rng = random.Random(seed)
    plan = Plan(n_projects, rng, _reserved_iris(ROOT / "data"))
    graph = _n(f"{GRAPH}generated/bench-{n_projects}")
    yield ox.Triple(
        graph,
        COMMENT,
        _lit(
            f"Synthetic keep.eu-shaped data for benchmarks: {n_projects} projects, seed {seed}, "
            "made by benchmarks/generate.py. Not a claim of any source.",
            "en",
        ),
    )
    for period, y0, y1 in PERIODS:
        if ID + "period/" + period not in VOCAB_PERIODS:
            yield from _period_triples(period, y0, y1)
    for prog in plan.programmes:
        yield from _programme_triples(prog)
    for _ in range(n_projects):
        yield from _project_triples(plan)


def write(n_projects: int, out_dir: Path, seed: int = 42) -> Path:
    """Stream the data to out_dir/data/generated/bench-<N>.nt (ready to copy into a checkout)."""
    path = Path(out_dir) / "data" / "generated" / f"bench-{n_projects}.nt"
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with partial.open("wb") as fh:
        ox.serialize(generate(n_projects, seed), fh, ox.RdfFormat.N_TRIPLES)
    partial.replace(path)
    return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n_projects", type=int, help="number of projects to generate")
    parser.add_argument("--out", type=Path, default=Path("."), help="folder to write data/ into")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    path = write(args.n_projects, args.out, args.seed)
    print(f"{path} ({time.perf_counter() - started:.1f} s)", file=sys.stderr)
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
