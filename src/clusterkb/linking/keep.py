"""keep.eu: rdfs:seeAlso from a project, partner or programme to its own page on keep.eu.

A keep.eu page address holds keep.eu's numeric id (https://keep.eu/projects/<id>/...), and the
keep.eu exports we import carry no such id; building an address from an acronym would be a
guess, and a search address (keep.eu/search/?q=...) lists results, it is not the thing's page.
So a link is made only where the data already holds a page address of the right kind (a source
that gives one as a web site or an original address, for example): it is written in its short,
canonical form https://keep.eu/<projects|partners|programmes>/<id>/. The curated seeds give
programme web sites as ckb:website already; those are not keep.eu pages and are left alone.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from ..namespaces import CKB
from ..store import EmbeddedStore
from .model import DERIVED_FROM_CODE, SEE_ALSO, Link, LinkReport, LinkSet

DATASET = "keep-eu"
PAGE = re.compile(r"^https?://(?:www\.)?keep\.eu/(projects|partners|programmes)/(\d+)(?:[/?#].*)?$")
KINDS = {
    CKB + "Project": "projects",
    CKB + "Organisation": "partners",
    CKB + "Programme": "programmes",
}
_CANDIDATES = """
PREFIX ckb: <https://w3id.org/clusterkb/ontology#>
SELECT ?thing ?type ?page WHERE {
  VALUES ?type { ckb:Project ckb:Organisation ckb:Programme }
  ?thing a ?type .
  OPTIONAL {
    ?thing ?p ?page .
    FILTER(isIRI(?page) && REGEX(STR(?page), "^https?://(www\\\\.)?keep\\\\.eu/"))
  }
}
"""


def page_of(address: str, kind: str) -> str | None:
    """The canonical keep.eu page of a thing of this kind, or None for any other address."""
    found = PAGE.match(address)
    if found is None or found.group(1) != kind:
        return None
    return f"https://keep.eu/{kind}/{found.group(2)}/"


def link(store: EmbeddedStore, graphs: Sequence[str]) -> tuple[LinkSet, LinkReport]:
    report = LinkReport(DATASET)
    things: Counter[str] = Counter()
    seen: set[tuple[str, str]] = set()
    links: set[Link] = set()
    for row in store.select(_CANDIDATES, graphs=graphs).rows:
        thing, kind = row["thing"].value, KINDS[row["type"].value]
        if (thing, kind) not in seen:
            seen.add((thing, kind))
            things[kind] += 1
        if "page" not in row:
            continue
        page = page_of(row["page"].value, kind)
        if page is None:
            report.unlinked.append(f"{thing}: {row['page'].value} is not its keep.eu page")
        else:
            links.add(Link(thing, SEE_ALSO, page, DERIVED_FROM_CODE))
    for kind, n in sorted(things.items()):
        report.considered[kind] = n
    # things with at least one page, per kind (https://keep.eu/<kind>/<id>/)
    linked = Counter(kind for _, kind in {(lk.subject, lk.target.split("/")[3]) for lk in links})
    for kind, n in sorted(things.items()):
        missing = n - linked[kind]
        if missing:
            report.unlinked.append(f"{missing} {kind}: no keep.eu page address in the data")
    report.links = len(links)
    link_set = LinkSet(
        dataset=DATASET,
        command="clusterkb link keep",
        comment="Links of projects, partners and programmes to their own pages on keep.eu "
        "(Interact), only where the data holds the page's address; keep.eu exports carry no "
        "page id, so none is guessed.",
        links=list(links),
        notes=[
            "rdfs:seeAlso to a thing's own keep.eu page, only where the data holds its address",
            "(keep.eu exports carry no page id; search addresses are not pages of a project).",
        ],
    )
    return link_set, report
