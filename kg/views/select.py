"""Which part of the graph a view shows: all of it, a node's neighbourhood, some types, a
ready-made slice (architecture lineage, datasets and their papers), at most `max_nodes`.

Past a few thousand nodes a page stops being usable (vis.js redraws every node each frame),
so a larger selection is cut to the nodes nearest the focus, then best connected, and the
view says so in `notice`, on the page and on the command line.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("paper/a", type="Paper"); g.add_node("dataset/d", type="Dataset")
>>> g.add_edge("paper/a", "dataset/d", key="evaluatedOn")
'evaluatedOn'
>>> v = select(g, focus="dataset/d", depth=1)
>>> sorted(v.graph), v.notice
(['dataset/d', 'paper/a'], '')
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import networkx as nx

from ..errors import KGError
from ..model import NODE_TYPES

MAX_NODES = 5000  # the page is interactive in a few seconds up to here (benchmarks/bench_views.py)
HARD_MAX_NODES = 20000  # beyond this a page takes tens of seconds to draw and ~1 s a frame


@dataclass(frozen=True)
class View:
    """A subgraph to draw, its heading, and what was left out (empty when nothing was)."""

    graph: nx.MultiDiGraph
    title: str
    notice: str = ""
    focus: str | None = None
    positions: Mapping | None = None  # node → (x, y) when the view has its own layout (a timeline)
    axis: tuple = ()  # ({"x": X, "label": TEXT}, …): a time axis drawn under the nodes


def select(graph: nx.MultiDiGraph, focus: str | None = None, depth: int = 1,
           types: Iterable[str] = (), max_nodes: int = MAX_NODES, title: str = "") -> View:
    """The nodes within `depth` hops of `focus` (a node id; every node if None), of `types`.

    The focus node is kept whatever its type. Raises KGError for an unknown node or type or a
    `max_nodes` outside 1..HARD_MAX_NODES.
    """
    wanted = set(types) or set(NODE_TYPES)
    if wanted - set(NODE_TYPES):
        raise KGError(f"unknown node type(s) {', '.join(sorted(wanted - set(NODE_TYPES)))}: expected {', '.join(NODE_TYPES)}")
    if not 1 <= max_nodes <= HARD_MAX_NODES:
        raise KGError(f"--max-nodes {max_nodes}: expected 1 to {HARD_MAX_NODES}; a bigger page takes too long to draw, use --focus NAME")
    if focus is not None and focus not in graph:
        raise KGError(f"no node {focus!r} in the graph")
    if focus is None:
        distance = dict.fromkeys(graph, 0)
    else:
        distance = nx.single_source_shortest_path_length(graph.to_undirected(as_view=True), focus, cutoff=depth)
    chosen = [n for n in distance if n == focus or not types or graph.nodes[n]["type"] in wanted]  # no --types: every type
    sub = graph.subgraph(chosen)
    name = title or (f"{graph.nodes[focus].get('label') or focus} and its neighbourhood" if focus else "The whole graph")
    if len(chosen) <= max_nodes:
        return View(sub.copy(), name, "", focus)
    keep = sorted(chosen, key=lambda n: (distance[n], -sub.degree(n), n))[:max_nodes]
    notice = (f"Showing {max_nodes:,} of {len(chosen):,} nodes ({'nearest the focus, then ' if focus else ''}"
              f"most connected). Use --focus NAME, --depth or --types to narrow the view, or --max-nodes N "
              f"(up to {HARD_MAX_NODES:,}) to show more.")
    return View(graph.subgraph(keep).copy(), name, notice, focus)


def lineage(graph: nx.MultiDiGraph) -> View:
    """Architectures linked by variantOf / buildsOn (ResNet-50 → ResNet, DeiT → ViT)."""
    return _relations(graph, {"Architecture"}, {"variantOf", "buildsOn"}, "Architecture lineage")


def dataset_papers(graph: nx.MultiDiGraph) -> View:
    """Datasets and the papers evaluated or trained on them."""
    return _relations(graph, {"Dataset", "Paper"}, {"evaluatedOn", "trainedOn"}, "Datasets and the papers that use them")


def _relations(graph: nx.MultiDiGraph, types: set[str], relations: set[str], title: str) -> View:
    sub = nx.MultiDiGraph()
    for s, o, key, data in graph.edges(keys=True, data=True):
        if key in relations and graph.nodes[s]["type"] in types and graph.nodes[o]["type"] in types:
            sub.add_node(s, **graph.nodes[s])
            sub.add_node(o, **graph.nodes[o])
            sub.add_edge(s, o, key=key, **data)
    return select(sub, title=title)
