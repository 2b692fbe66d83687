"""The Python entry point: a built or loaded graph, as networkx and as RDF, with helpers.

`kg.open(path)` (or `kg.build(paths)`) gives a KnowledgeGraph: `.nx` is a
networkx.MultiDiGraph for Python, `.rdf` an rdflib Graph for SPARQL, and `.store` an
optional on-disk Oxigraph store that `.query` uses instead of rdflib when given. Every
helper accepts a node id or any name of the node (label or alias, any case):

>>> import kg
>>> g = kg.sample_graph()
>>> g.find("vit") == g.find("Vision Transformer") == g.find("ViT") == "architecture/vit"
True
>>> g.find("ImagNet")  # doctest: +ELLIPSIS
Traceback (most recent call last):
kg.errors.KGError: no node named 'ImagNet'; did you mean 'ImageNet' (dataset/imagenet), ...?
"""
from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import networkx as nx
import pyoxigraph
from rapidfuzz import fuzz, process, utils
from rdflib import Graph

from . import atomic, exports, rdf as rdf_module
from .errors import KGError
from .graph import from_rdf
from .pipeline import build_corpus
from .query import Rows, run
from .sample import SAMPLE_DIR
from .store import graph_file, load_store, open_store
from .vocabulary import name_key

LINEAGE = {"buildsOn", "variantOf"}
SUGGESTIONS = 3


class Lineage(NamedTuple):
    """An artifact's family tree: what it descends from and what descends from it (ids)."""

    ancestors: list[str]
    descendants: list[str]


