"""Query latency, rdflib vs Oxigraph, for every named query, on the sample corpus and on a
synthetic corpus (100k papers by default), measured in one run.

Each query runs with the parameters of its header's `Example:` line, as a user would ask
it. Oxigraph is the on-disk store `kg query --store` uses, bulk-loaded; rdflib is the
in-memory Graph `kg query` uses. A query's time is the best of `--repeat` warm runs after
one untimed run. rdflib queries run in a forked child so that one that has not finished
its runs within `--limit` seconds is stopped and shown as "> limit".

Usage: python -m benchmarks.bench_query [--papers 100000] [--repeat 3] [--limit 60]
"""
from __future__ import annotations

import argparse
import io
import multiprocessing
import resource
import shlex
import tempfile
import time
from pathlib import Path

from rdflib import Graph

from benchmarks.synthetic import write_corpus
from kg.pipeline import build_corpus
from kg.query import read_query, run
from kg.rdf import new_graph, write_ntriples
from kg.sample import SAMPLE_DIR
from kg.store import load_store

QUERIES = sorted((Path(__file__).resolve().parents[1] / "queries").glob("*.rq"))


def example_params(text: str) -> dict[str, str]:
    line = next(line for line in text.splitlines() if line.startswith("# Example:"))
    words = shlex.split(line.removeprefix("# Example:"))
    return dict(words[i + 1].split("=", 1) for i, word in enumerate(words) if word == "--param")


def best_time(backend, text: str, params: dict[str, str], repeat: int) -> tuple[float, int]:
    rows = len(run(backend, text, params).rows)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run(backend, text, params)
        times.append(time.perf_counter() - started)
    return min(times), rows


def _child(graph: Graph, text: str, params: dict[str, str], repeat: int, conn) -> None:
    conn.send(best_time(graph, text, params, repeat))


def rdflib_time(graph: Graph, text: str, params: dict[str, str], repeat: int, limit: float) -> tuple[float | None, int]:
    """Timed in a forked child (it shares the loaded graph) so that a runaway query can be stopped."""
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe()
    process = context.Process(target=_child, args=(graph, text, params, repeat, child))
    process.start()
    answered = parent.poll(limit)
    result = parent.recv() if answered else (None, -1)
    process.kill()
    process.join()
    return result


def ntriples(corpus) -> bytes:
    out = io.StringIO()
    write_ntriples(corpus, out)  # the ontology, then the corpus
    return out.getvalue().encode("utf-8")


def measure(name: str, sources: list[Path], workdir: Path, repeat: int, limit: float) -> list[str]:
    started = time.perf_counter()
    corpus = build_corpus(sources, progress=True)
    data = ntriples(corpus)
    del corpus
    built = time.perf_counter() - started
    started = time.perf_counter()
    store = load_store([data], workdir / f"{name}-store", progress=False)
    ox_load = time.perf_counter() - started
    started = time.perf_counter()
    graph = new_graph().parse(data=data, format="nt")
    rdflib_load = time.perf_counter() - started
    lines = [f"\n### {name}: {len(graph):,} triples (extract+resolve {built:.0f} s; load: rdflib {rdflib_load:.1f} s, "
             f"Oxigraph bulk {ox_load:.1f} s)\n",
             "| query (example parameters) | rows | rdflib | Oxigraph | speed-up |", "|---|---|---|---|---|"]
    for path in QUERIES:
        text = read_query(str(path))
        params = example_params(text)
        ox, rows = best_time(store, text, params, repeat)
        rd, rd_rows = rdflib_time(graph, text, params, repeat, limit)
        assert rd is None or rd_rows == rows, f"{path.name}: rdflib {rd_rows} rows, Oxigraph {rows}"
        shown = f"> {limit:g} s" if rd is None else f"{rd * 1000:,.0f} ms"
        speedup = "" if rd is None else f"{rd / ox:,.1f}×"
        lines.append(f"| {path.stem} | {rows:,} | {shown} | {ox * 1000:,.1f} ms | {speedup} |")
        print(lines[-1], flush=True)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000, help="papers in the synthetic corpus")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per query (best is kept)")
    parser.add_argument("--limit", type=float, default=60.0, help="seconds before an rdflib query (all its runs) is stopped")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-query-") as tmp:
        work = Path(tmp)
        report = measure("sample corpus", [SAMPLE_DIR], work, args.repeat, args.limit)
        listings = write_corpus(args.papers, work / "listings")
        report += measure(f"synthetic {args.papers:,} papers", listings, work, args.repeat, args.limit)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print("\n".join(report))
    print(f"\npeak memory of the benchmark process: {peak:.1f} GB")


if __name__ == "__main__":
    main()
