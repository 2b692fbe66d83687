"""SPARQL over the graph, on either store: run a query (text or a `.rq` file) and format its results.

Two backends answer the same queries with the same Rows: an rdflib Graph (in memory, the
default) and a pyoxigraph Store (kg/store.py, for large graphs). Numbers are written in one
canonical form (`0.90` and `0.9` are both `0.9`) because the two stores keep different
lexical forms of the same value. Queries are read-only and local: updates and SERVICE
(federated calls to other hosts) are refused before anything runs.

>>> from kg.sample import SAMPLE_DIR
>>> import kg
>>> g = kg.build([SAMPLE_DIR], progress=False)
>>> result = run(g.rdf, "SELECT (COUNT(*) AS ?n) WHERE { ?p a kg:Paper }")
>>> format_result(result, "csv").splitlines()
['n', '310']
>>> run(g.rdf, "SELECT * WHERE { SERVICE <https://example.org/sparql> { ?s ?p ?o } }")
Traceback (most recent call last):
kg.errors.KGError: SERVICE clauses are refused: queries run on the local graph only
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph
from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from .errors import KGError
from .rdf import PREFIXES

FORMATS = ("table", "csv", "tsv", "json")
# Prefixes every query may use without declaring them: the kg ones and rdflib's core ones.
QUERY_PREFIXES = {**{k: str(v) for k, v in PREFIXES.items()}, "rdf": str(RDF), "rdfs": str(RDFS), "xsd": str(XSD), "owl": str(OWL)}
INTEGER_TYPES = {str(XSD[t]) for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
                                       "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong")}
Backend = Graph | pyoxigraph.Store


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


def check_read_only(query: str) -> CompValue:
    """The parsed query (`.name` is SelectQuery, AskQuery, ConstructQuery or DescribeQuery) of a
    query that is safe to run here; KGError for a syntax error, an update, or a SERVICE clause.

    >>> check_read_only("ASK { ?s ?p ?o }").name
    'AskQuery'
    >>> check_read_only("DELETE WHERE { ?s ?p ?o }")
    Traceback (most recent call last):
    kg.errors.KGError: SPARQL UPDATE is refused: the graph is read-only
    """
    try:
        parsed = parseQuery(query)
    except Exception as err:  # pyparsing's ParseException, or rdflib's errors on bad IRIs
        if _is_update(query):
            raise KGError("SPARQL UPDATE is refused: the graph is read-only") from None
        raise KGError(f"SPARQL query failed: {str(err).splitlines()[0] if str(err) else type(err).__name__}") from None
    if _mentions(parsed, "ServiceGraphPattern"):
        raise KGError("SERVICE clauses are refused: queries run on the local graph only")
    return parsed[1]


def check_params(parsed: CompValue, params: dict[str, str]) -> None:
    """Parameters bind result columns of a SELECT: the one binding both stores do alike
    (Oxigraph substitutes only projected variables, and ignores substitutions in ASK).

    >>> check_params(check_read_only("SELECT ?t WHERE { ?p dcterms:title ?t ; kg:codeStatus ?s }"), {"s": "none"})
    Traceback (most recent call last):
    kg.errors.KGError: --param s: ?s is not a result column of this query (columns: ?t); parameters bind result columns
    """
    if not params:
        return
    if parsed.name != "SelectQuery":
        raise KGError("parameters bind result columns of SELECT queries; this query has none")
    if "projection" not in parsed:  # SELECT *: every variable is a column
        return
    columns = [str(v["var"]) for v in parsed["projection"] if "var" in v]  # not `(expr AS ?x)`
    for name in params:
        if name not in columns:
            listed = ", ".join(f"?{c}" for c in columns) or "none"
            raise KGError(f"--param {name}: ?{name} is not a result column of this query (columns: {listed}); "
                          "parameters bind result columns")


def _is_update(query: str) -> bool:
    try:
        parseUpdate(query)
    except Exception:  # not an update either: the caller reports the query's own syntax error
        return False
    return True


def _mentions(tree: object, name: str) -> bool:
    if isinstance(tree, CompValue):
        return tree.name == name or any(_mentions(v, name) for v in tree.values())
    if isinstance(tree, (list, tuple)) or type(tree).__name__ == "ParseResults":
        return any(_mentions(v, name) for v in tree)
    return False


def run(backend: Backend, query: str, params: dict[str, str] | None = None) -> Rows:
    """Run a SELECT or ASK query on an rdflib Graph or a pyoxigraph Store.

    `params` bind result columns to values, never pasted into the text: a value that looks
    like an IRI (`https://...`) is bound as an IRI, anything else as a plain string literal.
    """
    parsed = check_read_only(query)
    if parsed.name not in ("SelectQuery", "AskQuery"):
        raise KGError("only SELECT and ASK queries are supported here; CONSTRUCT and DESCRIBE are served by `kg serve`")
    params = params or {}
    check_params(parsed, params)
    try:
        if isinstance(backend, pyoxigraph.Store):
            return _run_oxigraph(backend, query, params)
        return _run_rdflib(backend, query, params)
    except KGError:
        raise
    except Exception as err:  # both stores raise assorted errors for queries they cannot evaluate
        raise KGError(f"SPARQL query failed: {str(err).splitlines()[0] if str(err) else type(err).__name__}") from None


def _is_iri(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def _run_rdflib(graph: Graph, query: str, params: dict[str, str]) -> Rows:
    bindings = {k: (URIRef(v) if _is_iri(v) else Literal(v)) for k, v in params.items()}
    result = graph.query(query, initNs=QUERY_PREFIXES, initBindings=bindings)
    if result.type == "ASK":
        return Rows(["ask"], [[str(bool(result.askAnswer)).lower()]])
    return Rows([str(v) for v in result.vars], [[_rdflib_cell(value) for value in row] for row in result])


def _run_oxigraph(store: pyoxigraph.Store, query: str, params: dict[str, str]) -> Rows:
    substitutions = {pyoxigraph.Variable(k): (pyoxigraph.NamedNode(v) if _is_iri(v) else pyoxigraph.Literal(v))
                     for k, v in params.items()}
    result = store.query(query, prefixes=QUERY_PREFIXES, substitutions=substitutions)
    if isinstance(result, pyoxigraph.QueryBoolean):
        return Rows(["ask"], [[str(bool(result)).lower()]])
    columns = [v.value for v in result.variables]
    return Rows(columns, [[_oxigraph_cell(solution[c]) for c in columns] for solution in result])


def _rdflib_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Literal) and value.datatype is not None:
        return canonical(str(value), str(value.datatype))
    if isinstance(value, BNode):
        return f"_:{value}"
    return str(value)


def _oxigraph_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, pyoxigraph.Literal):
        return canonical(value.value, value.datatype.value)
    if isinstance(value, pyoxigraph.BlankNode):
        return f"_:{value.value}"
    return value.value  # NamedNode


def canonical(lexical: str, datatype: str) -> str:
    """One written form per number, whichever store produced it.

    >>> canonical("0.90", str(XSD.decimal)), canonical("007", str(XSD.integer)), canonical("2.5E0", str(XSD.double))
    ('0.9', '7', '2.5')
    """
    try:
        if datatype in INTEGER_TYPES:
            return str(int(lexical))
        if datatype == str(XSD.decimal):
            return format(Decimal(lexical).normalize(), "f")
        if datatype in (str(XSD.double), str(XSD.float)):
            return repr(float(lexical))
    except (ValueError, InvalidOperation):
        pass  # an ill-typed literal is shown as written
    return lexical


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
