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
import numpy as np

CORE = 300
SPACING = 90  # pixels between neighbouring core nodes, roughly
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
RING = 36  # nodes on one ring of a focus page
RING_GAP = 220  # pixels between rings
MIN_ARC = 70  # pixels between neighbours on a ring


def positions(graph: nx.Graph, seed: int = 7) -> dict[str, tuple[int, int]]:
    """Integer (x, y) per node, the same for the same graph (a fixed seed, sorted ties)."""
    simple = canonical(graph)
    order = sorted(simple, key=lambda n: (-simple.degree(n), str(n)))
    core = canonical(simple.subgraph(order[:CORE]))  # a subgraph view iterates a set: re-sort
    # only the largest connected part of the core: a force layout pushes separate pieces far apart
    main = sorted(max(nx.connected_components(core), key=lambda c: (len(c), sorted(map(str, c))), default=()), key=str)
    placed: dict = {}
    if main:
        scale = SPACING * math.sqrt(len(main)) * 1.5
        layout = nx.spring_layout(canonical(core.subgraph(main)), seed=seed, iterations=60, scale=scale)
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


def canonical(graph: nx.Graph) -> nx.Graph:
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


def packed(graph: nx.Graph, parts: list[list], seed: int = 7, outer_below: int = 6) -> dict[str, tuple[int, int]]:
    """Each part (a community) laid out on its own by `positions`, the CORE largest parts of
    `outer_below` nodes or more then spread so that parts with many edges between them sit side
    by side and no two overlap; the other parts go on a spiral around them, largest first.

    Keeps a community in one place on the page, where a closed group can stand for it.
    """
    local = [positions(graph.subgraph(part), seed) for part in parts]
    centres, radii = [], []
    for pos in local:
        cx = sum(x for x, _ in pos.values()) / len(pos)
        cy = sum(y for _, y in pos.values()) / len(pos)
        centres.append((cx, cy))
        radii.append(max(math.hypot(x - cx, y - cy) for x, y in pos.values()) + SPACING)
    big = [i for i, part in enumerate(parts) if len(part) >= outer_below][:CORE]  # spring_layout needs scipy from 500
    where = dict(zip(big, _spread_parts(graph, [parts[i] for i in big], [radii[i] for i in big], seed)))
    edge = max((math.hypot(*where[i]) + radii[i] for i in big), default=0.0)
    for k, i in enumerate(i for i in range(len(parts)) if i not in where):  # parts come largest first
        r, angle = edge + radii[i] + SPACING * 0.7 * math.sqrt(k), k * GOLDEN_ANGLE
        where[i] = (r * math.cos(angle), r * math.sin(angle))
    placed = {}
    for i, (pos, (cx, cy)) in enumerate(zip(local, centres)):
        px, py = where[i]
        for node, (x, y) in pos.items():
            placed[node] = (round(x - cx + px), round(y - cy + py))
    return placed


def _spread_parts(graph: nx.Graph, parts: list[list], radii: list[float], seed: int) -> list[tuple[float, float]]:
    """Centres for circles of `radii`: a force layout of the parts (weighted by the edges
    between them), then pushed apart until no two circles overlap (all pairs at once, numpy)."""
    if not parts:
        return []
    part_of = {n: i for i, part in enumerate(parts) for n in part}
    quotient = nx.Graph()
    quotient.add_nodes_from(range(len(parts)))
    for u, v in graph.edges():
        a, b = part_of.get(u), part_of.get(v)
        if a is not None and b is not None and a != b:
            weight = quotient.get_edge_data(a, b, {"weight": 0})["weight"]
            quotient.add_edge(min(a, b), max(a, b), weight=weight + 1)
    scale = math.sqrt(sum(r * r for r in radii)) * 1.2
    start = nx.spring_layout(quotient, seed=seed, iterations=100, scale=scale, weight="weight")
    xy = np.array([start[i] for i in range(len(parts))], dtype=float)
    r = np.array(radii)
    need = r[:, None] + r[None, :]
    np.fill_diagonal(need, 0.0)
    for _ in range(300):  # push every overlapping pair apart, half each way
        delta = xy[None, :, :] - xy[:, None, :]  # delta[i, j] = xy[j] - xy[i]
        gap = np.hypot(delta[..., 0], delta[..., 1])
        overlap = np.where(gap < need, need - gap, 0.0)
        if not overlap.any():
            break
        direction = np.where(gap[..., None] > 1e-9, delta / np.maximum(gap, 1e-9)[..., None], np.array([1.0, 0.0]))
        push = (overlap / 2 + np.where(overlap > 0, 1.0, 0.0))[..., None] * direction
        xy += -push.sum(axis=1) + push.sum(axis=0) * 0  # i moves away from every j it overlaps
    return [(float(x), float(y)) for x, y in xy]


def radial(graph: nx.Graph, focus) -> dict[str, tuple[int, int]]:
    """The focus in the middle, the nodes one hop away on rings around it, two hops further out.

    A neighbourhood read at a glance: each ring sorted by type then name, at most RING nodes a
    ring so neighbouring labels keep apart.
    """
    simple = canonical(graph)
    distance = nx.single_source_shortest_path_length(simple, focus)
    placed = {focus: (0, 0)}
    radius = 0.0
    for hop in range(1, max(distance.values(), default=0) + 1):
        ring = sorted((n for n, d in distance.items() if d == hop),
                      key=lambda n: (graph.nodes[n].get("type", ""), str(graph.nodes[n].get("label") or n)))
        for start in range(0, len(ring), RING):
            chunk = ring[start:start + RING]
            radius += RING_GAP
            radius = max(radius, len(chunk) * MIN_ARC / (2 * math.pi))
            for i, node in enumerate(chunk):
                angle = 2 * math.pi * i / len(chunk) - math.pi / 2 + (start // RING) * 0.3
                placed[node] = (round(radius * math.cos(angle)), round(radius * math.sin(angle)))
    rest = [n for n in sorted(graph, key=str) if n not in placed]  # not connected to the focus
    for i, node in enumerate(rest):
        placed[node] = (round(-radius - RING_GAP), round((i - len(rest) / 2) * MIN_ARC / 2))
    return placed
