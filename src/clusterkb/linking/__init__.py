"""Links from our things to other datasets (EU authority tables, NUTS, GeoNames, keep.eu,
Wikidata), each with a record of how it was found; one generated file per target dataset in
data/links/ (see model.py and docs/conventions.md)."""
