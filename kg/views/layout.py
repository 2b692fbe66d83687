"""Node positions computed in Python, so the browser draws at once with physics off.

A force layout of every node costs minutes at 10,000 nodes (networkx spring_layout is
O(n²) per iteration) and vis.js' in-page physics takes ~30 s to settle 5,000 nodes. The
graph is hub-shaped (many papers around few datasets and architectures), so: lay out the
best-connected `CORE` nodes with a force layout, then place every other node on a small
spiral around the mean position of its already placed neighbours, nearest first.

>>> import networkx as nx
>>> pos = positions(nx.star_graph(5))
>>> sorted(pos) == list(range(6)) and all(isinstance(v, int) for xy in pos.values() for v in xy)
True
"""
from __future__ import annotations

import math
from collections import defaultdict, deque

import networkx as nx

CORE = 300
SPACING = 90  # pixels between neighbouring core nodes, roughly
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))


def positions(graph: nx.Graph, seed: int = 7) -> dict[str, tuple[int, int]]:
    """Integer (x, y) per node, the same for the same graph (a fixed seed, sorted ties)."""
    simple = _canonical(graph)
    order = sorted(simple, key=lambda n: (-simple.degree(n), str(n)))
    core = _canonical(simple.subgraph(order[:CORE]))  # a subgraph view iterates a set: re-sort
    # only the largest connected part of the core: a force layout pushes separate pieces far apart
    main = sorted(max(nx.connected_components(core), key=lambda c: (len(c), sorted(map(str, c))), default=()), key=str)
    placed: dict = {}
    if main:
        scale = SPACING * math.sqrt(len(main)) * 1.5
        layout = nx.spring_layout(_canonical(core.subgraph(main)), seed=seed, iterations=60, scale=scale)
        placed = {n: (float(x), float(y)) for n, (x, y) in layout.items()}
    crowd: dict[tuple[int, int], int] = defaultdict(int)  # nodes already put around an anchor
    _spread(simple, deque(main), placed, crowd)
    radius = max((math.hypot(x, y) for x, y in placed.values()), default=0.0) + SPACING
    outer = 0  # the other connected parts go on a spiral around the picture, largest first
    for start in order:
        if start not in placed:
            r, angle = radius + SPACING * 0.7 * math.sqrt(outer), outer * GOLDEN_ANGLE
            placed[start] = (r * math.cos(angle), r * math.sin(angle))
            outer += 1
            _spread(simple, deque([start]), placed, crowd)
    return {n: (round(x), round(y)) for n, (x, y) in placed.items()}


def _canonical(graph: nx.Graph) -> nx.Graph:
    """A simple undirected copy with nodes and edges inserted in sorted order.

    spring_layout's start positions and every float sum below follow node order, which in the
    input may depend on set iteration (and so on the process's hash seed).
    """
    simple = nx.Graph()
    simple.add_nodes_from(sorted(graph, key=str))
    simple.add_edges_from(sorted((tuple(sorted((u, v), key=str)) for u, v in graph.edges() if u != v), key=str))
    return simple


def _spread(graph: nx.Graph, queue: deque, placed: dict, crowd: dict) -> None:
    """Place every node reachable from the queue, breadth first, around its placed neighbours."""
    while queue:
        node = queue.popleft()
        for neighbour in sorted(graph[node], key=str):
            if neighbour not in placed:
                placed[neighbour] = _around(graph, neighbour, placed, crowd)
                queue.append(neighbour)


def _around(graph: nx.Graph, node, placed: dict, crowd: dict) -> tuple[float, float]:
    """The next free spot on a spiral around the mean of the node's placed neighbours."""
    anchors = [placed[m] for m in sorted(graph[node], key=str) if m in placed]
    cx = sum(x for x, _ in anchors) / len(anchors)
    cy = sum(y for _, y in anchors) / len(anchors)
    key = (round(cx), round(cy))
    i = crowd[key] = crowd[key] + 1
    radius = SPACING * 0.6 * math.sqrt(i) + SPACING * 0.4
    return cx + radius * math.cos(i * GOLDEN_ANGLE), cy + radius * math.sin(i * GOLDEN_ANGLE)
