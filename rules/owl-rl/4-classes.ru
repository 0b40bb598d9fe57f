# OWL 2 RL cax-sco, cax-eqc1/2: an instance of a class is an instance of each superclass and
# equivalent class. Pairs are the closure of subClassOf / equivalentClass (owl:Thing left out).
INSERT { GRAPH $INFERRED { ?x a ?super } }
WHERE {
  VALUES (?class ?super) { $CLASS_PAIRS }
  GRAPH ?g { ?x a ?class }
  FILTER NOT EXISTS { GRAPH ?h { ?x a ?super } }
}
