"""Append benchmark: `kg add` of new papers into large graphs of 10k and 100k synthetic papers, step by step.

For each base size it builds the base once (`kg build` in a child process, extraction in
--workers processes; reused on the next run while kg's code is the same), then on fresh
copies of it:

- runs the add in this process (`kg.folder.append.add`), --runs times, and prints the median
  seconds of every step: open (lock, store, index, checks), read + extract, resolve,
  render, dedupe (the triples the store already has), count (kg.counts), write (graph.nt),
  store load, index update (the machine is shared: the median of a few runs is steadier
  than one);
- runs `kg add` as a command, for its wall time with process start and imports;
- loads the same new triples into two more copies of the base store, once with
  `Store.load` (one transaction: what `kg add` uses) and once with `Store.bulk_load`.

The new papers come from the same generator with another seed (other titles), plus
--repeats entries of the base listed again in a JSONL file (same title and abstract), so
that the add also meets titles it already has. Base corpora are read from --corpora when a
complete one is there (benchmarks/bench_scale.py writes them), else generated into --work.

Usage: python -m benchmarks.bench_add [--bases 10000,100000] [--add 1000] [--repeats 20] [--runs 3]
       [--workers 2] [--corpora /tmp/kg-bench] [--work /tmp/append-bench] [--out FILE.md]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STEPS = ("open", "read + extract", "resolve", "render", "dedupe", "count", "write", "store load", "index update")
SEED = 20260312  # the new papers' seed: not the bases' (0)


def base_corpus(n: int, corpora: Path, work: Path) -> Path:
    """A complete synthetic corpus of n papers: the shared one if there, else one written into `work`."""
    from benchmarks.synthetic import write_corpus

    for folder in (corpora / f"corpus-{n}", work / f"corpus-{n}"):
        if (folder / ".complete").exists():
            return folder
    shutil.rmtree(folder, ignore_errors=True)
    write_corpus(n, folder)
    (folder / ".complete").touch()
    return folder


def base_graph(n: int, corpus: Path, work: Path, workers: int) -> tuple[Path, dict]:
    """The large graph of `corpus` in work/base-N, built unless one of this kg code is there, and its build times."""
    from kg.folder.index import Index
    from kg.folder.layout import index_path
    from kg.folder.small import code_hash

    out, times = work / f"base-{n}", work / f"base-{n}.json"
    if times.exists() and index_path(out).exists():
        index = Index(index_path(out))
        index.close()
        if index.code == code_hash():
            return out, json.loads(times.read_text())
    shutil.rmtree(out, ignore_errors=True)
    done = subprocess.run([sys.executable, "-m", "benchmarks.bench_add", "--child-build", str(corpus), str(out),
                           "--workers", str(workers)], cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True)
    times.write_text(done.stdout.strip().splitlines()[-1])
    return out, json.loads(times.read_text())


def child_build(corpus: Path, out: Path, workers: int) -> None:
    """`kg build` of a large corpus; prints its seconds, with the index written at its end apart, as JSON."""
    from kg.folder import build

    built = build([corpus], out, progress=False, large=True, workers=workers)
    print(json.dumps({"build_s": sum(built.seconds.values()), "index_s": built.seconds["index"], "papers": built.papers}))


def new_listings(n_base: int, base: Path, n_add: int, repeats: int, work: Path) -> list[Path]:
    """n_add new papers (another seed) in listing files, and `repeats` base entries listed again in a JSONL file."""
    from benchmarks.synthetic import write_corpus
    from kg.sources import read_sources

    folder = work / f"new-{n_add}-for-{n_base}"
    shutil.rmtree(folder, ignore_errors=True)
    write_corpus(n_add, folder / "listings", seed=SEED)
    records = list(read_sources([sorted(base.glob("*.txt"))[0]]))
    again = records[:: max(1, len(records) // repeats)][:repeats]
    (folder / "again.jsonl").write_text("".join(json.dumps({"title": r.title, "abstract": r.abstract}) + "\n"
                                                for r in again), encoding="utf-8")
    return [folder / "listings", folder / "again.jsonl"]


def fresh_copy(base: Path, to: Path) -> Path:
    """A copy of the base graph, written back to disk first: the kernel flushing the copy would slow the add's fsyncs."""
    shutil.rmtree(to, ignore_errors=True)
    shutil.copytree(base, to)
    os.sync()
    return to


