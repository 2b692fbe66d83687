"""Scale benchmark: synthetic corpora of 10k, 100k and 1M papers through every stage of `kg build`.

Prints (and writes, with --out) a Markdown table per size: papers/s for parse, extract,
resolve, N-Triples write and the Oxigraph bulk load; peak memory; export sizes; latency of
every query in queries/ on the store (unbound, and with the parameters of its `Example:`
line); and, in the same run, the obvious alternative — the same triples added to a plain
rdflib Graph and serialised as Turtle — with the ratio per million triples.

Each size runs in its own process, so its peak memory is its own (extraction workers
included). Corpora are generated once into --work and reused.

Usage: python -m benchmarks.bench_scale [--sizes 10000,100000,1000000] [--workers 2]
       [--work /tmp/kg-bench] [--out benchmarks/results/scale.md] [--rdflib-papers 20000]
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUERIES = sorted((ROOT / "queries").glob("*.rq"))
REPEATS = 3
SLOW_QUERY_S = 5.0  # a query slower than this cold is timed once, not repeated
QUERY_TIMEOUT_S = 120.0


def _peak_mb() -> float:
    """Peak resident memory of this process (MiB); extraction workers start small (forkserver) and stay ~0.1 GiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    times = os.times()
    return times.user + times.system


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _size(path: Path) -> int:
    return path.stat().st_size if path.is_file() else sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def corpus_dir(work: Path, n: int) -> Path:
    from benchmarks.synthetic import write_corpus

    folder = work / f"corpus-{n}"
    if not (folder / ".complete").exists():
        shutil.rmtree(folder, ignore_errors=True)
        write_corpus(n, folder)
        (folder / ".complete").touch()
    return folder


def run_size(n: int, work: Path, workers: int) -> dict:
    """Every stage of a large `kg build` on n synthetic papers, timed separately; then the queries."""
    from kg import pipeline
    from kg.large_exports import write_large
    from kg.resolve import resolve
    from kg.sources import read_sources
    from kg.store import open_store
    from kg.vocabulary import load

    source = corpus_dir(work, n)
    out = work / f"out-{n}"
    shutil.rmtree(out, ignore_errors=True)
    stages: dict[str, float] = {}
    cpu: dict[str, float] = {}  # CPU seconds of this process (not of extraction workers): less noisy on a shared machine
    gc.disable()  # as pipeline.build_corpus does (pipeline.paused_gc)
    started, cpu_started = time.perf_counter(), _cpu()
    records = list(read_sources([source]))
    stages["parse"], cpu["parse"] = time.perf_counter() - started, _cpu() - cpu_started
    mark, cpu_mark = time.perf_counter(), _cpu()
    pairs = list(zip(records, pipeline.extract_records(records, progress=False, workers=workers)))
    stages["extract"], cpu["extract"] = time.perf_counter() - mark, _cpu() - cpu_mark
    del records
    mark, cpu_mark = time.perf_counter(), _cpu()
    corpus = resolve(pairs, load())
    stages["resolve"], cpu["resolve"] = time.perf_counter() - mark, _cpu() - cpu_mark
    del pairs
    mark, cpu_mark = time.perf_counter(), _cpu()
    write_large(corpus, out, progress=False)  # graph.nt, then the store loaded from it
    stages["rdf+store"], cpu["rdf+store"] = time.perf_counter() - mark, _cpu() - cpu_mark
    write_and_load = stages["rdf+store"]
    triples = sum(1 for _ in open(out / "graph.nt", "rb"))
    stages["total"], cpu["total"] = time.perf_counter() - started, _cpu() - cpu_started
    print(f"{n:,} papers: " + ", ".join(f"{k} {v:.1f}s" for k, v in stages.items()), file=sys.stderr, flush=True)
    mark = time.perf_counter()
    open_store(out / "store")
    reopen = time.perf_counter() - mark
    return {
        "cpu": cpu, "papers": n, "records": sum(len(p.sources) for p in corpus.papers.values()), "workers": workers,
        "triples": triples, "edges": len(corpus.edges), "stages": stages, "write_and_load": write_and_load,
        "peak_mb": _peak_mb(), "nt_bytes": _size(out / "graph.nt"), "store_bytes": _size(out / "store"),
        "reopen_s": reopen, "queries": time_queries(out / "store"),
    }


