"""The Python entry point: a built or loaded graph, as networkx and as RDF, with helpers.

>>> import kg
>>> from kg.sample import SAMPLE_DIR
>>> g = kg.build([SAMPLE_DIR], progress=False)
>>> g.find("imagenet")
'dataset/imagenet'
>>> len(g.papers_evaluated_on("ImageNet")) > 20
True
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import networkx as nx
from rdflib import Graph

from . import exports, rdf as rdf_module
from .errors import KGError
from .graph import from_rdf
from .pipeline import build_corpus
from .query import Rows, run
from .vocabulary import name_key


class KnowledgeGraph:
    """The graph twice: `nx` (networkx.MultiDiGraph) for Python, `rdf` (rdflib.Graph) for SPARQL."""

    def __init__(self, rdf: Graph):
        self.rdf = rdf
        self.nx: nx.MultiDiGraph = from_rdf(rdf)
        self._names: dict[str, str] = {}
        for node, data in sorted(self.nx.nodes(data=True)):
            for name in (data.get("label", ""), *data.get("aliases", []), node):
                self._names.setdefault(name_key(name), node)

    def find(self, name: str) -> str:
        """The node id for a label or alias, in any case or hyphenation; KGError if none."""
        node = name if name in self.nx else self._names.get(name_key(name))
        if node is None:
            raise KGError(f"no node named {name!r}")
        return node

    def _targets(self, node: str, predicates: set[str]) -> list[str]:
        return sorted({t for _, t, key in self.nx.out_edges(node, keys=True) if key in predicates})

    def _sources(self, node: str, predicates: set[str]) -> list[str]:
        return sorted({s for s, _, key in self.nx.in_edges(node, keys=True) if key in predicates})

    def papers_evaluated_on(self, dataset: str) -> list[str]:
        """Papers that evaluate on the dataset (any alias), as node ids."""
        return self._sources(self.find(dataset), {"evaluatedOn"})

    def builds_on(self, paper_or_artifact: str) -> list[str]:
        """What a paper (or an artifact, by lineage) builds on."""
        return self._targets(self.find(paper_or_artifact), {"buildsOn"})

    def repos(self, paper: str) -> list[str]:
        """GitHub repositories a paper releases code in."""
        return self._targets(self.find(paper), {"releasesCode"})

    def evidence(self, subject: str, predicate: str, obj: str) -> list[dict]:
        """Why the graph holds an edge: the sentences, extractors and confidences behind it."""
        s, o = self.find(subject), self.find(obj)
        if not self.nx.has_edge(s, o, key=predicate):
            raise KGError(f"the graph has no edge {s} {predicate} {o}")
        return list(self.nx.edges[s, o, predicate]["evidence"])

    def query(self, sparql: str, **params: str) -> Rows:
        """Run SPARQL over the graph, with variables bound from keyword arguments."""
        return run(self.rdf, sparql, params)

    def export(self, out_dir: str | Path) -> list[Path]:
        """Write every export format into `out_dir`."""
        return exports.write_all(self.rdf, self.nx, out_dir)


def build(paths: Iterable[str | Path], progress: bool = True) -> KnowledgeGraph:
    """Build the graph of the listings under `paths` (files or folders)."""
    return KnowledgeGraph(rdf_module.to_graph(build_corpus(paths, progress=progress)))


def open_graph(path: str | Path) -> KnowledgeGraph:
    """Load a graph written by `kg build`: a folder holding graph.ttl, or an RDF file."""
    path = Path(path)
    if path.is_dir():
        path = path / "graph.ttl"
    if not path.is_file():
        raise KGError(f"{path}: no graph there; build one with `kg build --out DIR`")
    graph = rdf_module.new_graph()
    try:
        graph.parse(path)
    except Exception as err:  # rdflib raises parser-specific errors
        raise KGError(f"{path}: not a readable RDF graph ({str(err).splitlines()[0]})") from None
    return KnowledgeGraph(graph)
