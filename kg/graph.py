"""The graph as a `networkx.MultiDiGraph`: the Python query surface.

It is built from RDF (what `kg build` writes and `kg.open` reads), so a graph loaded from
`graph.ttl` is the same as the one just built. Node ids are short (`paper/<slug>`,
`dataset/imagenet`; repositories are their GitHub URL). Each node has `type` (Paper, Dataset,
Architecture, Method, Repository) and `label`; each edge has its `predicate` as key, a
`confidence`, and `evidence`: a list of {sentence, extractor, confidence, start, end}.
"""
from __future__ import annotations

from collections import defaultdict

import networkx as nx
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from .ids import node_id
from .model import NODE_TYPES
from .rdf import KG, PREDICATES

NODE_CLASSES = {KG[node_type]: node_type for node_type in NODE_TYPES}
EDGE_PREDICATES = {uri: name for name, uri in PREDICATES.items()}


def from_rdf(rdf: Graph) -> nx.MultiDiGraph:
    """A MultiDiGraph of every Paper, artifact and Repository in `rdf`, with edges and evidence."""
    graph = nx.MultiDiGraph()
    for subject, cls in sorted(rdf.subject_objects(RDF.type)):
        if cls in NODE_CLASSES:
            graph.add_node(node_id(str(subject)), type=NODE_CLASSES[cls])
    entries: dict[URIRef, dict[str, object]] = defaultdict(dict)
    evidence: dict[URIRef, dict[str, object]] = defaultdict(dict)
    for s, p, o in sorted(rdf):  # sorted: rdflib's order changes with the process's hash seed
        sid = node_id(str(s))
        if sid in graph and p in EDGE_PREDICATES and node_id(str(o)) in graph:
            graph.add_edge(sid, node_id(str(o)), key=EDGE_PREDICATES[p], predicate=EDGE_PREDICATES[p], evidence=[])
        elif sid in graph and isinstance(o, Literal):
            _node_literal(graph.nodes[sid], p, o)
        elif sid in graph and p == PROV.wasDerivedFrom:
            graph.nodes[sid].setdefault("_entries", []).append(o)
        elif p in (KG.file, KG.line, KG.listedDate):
            entries[s][str(p).rsplit("#", 1)[-1]] = o.toPython()
        elif p in (RDF.subject, RDF.predicate, RDF.object, KG.sentence, KG.confidence, PROV.wasAttributedTo, KG.matchStart, KG.matchEnd):
            evidence[s][str(p).rsplit("#", 1)[-1].rsplit("/", 1)[-1]] = o
    for _, data in graph.nodes(data=True):
        data.setdefault("label", "")
        for key in ("aliases", "links"):
            if key in data:
                data[key] = sorted(data[key])
        found = [entries[e] for e in data.pop("_entries", [])]
        if found:
            data["sources"] = sorted(f"{e['file']}:{e['line']}" + (f" ({e['listedDate']})" if "listedDate" in e else "") for e in found)
    for ev in evidence.values():
        _attach_evidence(graph, ev)
    for _, _, data in graph.edges(data=True):
        data["evidence"].sort(key=lambda e: (-e["confidence"], e["sentence"], e["extractor"]))
        data["confidence"] = max((e["confidence"] for e in data["evidence"]), default=1.0)
    return graph


def _node_literal(data: dict, predicate: URIRef, value: Literal) -> None:
    if predicate == DCTERMS.title:
        data["title"] = data["label"] = str(value)
    elif predicate == RDFS.label and "label" not in data:
        data["label"] = str(value)
    elif predicate == DCTERMS.abstract:
        data["abstract"] = str(value)
    elif predicate == SKOS.altLabel:
        data.setdefault("aliases", []).append(str(value))
    elif predicate == KG.otherLink:
        data.setdefault("links", []).append(str(value))
    elif predicate == KG.codeStatus:
        data["code_status"] = str(value)
    elif predicate == KG.inVocabulary:
        data["in_vocabulary"] = bool(value.toPython())
    elif predicate == DCTERMS.creator:
        data.setdefault("authors", []).append(str(value))


def _attach_evidence(graph: nx.MultiDiGraph, ev: dict) -> None:
    s, o, p = node_id(str(ev["subject"])), node_id(str(ev["object"])), EDGE_PREDICATES.get(ev["predicate"])
    if p is None or not graph.has_edge(s, o, key=p):
        return
    graph.edges[s, o, p]["evidence"].append({
        "sentence": str(ev["sentence"]),
        "extractor": str(ev["wasAttributedTo"]).rsplit("/", 1)[-1],
        "confidence": float(ev["confidence"]),
        "start": int(ev["matchStart"]) if "matchStart" in ev else 0,
        "end": int(ev["matchEnd"]) if "matchEnd" in ev else 0,
    })
