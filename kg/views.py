"""Interactive HTML views of the graph (pyvis), self-contained so they work offline."""
from __future__ import annotations

import html
import re

import networkx as nx
from pyvis.network import Network

COLORS = {"Paper": "#4e79a7", "Dataset": "#f28e2b", "Architecture": "#59a14f", "Method": "#b07aa1", "Repository": "#76b7b2"}
SHAPES = {"Paper": "dot", "Dataset": "database", "Architecture": "triangle", "Method": "diamond", "Repository": "square"}
_CDN_TAG = re.compile(r"<(?:link|script)[^>]+(?:href|src)=\"https?://[^\"]+\"[^>]*>(?:</script>)?\s*")


def _tooltip(graph: nx.MultiDiGraph, node: str) -> str:
    data = graph.nodes[node]
    lines = [f"{data['type']}: {data.get('label', node)}"]
    if data.get("aliases"):
        lines.append("also: " + ", ".join(data["aliases"][:8]))
    for source, target, key, edge in graph.edges(node, keys=True, data=True):
        if edge["evidence"]:
            lines.append(f"{key} → {graph.nodes[target].get('label', target)}: {edge['evidence'][0]['sentence'][:200]}")
    return "\n".join(lines[:12])


def to_html(graph: nx.MultiDiGraph) -> str:
    """One self-contained HTML page: every script inlined, no request leaves the page."""
    net = Network(height="800px", width="100%", directed=True, cdn_resources="in_line")
    for node, data in sorted(graph.nodes(data=True)):
        label = data.get("label", node)
        net.add_node(node, label=label[:40], title=html.escape(_tooltip(graph, node)),
                     color=COLORS[data["type"]], shape=SHAPES[data["type"]], group=data["type"])
    for source, target, key in sorted(graph.edges(keys=True)):
        net.add_edge(source, target, title=key, label=key)
    net.toggle_physics(True)
    return _CDN_TAG.sub("", net.generate_html(notebook=False))
