# OWL 2 RL prp-trp: one chaining step of each transitive property; repeated until nothing is new.
INSERT { GRAPH $INFERRED { ?x ?p ?z } }
WHERE {
  VALUES ?p { $TRANSITIVE }
  GRAPH ?g1 { ?x ?p ?y }
  GRAPH ?g2 { ?y ?p ?z }
  FILTER NOT EXISTS { GRAPH ?h { ?x ?p ?z } }
}
