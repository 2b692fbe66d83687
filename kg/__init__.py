"""kg: a citation-and-code knowledge graph of ML papers.

Build a graph from paper listings, then ask it in Python or SPARQL:

>>> import kg
>>> from kg.sample import SAMPLE_DIR
>>> g = kg.build([SAMPLE_DIR], progress=False)
>>> g.nx.number_of_nodes() > 310
True
>>> g.query("SELECT ?t WHERE { ?p dcterms:title ?t } ORDER BY ?t LIMIT 1").columns
['t']
"""
from .errors import InputError, KGError
from .folder import open_graph as open
from .knowledge_graph import KnowledgeGraph, build, sample_graph

__all__ = ["KnowledgeGraph", "build", "open", "sample_graph", "InputError", "KGError"]
