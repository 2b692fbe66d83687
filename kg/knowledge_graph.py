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

from collections.abc import Callable, Iterable
from functools import cached_property, lru_cache
from pathlib import Path
from typing import NamedTuple

import networkx as nx
import pyoxigraph
from rapidfuzz import fuzz, process, utils
from rdflib import Graph

from . import exports, rdf as rdf_module
from .errors import KGError
from .graph import from_rdf
from .pipeline import build_corpus
from .query import Rows, run
from .sample import SAMPLE_DIR
from .vocabulary import name_key

LINEAGE = {"buildsOn", "variantOf"}
SUGGESTIONS = 3


class Lineage(NamedTuple):
    """An artifact's family tree: what it descends from and what descends from it (ids)."""

    ancestors: list[str]
    descendants: list[str]


class KnowledgeGraph:
    """The graph twice: `nx` (networkx.MultiDiGraph) for Python, `rdf` (rdflib.Graph) for SPARQL,
    and optionally `store` (a pyoxigraph.Store holding the same triples) to answer SPARQL faster.

    `rdf` may be a function that loads the graph: a large graph (kg.folder) answers SPARQL and
    `find` from its store and index at once, and reads `graph.nt` into `rdf` and `nx` (seconds
    per 100k triples) only when they are asked for. `lookup` (name → node id) then stands in
    for the table of names made from `nx`, and `cut` reads a neighbourhood from the store.
    """

    def __init__(self, rdf: Graph | Callable[[], Graph], store: pyoxigraph.Store | None = None,
                 lookup: Callable[[str], str | None] | None = None,
                 cut: Callable[[str, int], Graph] | None = None):
        if isinstance(rdf, Graph):
            self.rdf = rdf
        else:
            self._load = rdf
        self.store = store
        self._lookup, self._cut = lookup, cut

    @cached_property
    def rdf(self) -> Graph:  # set in __init__ when given, loaded here on first use when not
        return self._load()

    @cached_property
    def nx(self) -> nx.MultiDiGraph:
        return from_rdf(self.rdf)

    @cached_property
    def _names(self) -> dict[str, str]:
        names: dict[str, str] = {}
        for node, data in sorted(self.nx.nodes(data=True)):
            for name in (data.get("label", ""), *data.get("aliases", []), node):
                names.setdefault(name_key(name), node)
        return names

    def _loaded(self) -> bool:
        return "nx" in self.__dict__

    def around(self, name: str, depth: int) -> KnowledgeGraph:
        """The graph within `depth` edges of a node, either direction: a graph small enough to draw.

        A graph in memory is its own neighbourhood (kg.views.select cuts it); a large graph
        reads only the neighbourhood from its store.

        >>> g = sample_graph()
        >>> g.around("DeiT", 1) is g
        True
        """
        if self._cut is None or self._loaded():
            return self
        return KnowledgeGraph(self._cut(self.find(name), depth))

    def find(self, name: str) -> str:
        """The node id for an id, label or alias, in any case or hyphenation.

        On a miss, KGError suggests the closest names (rapidfuzz's WRatio over every label
        and alias; ties go to the better-connected node), so a typo in a notebook gets an
        answer instead of a bare KeyError.

        >>> g = sample_graph()
        >>> g.find("image net"), g.find("RESNET 50")
        ('dataset/imagenet', 'architecture/resnet-50')
        """
        if self._lookup is not None and "nx" not in self.__dict__:
            node = self._lookup(name)
            if node is not None:
                return node
        if self._lookup is not None and not self._loaded():
            node = self._lookup(name)
            if node is not None:
                return node
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
        """Write every export format into `out_dir`, all or nothing (kg.folder.commit).

        A plain export keeps no build state, so `kg add` cannot extend it (`kg build` writes
        the same files plus the state: see kg.folder.small).
        """
        from .folder.commit import commit  # kg.folder builds on this module: imported when used

        commit(out_dir, exports.makers(self.rdf, self.nx), {"state": None})
        return [Path(out_dir) / name for name in exports.WRITERS]


def build(paths: Iterable[str | Path], progress: bool = True, out: str | Path | None = None) -> KnowledgeGraph:
    """Build the graph of the listings under `paths` (files or folders).

    With `out`, the graph is written into that folder as `kg build` writes it (kg.folder.build:
    every format, or above its size threshold a large graph of graph.nt and a store) and
    opened from there; without, it is made in memory.
    """
    if out is None:
        return KnowledgeGraph(rdf_module.to_graph(build_corpus(paths, progress=progress)))
    from . import folder  # kg.folder builds on this module: imported when used

    folder.build(paths, out, progress=progress)
    return folder.open_graph(out)


@lru_cache(maxsize=1)
def sample_graph() -> KnowledgeGraph:
    """The graph of the bundled sample corpus, built once per process: for a first look and examples."""
    return build([SAMPLE_DIR], progress=False)
