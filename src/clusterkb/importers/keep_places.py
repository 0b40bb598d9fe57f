"""Where keep.eu partners are: NUTS 1-3 regions nested by ckb:locatedIn, and towns as cities.

Places the reference data already describes (`known`) are only pointed at: the export would
otherwise give them a second English name beside the curated one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container

import pycountry
import pyoxigraph as ox

from ..namespaces import CKB, COUNTRY, XSD
from .keep_table import Row
from .values import parse_nuts

NUTS_COLUMNS = ("NUTS1 (or equivalent)", "NUTS2 (or equivalent)", "NUTS3 (or equivalent)")
Add = Callable[[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal], None]


def clean_town(town: object, country: str | None) -> str | None:
    """'Deggendorf/Germany' -> 'Deggendorf' (the projects sheet appends the country)."""
    if town is None or not str(town).strip():
        return None
    text = re.sub(r"\s+", " ", str(town)).strip()
    head, _, tail = text.rpartition("/")
    if head and country:
        try:
            if pycountry.countries.lookup(tail.strip()).alpha_3 == country:
                return head.strip()
        except LookupError:
            pass
    return text


class Places:
    """Mints region and city nodes once per graph."""

    def __init__(self, known: Container[str], slug: Callable[[str], str]) -> None:
        self.known = known
        self.slug = slug
        self.labelled: set[tuple[str, str]] = set()
        self.names: dict[str, str] = {}

    def _label(self, graph: str, node: ox.NamedNode, name: str, add: Add) -> None:
        # keep.eu writes the place's own (national) name; it also serves as the English label.
        # The first spelling met is the label in every graph, others are alternative labels.
        canonical = self.names.setdefault(node.value, name)
        if (graph, node.value) not in self.labelled:
            self.labelled.add((graph, node.value))
            add(node, _LABEL, ox.Literal(canonical, language="en"))
        if name != canonical:
            add(node, _ALT, ox.Literal(name, language="en"))

    def region(self, graph: str, row: Row, country: str | None, add: Add) -> ox.NamedNode | None:
        """The finest NUTS region of a partner row, its coarser ones above it."""
        parent: ox.NamedNode | None = None
        for column in NUTS_COLUMNS:
            nuts = parse_nuts(row.get(column))
            if nuts is None or nuts.level < 1:
                continue
            region = ox.NamedNode(f"https://w3id.org/clusterkb/id/region/{nuts.code.lower()}")
            if region.value in self.known:
                parent = region
                continue
            add(region, _TYPE, ox.NamedNode(CKB + "Region"))
            self._label(graph, region, nuts.name or nuts.code, add)
            add(region, ox.NamedNode(CKB + "nutsCode"), ox.Literal(nuts.code))
            add(
                region,
                ox.NamedNode(CKB + "nutsLevel"),
                ox.Literal(str(nuts.level), datatype=ox.NamedNode(XSD + "integer")),
            )
            if country:
                add(region, ox.NamedNode(CKB + "country"), ox.NamedNode(COUNTRY + country))
            if parent is not None:
                add(region, ox.NamedNode(CKB + "locatedIn"), parent)
            parent = region
        return parent

    def city(
        self,
        graph: str,
        town: str | None,
        country: str | None,
        region: ox.NamedNode | None,
        add: Add,
    ) -> ox.NamedNode | None:
        """id/city/<iso2>-<name>; a town without a country cannot be told apart, so none."""
        if not town or not country:
            return None
        found = pycountry.countries.get(alpha_3=country)
        if found is None:
            return None
        city = ox.NamedNode(
            f"https://w3id.org/clusterkb/id/city/{found.alpha_2.lower()}-{self.slug(town)}"
        )
        if city.value in self.known:
            return city
        if (graph, city.value) not in self.labelled:
            add(city, _TYPE, ox.NamedNode(CKB + "City"))
            add(city, ox.NamedNode(CKB + "country"), ox.NamedNode(COUNTRY + country))
            self._label(graph, city, town, add)
            if region is not None:
                add(city, ox.NamedNode(CKB + "region"), region)
        return city


_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
_ALT = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