def time_queries(store_path: Path, timeout: float = QUERY_TIMEOUT_S) -> list[dict]:
    """Latency of each named query, unbound and with its example's parameters, each in its own
    process so one that runs past `timeout` seconds is stopped and reported as such."""
    import multiprocessing

    context = multiprocessing.get_context("forkserver")
    results = []
    for path in QUERIES:
        text = path.read_text(encoding="utf-8")
        variants = [("", {})]
        params = example_params(text)
        if params:
            variants.append((" ".join(f"{k}={v}" for k, v in params.items()), params))
        for label, bound in variants:
            receiver, sender = context.Pipe(duplex=False)
            worker = context.Process(target=_time_query, args=(str(store_path), text, bound, sender))
            worker.start()
            answer = receiver.recv() if receiver.poll(timeout) else None
            worker.kill()
            worker.join()
            rows, ms = answer if answer else (None, None)
            results.append({"query": path.stem, "params": label, "rows": rows, "ms": ms})
    return results


def example_params(text: str) -> dict[str, str]:
    """The --param NAME=VALUE pairs of a named query's `# Example:` line, read as a shell reads
    them, so quoted values with spaces (`--param "title=A B"`) are timed too."""
    line = next((line for line in text.splitlines() if line.startswith("# Example:")), "# Example:")
    words = shlex.split(line.removeprefix("# Example:"))
    return dict(words[i + 1].split("=", 1) for i, word in enumerate(words[:-1]) if word == "--param")


def _time_query(store_path: str, text: str, bound: dict, sender) -> None:
    from kg.query import run
    from kg.store import open_store

    store = open_store(store_path)
    mark = time.perf_counter()
    rows = run(store, text, bound)
    times = [time.perf_counter() - mark]  # cold
    for _ in range(REPEATS if times[0] < SLOW_QUERY_S else 0):
        mark = time.perf_counter()
        run(store, text, bound)
        times.append(time.perf_counter() - mark)
    sender.send((len(rows.rows), statistics.median(times[1:] or times) * 1000))