class KnowledgeGraph:
    """The graph twice: `nx` (networkx.MultiDiGraph) for Python, `rdf` (rdflib.Graph) for SPARQL,
    and optionally `store` (a pyoxigraph.Store holding the same triples) to answer SPARQL faster."""

    def __init__(self, rdf: Graph, store: pyoxigraph.Store | None = None):
        self.rdf = rdf
        self.store = store
        self.nx: nx.MultiDiGraph = from_rdf(rdf)
        self._names: dict[str, str] = {}
        for node, data in sorted(self.nx.nodes(data=True)):
            for name in (data.get("label", ""), *data.get("aliases", []), node):
                self._names.setdefault(name_key(name), node)

    def find(self, name: str) -> str:
        """The node id for an id, label or alias, in any case or hyphenation.

        On a miss, KGError suggests the closest names (rapidfuzz's WRatio over every label
        and alias; ties go to the better-connected node), so a typo in a notebook gets an
        answer instead of a bare KeyError.

        >>> g = sample_graph()
        >>> g.find("image net"), g.find("RESNET 50")
        ('dataset/imagenet', 'architecture/resnet-50')
        """
        node = name if name in self.nx else self._names.get(name_key(name))
        if node is None:
            raise KGError(f"no node named {name!r}; did you mean {self._suggest(name)}")
        return node

    def _suggest(self, name: str) -> str:
        names = {n: node for node, data in self.nx.nodes(data=True) for n in (data.get("label", ""), *data.get("aliases", [])) if n}
        matches = process.extract(name, list(names), scorer=fuzz.WRatio, processor=utils.default_process, limit=20)
        shown: dict[str, str] = {}
        for match, _, _ in sorted(matches, key=lambda m: (-m[1], -self.nx.degree(names[m[0]]), m[0])):
            shown.setdefault(names[match], match)
            if len(shown) == SUGGESTIONS:
                break
        return ", ".join(f"{match!r} ({node})" for node, match in shown.items()) + "?"

    def label(self, node: str) -> str:
        """A node's display name: a paper's title, an artifact's canonical label.

        >>> sample_graph().label("vision transformer")
        'ViT'
        """
        return self.nx.nodes[self.find(node)]["label"]

    def _targets(self, node: str, predicates: set[str]) -> list[str]:
        return sorted({t for _, t, key in self.nx.out_edges(node, keys=True) if key in predicates})

    def _sources(self, node: str, predicates: set[str]) -> list[str]:
        return sorted({s for s, _, key in self.nx.in_edges(node, keys=True) if key in predicates})

    def papers_evaluated_on(self, dataset: str) -> list[str]:
        """Papers that evaluate on the dataset (any alias), as node ids.

        >>> g = sample_graph()
        >>> "paper/adanns-a-framework-for-adaptive-semantic-search" in g.papers_evaluated_on("imagenet")
        True
        """
        return self._sources(self.find(dataset), {"evaluatedOn"})

    def builds_on(self, paper_or_artifact: str) -> list[str]:
        """What a paper (or an artifact, by lineage) builds on.

        >>> sample_graph().builds_on("DeiT")
        ['architecture/vit']
        """
        return self._targets(self.find(paper_or_artifact), {"buildsOn"})

    def compares_with(self, paper: str) -> list[str]:
        """The prior artifacts a paper compares against (its baselines).

        >>> g = sample_graph()
        >>> paper = next(p for p, _, k in g.nx.edges(keys=True) if k == "comparesWith")
        >>> all(g.nx.has_edge(paper, a, key="comparesWith") for a in g.compares_with(paper))
        True
        """
        return self._targets(self.find(paper), {"comparesWith"})

    def lineage(self, artifact: str) -> Lineage:
        """An artifact's ancestors and descendants by buildsOn/variantOf, transitively (papers excluded).

        >>> g = sample_graph()
        >>> up, down = g.lineage("DeiT")
        >>> "architecture/vit" in up and "architecture/transformer" in up
        True
        >>> "architecture/deit" in g.lineage("Transformer").descendants
        True
        """
        node = self.find(artifact)
        artifacts = nx.subgraph_view(self.nx, filter_node=lambda n: self.nx.nodes[n]["type"] != "Paper",
                                     filter_edge=lambda s, t, key: key in LINEAGE)
        return Lineage(sorted(nx.descendants(artifacts, node)), sorted(nx.ancestors(artifacts, node)))

    def repos(self, paper: str) -> list[str]:
        """The code of a paper: the GitHub repositories it releases (other links are in
        `g.nx.nodes[paper]["links"]`, and `["code_status"]` says released / promised / none).

        >>> g = sample_graph()
        >>> paper = g.find("Do CLIPs Always Generalize Better than ImageNet Models?")
        >>> g.repos(paper), g.nx.nodes[paper]["code_status"]
        ([], 'none')
        """
        return self._targets(self.find(paper), {"releasesCode"})

    def papers_with_code_on(self, dataset: str) -> dict[str, list[str]]:
        """Papers that evaluate on the dataset and release code: paper id → its repositories.

        >>> g = sample_graph()
        >>> with_code = g.papers_with_code_on("ImageNet")
        >>> 0 < len(with_code) < len(g.papers_evaluated_on("ImageNet"))
        True
        """
        found = {paper: self.repos(paper) for paper in self.papers_evaluated_on(dataset)}
        return {paper: repos for paper, repos in found.items() if repos}

    def most_used_datasets(self, n: int = 10) -> list[tuple[str, int]]:
        """The `n` datasets most papers evaluate or train on, with their paper counts.

        >>> sample_graph().most_used_datasets(1)[0][0]
        'dataset/imagenet'
        """
        counts = [(d, len(self._sources(d, {"evaluatedOn", "trainedOn"})))
                  for d, data in self.nx.nodes(data=True) if data["type"] == "Dataset"]
        return sorted((c for c in counts if c[1]), key=lambda c: (-c[1], c[0]))[:n]

    def shortest_path(self, source: str, target: str) -> list[tuple[str, str, str]]:
        """How two nodes are connected: the edges (subject, predicate, object) of a shortest
        path, each in its stored direction, whichever way the path walks it.

        >>> sample_graph().shortest_path("ViT-B/16", "Transformer")
        [('architecture/vit-b-16', 'variantOf', 'architecture/vit'), ('architecture/vit', 'buildsOn', 'architecture/transformer')]
        """
        s, t = self.find(source), self.find(target)
        try:
            nodes = nx.shortest_path(self.nx.to_undirected(as_view=True), s, t)
        except nx.NetworkXNoPath:
            raise KGError(f"{s} and {t} are not connected") from None
        steps = []
        for a, b in zip(nodes, nodes[1:]):
            forward = sorted(self.nx.get_edge_data(a, b, default={}))
            steps.append((a, forward[0], b) if forward else (b, sorted(self.nx.get_edge_data(b, a))[0], a))
        return steps

    def ego(self, node: str, radius: int = 1) -> nx.MultiDiGraph:
        """The subgraph within `radius` edges of a node, either direction (a copy, for drawing or export).

        >>> sub = sample_graph().ego("DeiT")
        >>> "architecture/vit" in sub and sub.number_of_nodes() < 100
        True
        """
        return nx.ego_graph(self.nx, self.find(node), radius=radius, undirected=True).copy()

    def evidence(self, subject: str, predicate: str, obj: str) -> list[dict]:
        """Why the graph holds an edge: the sentences, extractors and confidences behind it.

        >>> g = sample_graph()
        >>> paper = g.papers_evaluated_on("ImageNet")[0]
        >>> sorted(g.evidence(paper, "evaluatedOn", "ImageNet")[0])
        ['confidence', 'end', 'extractor', 'sentence', 'start']
        """
        s, o = self.find(subject), self.find(obj)
        if not self.nx.has_edge(s, o, key=predicate):
            raise KGError(f"the graph has no edge {s} {predicate} {o}")
        return list(self.nx.edges[s, o, predicate]["evidence"])

    def query(self, sparql: str, **params: str) -> Rows:
        """Run SPARQL (SELECT or ASK) over the graph, with variables of its WHERE clause bound from keyword arguments.

        >>> sample_graph().query("SELECT ?d WHERE { ?x rdfs:label ?d ; a kg:Dataset }", d="ImageNet").rows
        [['ImageNet']]
        """
        return run(self.store if self.store is not None else self.rdf, sparql, params)

    def export(self, out_dir: str | Path) -> list[Path]:
        """Write every export format into `out_dir`."""
        return exports.write_all(self.rdf, self.nx, out_dir)


