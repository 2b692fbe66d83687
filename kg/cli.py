"""The `kg` command: a thin layer over the Python API (parse options, call, print)."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from . import knowledge_graph, query as query_module
from .errors import KGError
from .sample import SAMPLE_DIR

EXIT_USAGE = 2


def _fail(err: Exception) -> None:
    click.echo(f"kg: error: {err}", err=True)
    sys.exit(EXIT_USAGE)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kg")
def main() -> None:
    """kg: a citation-and-code knowledge graph of ML papers.

    Build a graph from paper listings (which paper evaluated on which dataset, which
    architecture builds on which, where the code is), query it with SPARQL, and export it
    as RDF, GraphML, CSV and an interactive HTML view.
    """


@main.command()
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", default="exports", show_default=True, type=click.Path(path_type=Path),
              help="Folder to write graph.ttl, graph.nt, graph.jsonld, graph.graphml, nodes.csv, edges.csv, graph.html into.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary.")
def build(sources: tuple[Path, ...], out_dir: Path, quiet: bool) -> None:
    """Build the graph of listing SOURCES (files or folders) and write every export format.

    With no SOURCES, builds the bundled sample corpus (five Hugging Face listing pages).
    Nothing is written if any input is bad.

    Example: kg build listings/ --out exports
    """
    started = time.perf_counter()
    try:
        graph = knowledge_graph.build(sources or [SAMPLE_DIR], progress=not quiet)
        written = graph.export(out_dir)
    except KGError as err:
        _fail(err)
    if not quiet:
        counts = {}
        for _, data in graph.nx.nodes(data=True):
            counts[data["type"]] = counts.get(data["type"], 0) + 1
        summary = ", ".join(f"{n} {_plural(t.lower())}" for t, n in sorted(counts.items()))
        click.echo(f"built {summary}; {graph.nx.number_of_edges()} edges, {len(graph.rdf)} triples "
                   f"in {time.perf_counter() - started:.1f}s → {len(written)} files in {out_dir}/")


@main.command()
@click.argument("query")
@click.option("--graph", "graph_path", default="exports", show_default=True, type=click.Path(path_type=Path),
              help="A folder written by `kg build`, or an RDF file.")
@click.option("--format", "fmt", type=click.Choice(query_module.FORMATS), default="table", show_default=True,
              help="Output format.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind result column ?NAME to VALUE (an IRI if it starts with http(s)://, else a string). Repeatable.")
@click.option("--store", "store_path", type=click.Path(path_type=Path),
              help="Answer from the on-disk Oxigraph store at PATH (for large graphs); bulk-loaded from --graph if PATH does not exist.")
def query(query: str, graph_path: Path, fmt: str, params: tuple[str, ...], store_path: Path | None) -> None:
    """Run a SPARQL QUERY (text, or a .rq file such as queries/papers-on-dataset.rq).

    The prefixes kg, schema, dcterms, cito, prov, skos, rdf, rdfs, xsd, owl are predefined.
    rdflib answers by default; --store answers from Oxigraph, with the same results.

    Example: kg query queries/datasets-by-papers.rq --format csv --store .kg-store
    """
    try:
        bound = dict(_param(p) for p in params)
        if store_path is None:
            backend = knowledge_graph.open_graph(graph_path).rdf
        else:
            backend = knowledge_graph.open_or_load_store(store_path, graph_path, progress=True)
        rows = query_module.run(backend, query_module.read_query(query), bound)
        click.echo(query_module.format_result(rows, fmt), nl=False)
    except KGError as err:
        _fail(err)


def _plural(noun: str) -> str:
    return noun[:-1] + "ies" if noun.endswith("y") else noun + "s"


def _param(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise KGError(f"--param {text!r}: expected NAME=VALUE")
    return name.strip().lstrip("?$"), value


@main.command()
@click.option("--graph", "graph_path", default="exports", show_default=True, type=click.Path(path_type=Path),
              help="A folder written by `kg build`, or an RDF file, to serve (loaded into a temporary Oxigraph store).")
@click.option("--store", "store_path", type=click.Path(path_type=Path),
              help="Serve this existing on-disk Oxigraph store instead of loading --graph.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on; 0.0.0.0 exposes the endpoint to the network.")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on (0: any free port).")
@click.option("--timeout", default=10.0, show_default=True, type=click.FloatRange(min=0.1), help="Seconds a query may run before it is cut.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="Query worker processes (queries answered at once).")
def serve(graph_path: Path, store_path: Path | None, host: str, port: int, timeout: float, workers: int) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint at http://HOST:PORT/sparql.

    GET and POST, results in JSON, XML, CSV or TSV (Turtle, N-Triples or RDF/XML for
    CONSTRUCT and DESCRIBE) by content negotiation; UPDATE and SERVICE are refused and queries
    are cut at --timeout. The page at / has a form to type queries. Stop with Ctrl-C.

    Example: kg serve --graph exports --port 7878 --timeout 10
    """
    from . import server

    try:
        server.serve(graph_path, store_path, host, port, timeout, workers,
                     ready=lambda url: click.echo(f"kg: serving SPARQL at {url} (Ctrl-C stops)", err=True))
    except KGError as err:
        _fail(err)
