"""Extraction speed: CPU µs per abstract over the synthetic corpus (`benchmarks/synthetic.py`),
in this one process, vocabulary loaded beforehand. The project aims at ≤ 250 µs per abstract
(≥ 1,000 abstracts/s per core with room to spare).

Usage: python -m benchmarks.bench_extract [N] [--seed S]
"""
from __future__ import annotations

import argparse
import random
import time

from benchmarks.synthetic import MENTION_TEMPLATES, paper
from kg.extract import extract
from kg.model import PaperRecord, Source
from kg.vocabulary import load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=5000, help="abstracts to extract")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    vocab = load()
    names: dict[str, list[str]] = {t: [] for t in MENTION_TEMPLATES}
    for term in vocab.terms.values():
        if not getattr(term, "package", ""):  # curated names only: the same corpus whatever gazetteers are loaded
            names[term.type].extend(term.names)
    records = [PaperRecord(*paper(random.Random(args.seed * 1_000_003 + i), i, names), Source("synthetic", i))
               for i in range(args.n)]
    extract(records[0], vocab)  # build the automata and patterns outside the timing
    started = time.process_time()
    edges = sum(len(extract(r, vocab).relations) for r in records)
    seconds = time.process_time() - started
    print(f"| abstracts | edges | CPU s | µs/abstract | abstracts/s |\n|---:|---:|---:|---:|---:|\n"
          f"| {args.n:,} | {edges:,} | {seconds:.2f} | {seconds / args.n * 1e6:.0f} | {args.n / seconds:,.0f} |")


if __name__ == "__main__":
    main()
