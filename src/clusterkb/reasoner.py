"""OWL 2 RL inference as SPARQL updates, specialised to our ontology's closed schema.

The schema (small) is closed once in Python: for each class its superclasses, for each property
the properties it entails (the same way or inverted). The rule templates in rules/owl-rl/*.ru
receive these pairs as VALUES and run inside the store, so no triple passes through Python and
a remote SPARQL store can run the very same updates. Order: properties and transitive chains
until nothing is new, then domains and ranges, then classes (nothing after entails more).
Rules covered: prp-spo1, prp-eqp, prp-inv1/2, prp-symp, prp-trp, prp-dom, prp-rng, cax-sco, cax-eqc.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .namespaces import OWL, RDF, RDFS
from .store import EmbeddedStore

TYPE = ox.NamedNode(RDF + "type")
THING = ox.NamedNode(OWL + "Thing")


def _closure(edges: dict[ox.NamedNode, set[ox.NamedNode]]) -> dict[ox.NamedNode, set[ox.NamedNode]]:
    out: dict[ox.NamedNode, set[ox.NamedNode]] = {}
    for start in edges:
        seen: set[ox.NamedNode] = set()
        stack = list(edges[start])
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(edges.get(node, ()))
        seen.discard(start)
        out[start] = seen
    return out


@dataclass
class Schema:
    """The ontology's axioms, closed: what each class, property and triple entails."""

    superclasses: dict[ox.NamedNode, set[ox.NamedNode]] = field(default_factory=dict)
    superproperties: dict[ox.NamedNode, set[ox.NamedNode]] = field(default_factory=dict)
    inverses: dict[ox.NamedNode, set[ox.NamedNode]] = field(default_factory=dict)
    domains: dict[ox.NamedNode, set[ox.NamedNode]] = field(default_factory=dict)
    ranges: dict[ox.NamedNode, set[ox.NamedNode]] = field(default_factory=dict)
    symmetric: set[ox.NamedNode] = field(default_factory=set)
    transitive: set[ox.NamedNode] = field(default_factory=set)

    @classmethod
    def read(cls, store: EmbeddedStore, graphs: Sequence[str]) -> Schema:
        def pairs(predicate: str) -> Iterator[tuple[ox.NamedNode, ox.NamedNode]]:
            for q in store.match(None, ox.NamedNode(predicate), None, graphs):
                if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode):
                    yield q.subject, q.object

        def both_ways(*predicates: str) -> dict[ox.NamedNode, set[ox.NamedNode]]:
            edges: dict[ox.NamedNode, set[ox.NamedNode]] = defaultdict(set)
            for predicate in predicates:
                for a, b in pairs(predicate):
                    edges[a].add(b)
                    if predicate.startswith(OWL):  # equivalence holds both ways
                        edges[b].add(a)
            return edges

        s = cls()
        s.superclasses = {
            c: {d for d in sups if d != THING}
            for c, sups in _closure(both_ways(RDFS + "subClassOf", OWL + "equivalentClass")).items()
        }
        s.superproperties = _closure(both_ways(RDFS + "subPropertyOf", OWL + "equivalentProperty"))
        for a, b in pairs(OWL + "inverseOf"):
            s.inverses.setdefault(a, set()).add(b)
            s.inverses.setdefault(b, set()).add(a)
        for p, c in pairs(RDFS + "domain"):
            if c != THING:
                s.domains.setdefault(p, set()).add(c)
        for p, c in pairs(RDFS + "range"):
            if c != THING:
                s.ranges.setdefault(p, set()).add(c)
        for q in store.match(None, TYPE, ox.NamedNode(OWL + "SymmetricProperty"), graphs):
            if isinstance(q.subject, ox.NamedNode):
                s.symmetric.add(q.subject)
        for q in store.match(None, TYPE, ox.NamedNode(OWL + "TransitiveProperty"), graphs):
            if isinstance(q.subject, ox.NamedNode):
                s.transitive.add(q.subject)
        return s

    def property_pairs(self) -> list[tuple[ox.NamedNode, ox.NamedNode, bool]]:
        """(p, q, inverted): a triple with p entails one with q, reversed when inverted."""
        edges: dict[ox.NamedNode, set[tuple[ox.NamedNode, bool]]] = defaultdict(set)
        for p, sups in self.superproperties.items():
            edges[p].update((q, False) for q in sups)
        for p, invs in self.inverses.items():
            edges[p].update((q, True) for q in invs)
        for p in self.symmetric:
            edges[p].add((p, True))
        pairs = set()
        for start in list(edges):
            seen: set[tuple[ox.NamedNode, bool]] = set()
            stack = list(edges[start])
            while stack:
                q, flip = stack.pop()
                if (q, flip) in seen:
                    continue
                seen.add((q, flip))
                stack.extend((r, flip != f) for r, f in edges.get(q, ()))
            pairs.update((start, q, flip) for q, flip in seen if (q, flip) != (start, False))
        return sorted(pairs, key=lambda t: (t[0].value, t[1].value, t[2]))

    def class_pairs(self) -> list[tuple[ox.NamedNode, ox.NamedNode]]:
        pairs = ((c, d) for c, sups in self.superclasses.items() for d in sups)
        return sorted(pairs, key=lambda t: (t[0].value, t[1].value))

    def domain_range(self) -> list[tuple[ox.NamedNode, ox.NamedNode, bool]]:
        rows = [(p, c, False) for p, cs in self.domains.items() for c in cs]
        rows += [(p, c, True) for p, cs in self.ranges.items() for c in cs]
        return sorted(rows, key=lambda t: (t[0].value, t[1].value, t[2]))


