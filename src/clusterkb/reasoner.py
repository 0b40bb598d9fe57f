"""A forward chainer for the OWL 2 RL rules our ontology needs, over the store's indexes.

The rules in rules/owl-rl/*.rq say the same in SPARQL (and are what a remote store runs);
evaluated as queries to a fixpoint they cost minutes at keep.eu scale, because each round
re-joins every triple. Here the schema (small) is closed once, and each triple is pushed once
through the rules (semi-naive), so the cost is linear in the triples derived.
Rules: cax-sco, cax-eqc, prp-spo1, prp-eqp, prp-inv1/2, prp-symp, prp-trp, prp-dom, prp-rng.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from .namespaces import OWL, RDF, RDFS
from .store import EmbeddedStore

TYPE = ox.NamedNode(RDF + "type")
THING = ox.NamedNode(OWL + "Thing")
Node = ox.NamedNode | ox.BlankNode
Triple = tuple[Node, ox.NamedNode, Node | ox.Literal]


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

    def predicates(self) -> set[ox.NamedNode]:
        """Predicates whose triples can entail anything (rdf:type handled per class)."""
        return (
            set(self.superproperties)
            | set(self.inverses)
            | set(self.domains)
            | set(self.ranges)
            | self.symmetric
            | self.transitive
        )


def closure(store: EmbeddedStore, graphs: Sequence[str]) -> list[ox.Triple]:
    """Every OWL 2 RL consequence (of the supported rules) not already stated in `graphs`."""
    schema = Schema.read(store, graphs)
    stated: set[Triple] = set()
    agenda: list[Triple] = []
    for q in _interesting(store, schema, graphs):
        t = (q.subject, q.predicate, q.object)
        stated.add(t)
        agenda.append(t)
    derived: set[Triple] = set()
    # transitive properties need a join: successors and predecessors, stated and derived
    succ: dict[ox.NamedNode, dict[Node, set]] = {p: defaultdict(set) for p in schema.transitive}
    pred: dict[ox.NamedNode, dict[Node, set]] = {p: defaultdict(set) for p in schema.transitive}
    for s, p, o in stated:
        if p in schema.transitive:
            succ[p][s].add(o)
            pred[p][o].add(s)

    def emit(t: Triple) -> None:
        if t not in stated and t not in derived and not store.has_public(*t):
            derived.add(t)
            agenda.append(t)
            if t[1] in schema.transitive:
                succ[t[1]][t[0]].add(t[2])
                pred[t[1]][t[2]].add(t[0])

    while agenda:
        s, p, o = agenda.pop()
        is_node = not isinstance(o, ox.Literal)
        if p == TYPE:
            for c in schema.superclasses.get(o, ()):  # type: ignore[arg-type]
                emit((s, TYPE, c))
            continue
        for q in schema.superproperties.get(p, ()):
            emit((s, q, o))
        for c in schema.domains.get(p, ()):
            emit((s, TYPE, c))
        if not is_node:
            continue
        for c in schema.ranges.get(p, ()):
            emit((o, TYPE, c))  # type: ignore[arg-type]
        for q in schema.inverses.get(p, ()):
            emit((o, q, s))  # type: ignore[arg-type]
        if p in schema.symmetric:
            emit((o, p, s))  # type: ignore[arg-type]
        if p in schema.transitive:
            for z in list(succ[p].get(o, ())):  # type: ignore[arg-type]
                emit((s, p, z))
            for x in list(pred[p].get(s, ())):
                emit((x, p, o))
    return [ox.Triple(s, p, o) for s, p, o in derived]


def _interesting(store: EmbeddedStore, schema: Schema, graphs: Sequence[str]) -> Iterable[ox.Quad]:
    for predicate in schema.predicates():
        yield from store.match(None, predicate, None, graphs)
    for cls in schema.superclasses:
        if schema.superclasses[cls]:
            yield from store.match(None, TYPE, cls, graphs)
