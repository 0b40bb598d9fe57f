"""clusterkb: a linked-data knowledge base of cluster-support cooperation projects."""

__version__ = "0.1.0"
