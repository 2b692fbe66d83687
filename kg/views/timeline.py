"""A family of architectures (or methods) laid out by when each member was first listed.

A member's date is the earliest listing date of the papers that introduce it (the date each
listing entry carries, as written). x is time, each member has its own row, children right
under their parent (variantOf / buildsOn), so a family reads left to right as it grew.

Dates as written: Hugging Face listings give "Mar 12" with no year; other sources may give
"2024-03-12" or "12 March 2024". A date without a year is read in the latest year that any
dated member of the graph carries, or, when no date has a year, on a month-and-day axis
shown without a year. A member no paper of the graph introduces (a curated root such as
ViT) has no date: it stands in a "not listed" column left of the first date, and only when
a dated member descends from it; other undated members are left out, and the page says how many.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> for n, t in [("a/root", "Architecture"), ("a/kid", "Architecture"), ("p/1", "Paper")]:
...     g.add_node(n, type=t, label=n.split("/")[1])
>>> g.nodes["p/1"].update(title="Kid", sources=["day.txt:3 (Mar 12)"])
>>> _ = g.add_edge("a/kid", "a/root", key="variantOf"); _ = g.add_edge("p/1", "a/kid", key="introduces")
>>> view = timeline(g, "a/root")
>>> [(n, view.positions[n][0] < view.positions["a/kid"][0]) for n in sorted(view.graph)]
[('a/kid', False), ('a/root', True)]
>>> [tick["label"] for tick in view.axis]
['not listed', 'Mar 12']
"""
from __future__ import annotations

from datetime import date, datetime

import networkx as nx

from ..errors import KGError
from .page import LISTED_DATE
from .select import View

LINEAGE = ("variantOf", "buildsOn")
FAMILY_TYPES = ("Architecture", "Method")
ROW = 46  # pixels between rows
MIN_GAP = 150  # pixels between two distinct dates, so their labels do not collide
SPAN = 800  # pixels the whole time range spans at least (about a canvas at scale 1)
UNDATED_GAP = 180
_FULL = ("%Y-%m-%d", "%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%d %B %Y", "%b %d %Y", "%B %d %Y")
_YEARLESS = ("%b %d", "%B %d", "%d %b", "%d %B")
_LEAP = 2000  # a yearless "Feb 29" still parses


def parse_listed(text: str) -> tuple[date, bool] | None:
    """The date a listing wrote, and whether it gave the year; None if it is not a date.

    >>> parse_listed("Mar 12"), parse_listed("2024-03-12"), parse_listed("soon")
    ((datetime.date(2000, 3, 12), False), (datetime.date(2024, 3, 12), True), None)
    """
    text = " ".join(text.replace(".", " ").split())
    for fmt in _FULL:
        try:
            return datetime.strptime(text, fmt).date(), True
        except ValueError:
            pass
    for fmt in _YEARLESS:
        try:
            return datetime.strptime(f"{text} {_LEAP}", f"{fmt} %Y").date(), False
        except ValueError:
            pass
    return None


def families(graph: nx.MultiDiGraph) -> list[str]:
    """The roots of lineage trees (nodes something is a variant of or builds on, and that are
    a variant of nothing), largest family first."""
    sub = _lineage(graph)
    roots = [n for n in sub if sub.out_degree(n) == 0 and sub.in_degree(n) > 0]
    return sorted(roots, key=lambda r: (-len(nx.ancestors(sub, r)), str(r)))