def run_rdflib(n: int, work: Path) -> dict:
    """The obvious alternative: `kg.rdf.to_graph` (a plain rdflib Graph) and Turtle, on n papers."""
    from kg import pipeline, rdf

    corpus = pipeline.build_corpus([corpus_dir(work, n)], progress=False)
    gc.collect()
    before = _rss_mb()
    mark = time.perf_counter()
    graph = rdf.to_graph(corpus)
    load_s = time.perf_counter() - mark
    mark = time.perf_counter()
    size = len(graph.serialize(format="turtle").encode())
    turtle_s = time.perf_counter() - mark
    return {"papers": n, "triples": len(graph), "load_s": load_s, "turtle_s": turtle_s, "turtle_bytes": size,
            "added_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - before}


def _child(kind: str, n: int, args: argparse.Namespace) -> dict:
    command = [sys.executable, "-m", "benchmarks.bench_scale", "--child", kind, "--sizes", str(n),
               "--workers", str(args.workers), "--work", str(args.work)]
    done = subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(size: dict, alt: dict) -> str:
    n, st = size["papers"], size["stages"]
    per_m = size["triples"] / 1e6
    lines = [f"### {n:,} papers ({size['records']:,} listing entries, {size['triples']:,} triples, "
             f"{size['edges']:,} edges; extraction in {size['workers']} processes)", "",
             "| stage | seconds | papers/s | CPU s, main process |", "|---|---:|---:|---:|"]
    for stage in ("parse", "extract", "resolve", "rdf+store", "total"):
        seconds = size["write_and_load"] if stage == "rdf+store" else st[stage]
        cpu = f"{size['cpu'][stage]:.1f}" if "cpu" in size else "—"
        lines.append(f"| {stage} | {seconds:.1f} | {n / seconds:,.0f} | {cpu} |")
    lines += ["", f"N-Triples write + Oxigraph bulk load: {size['write_and_load'] / per_m:.1f} s per million triples. "
                  f"Peak memory (main process): {size['peak_mb'] / 1024:.2f} GiB. "
                  f"graph.nt {size['nt_bytes'] / 2**20:,.0f} MiB, store/ {size['store_bytes'] / 2**20:,.0f} MiB; "
                  f"reopening the store {size['reopen_s'] * 1000:.0f} ms.", "",
              f"Queries on the store, each in a fresh process: median of {REPEATS} warm runs (one cold run when it "
              f"took over {SLOW_QUERY_S:.0f} s; stopped after {QUERY_TIMEOUT_S:.0f} s).", "",
              "| query | parameters | rows | ms |", "|---|---|---:|---:|"]
    lines += [f"| {q['query']} | {q['params'] or '—'} | " + (f"{q['rows']:,} | {q['ms']:.1f} |" if q["ms"] is not None
              else f"? | > {QUERY_TIMEOUT_S:.0f} s (stopped) |") for q in size["queries"]]
    alt_per_m = (alt["load_s"] + alt["turtle_s"]) / (alt["triples"] / 1e6)
    ours_per_m = size["write_and_load"] / per_m
    lines += ["", f"Plain rdflib (`kg.rdf.to_graph` + Turtle) on a {alt['papers']:,}-paper corpus of the same generator "
                  f"({alt['triples']:,} triples): add {alt['load_s']:.1f} s + "
                  f"Turtle {alt['turtle_s']:.1f} s = {alt_per_m:.1f} s per million triples, "
                  f"+{alt['added_mb'] / (alt['triples'] / 1e6):,.0f} MiB per million triples "
                  f"(full graph at that rate: ~{alt_per_m * per_m / 60:.0f} min, "
                  f"~{alt['added_mb'] / (alt['triples'] / 1e6) * per_m / 1024:.1f} GiB). "
                  f"**Ratio rdflib / kg: {alt_per_m / ours_per_m:.1f}× the time per triple.**", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated corpus sizes (papers)")
    parser.add_argument("--workers", type=int, default=2, help="extraction processes")
    parser.add_argument("--work", type=Path, default=Path("/tmp/kg-bench"), help="folder for corpora and outputs")
    parser.add_argument("--out", type=Path, help="also write the report (Markdown) here")
    parser.add_argument("--rdflib-papers", type=int, default=20_000,
                        help="largest corpus given to plain rdflib (it needs ~1.4 GB per million triples)")
    parser.add_argument("--queries-only", type=Path, metavar="STORE", help="only time the queries on an existing store")
    parser.add_argument("--query-timeout", type=float, default=QUERY_TIMEOUT_S, help="seconds before a query is stopped (with --queries-only)")
    parser.add_argument("--child", choices=("size", "rdflib"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.queries_only:
        print(json.dumps(time_queries(args.queries_only, args.query_timeout)))
        return
    args.work.mkdir(parents=True, exist_ok=True)
    if args.child:
        result = run_size(sizes[0], args.work, args.workers) if args.child == "size" else run_rdflib(sizes[0], args.work)
        print(json.dumps(result))
        return
    header = (f"# Scale benchmark\n\n`python -m benchmarks.bench_scale --sizes {args.sizes} --workers {args.workers}` "
              f"on {os.cpu_count()} cores, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.\n")
    print(header)
    sections = [header]
    alternatives: dict[int, dict] = {}
    for n in sizes:
        m = min(n, args.rdflib_papers)
        alternatives[m] = alternatives.get(m) or _child("rdflib", m, args)
        section = report(_child("size", n, args), alternatives[m])
        print(section, flush=True)
        sections.append(section)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text("\n".join(sections), encoding="utf-8")


if __name__ == "__main__":
    main()