def run_base(n: int, args: argparse.Namespace) -> dict:
    """Every measurement for one base size."""
    from kg.folder import append
    from kg.folder.layout import index_path

    corpus = base_corpus(n, args.corpora, args.work)
    base, build = base_graph(n, corpus, args.work, args.workers)
    listings = new_listings(n, corpus, args.add, args.repeats, args.work)
    runs = []
    for _ in range(args.runs):
        graph = fresh_copy(base, args.work / "run")
        runs.append(append.add(listings, graph, progress=False))
    result = runs[-1]
    seconds = {step: statistics.median(r.seconds[step] for r in runs) for step in STEPS}
    row = {"base": build["papers"], "build_s": build["build_s"], "index_build_s": build["index_s"],
           "index_mb": index_path(base).stat().st_size / 2**20, "papers": result.papers, "relisted": result.relisted,
           "entities": result.entities, "triples": result.triples, "seconds": seconds,
           "totals": [sum(r.seconds.values()) for r in runs]}
    tail = args.work / "appended.nt"
    with open(graph / "graph.nt", "rb") as handle:
        handle.seek((base / "graph.nt").stat().st_size)
        tail.write_bytes(handle.read())
    cli = fresh_copy(base, args.work / "run")
    mark = time.perf_counter()
    subprocess.run([str(Path(sys.executable).parent / "kg"), "add", *map(str, listings), "--graph", str(cli), "-q"],
                   check=True)
    row["cli_s"] = time.perf_counter() - mark
    row["load_s"], row["bulk_load_s"] = (_load(base, tail, args.work, bulk) for bulk in (False, True))
    shutil.rmtree(args.work / "run")
    return row


def _load(base: Path, triples: Path, work: Path, bulk: bool) -> float:
    """Seconds to load `triples` into a copy of the base store, in one transaction or with the bulk loader."""
    import pyoxigraph

    copy = work / "store-copy"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(base / "store", copy)
    store = pyoxigraph.Store(str(copy))
    mark = time.perf_counter()
    (store.bulk_load if bulk else store.load)(path=str(triples), format=pyoxigraph.RdfFormat.N_TRIPLES)
    store.flush()
    seconds = time.perf_counter() - mark
    del store
    shutil.rmtree(copy)
    return seconds


def report(rows: list[dict], args: argparse.Namespace) -> str:
    head = ["base papers", "papers added", "triples", *STEPS, "total (runs)", "`kg add` wall"]
    lines = [f"# Append benchmark\n\n`python -m benchmarks.bench_add --bases {args.bases} --add {args.add} "
             f"--repeats {args.repeats} --runs {args.runs}` on {os.cpu_count()} cores, "
             f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. Seconds: the median of the runs per step, "
             f"and the total of each run.\n",
             "| " + " | ".join(head) + " |", "|" + "---:|" * len(head)]
    for r in rows:
        s = r["seconds"]
        lines.append(f"| {r['base']:,} | {r['papers']:,} new + {r['relisted']} listed again | {r['triples']:,} | "
                     + " | ".join(f"{s.get(step, 0.0):.2f}" for step in STEPS)
                     + f" | {sum(s.values()):.2f} ({', '.join(f'{t:.1f}' for t in r['totals'])}) | {r['cli_s']:.2f} |")
    lines += ["", "| base papers | new entities | store: `load` (kg add) | store: `bulk_load` | µs per triple (load) | "
                  "dedupe µs per triple | base build | its index write | index size |", "|" + "---:|" * 9]
    for r in rows:
        lines.append(f"| {r['base']:,} | {r['entities']:,} | {r['load_s']:.2f} s | {r['bulk_load_s']:.2f} s | "
                     f"{r['load_s'] / r['triples'] * 1e6:.1f} | {r['seconds']['dedupe'] / r['triples'] * 1e6:.1f} | "
                     f"{r['build_s']:.0f} s | {r['index_build_s']:.1f} s | {r['index_mb']:.0f} MiB |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bases", default="10000,100000", help="comma-separated base sizes (papers)")
    parser.add_argument("--add", type=int, default=1000, help="new papers per add")
    parser.add_argument("--repeats", type=int, default=20, help="entries of the base listed again in the add")
    parser.add_argument("--runs", type=int, default=3, help="adds per base (each on a fresh copy); steps are their median")
    parser.add_argument("--workers", type=int, default=2, help="extraction processes for the base builds")
    parser.add_argument("--corpora", type=Path, default=Path("/tmp/kg-bench"), help="where complete base corpora may be")
    parser.add_argument("--work", type=Path, default=Path("/tmp/append-bench"), help="folder for bases and copies")
    parser.add_argument("--out", type=Path, help="also write the report (Markdown) here")
    parser.add_argument("--child-build", nargs=2, type=Path, metavar=("CORPUS", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_build:
        child_build(*args.child_build, args.workers)
        return
    args.work.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in (int(s) for s in args.bases.split(",")):
        rows.append(run_base(n, args))
        print(f"{n:,}: {json.dumps(rows[-1])}", file=sys.stderr, flush=True)
    text = report(rows, args)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