def timeline(graph: nx.MultiDiGraph, family: str | None = None) -> View:
    """The family of `family` (a node id: it and everything with a variantOf / buildsOn path
    to it), or of every root (one under the other), laid out by first listing date."""
    sub = _lineage(graph)
    if family is not None and family not in graph:
        raise KGError(f"no node {family!r} in the graph")
    if family is not None and graph.nodes[family]["type"] not in FAMILY_TYPES:
        raise KGError(f"{graph.nodes[family].get('label') or family} is a {graph.nodes[family]['type']}: "
                      f"expected an {' or '.join(FAMILY_TYPES)} to draw the family of")
    roots = [family] if family is not None else families(graph)
    introduced = _introduced_by(graph)
    year = max((d.year for papers in introduced.values() for _, d, full in papers if full), default=None)
    rows: list[str] = []
    members: set[str] = set()
    for root in roots:
        family_members = {root} | (nx.ancestors(sub, root) if root in sub else set())
        members |= family_members
        dated = [n for n in family_members if introduced.get(n)]
        if dated or family is not None:  # a family nothing listed introduces says nothing about when
            keep = {root} | set(dated) | {m for n in dated for m in nx.descendants(sub, n)}
            _rows(sub.subgraph(keep), root, rows, introduced)
    first = {n: min(_when(d, full, year) for _, d, full in introduced[n]) for n in rows if introduced.get(n)}
    xs = _x(sorted({d for d, _ in first.values()}))
    view_graph = nx.MultiDiGraph()
    for n in rows:
        papers = introduced.get(n, [])  # sorted by date
        view_graph.add_node(n, **graph.nodes[n], first_listed=first[n][1] if n in first else "not listed",
                            introduced_by=[{"id": p, "title": graph.nodes[p].get("title") or graph.nodes[p].get("label") or p,
                                            "date": _when(d, full, year)[1]} for p, d, full in papers])
    for s, o, key, data in graph.edges(keys=True, data=True):
        if key in LINEAGE and s in view_graph and o in view_graph:
            view_graph.add_edge(s, o, key=key, **data)
    undated_x = (min(xs.values()) if xs else 0) - UNDATED_GAP
    positions = {n: (xs[first[n][0]] if n in first else undated_x, i * ROW) for i, n in enumerate(rows)}
    axis = [{"x": undated_x, "label": "not listed"}] + [{"x": x, "label": _axis_label(d, year)} for d, x in sorted(xs.items())]
    name = (graph.nodes[family].get("label") or family) if family else "Architecture and method families"
    left_out = len(members) - len(rows)
    note = (f"{left_out:,} members that no listed paper introduces are left out (kg view --focus NAME shows them)."
            if left_out else "")
    return View(view_graph, f"{name} by first listing", note, None, positions, tuple(axis))


def _lineage(graph: nx.MultiDiGraph) -> nx.DiGraph:
    """variantOf / buildsOn edges between architectures and methods (a simple digraph)."""
    sub = nx.DiGraph()
    for s, o, key in graph.edges(keys=True):
        if key in LINEAGE and s != o and graph.nodes[s]["type"] in FAMILY_TYPES and graph.nodes[o]["type"] in FAMILY_TYPES:
            sub.add_edge(s, o)
    return sub


def _introduced_by(graph: nx.MultiDiGraph) -> dict[str, list[tuple[str, date, bool]]]:
    """Node → (paper, listing date, year given?) for each dated listing of each paper introducing it."""
    out: dict[str, list] = {}
    for paper, node, key in graph.edges(keys=True):
        if key == "introduces":
            for source in graph.nodes[paper].get("sources", []):
                match = LISTED_DATE.search(source)
                parsed = parse_listed(match.group(1)) if match else None
                if parsed:
                    out.setdefault(node, []).append((paper, *parsed))
    for papers in out.values():
        papers[:] = sorted(set(papers), key=lambda item: (item[1], item[0]))
    return out


def _rows(sub: nx.DiGraph, root: str, rows: list[str], introduced: dict) -> None:
    """Depth first from the root over reversed lineage edges: each member right below its parent."""
    def when(n: str) -> tuple:
        dates = introduced.get(n)
        return (0, dates[0][1], str(n)) if dates else (-1, date.min, str(n))
    stack = [root]
    seen = set(rows)
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        rows.append(node)
        children = [c for c in sub.predecessors(node) if c not in seen] if node in sub else []  # reversed edges: children
        stack.extend(sorted(children, key=when, reverse=True))


def _x(dates: list[date]) -> dict[date, int]:
    """x per distinct date: proportional to time, but never closer than MIN_GAP to the previous."""
    if not dates:
        return {}
    days = max((dates[-1] - dates[0]).days, 1)
    scale = max(SPAN / days, 0.0)
    xs, last = {}, None
    for d in dates:
        x = round((d - dates[0]).days * scale)
        if last is not None:
            x = max(x, last + MIN_GAP)
        xs[d] = last = x
    return xs


def _when(listed: date, full: bool, year: int | None) -> tuple[date, str]:
    """A listing date to sort by and to show: a yearless date in `year` if any date had one."""
    if full:
        return listed, listed.isoformat()
    if year is None:
        return listed, listed.strftime("%b %-d")
    try:
        inferred = listed.replace(year=year)
    except ValueError:  # Feb 29 in a year that has none
        inferred = listed.replace(year=year, day=28)
    return inferred, listed.strftime("%b %-d") + f" ({year}?)"


def _axis_label(when: date, year: int | None) -> str:
    return when.strftime("%b %-d") if year is None else when.strftime("%b %-d, %Y")
