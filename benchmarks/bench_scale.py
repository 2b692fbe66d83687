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
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUERIES = sorted((ROOT / "queries").glob("*.rq"))
REPEATS = 3
SLOW_QUERY_S = 5.0  # a query slower than this cold is timed once, not repeated
QUERY_TIMEOUT_S = 120.0


def _peak_mb() -> float:
    """Peak resident memory of this process (MiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class TreeMemory(threading.Thread):
    """Samples, twice a second, the resident memory of this process and all its descendants
    (the forkserver and the extraction workers, which are not this process' children and so
    escape RUSAGE_CHILDREN); `.peak_mb` is the largest sum seen: the job's real footprint."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_mb = 0.0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.5):
            self.peak_mb = max(self.peak_mb, sum(map(_rss_of, _tree(os.getpid()))))

    def stop(self) -> float:
        self.done.set()
        self.join()
        return self.peak_mb


def _tree(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        found += frontier
    return found


def _rss_of(pid: int) -> float:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return 0.0


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


def run_size(n: int, work: Path, workers: int, query_timeout: float) -> dict:
    """`kg build` of n synthetic papers (kg.folder.build, as the CLI runs it), with its
    stage timings; then the queries on the store it wrote."""
    from kg.folder import build
    from kg.store import open_store

    source = corpus_dir(work, n)
    out = work / f"out-{n}"
    shutil.rmtree(out, ignore_errors=True)
    memory = TreeMemory()
    memory.start()
    started = time.perf_counter()
    built = build([source], out, progress=False, large=True, workers=workers)
    tree_peak_mb = memory.stop()
    stages = {**built.seconds, "total": time.perf_counter() - started}
    print(f"{n:,} papers: " + ", ".join(f"{k} {v:.1f}s" for k, v in stages.items()), file=sys.stderr, flush=True)
    mark = time.perf_counter()
    open_store(out / "store")
    reopen = time.perf_counter() - mark
    return {
        "papers": built.papers, "records": built.entries, "workers": workers,
        "triples": built.triples, "edges": built.edges, "stages": stages,
        "peak_mb": _peak_mb(), "tree_peak_mb": tree_peak_mb,
        "nt_bytes": _size(out / "graph.nt"), "store_bytes": _size(out / "store"),
        "reopen_s": reopen, "query_timeout": query_timeout, "queries": time_queries(out / "store", query_timeout),
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
               "--workers", str(args.workers), "--work", str(args.work), "--query-timeout", str(args.query_timeout)]
    done = subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


STAGES = {"read": "parse listings", "extract": "extract", "resolve": "resolve", "write": "write graph.nt",
          "index": "index for kg add", "load": "Oxigraph bulk load (the rest: it starts with the write)", "total": "total"}


def report(size: dict, alt: dict) -> str:
    n, st = size["papers"], size["stages"]
    per_m = size["triples"] / 1e6
    lines = [f"### {n:,} papers ({size['records']:,} listing entries, {size['triples']:,} triples, "
             f"{size['edges']:,} edges; extraction in {size['workers']} processes)", "",
             "| stage | seconds | papers/s | share |", "|---|---:|---:|---:|"]
    for stage, name in STAGES.items():
        lines.append(f"| {name} | {st[stage]:.1f} | {n / st[stage]:,.0f} | {st[stage] / st['total']:.0%} |")
    ours_per_m = (st["write"] + st["index"] + st["load"]) / per_m
    lines += ["", f"Writing graph.nt and the index while bulk-loading the triples: {ours_per_m:.1f} s per million triples. "
                  f"Peak memory: {size['peak_mb'] / 1024:.2f} GiB in the main process; "
                  f"{size['tree_peak_mb'] / 1024:.2f} GiB for the main process and its extraction workers together. "
                  f"graph.nt {size['nt_bytes'] / 2**20:,.0f} MiB, store/ {size['store_bytes'] / 2**20:,.0f} MiB; "
                  f"reopening the store {size['reopen_s'] * 1000:.0f} ms.", "",
              f"Queries on the store, each in a fresh process: median of {REPEATS} warm runs (one cold run when it "
              f"took over {SLOW_QUERY_S:.0f} s; stopped after {size['query_timeout']:.0f} s).", "",
              "| query | parameters | rows | ms |", "|---|---|---:|---:|"]
    lines += [f"| {q['query']} | {q['params'] or '—'} | " + (f"{q['rows']:,} | {q['ms']:.1f} |" if q["ms"] is not None
              else f"? | > {size['query_timeout']:.0f} s (stopped) |") for q in size["queries"]]
    alt_per_m = (alt["load_s"] + alt["turtle_s"]) / (alt["triples"] / 1e6)
    alt_mb_per_m = alt["added_mb"] / (alt["triples"] / 1e6)
    lines += ["", f"Plain rdflib (`kg.rdf.to_graph` + Turtle) on a {alt['papers']:,}-paper corpus of the same generator "
                  f"({alt['triples']:,} triples): add {alt['load_s']:.1f} s + "
                  f"Turtle {alt['turtle_s']:.1f} s = {alt_per_m:.1f} s per million triples, "
                  f"+{alt_mb_per_m:,.0f} MiB per million triples "
                  f"(this graph at that rate: ~{alt_per_m * per_m / 60:.0f} min, ~{alt_mb_per_m * per_m / 1024:.1f} GiB). "
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
    parser.add_argument("--query-timeout", type=float, default=QUERY_TIMEOUT_S, help="seconds before a query is stopped")
    parser.add_argument("--child", choices=("size", "rdflib"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.queries_only:
        print(json.dumps(time_queries(args.queries_only, args.query_timeout)))
        return
    args.work.mkdir(parents=True, exist_ok=True)
    if args.child:
        result = run_size(sizes[0], args.work, args.workers, args.query_timeout) if args.child == "size" else run_rdflib(sizes[0], args.work)
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