_TRUE = ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))
_FALSE = ox.Literal("false", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))


def _rows(rows: Sequence[Sequence[ox.NamedNode | bool]]) -> str:
    def term(x: ox.NamedNode | bool) -> str:
        return str(_TRUE if x is True else _FALSE if x is False else x)

    return " ".join("(" + " ".join(term(x) for x in row) + ")" for row in rows) or "(UNDEF)"


def rule_updates(
    schema: Schema,
    rules_dir: Path,
    inferred: str,
    property_pairs: Sequence[tuple[ox.NamedNode, ox.NamedNode, bool]] | None = None,
) -> dict[str, str]:
    """The rule templates with the closed schema filled in (terms in N-Triples syntax)."""
    pairs = schema.property_pairs() if property_pairs is None else property_pairs
    fill = {
        "$INFERRED": f"<{inferred}>",
        "$PROPERTY_PAIRS": _rows(pairs),
        "$TRANSITIVE": " ".join(str(p) for p in sorted(schema.transitive, key=str)) or "UNDEF",
        "$DOMAIN_RANGE": _rows(schema.domain_range()),
        "$CLASS_PAIRS": _rows(schema.class_pairs()),
    }
    out = {}
    for path in sorted(rules_dir.glob("*.ru")):
        text = path.read_text(encoding="utf-8")
        for key, value in fill.items():
            text = text.replace(key, value)
        out[path.stem] = text
    return out


def materialise(
    store: EmbeddedStore, rules_dir: Path, graphs: Sequence[str], inferred: str
) -> dict[str, int]:
    """Run the rules to a fixpoint in the store; returns triples added per rule.

    After the first pass over all properties, only transitive chains can add property triples,
    so later passes consider only the properties those chains produce (semi-naive).
    """
    schema = Schema.read(store, graphs)
    updates = rule_updates(schema, rules_dir, inferred)
    added: dict[str, int] = defaultdict(int)

    def run(name: str, text: str) -> int:
        before = store.size(inferred)
        store.update(text)
        grown = store.size(inferred) - before
        added[name] += grown
        return grown

    run("1-properties", updates["1-properties"])
    follow_up = [t for t in schema.property_pairs() if t[0] in schema.transitive]
    again = rule_updates(schema, rules_dir, inferred, follow_up)["1-properties"]
    while schema.transitive and run("2-transitive", updates["2-transitive"]):
        run("1-properties", again)
    for name in ("3-domain-range", "4-classes"):
        run(name, updates[name])
    return dict(added)
