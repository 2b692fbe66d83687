"""SPARQL over the graph: run a query (text or a `.rq` file) and format its results.

>>> from kg.sample import SAMPLE_DIR
>>> import kg
>>> g = kg.build([SAMPLE_DIR], progress=False)
>>> result = run(g.rdf, "SELECT (COUNT(*) AS ?n) WHERE { ?p a kg:Paper }")
>>> format_result(result, "csv").splitlines()
['n', '310']
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.query import Result

from .errors import KGError
from .rdf import PREFIXES

FORMATS = ("table", "csv", "tsv", "json")


@dataclass
class Rows:
    """A SELECT result as plain strings: column names and rows."""

    columns: list[str]
    rows: list[list[str]]


def read_query(query_or_file: str) -> str:
    """The query text: the file's content if `query_or_file` names a file, else the text itself."""
    path = Path(query_or_file)
    if query_or_file.endswith(".rq") or (len(query_or_file) < 4096 and "\n" not in query_or_file and path.is_file()):
        try:
            return path.read_text(encoding="utf-8")
        except OSError as err:
            raise KGError(f"{query_or_file}: cannot read query file ({err.strerror})") from None
    return query_or_file


def run(rdf: Graph, query: str, params: dict[str, str] | None = None) -> Rows:
    """Run a SELECT or ASK query; `params` bind variables to values (never pasted into the text).

    A value that looks like an IRI (`https://...`) is bound as an IRI, anything else as a literal.
    """
    bindings = {k: (URIRef(v) if v.startswith(("http://", "https://")) else Literal(v)) for k, v in (params or {}).items()}
    try:
        result: Result = rdf.query(query, initNs=PREFIXES, initBindings=bindings)
    except Exception as err:  # rdflib raises pyparsing and assorted errors for bad queries
        raise KGError(f"SPARQL query failed: {str(err).splitlines()[0] if str(err) else type(err).__name__}") from None
    if result.type == "ASK":
        return Rows(["ask"], [[str(bool(result.askAnswer)).lower()]])
    if result.type != "SELECT":
        raise KGError("only SELECT and ASK queries are supported here (the graph is read-only)")
    columns = [str(v) for v in result.vars]
    return Rows(columns, [["" if value is None else str(value) for value in row] for row in result])


def format_result(rows: Rows, fmt: str = "table") -> str:
    """Rows as an aligned text table, CSV, TSV or JSON (a list of objects)."""
    if fmt == "json":
        return json.dumps([dict(zip(rows.columns, r)) for r in rows.rows], indent=1, ensure_ascii=False) + "\n"
    if fmt in ("csv", "tsv"):
        out = io.StringIO()
        writer = csv.writer(out, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(rows.columns)
        writer.writerows(rows.rows)
        return out.getvalue()
    if fmt != "table":
        raise KGError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return _table(rows)


def _table(rows: Rows, max_width: int = 60) -> str:
    cells = [[c if len(c) <= max_width else c[: max_width - 1] + "…" for c in r] for r in rows.rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(rows.columns)]
    line = lambda values: "  ".join(v.ljust(w) for v, w in zip(values, widths)).rstrip()
    out = [line(rows.columns), line(["-" * w for w in widths]), *(line(r) for r in cells)]
    out.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(out) + "\n"
