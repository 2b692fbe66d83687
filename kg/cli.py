"""The `kg` command: a thin layer over the Python API (parse options, call, print)."""
from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import click

from . import diff as diff_module, enrich as enrich_module, evaluate, exports, folder, pipeline, push as push_module
from . import query as query_module, server, validate as validate_module, views
from .sources import FORMATS as SOURCE_FORMATS, ReadOptions, reading_with
from .errors import KGError
from .folder import LARGE_CORPUS_PAPERS

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


def reading_options(command: Callable) -> Callable:
    """The options that say how SOURCES are read (`kg build`, `kg add`): --format and --category."""
    command = click.option("--category", "categories", multiple=True, metavar="CAT",
                           help="Keep only papers in this arXiv category (e.g. cs.CV); repeatable. "
                           "Records of sources that list no categories are kept.")(command)
    return click.option("--format", "source_format", type=click.Choice(list(SOURCE_FORMATS)),
                        help="Read every SOURCE in this format instead of detecting it from the file name "
                        "and first record.")(command)


@main.command()
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", default="exports", show_default=True, type=click.Path(path_type=Path),
              help="Folder to write graph.ttl, graph.nt, graph.jsonld, graph.graphml, nodes.csv, edges.csv, graph.html into.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary.")
@click.option("--skip-bad", is_flag=True, help="Skip bad entries inside a file (a broken JSONL line) and report how many.")
@click.option("--workers", "-j", type=click.IntRange(min=1),
              help=f"Extract in this many processes (or local Dask workers with --executor dask). "
                   f"Default: one per {pipeline.TEXTS_PER_WORKER:,} distinct abstracts, at most one per core, so small inputs stay in one process.")
@click.option("--executor", type=click.Choice(pipeline.EXECUTORS), default="local", show_default=True,
              help="Where extraction runs: local processes, or a Dask cluster (pip install 'kg[distributed]').")
@click.option("--scheduler", metavar="ADDRESS",
              help="Dask scheduler address for --executor dask, e.g. tcp://10.0.0.5:8786 (default: a local cluster).")
@click.option("--all-formats", is_flag=True,
              help=f"Write every format even above {LARGE_CORPUS_PAPERS:,} papers, where only graph.nt and an Oxigraph store are written by default.")
@reading_options
def build(sources: tuple[Path, ...], out_dir: Path, quiet: bool, skip_bad: bool, workers: int | None, executor: str,
          scheduler: str | None, all_formats: bool, source_format: str | None, categories: tuple[str, ...]) -> None:
    """Build the graph of listing SOURCES (files or folders) and write every export format.

    With no SOURCES, builds the bundled sample corpus (five Hugging Face listing pages).
    Nothing is written if any input is bad. The folder also keeps the build state (.kg/)
    that `kg add` extends. Above 5,000 listing entries only graph.nt and the Oxigraph store
    store/ are written (streamed, without rdflib or networkx), with an index that `kg add`
    appends new papers against, unless --all-formats.

    \b
    Example: kg build listings/ --out exports --workers 2
    Example: kg build arxiv-metadata-oai-snapshot.json.gz --category cs.CV --skip-bad
    """
    with reading_with(ReadOptions(source_format, frozenset(categories))):  # seen by every reader the build calls
        _build(sources, out_dir, quiet, skip_bad, workers, executor, scheduler, all_formats, time.perf_counter())


def _build(sources: tuple[Path, ...], out_dir: Path, quiet: bool, skip_bad: bool, workers: int | None, executor: str,
           scheduler: str | None, all_formats: bool, started: float) -> None:
    try:
        result = folder.build(sources, out_dir, progress=not quiet, skip_bad=skip_bad, large=False if all_formats else None,
                              workers=workers, executor=executor, scheduler=scheduler)
    except KGError as err:
        _fail(err)
    _report_skipped(result)
    if isinstance(result, folder.LargeBuild):
        if not quiet:
            stages = ", ".join(f"{stage} {seconds:.1f}s" for stage, seconds in result.seconds.items())
            click.echo(f"built {result.papers:,} papers, {result.entities:,} artifacts, {result.repos:,} repositories; "
                       f"{result.edges:,} edges, {result.triples:,} triples in {time.perf_counter() - started:.1f}s "
                       f"({stages}) → graph.nt and store/ in {out_dir}/")
        return
    if not quiet:
        graph = result.graph
        counts = Counter(data["type"].lower() for _, data in graph.nx.nodes(data=True))
        summary = ", ".join(f"{n} {_plural(t)}" for t, n in sorted(counts.items()))
        click.echo(f"built {summary}; {graph.nx.number_of_edges()} edges, {len(graph.rdf)} triples "
                   f"in {time.perf_counter() - started:.1f}s → {len(exports.WRITERS)} files in {out_dir}/")


