"""Importers: tables from other systems (keep.eu exports) turned into the ontology's terms."""
