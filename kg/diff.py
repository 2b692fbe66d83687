"""What is new in one build of the graph compared with an earlier one: a digest to read.

A returning user wants the news, not two graphs: which papers, datasets, architectures,
methods and repositories appeared, which new papers use the graph's most-used datasets and
architectures, and which counts moved. Nodes and edges are matched by id (ids are stable
across builds: kg.ids), so a node renamed by the resolver counts as new.

Markdown reads in a terminal and on GitHub; the same digest as a page is one self-contained
HTML file (no script, no request).

>>> import networkx as nx
>>> old = nx.MultiDiGraph(); old.add_node("dataset/d", type="Dataset", label="D")
>>> new = old.copy(); new.add_node("paper/p", type="Paper", label="P", title="A Paper")
>>> _ = new.add_edge("paper/p", "dataset/d", key="evaluatedOn")
>>> print(to_markdown(digest(old, new)).splitlines()[2])
1 new paper, 1 new edge.
>>> to_markdown(digest(new, new)).splitlines()[-1]
'Nothing new.'
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import jinja2
import networkx as nx

TYPES = ("Dataset", "Architecture", "Method", "Repository", "Paper")  # papers last: the longest list
USES = {"Dataset": ("evaluatedOn", "trainedOn"), "Architecture": ("buildsOn", "variantOf", "comparesWith", "introduces")}
TOP = 10  # most-used datasets and architectures whose new edges are listed
SHOWN = 50  # new nodes listed per type; the rest are counted


@dataclass(frozen=True)
class Digest:
    """What NEW has that OLD has not; empty lists and no moved counts mean nothing new."""

    new_nodes: dict[str, list[tuple[str, str]]]  # type → [(id, name)], sorted by name
    new_edges: int
    top_uses: list[tuple[str, str, str, list[tuple[str, str]]]]  # (type, id, name, [(relations, new user's name)])
    counts: list[tuple[str, int, int]]  # (what, old, new) for each count that moved
    renamed: list[tuple[str, str, str]] = field(default_factory=list)  # (id, old name, new name)

    @property
    def empty(self) -> bool:
        return not (any(self.new_nodes.values()) or self.new_edges or self.counts or self.renamed)


def digest(old: nx.MultiDiGraph, new: nx.MultiDiGraph, top: int = TOP) -> Digest:
    """Compare two graphs (`KnowledgeGraph.nx` of two builds)."""
    added = [n for n in new if n not in old]
    new_nodes = {t: sorted(((n, _name(new, n)) for n in added if new.nodes[n]["type"] == t), key=lambda x: (x[1].lower(), x[0]))
                 for t in TYPES}
    others = sorted({new.nodes[n]["type"] for n in added} - set(TYPES))
    new_nodes.update({t: sorted((n, _name(new, n)) for n in added if new.nodes[n]["type"] == t) for t in others})
    old_edges = set(old.edges(keys=True))
    fresh = [e for e in new.edges(keys=True) if e not in old_edges]
    top_uses = []
    for kind, relations in USES.items():
        for node in _most_used(new, kind, relations, top):
            linked: dict[str, set[str]] = {}
            for s, o, k in fresh:
                if o == node and k in relations:
                    linked.setdefault(_name(new, s), set()).add(k)
            if linked:
                users = [(", ".join(sorted(linked[name])), name) for name in sorted(linked, key=lambda n: (n.lower(), n))]
                top_uses.append((kind, node, _name(new, node), users))
    counts = [(what, a, b) for what, a, b in _counts(old, new) if a != b]
    renamed = sorted((n, _name(old, n), _name(new, n)) for n in new if n in old and _name(old, n) != _name(new, n))
    return Digest(new_nodes, len(fresh), top_uses, counts, renamed)


def _name(graph: nx.MultiDiGraph, node: str) -> str:
    data = graph.nodes[node]
    return str(data.get("title") or data.get("label") or node)


def _most_used(graph: nx.MultiDiGraph, kind: str, relations: tuple[str, ...], top: int) -> list[str]:
    """The `top` nodes of `kind` with the most papers linked to them by `relations`."""
    papers = Counter()
    for s, o, k in graph.edges(keys=True):
        if k in relations and graph.nodes[o]["type"] == kind and graph.nodes[s]["type"] == "Paper":
            papers[o] += 1
    return [n for n, _ in sorted(papers.items(), key=lambda x: (-x[1], x[0]))[:top]]


def _counts(old: nx.MultiDiGraph, new: nx.MultiDiGraph) -> list[tuple[str, int, int]]:
    """Nodes per type, edges per relation, and papers per most-used dataset and architecture."""
    def per_type(g):
        return Counter(d["type"] for _, d in g.nodes(data=True))

    def per_relation(g):
        return Counter(k for *_, k in g.edges(keys=True))

    rows = [("nodes", old.number_of_nodes(), new.number_of_nodes()), ("edges", old.number_of_edges(), new.number_of_edges())]
    a, b = per_type(old), per_type(new)
    rows += [(f"{t} nodes", a[t], b[t]) for t in sorted(set(a) | set(b), key=lambda t: (TYPES + (t,)).index(t))]
    a, b = per_relation(old), per_relation(new)
    rows += [(f"{r} edges", a[r], b[r]) for r in sorted(set(a) | set(b))]
    for kind, relations in USES.items():
        for node in _most_used(new, kind, relations, TOP):
            def users(g):
                if node not in g:
                    return 0
                return len({s for s, _, k in g.in_edges(node, keys=True) if k in relations and g.nodes[s]["type"] == "Paper"})
            rows.append((f"papers using {_name(new, node)} ({kind.lower()})", users(old), users(new)))
    return rows


def _nouns(noun: str) -> str:
    return noun[:-1] + "ies" if noun.endswith("y") else noun + "s"


def summary(d: Digest) -> str:
    """One line: how many of each new thing."""
    counted = [(len(nodes), kind.lower()) for kind, nodes in d.new_nodes.items() if nodes]
    counted += [(d.new_edges, "edge")] if d.new_edges else []
    parts = [f"{n:,} new {noun if n == 1 else _nouns(noun)}" for n, noun in counted]
    return ", ".join(parts) + "." if parts else "Nothing new."


def _md(text: str) -> str:
    """Text safe in a Markdown table cell or list item: no pipe, no markup, one line."""
    text = " ".join(text.split())
    for ch in "\\`*_[]<>|#":
        text = text.replace(ch, "\\" + ch)
    return text


def to_markdown(d: Digest, old_name: str = "old", new_name: str = "new") -> str:
    """The digest in GitHub-flavoured Markdown, readable as plain text in a terminal."""
    lines = [f"# What is new in {_md(new_name)} since {_md(old_name)}", "", summary(d)]
    if d.empty:
        return "\n".join(lines[:1] + ["", "Nothing new."]) + "\n"
    if d.top_uses:
        lines += ["", "## New papers on the most-used datasets and architectures", ""]
        for kind, _, name, users in d.top_uses:
            lines.append(f"- **{_md(name)}** ({kind.lower()}): {len(users):,} new paper{'' if len(users) == 1 else 's'}")
            lines += [f"  - {_md(user)} ({relation})" for relation, user in users[:10]]
            if len(users) > 10:
                lines.append(f"  - … and {len(users) - 10:,} more")
    for kind, nodes in d.new_nodes.items():
        if nodes:
            lines += ["", f"## New {_nouns(kind.lower())} ({len(nodes):,})", ""]
            lines += [f"- {_md(name)}" + (f" — {_md(node)}" if kind == "Repository" else "") for node, name in nodes[:SHOWN]]
            if len(nodes) > SHOWN:
                lines.append(f"- … and {len(nodes) - SHOWN:,} more")
    if d.counts:
        lines += ["", "## Counts that moved", "", "| | before | after | change |", "|---|---:|---:|---:|"]
        lines += [f"| {_md(what)} | {a:,} | {b:,} | {b - a:+,} |" for what, a, b in d.counts]
    if d.renamed:
        lines += ["", "## Renamed", ""] + [f"- {_md(a)} → {_md(b)}" for _, a, b in d.renamed[:SHOWN]]
    return "\n".join(lines) + "\n"


_PAGE = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True).from_string("""\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>What is new in {{ new_name }} · kg</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; color: #222; max-width: 60rem; margin: 1.5rem auto; padding: 0 1rem; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.1rem; margin-top: 1.6rem; border-bottom: 1px solid #ddd; }
.summary { font-size: 1.1rem; background: #eef3fb; padding: .5rem .8rem; border-radius: 4px; }
.cols { columns: 2 22rem; } li { break-inside: avoid; } small { color: #666; }
table { border-collapse: collapse; } td, th { padding: .2rem .7rem; border-bottom: 1px solid #eee; text-align: right; }
td:first-child, th:first-child { text-align: left; } .up { color: #1a7f37; } .down { color: #b42318; }
</style>
</head>
<body>
<h1>What is new in {{ new_name }} since {{ old_name }}</h1>
<p class="summary">{{ summary }}</p>
{% if d.top_uses %}
<h2>New papers on the most-used datasets and architectures</h2>
<ul>{% for kind, _, name, users in d.top_uses %}<li><strong>{{ name }}</strong> <small>{{ kind }}</small>
<ul>{% for relation, user in users[:10] %}<li>{{ user }} <small>{{ relation }}</small></li>{% endfor %}
{% if users|length > 10 %}<li>… and {{ users|length - 10 }} more</li>{% endif %}</ul></li>{% endfor %}</ul>
{% endif %}
{% for kind, nodes in d.new_nodes.items() if nodes %}
<h2>New {{ nouns(kind.lower()) }} ({{ "{:,}".format(nodes|length) }})</h2>
<ul class="cols">{% for node, name in nodes[:shown] %}<li>{{ name }}{% if kind == "Repository" %} <small>{{ node }}</small>{% endif %}</li>{% endfor %}
{% if nodes|length > shown %}<li>… and {{ "{:,}".format(nodes|length - shown) }} more</li>{% endif %}</ul>
{% endfor %}
{% if d.counts %}
<h2>Counts that moved</h2>
<table><tr><th></th><th>before</th><th>after</th><th>change</th></tr>
{% for what, a, b in d.counts %}<tr><td>{{ what }}</td><td>{{ "{:,}".format(a) }}</td><td>{{ "{:,}".format(b) }}</td><td class="{{ 'up' if b > a else 'down' }}">{{ "{:+,}".format(b - a) }}</td></tr>
{% endfor %}</table>
{% endif %}
{% if d.renamed %}
<h2>Renamed</h2><ul>{% for _, a, b in d.renamed[:shown] %}<li>{{ a }} → {{ b }}</li>{% endfor %}</ul>
{% endif %}
</body>
</html>
""")


def to_html(d: Digest, old_name: str = "old", new_name: str = "new") -> str:
    """The digest as one page: no script, no request (its Content-Security-Policy forbids both)."""
    return _PAGE.render(d=d, summary=summary(d), old_name=old_name, new_name=new_name, shown=SHOWN, nouns=_nouns)
