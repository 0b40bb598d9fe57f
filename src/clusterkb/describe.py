"""Describe one thing: its statements and the statements that point at it, labelled in the
user's languages, each with the graph (source) it comes from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from .errors import InputError
from .labels import pick
from .namespaces import ID, INFERRED_PREFIX, PREFIXES, RDFS, SKOS, shorten
from .queries import query_graphs
from .store import EmbeddedStore, Term

_FIND = """
SELECT DISTINCT ?s WHERE {
  ?s ?p ?o .
  FILTER(isIRI(?s) && STRSTARTS(STR(?s), ?base) && STRENDS(STR(?s), ?tail))
} LIMIT 10
"""


@dataclass
class Statement:
    predicate: str
    predicate_label: str
    value: Term
    value_label: str
    graph: str


@dataclass
class Description:
    iri: str
    label: str
    outgoing: list[Statement] = field(default_factory=list)
    incoming: list[Statement] = field(default_factory=list)

    @property
    def sources(self) -> list[str]:
        return sorted({s.graph for s in self.outgoing})


def resolve(store: EmbeddedStore, ref: str, graphs: Sequence[str]) -> str:
    """Accept a full IRI, a prefixed name, 'type/slug' or a bare slug."""
    prefix, _, local = ref.partition(":")
    if prefix in PREFIXES and local and not local.startswith("//"):
        return PREFIXES[prefix] + local
    if "://" in ref:
        return ref
    tail = "/" + ref.strip("/")
    rows = store.select(
        _FIND, bindings={"base": ox.Literal(ID), "tail": ox.Literal(tail)}, graphs=graphs
    ).rows
    found = sorted(r["s"].value for r in rows)
    if len(found) == 1:
        return found[0]
    if not found:
        raise InputError(
            f"nothing is called {ref!r}",
            fix="give a full IRI, or a slug such as project/"
            "alpine-space-2014-2020--s3-4alpclusters; 'clusterkb query search "
            "--param text=...' finds things by name",
        )
    raise InputError(
        f"{ref!r} is ambiguous: " + ", ".join(found), fix="give the full IRI or a longer slug"
    )


def describe(
    store: EmbeddedStore,
    ref: str,
    langs: Sequence[str],
    include_contacts: bool = False,
    inferred: bool = False,
) -> Description:
    """Statements about a thing with their graphs. A text given in several languages shows
    once, in the best language (per graph, so two sources that disagree both show); derived
    statements (inference, search keys) only when asked."""
    every = query_graphs(store, include_contacts)
    graphs = every if inferred else [g for g in every if not g.startswith(INFERRED_PREFIX)]
    iri = resolve(store, ref, graphs)
    node = ox.NamedNode(iri)
    labels: dict[str, str] = {}

    def label(term: Term) -> str:
        if isinstance(term, ox.Literal):
            return term.value + (f" @{term.language}" if term.language else "")
        if not isinstance(term, ox.NamedNode):
            return str(term)
        if term.value not in labels:
            lits = [
                o
                for p in (RDFS + "label", SKOS + "prefLabel")
                for o in store.objects(term.value, p, graphs)
            ]
            chosen = pick([x for x in lits if isinstance(x, ox.Literal)], langs)
            labels[term.value] = chosen.value if chosen else shorten(term.value)
        return labels[term.value]

    desc = Description(iri, label(node))
    for q in store.match(node, None, None, graphs):
        desc.outgoing.append(
            Statement(
                q.predicate.value, label(q.predicate), q.object, label(q.object), q.graph_name.value
            )
        )
    for q in store.match(None, None, node, graphs):
        desc.incoming.append(
            Statement(
                q.predicate.value,
                label(q.predicate),
                q.subject,
                label(q.subject),
                q.graph_name.value,
            )
        )
    desc.outgoing = _best_texts(desc.outgoing, langs)
    if not desc.outgoing and not desc.incoming:
        raise InputError(
            f"{iri} is not in the knowledge base",
            fix="check the spelling, or build first with 'clusterkb build'",
        )
    desc.outgoing.sort(key=lambda s: (s.predicate_label, s.value_label))
    desc.incoming.sort(key=lambda s: (s.predicate_label, s.value_label))
    return desc


def _best_texts(statements: list[Statement], langs: Sequence[str]) -> list[Statement]:
    texts: dict[tuple[str, str], list[Statement]] = {}
    out = []
    for st in statements:
        if isinstance(st.value, ox.Literal) and st.value.language:
            texts.setdefault((st.predicate, st.graph), []).append(st)
        else:
            out.append(st)
    for group in texts.values():
        best = pick([st.value for st in group if isinstance(st.value, ox.Literal)], langs)
        out.extend(st for st in group if st.value == best)
    return out


def render_text(desc: Description, width: int = 160) -> str:
    lines = [desc.label, desc.iri, ""]
    for s in desc.outgoing:
        value = s.value_label if len(s.value_label) <= width else s.value_label[:width] + "…"
        lines.append(f"  {s.predicate_label}: {value}    [{shorten(s.graph)}]")
    if desc.incoming:
        lines.append("")
        lines.append("  referred to by:")
        for s in desc.incoming:
            lines.append(f"    {s.value_label} —{s.predicate_label}→    [{shorten(s.graph)}]")
    return "\n".join(lines) + "\n"
