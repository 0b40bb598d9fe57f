"""NUTS: every region with a ckb:nutsCode -> skos:exactMatch http://data.europa.eu/nuts/code/<CODE>.

The link follows from the code (method derived-from-code). NUTS codes change between versions,
so each record says in dcterms:source which version the code is known to be valid in: the
curated regions of data/vocab/places.ttl are checked against NUTS 2016 and NUTS 2021 (records say
"NUTS 2021"); codes imported from keep.eu or stated by a source come without a version, and the
record says so rather than claiming one. A code that is not of the NUTS form, or whose length
disagrees with the region's ckb:nutsLevel, is reported and not linked.

The hierarchy needs no links: NUTS codes nest by prefix (DE2 > DE21 > DE212), and regions that
are not NUTS units reach one through ckb:locatedIn (transitive), so queries/organisations/
partners-by-nuts.rq finds everything in a region at any level with one query.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from ..namespaces import GRAPH
from ..store import EmbeddedStore
from .model import DERIVED_FROM_CODE, EXACT_MATCH, NUTS_CODE, Link, LinkReport, LinkSet

DATASET = "nuts"
CURATED = "NUTS 2021"
UNVERSIONED = "NUTS code as {who} gives it; NUTS version not stated"
_CODE = re.compile(r"^[A-Z]{2}[0-9A-Z]{0,3}$")
_REGIONS = """
PREFIX ckb: <https://w3id.org/clusterkb/ontology#>
SELECT ?region ?code ?level ?g WHERE {
  GRAPH ?g { ?region ckb:nutsCode ?code }
  ?region a ckb:Region .
  OPTIONAL { ?region ckb:nutsLevel ?level }
}
"""


def _who(graph: str) -> str:
    rel = graph.removeprefix(GRAPH)
    if rel.startswith("imported/"):
        return "the keep.eu export"
    return f"graph {rel}"


def link(store: EmbeddedStore, graphs: Sequence[str]) -> tuple[LinkSet, LinkReport]:
    report = LinkReport(DATASET)
    codes: dict[str, set[str]] = defaultdict(set)
    levels: dict[str, set[int]] = defaultdict(set)
    stated_in: dict[str, set[str]] = defaultdict(set)
    for row in store.select(_REGIONS, graphs=graphs).rows:
        region = row["region"].value
        codes[region].add(row["code"].value)
        stated_in[region].add(row["g"].value)
        if "level" in row:
            levels[region].add(int(row["level"].value))
    report.considered["regions with a NUTS code"] = len(codes)
    links = []
    for region in sorted(codes):
        if len(codes[region]) != 1:
            report.unlinked.append(f"{region}: several NUTS codes {sorted(codes[region])}")
            continue
        code = next(iter(codes[region]))
        if not _CODE.match(code):
            report.unlinked.append(f"{region}: {code!r} is not a NUTS code")
            continue
        if levels[region] and levels[region] != {len(code) - 2}:
            report.unlinked.append(
                f"{region}: NUTS code {code} is of level {len(code) - 2}, "
                f"the region says {sorted(levels[region])}"
            )
            continue
        curated = any(g == GRAPH + "vocab/places" for g in stated_in[region])
        source = CURATED if curated else UNVERSIONED.format(who=_who(min(stated_in[region])))
        links.append(Link(region, EXACT_MATCH, NUTS_CODE + code, DERIVED_FROM_CODE, None, source))
    report.links = len(links)
    link_set = LinkSet(
        dataset=DATASET,
        command="clusterkb link nuts",
        comment="Links of regions to the NUTS classification (Eurostat), derived from their NUTS "
        "codes; each record names the NUTS version the code is known to be valid in.",
        links=links,
        notes=[
            "Each region with a ckb:nutsCode -> skos:exactMatch <http://data.europa.eu/nuts/code/"
            "CODE>;",
            'dcterms:source "NUTS 2021" for the curated codes of data/vocab/places.ttl (valid in '
            "NUTS 2016 and 2021),",
            "else the version is not stated by whoever gave the code.",
        ],
    )
    return link_set, report
