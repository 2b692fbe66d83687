"""One self-contained HTML page for a View: vis-network (from pyvis) and our script inlined,
the graph as JSON in a data block, no request leaving the page.

Safety: every title, abstract and sentence is data, never markup. The data block is JSON
with `<`, `>` and `&` escaped (so neither `</script>` nor `<!--` can end it early) and the
page script puts text into the DOM with `textContent` only; links are made only from
http(s) URLs.

pyvis' own template is not used: it links bootstrap from a CDN, renders tooltips as HTML
and has no legend, search or details panel. pyvis ships the vis-network bundle and makes
the node and edge records (its `Node` and `Edge`; `Network.add_node` / `add_edge` check
membership in lists, which took 4 of the 5.5 s to write a 10,000-node page).
"""
from __future__ import annotations

import gc
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files

import jinja2
import networkx as nx
from markupsafe import Markup
from pyvis.edge import Edge
from pyvis.node import Node

from ..model import NODE_TYPES, RELATIONS
from .layout import positions
from .select import View

COLORS = dict(zip(NODE_TYPES, ("#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2"), strict=True))
SHAPES = dict(zip(NODE_TYPES, ("dot", "square", "triangle", "diamond", "hexagon"), strict=True))
PALETTE = ("#e15759", "#f28e2b", "#edc948", "#59a14f", "#9c755f", "#76b7b2", "#b07aa1", "#4e79a7", "#ff9da7", "#bab0ac")
RELATION_COLORS = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(RELATIONS)}
"""A colour for every relation of kg.model.RELATIONS, in its order: a new relation gets one too."""
LABEL_CHARS = 40
ABSTRACT_CHARS = 600
EVIDENCE_PER_EDGE = 3
_DATE = re.compile(r"\(([^()]*)\)$")
_ASSETS = files(__package__)
_VIS_JS = files("pyvis") / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js"
_TEMPLATE = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined).from_string(
    (_ASSETS / "template.html").read_text(encoding="utf-8"))


def to_html(view: View) -> str:
    """The page for `view`; the same view always gives the same bytes."""
    with _no_gc():
        return _render(view)


@contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: building ~100k small dicts next to a freshly built
    graph otherwise triggers full collections that free nothing (10,000 nodes: 3.4 s → 0.8 s)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _render(view: View) -> str:
    graph = view.graph
    citations = {n: sum(1 for _, _, k in graph.in_edges(n, keys=True) if k == "cites") for n in graph}
    nodes = [_node(graph, node, xy, citations[node]) for node, xy in sorted(positions(graph).items())]
    edges = [_edge(i, s, o, key, data) for i, (s, o, key, data)
             in enumerate(sorted(graph.edges(keys=True, data=True), key=lambda e: e[:3]))]
    types = [t for t in COLORS if any(d["type"] == t for _, d in graph.nodes(data=True))]
    relations = sorted({k for _, _, k in graph.edges(keys=True)})
    payload = {
        "nodes": nodes, "edges": edges, "options": _options(graph.number_of_nodes()),
        "types": [{"name": t, "color": COLORS[t], "shape": SHAPES[t]} for t in types],
        "relations": [{"name": r, "color": RELATION_COLORS[r]} for r in relations],
        "focus": view.focus,
    }
    return _TEMPLATE.render(
        title=view.title, notice=view.notice, node_count=graph.number_of_nodes(), edge_count=graph.number_of_edges(),
        data=Markup(script_json(payload)), vis_js=Markup(_inline(_VIS_JS.read_text(encoding="utf-8"))),
        view_js=Markup(_inline((_ASSETS / "view.js").read_text(encoding="utf-8"))),
        view_css=Markup(_inline((_ASSETS / "view.css").read_text(encoding="utf-8"))),
    )


def script_json(value: object) -> str:
    """JSON that can sit inside a <script> element: no `<`, `>` or `&` survives unescaped.

    >>> script_json({"t": "</script><!--x-->&"})
    '{"t":"\\\\u003c/script\\\\u003e\\\\u003c!--x--\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _inline(code: str) -> str:
    """A bundled script or style, checked to hold nothing that would close its element early."""
    if re.search(r"</(script|style)|<!--", code, re.IGNORECASE):
        raise ValueError("an inlined asset contains </script, </style or <!--")
    return code


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def _node(graph: nx.MultiDiGraph, node: str, xy: tuple[int, int], citations: int) -> dict:
    data = graph.nodes[node]
    return Node(node, SHAPES[data["type"]], _short(data.get("label") or node), color=COLORS[data["type"]],
                type=data["type"], x=xy[0], y=xy[1], value=graph.degree(node), degree=graph.degree(node),
                citations=citations, **_details(node, data)).options


def _edge(index: int, source: str, target: str, key: str, data: dict) -> dict:
    evidence = data.get("evidence", [])
    return Edge(source, target, directed=True, id=f"e{index}", relation=key, title=key, color=RELATION_COLORS[key],
                evidence=[_evidence(ev) for ev in evidence[:EVIDENCE_PER_EDGE]], evidenceCount=len(evidence)).options


def _details(node: str, data: dict) -> dict:
    """What the side panel shows; kept short so a 5,000-node page stays a few MB."""
    abstract = data.get("abstract", "")
    details = {"name": data.get("label") or node, "aliases": data.get("aliases", []), "links": data.get("links", []),
               "sources": data.get("sources", []), "dates": sorted({m.group(1) for s in data.get("sources", []) if (m := _DATE.search(s))}),
               "abstract": abstract if len(abstract) <= ABSTRACT_CHARS else abstract[:ABSTRACT_CHARS].rsplit(" ", 1)[0] + " …"}
    if "code_status" in data:
        details["codeStatus"] = data["code_status"]
    return details


def _evidence(ev: dict) -> dict:
    return {"sentence": ev["sentence"], "start": ev.get("start", 0), "end": ev.get("end", 0),
            "extractor": ev["extractor"], "confidence": round(ev["confidence"], 2)}


def _options(n_nodes: int) -> dict:
    """vis-network options: positions are precomputed, so physics stays off (see layout.py)."""
    large, small = n_nodes > 1000, n_nodes <= 200  # small views label every node
    return {
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False},
        "edges": {"smooth": False, "width": 1, "arrows": {"to": {"enabled": True, "scaleFactor": 0.4}},
                  "selectionWidth": 2, "hoverWidth": 0},
        "nodes": {"scaling": {"min": 10 if small else 6, "max": 50,
                              "label": {"enabled": True, "min": 12 if small else 9, "max": 60, "maxVisible": 24,
                                        "drawThreshold": 4 if small else 8}},
                  "font": {"size": 12, "face": "system-ui, sans-serif"}, "borderWidth": 1},
        "interaction": {"hideEdgesOnDrag": large, "hideEdgesOnZoom": large, "tooltipDelay": 150, "hover": not large},
    }
