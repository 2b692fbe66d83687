"""Reading benchmark: an arXiv-metadata-snapshot-shaped file of N lines, filtered to one category.

Generates N snapshot lines (the Kaggle file's keys and sizes: a ~1 KB wrapped abstract,
authors as a string and as `authors_parsed`, versions, 1–3 categories of which one in
--share is the selected one), optionally gzipped, then reads it with kg's reader
(`kg.sources.read_sources` with `--category`) in a fresh child process, and prints a table:
lines, papers kept, seconds, lines/s, and the child's peak memory (ru_maxrss), which shows
the file is streamed rather than held (peak memory does not grow with N).

Usage: python -m benchmarks.bench_arxiv [--lines 100000,1000000] [--gzip] [--work /tmp/arxiv-bench]
       [--category cs.CV] [--out FILE.md]
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

CATEGORIES = ("cs.CV", "cs.LG", "cs.CL", "math.PR", "stat.ML", "physics.optics", "q-bio.NC", "econ.EM")
WORDS = ("model network training data learning image representation attention graph loss sparse robust "
         "benchmark transformer diffusion retrieval language vision policy kernel estimator").split()


def snapshot_line(rng: random.Random, i: int) -> str:
    """One line shaped like the Kaggle snapshot's (keys, types, wrapped abstract, sizes)."""
    authors = [(f"Last{rng.randrange(10**5)}", f"First{rng.randrange(10**3)}", "") for _ in range(rng.randint(1, 8))]
    words = [rng.choice(WORDS) for _ in range(150)]
    abstract = "  " + "\n".join(" ".join(words[j : j + 12]) for j in range(0, len(words), 12)) + "\n"
    year, month = 7 + i % 18, 1 + i % 12
    return json.dumps({
        "id": f"{year:02d}{month:02d}.{i % 100000:05d}", "submitter": authors[0][1] + " " + authors[0][0],
        "authors": ", ".join(f"{f} {l}" for l, f, _ in authors), "title": " ".join(rng.choice(WORDS) for _ in range(9)).title(),
        "comments": "12 pages, 4 figures", "journal-ref": None, "doi": f"10.1000/x.{i}" if i % 3 == 0 else None,
        "report-no": None, "categories": " ".join(rng.sample(CATEGORIES, rng.randint(1, 3))),
        "license": "http://arxiv.org/licenses/nonexclusive-distrib/1.0/", "abstract": abstract,
        "versions": [{"version": "v1", "created": "Mon, 11 Jan 2021 20:31:27 GMT"}], "update_date": "2021-01-12",
        "authors_parsed": [list(a) for a in authors],
    }) + "\n"


def generate(path: Path, lines: int) -> None:
    """Write the file once (reused on the next run); written to a temporary name first."""
    if path.exists():
        return
    rng = random.Random(0)
    partial = path.with_name(path.name + ".partial")
    with (gzip.open(partial, "wt", encoding="utf-8", compresslevel=1) if path.suffix == ".gz"
          else partial.open("w", encoding="utf-8")) as out:
        for i in range(lines):
            out.write(snapshot_line(rng, i))
    partial.rename(path)


def read_child(path: Path, category: str) -> dict[str, float]:
    """Read the file in this (fresh) process: papers kept, seconds, peak memory in MiB."""
    from kg.sources import ReadOptions, read_sources
    started = time.perf_counter()
    kept = sum(1 for _ in read_sources([path], options=ReadOptions(categories=frozenset({category}))))
    seconds = time.perf_counter() - started
    return {"kept": kept, "seconds": seconds, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", default="100000", help="comma-separated line counts")
    parser.add_argument("--gzip", action="store_true", help="write and read the snapshot gzipped (.json.gz)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/arxiv-bench"))
    parser.add_argument("--category", default="cs.CV")
    parser.add_argument("--out", type=Path, help="also write the table to this Markdown file")
    parser.add_argument("--read", type=Path, help=argparse.SUPPRESS)  # the child process's job
    args = parser.parse_args()
    if args.read:
        print(json.dumps(read_child(args.read, args.category)))
        return
    args.work.mkdir(parents=True, exist_ok=True)
    rows = ["| lines | file | MB | papers kept | seconds | lines/s | peak memory (MiB) |", "|---:|---|---:|---:|---:|---:|---:|"]
    for n in (int(x) for x in args.lines.split(",")):
        path = args.work / f"snapshot-{n}.json{'.gz' if args.gzip else ''}"
        generate(path, n)
        child = subprocess.run([sys.executable, "-m", "benchmarks.bench_arxiv", "--read", str(path), "--category", args.category],
                               check=True, capture_output=True, text=True)
        got = json.loads(child.stdout)
        rows.append(f"| {n:,} | {path.name} | {path.stat().st_size / 1e6:,.0f} | {got['kept']:,} | {got['seconds']:.1f} | "
                    f"{n / got['seconds']:,.0f} | {got['peak_mib']:.0f} |")
        print(rows[-1], flush=True)
    table = "\n".join(rows) + "\n"
    print(table)
    if args.out:
        args.out.write_text(f"# arXiv snapshot reading, --category {args.category}\n\n{table}")


if __name__ == "__main__":
    main()