def build(paths: Iterable[str | Path], progress: bool = True) -> KnowledgeGraph:
    """Build the graph of the listings under `paths` (files or folders)."""
    return KnowledgeGraph(rdf_module.to_graph(build_corpus(paths, progress=progress)))


def open_graph(path: str | Path, store: str | Path | None = None) -> KnowledgeGraph:
    """Load a graph written by `kg build`: a folder holding graph.ttl, or an RDF file.

    With `store`, SPARQL goes to the on-disk Oxigraph store at that path, bulk-loaded from
    `path` first if it does not exist yet (see `open_or_load_store`).
    """
    source = path = Path(path)
    if path.is_dir():
        atomic.recover(path)  # finish a `kg build` that was killed mid-write before reading
        path = path / "graph.ttl"
    if not path.is_file():
        raise KGError(f"{path}: no graph there; build one with `kg build --out DIR`")
    graph = rdf_module.new_graph()
    try:
        graph.parse(path)
    except Exception as err:  # rdflib raises parser-specific errors
        raise KGError(f"{path}: not a readable RDF graph ({str(err).splitlines()[0]})") from None
    return KnowledgeGraph(graph, None if store is None else open_or_load_store(store, source))


def open_or_load_store(store: str | Path, graph: str | Path, progress: bool = False) -> pyoxigraph.Store:
    """The Oxigraph store at `store`, bulk-loaded from `graph` (a `kg build` folder or RDF file)
    when it does not exist yet. An existing store is used as it is: delete it to reload."""
    if Path(store).exists():
        return open_store(store)
    return load_store([graph_file(graph)], store, progress=progress)


@lru_cache(maxsize=1)
def sample_graph() -> KnowledgeGraph:
    """The graph of the bundled sample corpus, built once per process: for a first look and examples."""
    return build([SAMPLE_DIR], progress=False)