@main.command()
@click.argument("query")
@click.option("--graph", "graph_path", default="exports", show_default=True, type=click.Path(path_type=Path),
              help="A folder written by `kg build`, or an RDF file.")
@click.option("--format", "fmt", type=click.Choice(query_module.FORMATS), default="table", show_default=True,
              help="Output format.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind ?NAME, a variable of the WHERE clause, to VALUE (an IRI if it starts with http(s)://, else a string). Repeatable.")
@click.option("--store", "store_path", type=click.Path(path_type=Path),
              help="Answer from the on-disk Oxigraph store at PATH, loaded from --graph when it does not exist or the graph changed since (a large graph's folder answers from its own store without it).")
def query(query: str, graph_path: Path, fmt: str, params: tuple[str, ...], store_path: Path | None) -> None:
    """Run a SPARQL QUERY (text, or a .rq file such as queries/papers-on-dataset.rq).

    The prefixes kg, schema, dcterms, cito, prov, skos, rdf, rdfs, xsd, owl are predefined.
    rdflib answers by default; --store answers from Oxigraph, with the same results.

    A large graph's folder answers from its own Oxigraph store.

    Example: kg query queries/datasets-by-papers.rq --format csv --store .kg-store
    """
    try:
        bound = dict(_param(p) for p in params)
        if store_path is None:
            graph = folder.open_graph(graph_path)
            backend = graph.store if graph.store is not None else graph.rdf
        else:
            backend = folder.open_or_load_store(store_path, graph_path, progress=True)
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
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--graph", "graph_dir", default="exports", show_default=True, type=click.Path(path_type=Path),
              help="The folder of a graph written by `kg build`, to add to.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary.")
@click.option("--skip-bad", is_flag=True, help="Skip bad entries inside a file (a broken JSONL line) and report how many.")
@reading_options
def add(sources: tuple[Path, ...], graph_dir: Path, quiet: bool, skip_bad: bool, source_format: str | None,
        categories: tuple[str, ...]) -> None:
    """Add listing SOURCES (files or folders) to a built graph and rewrite its exports.

    Only new files are read and extracted. A file already in the graph (same name, same
    content) changes nothing; a known name with new content replaces that file's entries;
    the same content under another name is skipped. The result equals `kg build` over every
    file added, in any order. Nothing is written if any input is bad.

    On a large graph (graph.nt and store/ only) the new papers are appended instead: no
    export is rewritten, nothing already in the graph is revised, and a known name with new
    content is refused; `kg build` of every file gives the canonical graph (README, kg/folder/append.py).

    \b
    Example: kg add listings/2026-03-12.txt --graph exports
    Example: kg add arxiv-2026-12.json.gz --category cs.CV --graph big
    """
    started = time.perf_counter()
    try:
        with reading_with(ReadOptions(source_format, frozenset(categories))):  # seen by every reader the add calls
            result = folder.add(sources, graph_dir, progress=not quiet, skip_bad=skip_bad)
    except KGError as err:
        _fail(err)
    _report_skipped(result)
    if quiet:
        return
    known = f"{len(result.unchanged) + len(result.duplicates)} already in the graph"
    if not result.written:
        click.echo(f"nothing new ({known}); {graph_dir}/ unchanged")
    elif isinstance(result, folder.Appended):
        click.echo(f"appended {len(result.changed)} file(s), {known}: {result.papers:,} new papers, {result.relisted:,} "
                   f"listed again, {result.entities:,} new artifacts; {result.triples:,} triples in "
                   f"{time.perf_counter() - started:.1f}s → graph.nt and store/ in {graph_dir}/ "
                   f"(`kg build` gives the canonical graph)")
    else:
        graph = result.graph
        click.echo(f"added {len(result.changed)} file(s), {known}; the graph has {graph.nx.number_of_nodes()} nodes, "
                   f"{graph.nx.number_of_edges()} edges → {len(exports.WRITERS)} files in {graph_dir}/")


@main.command()
@click.option("--graph", "graph_dir", default="exports", show_default=True, type=click.Path(path_type=Path),
              help="The folder of a graph written by `kg build`, to enrich.")
@click.option("--from", "source", required=True, type=click.Choice(sorted(enrich_module.SERVICES)),
              help="The service to ask: OpenAlex and Semantic Scholar (ids and citations of papers with an arXiv id or DOI), "
              "Hugging Face (paper pages, GitHub links), GitHub (stars, licence, last push, archived of each repository).")
