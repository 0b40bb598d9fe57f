# OWL 2 RL prp-dom, prp-rng: the subject (or, for a range, the non-literal object) of a property
# is an instance of the class. Pairs from the ontology's rdfs:domain / rdfs:range axioms.
# Candidates are made distinct before the existence check: a node has many triples per property.
INSERT { GRAPH $INFERRED { ?n a ?c } }
WHERE {
  {
    SELECT DISTINCT ?n ?c WHERE {
      VALUES (?p ?c ?isRange) { $DOMAIN_RANGE }
      GRAPH ?g { ?x ?p ?y }
      BIND(IF(?isRange, ?y, ?x) AS ?n)
      FILTER(!isLiteral(?n))
    }
  }
  FILTER NOT EXISTS { GRAPH ?h { ?n a ?c } }
}
