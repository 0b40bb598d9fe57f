"""EU Publications Office authority tables: countries, languages and currencies.

The data already names countries (country:GRC), the languages of sources (language:ELL) and the
currency (currency:EUR) by their authority IRIs, so a sameAs link would point at itself: none is
written. What is missing is the way from a code to the entry. Each language tag on the data's
literals (@el, @de-AT) is mapped, by its primary subtag and ISO 639 via pycountry, to the
authority entry whose skos:notation it is (language:ELL skos:notation "el"); each currency the
data uses gets its ISO 4217 code the same way. Countries carry their ISO codes already
(data/vocab/countries.ttl). A code pycountry does not know is reported, never guessed.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.metadata import version

import pycountry
import pyoxigraph as ox

from ..namespaces import COUNTRY, CURRENCY, LANGUAGE, SKOS
from ..store import EmbeddedStore
from .model import LinkReport, LinkSet

DATASET = "eu-authorities"
NOTATION = ox.NamedNode(SKOS + "notation")

_TAGS = """
SELECT DISTINCT ?tag WHERE {
  ?s ?p ?o .
  FILTER(isLiteral(?o) && LANG(?o) != "")
  BIND(LCASE(LANG(?o)) AS ?tag)
}
"""
_USED = """
PREFIX ckb: <https://w3id.org/clusterkb/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT DISTINCT ?kind ?entry WHERE {
  { ?x ckb:country ?entry . BIND("country" AS ?kind) }
  UNION { ?entry a ckb:Country . BIND("country" AS ?kind) }
  UNION { ?x dcterms:language ?entry . BIND("language" AS ?kind) }
  UNION { ?entry a dcterms:LinguisticSystem . BIND("language" AS ?kind) }
  UNION { ?x ckb:currency ?entry . BIND("currency" AS ?kind) }
}
"""
_BASES = {"country": COUNTRY, "language": LANGUAGE, "currency": CURRENCY}


def authority_language(tag: str) -> str | None:
    """The EU authority language code (ISO 639-2/T, upper case) of a BCP 47 tag's primary
    subtag: "el" and "el-CY" -> "ELL"; None when ISO 639 has no such code."""
    primary = tag.split("-", 1)[0].lower()
    if len(primary) == 2:
        found = pycountry.languages.get(alpha_2=primary)
    elif len(primary) == 3:
        found = pycountry.languages.get(alpha_3=primary)
    else:
        found = None
    return found.alpha_3.upper() if found is not None else None


def _known(kind: str, code: str) -> bool:
    if kind == "country":
        return pycountry.countries.get(alpha_3=code) is not None
    if kind == "language":
        return pycountry.languages.get(alpha_3=code.lower()) is not None
    return pycountry.currencies.get(alpha_3=code) is not None


def link(store: EmbeddedStore, graphs: Sequence[str]) -> tuple[LinkSet, LinkReport]:
    """Notations of the authority entries for the data's language tags and currencies."""
    report = LinkReport(DATASET)
    facts: set[ox.Triple] = set()
    tags = sorted({row["tag"].value for row in store.select(_TAGS, graphs=graphs).rows})
    primaries = sorted({t.split("-", 1)[0] for t in tags})
    report.considered["language tags"] = len(tags)
    for primary in primaries:
        code = authority_language(primary)
        if code is None:
            report.unlinked.append(f"@{primary}: not an ISO 639 language code")
            continue
        facts.add(ox.Triple(ox.NamedNode(LANGUAGE + code), NOTATION, ox.Literal(primary)))
    used: dict[str, set[str]] = {kind: set() for kind in _BASES}
    for row in store.select(_USED, graphs=graphs).rows:
        used[row["kind"].value].add(row["entry"].value)
    for kind, base in _BASES.items():
        report.considered[f"{kind} entries"] = len(used[kind])
        for iri in sorted(used[kind]):
            code = iri.removeprefix(base)
            if not iri.startswith(base) or not _known(kind, code):
                report.unlinked.append(f"{iri}: not an EU authority {kind} with an ISO code")
            elif kind == "currency":
                facts.add(ox.Triple(ox.NamedNode(iri), NOTATION, ox.Literal(code)))
    report.facts = len(facts)
    links = LinkSet(
        dataset=DATASET,
        command="clusterkb link authorities",
        comment="The EU Publications Office authority entries of the language tags and "
        "currencies the data uses, with their ISO codes as skos:notation, derived from ISO 639 "
        f"and ISO 4217 via pycountry {version('pycountry')}. Countries, languages of sources "
        "and currencies are named by their authority IRIs in the data already, so no "
        "owl:sameAs is needed.",
        facts=sorted(facts, key=str),
        notes=[
            f"From ISO 639 and ISO 4217 via pycountry {version('pycountry')}: the authority "
            "entry of every language tag",
            "(by its primary subtag) and currency in the data, as skos:notation; no links.",
        ],
    )
    return links, report