@click.option("--save", "save_path", type=click.Path(dir_okay=False, path_type=Path),
              help="File to save the answers in, then added to the graph [default: kg-enrich-SERVICE.jsonl here].")
@click.option("--cache", "cache_dir", default=Path.home() / ".cache" / "kg" / "enrich", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="On-disk cache of answers: a re-run asks nothing twice.")
@click.option("--api-url", help="The service's base URL, for a mirror or a local test server.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary.")
def enrich(graph_dir: Path, source: str, save_path: Path | None, cache_dir: Path, api_url: str | None, quiet: bool) -> None:
    """Ask an online service about the graph's papers or repositories and add the answers to the graph.

    Keys come from the environment: OPENALEX_API_KEY (and OPENALEX_MAILTO), S2_API_KEY,
    GITHUB_TOKEN, HF_TOKEN. Requests keep to each service's rate limit and back off on 429/5xx.

    Example: GITHUB_TOKEN=... kg enrich --graph exports --from github
    """
    save_path = save_path or Path(f"kg-enrich-{source}{enrich_module.SAVED_AS[source]}")
    client = enrich_module.Client(enrich_module.SERVICES[source], cache_dir, api_url)
    try:
        saved = enrich_module.collect(folder.open_graph(graph_dir), source, save_path, client, progress=not quiet)
        if saved:
            result = folder.add([save_path], graph_dir, progress=not quiet, skip_bad=True)
    except KGError as err:
        _fail(err)
    finally:
        client.close()
    if not quiet:
        added = f"; added to {graph_dir}/" if saved and result.written else f"; {graph_dir}/ unchanged"
        click.echo(f"{source}: {saved:,} answers ({client.asked:,} asked, {client.cached:,} from the cache) "
                   f"saved in {save_path}{added}")
    if saved:
        _report_skipped(result)


def _report_skipped(result: folder.Result) -> None:
    for name, same in result.duplicates:
        click.echo(f"kg: skipped {name}: same content as {same}", err=True)
    if result.bad:
        click.echo(f"kg: skipped {len(result.bad)} bad entr{'y' if len(result.bad) == 1 else 'ies'} "
                   f"(first: {result.bad[0]})", err=True)


@main.command()
@click.option("--graph", "graph_path", default="exports", show_default=True, type=click.Path(path_type=Path),
              help="A folder written by `kg build`, or an RDF file.")
@click.option("--focus", metavar="NAME", help="Show only the neighbourhood of this paper, dataset, architecture, "
              "method or repository (any alias, any case).")
@click.option("--depth", default=1, show_default=True, type=click.IntRange(0, 10),
              help="With --focus: how many hops around the focus to show.")
@click.option("--types", "types", multiple=True, metavar="TYPE[,TYPE…]",
              help=f"Show only these node types ({', '.join(views.NODE_TYPES)}); repeatable or comma-separated.")
@click.option("--max-nodes", default=views.MAX_NODES, show_default=True, type=int,
              help=f"Largest page to write (up to {views.HARD_MAX_NODES}); a bigger selection keeps the nodes "
              "nearest the focus, then the best connected, and says so.")
