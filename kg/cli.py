"""The `kg` command: a thin layer over the Python API (parse options, call, print)."""
from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

import click

from . import knowledge_graph, pipeline, query as query_module, rdf
from .errors import KGError
from .large_exports import LARGE_CORPUS_PAPERS, write_large
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
@click.option("--workers", "-j", default=1, show_default=True, type=click.IntRange(min=1),
              help="Extract in this many processes (or local Dask workers with --executor dask).")
@click.option("--executor", type=click.Choice(pipeline.EXECUTORS), default="local", show_default=True,
              help="Where extraction runs: local processes, or a Dask cluster (pip install 'kg[distributed]').")
@click.option("--scheduler", metavar="ADDRESS",
              help="Dask scheduler address for --executor dask, e.g. tcp://10.0.0.5:8786 (default: a local cluster).")
@click.option("--all-formats", is_flag=True,
              help=f"Write every format even above {LARGE_CORPUS_PAPERS:,} papers, where only graph.nt and an Oxigraph store are written by default.")
def build(sources: tuple[Path, ...], out_dir: Path, quiet: bool, workers: int, executor: str,
          scheduler: str | None, all_formats: bool) -> None:
    """Build the graph of listing SOURCES (files or folders) and write every export format.

    With no SOURCES, builds the bundled sample corpus (five Hugging Face listing pages).
    Above 5,000 papers only graph.nt and the Oxigraph store store/ are written (streamed,
    without rdflib or networkx) unless --all-formats. Nothing is written if any input is bad.

    Example: kg build listings/ --out exports --workers 2
    """
    started = time.perf_counter()
    try:
        corpus = pipeline.build_corpus(sources or [SAMPLE_DIR], progress=not quiet, workers=workers,
                                       executor=executor, scheduler=scheduler)
        if len(corpus.papers) > LARGE_CORPUS_PAPERS and not all_formats:
            written = write_large(corpus, out_dir, progress=not quiet)
        else:
            written = knowledge_graph.KnowledgeGraph(rdf.to_graph(corpus)).export(out_dir)
    except KGError as err:
        _fail(err)
    if not quiet:
        counts = Counter(entity.type for entity in corpus.entities.values())
        counts.update(paper=len(corpus.papers), repository=len(corpus.repos))
        summary = ", ".join(f"{n} {_plural(t)}" for t, n in sorted(counts.items()))
        click.echo(f"built {summary}; {len(corpus.edges)} edges in {time.perf_counter() - started:.1f}s "
                   f"→ {len(written)} files in {out_dir}/")


@main.command()
@click.argument("query")
@click.option("--graph", "graph_path", default="exports", show_default=True, type=click.Path(path_type=Path),
              help="A folder written by `kg build`, or an RDF file.")
@click.option("--format", "fmt", type=click.Choice(query_module.FORMATS), default="table", show_default=True,
              help="Output format.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind ?NAME to VALUE (an IRI if it starts with http(s)://, else a string). Repeatable.")
def query(query: str, graph_path: Path, fmt: str, params: tuple[str, ...]) -> None:
    """Run a SPARQL QUERY (text, or a .rq file such as queries/papers-on-dataset.rq).

    The prefixes kg, schema, dcterms, cito, prov, skos, rdf, rdfs are predefined.

    Example: kg query queries/datasets-by-papers.rq --format csv
    """
    try:
        bound = dict(_param(p) for p in params)
        graph = knowledge_graph.open_graph(graph_path)
        rows = query_module.run(graph.rdf, query_module.read_query(query), bound)
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
