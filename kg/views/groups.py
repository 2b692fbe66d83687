"""Communities of a large view, drawn closed as one labelled node each until clicked.

A thousand dots teach nothing; twenty groups named after their best-connected members
("ImageNet-1k, ResNet-50 and 80 more") do, and a closed group costs the browser one node,
not hundreds (what keeps a 20,000-node page fluid). Communities are networkx's Louvain with a
fixed seed over a canonical copy of the graph, so the same graph always gives the same groups.

The `HUBS` best-connected nodes of the view stay outside every group: they are the landmarks
a reader looks for, and the page labels them at every zoom.

>>> import networkx as nx
>>> g = nx.disjoint_union(nx.complete_graph(8), nx.complete_graph(8))
>>> found = grouping(g, hubs=0)
>>> [len(group.members) for group in found.groups], sorted(found.hubs), found.groups[0].label
([8, 8], [], '0 · 1 · 2 (8 nodes)')
"""
from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from .layout import canonical

GROUP_ABOVE = 400  # views with more nodes open with their communities closed
MIN_GROUP = 6  # smaller communities are drawn as their nodes: a group of three hides more than it shows
HUBS = 20
SEED = 7


@dataclass(frozen=True)
class Group:
    """One community: a stable id, its members (sorted) and a label naming its best-connected ones."""

    id: str
    members: tuple
    label: str


@dataclass(frozen=True)
class Grouping:
    """The closed groups, the landmarks outside them, and every community (the layout's parts)."""

    groups: tuple[Group, ...]
    hubs: frozenset
    parts: tuple[list, ...]

    def group_of(self) -> dict:
        """Node → id of the group it is drawn in (nodes in no group are absent)."""
        return {m: g.id for g in self.groups for m in g.members}


def communities(graph: nx.Graph) -> list[list]:
    """Louvain communities, largest first, each sorted; the same for the same graph."""
    simple = canonical(graph)
    found = nx.community.louvain_communities(simple, seed=SEED)
    return sorted((sorted(c, key=str) for c in found), key=lambda c: (-len(c), str(c[0])))


def best_connected(graph: nx.Graph, count: int = HUBS) -> frozenset:
    """The `count` nodes of highest degree (ties by id): the landmarks a page labels at every zoom."""
    degree = dict(graph.degree())
    return frozenset(sorted(graph, key=lambda n: (-degree[n], str(n)))[:count])


def grouping(graph: nx.Graph, hubs: int = HUBS) -> Grouping:
    """The `hubs` best-connected nodes, and the communities of the rest with at least MIN_GROUP nodes."""
    degree = dict(graph.degree())
    landmarks = best_connected(graph, hubs)
    groups = []
    parts = communities(graph)
    for members in parts:
        rest = [m for m in members if m not in landmarks]
        if len(rest) >= MIN_GROUP:
            groups.append(Group(f"group/{len(groups) + 1}", tuple(rest), _label(graph, members, degree, len(rest))))
    return Grouping(tuple(groups), landmarks, tuple(parts))


def _label(graph: nx.Graph, members: list, degree: dict, closed: int) -> str:
    """The community's best-connected datasets, architectures and methods (short names a
    reader knows), papers only when it has nothing else, and how many nodes it holds."""
    named = [m for m in members if graph.nodes[m].get("type") not in ("Paper", "Repository")] or members
    best = sorted(named, key=lambda n: (-degree[n], str(n)))[:3]
    names = [_name(graph, n) for n in best]
    return f"{' · '.join(names)} ({closed} nodes)"


def _name(graph: nx.Graph, node) -> str:
    label = str(graph.nodes[node].get("label") or node)
    return label if len(label) <= 24 else label[:23] + "…"