@click.option("--out", "out_file", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The HTML file to write (self-contained: works offline, can be e-mailed).")
def view(graph_path: Path, focus: str | None, depth: int, types: tuple[str, ...], max_nodes: int, out_file: Path) -> None:
    """Write an interactive HTML view of the graph, or of one node's neighbourhood.

    The page has a legend with filters per node type and relation, a search box that finds
    any alias, and a details panel with the evidence sentence behind every edge.

    Example: kg view --focus ImageNet --depth 1 --out imagenet.html
    """
    try:
        graph = folder.open_graph(graph_path)
        if focus:
            graph = graph.around(focus, depth)  # a large graph: only the neighbourhood is read
        wanted = [t.strip() for group in types for t in group.split(",") if t.strip()]
        chosen = views.select(graph.nx, focus=graph.find(focus) if focus else None, depth=depth,
                              types=[t[:1].upper() + t[1:].lower() for t in wanted], max_nodes=max_nodes)
        _save(views.to_html(chosen), out_file)
    except KGError as err:
        _fail(err)
    if chosen.notice:
        click.echo(f"kg: note: {chosen.notice}", err=True)
    click.echo(f"wrote {out_file}: {chosen.graph.number_of_nodes():,} nodes, {chosen.graph.number_of_edges():,} edges")


def _save(text: str, out_file: Path) -> None:
    """Write a page or digest whole (kg.views.save), into a folder that must exist."""
    if not out_file.parent.is_dir():
        raise KGError(f"{out_file.parent}: no such folder to write {out_file.name} into")
    views.save(text, out_file)


@main.command()
@click.option("--graph", "graph_path", default="exports", show_default=True, type=click.Path(path_type=Path),
              help="A folder written by `kg build`, or an RDF file.")
@click.option("--family", metavar="NAME", help="The architecture or method whose family to draw (any alias, any case); "
              "default: every family with a listed member.")
@click.option("--out", "out_file", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The HTML file to write (self-contained: works offline, can be e-mailed).")
def timeline(graph_path: Path, family: str | None, out_file: Path) -> None:
    """Write a family of architectures or methods as a timeline of when each was first listed.

    x is the first listing date of the papers that introduce each member, edges are variantOf
    and buildsOn; a click on a member shows the papers that introduced it. A date without a
    year (Hugging Face listings write "Mar 12") is read in the latest year any listing gives.

    Example: kg timeline --family ViT --out vit-timeline.html
    """
    try:
        graph = folder.open_graph(graph_path)
        chosen = views.timeline(graph.nx, graph.find(family) if family else None)
        _save(views.to_html(chosen), out_file)
    except KGError as err:
        _fail(err)
    if chosen.notice:
        click.echo(f"kg: note: {chosen.notice}", err=True)
    click.echo(f"wrote {out_file}: {chosen.graph.number_of_nodes():,} members, {len(chosen.axis) - 1:,} listing dates")


@main.command()
@click.argument("old_dir", type=click.Path(path_type=Path))
@click.argument("new_dir", type=click.Path(path_type=Path))
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the digest to FILE.md (Markdown) or FILE.html (a page) instead of printing Markdown.")
def diff(old_dir: Path, new_dir: Path, out_file: Path | None) -> None:
    """Say what is new in the graph in NEW_DIR since the one in OLD_DIR (folders written by `kg build`).

    New papers, datasets, architectures, methods and repositories, the new papers on the
    most-used datasets and architectures, and the counts that moved. Exit status 0, with
    "Nothing new." when nothing is.

    Example: kg diff last-week/ exports/ --out news.md
    """
    try:
        if out_file is not None and out_file.suffix.lower() not in (".md", ".html"):
            raise KGError(f"--out {out_file}: expected a file name ending in .md or .html")
        found = diff_module.digest(folder.open_graph(old_dir).nx, folder.open_graph(new_dir).nx)
        names = {"old_name": str(old_dir), "new_name": str(new_dir)}
        if out_file is None:
            click.echo(diff_module.to_markdown(found, **names), nl=False)
            return
        text = diff_module.to_html(found, **names) if out_file.suffix.lower() == ".html" else diff_module.to_markdown(found, **names)
        _save(text, out_file)
    except KGError as err:
        _fail(err)
    click.echo(f"wrote {out_file}: {diff_module.summary(found)}")


@main.command(name="eval")
@click.argument("gold", type=click.Path(path_type=Path))
@click.option("--graph", "graph_path", default="exports", show_default=True, type=click.Path(path_type=Path),
              help="A folder written by `kg build`, or an RDF file.")
@click.option("--errors", "error_limit", default=10, show_default=True, type=click.IntRange(min=0),
              help="How many of the most frequent missed, spurious and mistyped edges to list (0: none).")
def eval_(gold: Path, graph_path: Path, error_limit: int) -> None:
    """Score a built graph against a GOLD file (JSONL, one annotated paper per line).

    Prints precision, recall and F1 per relation (strict and lenient name matching), type
    accuracy, and the most frequent errors with the sentence each comes from.

    Example: kg eval tests/gold/papers.jsonl --graph exports
    """
    try:
        rows = evaluate.load_gold(gold)
        report = evaluate.score(rows, folder.open_graph(graph_path))
    except KGError as err:
        _fail(err)
    click.echo(evaluate.format_table(report))
    if error_limit:
        click.echo(evaluate.format_errors(report, error_limit))


@main.command()
@click.argument("endpoint")
@click.option("--graph", "graph_path", default="exports", show_default=True, type=click.Path(path_type=Path),
              help="A folder written by `kg build` (its graph.nt is sent), or an .nt or .ttl file.")
@click.option("--graph-iri", default=push_module.DEFAULT_GRAPH_IRI, show_default=True,
              help="The named graph of the store to write into.")
@click.option("--replace/--merge", default=True, show_default=True,
              help="Replace the named graph's content (HTTP PUT), or add to it (HTTP POST).")
@click.option("--user", help="User name for the store (Virtuoso: dba).")
@click.option("--password", envvar="KG_PUSH_PASSWORD", show_envvar=True,
              help="Password for --user; better set in the environment variable than on the command line.")
@click.option("--auth", "scheme", type=click.Choice(sorted(push_module.AUTH_SCHEMES)), default="digest",
              show_default=True, help="HTTP authentication scheme (Virtuoso uses digest).")
@click.option("--timeout", default=60.0, show_default=True, type=click.FloatRange(min=0, min_open=True),
              help="Seconds to wait for the connection and for each answer of the store.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary.")
def push(endpoint: str, graph_path: Path, graph_iri: str, replace: bool, user: str | None, password: str | None,
         scheme: str, timeout: float, quiet: bool) -> None:
    """Send the graph to a triple store's SPARQL 1.1 Graph Store Protocol ENDPOINT.

    The graph goes into one named graph (--graph-iri); the store's other graphs are not
    touched. For Virtuoso the writable endpoint is http://HOST:8890/sparql-graph-crud-auth
    with user dba.

    Example: KG_PUSH_PASSWORD=dba kg push http://127.0.0.1:8890/sparql-graph-crud-auth --user dba
    """
    try:
        if (user is None) != (password is None):
            raise KGError("--user and a password (KG_PUSH_PASSWORD or --password) go together")
        auth = push_module.AUTH_SCHEMES[scheme](user, password) if user is not None else None
        pushed = push_module.push(graph_path, endpoint, graph_iri, "replace" if replace else "merge", auth=auth,
                                  timeout=timeout, progress=not quiet)
    except KGError as err:
        _fail(err)
    if not quiet:
        done = "replaced" if replace else "merged into"
        click.echo(f"{done} <{pushed.graph_iri}> at {endpoint} with {pushed.path} ({pushed.size:,} bytes)")


@main.command()
@click.option("--graph", "graph_path", default="exports", show_default=True, type=click.Path(path_type=Path),
              help="A folder written by `kg build`, or an RDF file, to serve (a large graph from its own store; "
              "any other loaded into a temporary Oxigraph store).")
@click.option("--store", "store_path", type=click.Path(path_type=Path),
              help="Serve this existing on-disk Oxigraph store instead of loading --graph.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on; 0.0.0.0 exposes the endpoint to the network.")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on (0: any free port).")
@click.option("--timeout", default=10.0, show_default=True, type=click.FloatRange(min=0.1), help="CPU seconds a query may compute before it is cut (whole seconds; a query waiting for a busy core is not charged).")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="Query worker processes (queries answered at once).")
def serve(graph_path: Path, store_path: Path | None, host: str, port: int, timeout: float, workers: int) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint at http://HOST:PORT/sparql.

    GET and POST, results in JSON, XML, CSV or TSV (Turtle, N-Triples, RDF/XML or JSON-LD for
    CONSTRUCT and DESCRIBE) by content negotiation; UPDATE and SERVICE are refused and queries
    are cut at --timeout. The page at / has a form to type queries. Stop with Ctrl-C.

    Example: kg serve --graph exports --port 7878 --timeout 10
    """
    try:
        server.serve(graph_path, store_path or folder.store_of(graph_path), host, port, timeout, workers,
                     ready=lambda url: click.echo(f"kg: serving SPARQL at {url} (Ctrl-C stops)", err=True))
    except KGError as err:
        _fail(err)


@main.command(name="validate")
@click.option("--graph", "graph_path", default="exports", show_default=True, type=click.Path(path_type=Path),
              help="A folder written by `kg build` (its graph.nt), or an RDF file (.nt, .ttl, .jsonld).")
def validate_command(graph_path: Path) -> None:
    """Check the graph against kg's SHACL shapes (kg/shapes.ttl) with pyshacl.

    Prints one line per violation (node, predicate: message) and exits 1 if there is any;
    exits 0 with a one-line summary if the graph conforms.

    Example: kg validate --graph exports
    """
    try:
        report = validate_module.validate(graph_path)
    except KGError as err:
        _fail(err)
    for line in report.violations:
        click.echo(line)
    click.echo(f"{report.path}: {report.triples:,} triples, {len(report.violations)} SHACL violation"
               f"{'s' if len(report.violations) != 1 else ''}", err=not report.conforms)
    sys.exit(0 if report.conforms else 1)


if __name__ == "__main__":
    main()
