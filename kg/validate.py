"""Checking a graph against kg's SHACL shapes (`kg/shapes.ttl`) with pyshacl.

The shapes say what the ontology's domains and ranges say, as constraints: a graph kg wrote
conforms, and one edited by hand or by another tool is checked before it is trusted.

>>> report = validate("exports/graph.nt")
>>> report.conforms, report.violations
(True, [])
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyshacl
from rdflib import Graph
from rdflib.namespace import SH
from rdflib.util import guess_format

from .errors import KGError
from .rdf import ontology
from .store import GRAPH_FILES

SHAPES_FILE = Path(__file__).parent / "shapes.ttl"


@dataclass
class Report:
    """Whether the graph conforms, and one line per violation (focus node, path, message)."""

    path: Path
    triples: int
    conforms: bool
    violations: list[str]


def shapes() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


def graph_file(path: str | Path) -> Path:
    """The RDF file to check: the file itself, or the first of GRAPH_FILES in a `kg build` folder."""
    path = Path(path)
    if path.is_dir():
        found = next((path / name for name in GRAPH_FILES if (path / name).is_file()), None)
        if found is None:
            raise KGError(f"{path}: no graph there ({', '.join(GRAPH_FILES)}); build one with `kg build --out DIR`")
        return found
    if not path.is_file():
        raise KGError(f"{path}: no graph there; build one with `kg build --out DIR`")
    return path


def validate(path: str | Path) -> Report:
    """Check the graph at `path` (a folder written by `kg build`, or an RDF file) against the shapes.

    The ontology is given to pyshacl as the ontology graph, so that `sh:class kg:Artifact`
    accepts a kg:Dataset (rdfs:subClassOf) even in a file that does not carry the ontology.
    """
    file = graph_file(path)
    form = guess_format(str(file)) or "turtle"  # .nt, .ttl, .jsonld, .rdf ...
    try:
        data = Graph().parse(file, format=form)
    except Exception as err:  # rdflib's parsers raise assorted errors for a broken file
        raise KGError(f"{file}: not readable as {form} RDF ({str(err).splitlines()[0] if str(err) else type(err).__name__})") from None
    conforms, results, _ = pyshacl.validate(data, shacl_graph=shapes(), ont_graph=ontology(), inference="none")
    violations = sorted(_line(results, result) for result in results.subjects(SH.resultSeverity, SH.Violation))
    return Report(file, len(data), bool(conforms), violations)


def _line(results: Graph, result) -> str:
    focus = results.value(result, SH.focusNode)
    path = results.value(result, SH.resultPath)
    message = results.value(result, SH.resultMessage)
    return f"{focus}" + (f" {path}" if path is not None else "") + f": {message}"
