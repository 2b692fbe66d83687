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
from .groups import GROUP_ABOVE, MIN_GROUP, Grouping, best_connected, grouping
from .layout import packed, positions, radial
from .select import View

COLORS = dict(zip(NODE_TYPES, ("#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2"), strict=True))
SHAPES = dict(zip(NODE_TYPES, ("dot", "square", "triangle", "diamond", "hexagon"), strict=True))
DEFAULT_COLOR, DEFAULT_SHAPE = "#9aa0a6", "dot"  # a node type added elsewhere (a cited work, a person) still draws
PALETTE = ("#e15759", "#f28e2b", "#edc948", "#59a14f", "#9c755f", "#76b7b2", "#b07aa1", "#4e79a7", "#ff9da7", "#bab0ac")
RELATION_COLORS = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(RELATIONS)}
"""A colour for every relation of kg.model.RELATIONS, in its order: a new relation gets one too."""
LABEL_ALL = 200  # up to here a view labels every node (readable once zoomed in)
LANDMARKS_ABOVE = 40  # above this, a view (not a focus page) labels its best-connected nodes at every zoom
LABEL_CHARS = 30  # a label is cut to about a node's width, never drawn across the canvas
ABSTRACT_CHARS = 600
EVIDENCE_PER_EDGE = 3
LISTED_DATE = re.compile(r"\(([^()]*)\)$")  # "file:line (Mar 12)": a listing entry and its date as written
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
    groups = grouping(graph) if view.focus is None and view.positions is None and len(graph) > GROUP_ABOVE else None
    where = _layout(view, groups)
    group_of = groups.group_of() if groups else {}
    if groups:
        hubs = groups.hubs
    elif view.focus is None and view.positions is None and len(graph) > LANDMARKS_ABOVE:
        hubs = best_connected(graph)
    else:
        hubs = frozenset()
    nodes = [_node(graph, node, xy, citations[node], group_of.get(node), node in hubs) for node, xy in sorted(where.items())]
    edges = [_edge(i, s, o, key, data) for i, (s, o, key, data)
             in enumerate(sorted(graph.edges(keys=True, data=True), key=lambda e: e[:3]))]
    present = {d["type"] for _, d in graph.nodes(data=True)}
    types = [t for t in COLORS if t in present] + sorted(present - set(COLORS))
    relations = sorted({k for _, _, k in graph.edges(keys=True)})
    payload = {
        "nodes": nodes, "edges": edges, "options": _options(graph.number_of_nodes(), focused=view.focus is not None or view.positions is not None,
                                            uniform=view.positions is not None),
        "types": [{"name": t, "color": COLORS.get(t, DEFAULT_COLOR), "shape": SHAPES.get(t, DEFAULT_SHAPE)} for t in types],
        "relations": [{"name": r, "color": RELATION_COLORS.get(r, DEFAULT_COLOR)} for r in relations],
        "focus": view.focus, "groups": _groups(groups, where) if groups else [], "axis": list(view.axis),
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


def _layout(view: View, groups: Grouping | None) -> dict:
    """Where each node goes: the view's own layout, rings around a focus, communities side by
    side (closed groups stand where their members are), or hubs and their neighbours."""
    if view.positions is not None:
        return dict(view.positions)
    if view.focus is not None:
        return radial(view.graph, view.focus)
    if groups is not None:
        return packed(view.graph, list(groups.parts), outer_below=MIN_GROUP)
    return positions(view.graph)


def _groups(groups: Grouping, where: dict) -> list[dict]:
    """A closed group's node: at the centre of its members, as large as their spread."""
    out = []
    for group in groups.groups:
        xs = [where[m][0] for m in group.members]
        ys = [where[m][1] for m in group.members]
        cx, cy = sum(xs) / len(xs), sum(ys) / len(ys)
        spread = max(((x - cx) ** 2 + (y - cy) ** 2) ** 0.5 for x, y in zip(xs, ys))
        out.append({"id": group.id, "label": group.label, "members": list(group.members), "x": round(cx), "y": round(cy),
                    "size": round(max(30.0, spread * 0.9))})
    return out


def _node(graph: nx.MultiDiGraph, node: str, xy: tuple[int, int], citations: int, group: str | None = None,
          hub: bool = False) -> dict:
    data = graph.nodes[node]
    kind = data["type"]
    record = Node(node, SHAPES.get(kind, DEFAULT_SHAPE), _short(data.get("label") or node), color=COLORS.get(kind, DEFAULT_COLOR),
                  type=kind, x=xy[0], y=xy[1], value=graph.degree(node), degree=graph.degree(node),
                  citations=citations, **_details(node, data)).options
    if group is not None:
        record["community"] = group  # not vis' "group" option, which would recolour the node
    if hub:
        record["hub"] = True  # labelled by the page at every zoom
    return record


def _edge(index: int, source: str, target: str, key: str, data: dict) -> dict:
    evidence = unique_evidence(data.get("evidence", []))
    return Edge(source, target, directed=True, id=f"e{index}", relation=key, title=key,
                color=RELATION_COLORS.get(key, DEFAULT_COLOR),
                evidence=[_evidence(ev) for ev in evidence[:EVIDENCE_PER_EDGE]], evidenceCount=len(evidence)).options


def unique_evidence(evidence: list[dict]) -> list[dict]:
    """Each sentence once, with its best confidence: a paper listed in two files can bring the
    same sentence twice (one per listing entry, perhaps matched by two extractors), which
    says nothing twice.

    >>> ev = {"sentence": "We test on ImageNet.", "start": 11, "end": 19, "extractor": "pattern", "confidence": 0.8}
    >>> again = dict(ev, sentence="We test  on ImageNet.", start=12, end=20, confidence=0.9)
    >>> [(e["start"], e["confidence"]) for e in unique_evidence([ev, again, dict(ev, sentence="Other.")])]
    [(12, 0.9), (11, 0.8)]
    """
    best: dict[str, dict] = {}
    for ev in evidence:
        key = " ".join(ev["sentence"].split())  # the same sentence, however it was spaced or highlighted
        if key not in best or ev["confidence"] > best[key]["confidence"]:
            best[key] = ev
    return list(best.values())


def _details(node: str, data: dict) -> dict:
    """What the side panel shows; kept short so a 5,000-node page stays a few MB."""
    abstract = data.get("abstract", "")
    details = {"name": data.get("label") or node, "aliases": data.get("aliases", []), "links": data.get("links", []),
               "sources": data.get("sources", []), "dates": sorted({m.group(1) for s in data.get("sources", []) if (m := LISTED_DATE.search(s))}),
               "abstract": abstract if len(abstract) <= ABSTRACT_CHARS else abstract[:ABSTRACT_CHARS].rsplit(" ", 1)[0] + " …"}
    if "code_status" in data:
        details["codeStatus"] = data["code_status"]
    if "introduced_by" in data:  # set by a timeline: when the node was first listed, by which papers
        details["introducedBy"] = data["introduced_by"]
        details["firstListed"] = data["first_listed"]
    return details


def _evidence(ev: dict) -> dict:
    return {"sentence": ev["sentence"], "start": ev.get("start", 0), "end": ev.get("end", 0),
            "extractor": ev["extractor"], "confidence": round(ev["confidence"], 2)}


def _options(n_nodes: int, focused: bool = False, uniform: bool = False) -> dict:
    """vis-network options: positions are precomputed, so physics stays off (see layout.py).

    A focus page (and a timeline) draws labels in a narrow range of sizes (12–16 px at scale 1)
    so the focus's title cannot crowd out its neighbours'; a timeline's rows need nodes of one
    size (`uniform`)."""
    large, small = n_nodes > 1000, n_nodes <= LABEL_ALL
    if focused:
        return {**_options(n_nodes), "nodes": {
            "scaling": {"min": 10, "max": 12 if uniform else 26,
                        "label": {"enabled": True, "min": 14 if uniform else 12, "max": 14 if uniform else 16, "drawThreshold": 3}},
            "font": {"size": 13, "face": "system-ui, sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"},
            "borderWidth": 1}}
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
