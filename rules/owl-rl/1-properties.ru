# OWL 2 RL prp-spo1, prp-eqp1/2, prp-inv1/2, prp-symp in one step: ?p entails ?q, the other way
# round when ?inverse. The pairs ($PROPERTY_PAIRS) are the closure of the ontology's
# subPropertyOf / equivalentProperty / inverseOf / SymmetricProperty axioms, computed beforehand.
INSERT { GRAPH $INFERRED { ?s ?q ?o } }
WHERE {
  VALUES (?p ?q ?inverse) { $PROPERTY_PAIRS }
  GRAPH ?g { ?x ?p ?y }
  FILTER(!?inverse || !isLiteral(?y))
  BIND(IF(?inverse, ?y, ?x) AS ?s)
  BIND(IF(?inverse, ?x, ?y) AS ?o)
  FILTER NOT EXISTS { GRAPH ?h { ?s ?q ?o } }
}
