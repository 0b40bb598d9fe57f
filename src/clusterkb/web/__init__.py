"""The HTTP interface: the SPARQL protocols, linked-data documents and the web pages."""
