"""Extraction speed: CPU µs per abstract over the synthetic corpus (`benchmarks/synthetic.py`) and
over the bundled sample (real abstracts), in this one process, vocabulary loaded beforehand. The
project aims at ≤ 250 µs per abstract of the synthetic corpus (≥ 1,000 abstracts/s per core with
room to spare). CPU time (`time.process_time`), not wall time: the machine may be shared.

`--components` adds where the time goes: µs per abstract in splitting and in each pipeline component
(timed one by one, so their sum is a little above the total).

Usage: python -m benchmarks.bench_extract [N] [--seed S] [--components]
"""
from __future__ import annotations

import argparse
import random
import time

from benchmarks.synthetic import MENTION_TEMPLATES, paper
from kg.extract import PIPELINE, extract
from kg.extract.doc import Doc
from kg.model import PaperRecord, Source
from kg.sample import SAMPLE_DIR
from kg.sources import read_sources
from kg.vocabulary import Vocabulary, load


def _per_component(records: list[PaperRecord], vocab: Vocabulary) -> dict[str, float]:
    """CPU µs per abstract spent splitting into sentences and in each pipeline component."""
    spent = dict.fromkeys(["split", *(name for name, _ in PIPELINE)], 0.0)
    for record in records:
        started = time.process_time()
        doc = Doc.from_record(record)
        spent["split"] += time.process_time() - started
        for name, component in PIPELINE:
            started = time.process_time()
            component(doc, vocab)
            spent[name] += time.process_time() - started
    return {name: seconds / len(records) * 1e6 for name, seconds in spent.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=5000, help="synthetic abstracts to extract")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--components", action="store_true", help="also time each pipeline component")
    args = parser.parse_args()
    vocab = load()
    names: dict[str, list[str]] = {t: [] for t in MENTION_TEMPLATES}
    for term in vocab.terms.values():
        if not getattr(term, "package", ""):  # curated names only: the same corpus whatever gazetteers are loaded
            names[term.type].extend(term.names)
    corpora = {
        "synthetic": [PaperRecord(*paper(random.Random(args.seed * 1_000_003 + i), i, names), Source("synthetic", i))
                      for i in range(args.n)],
        "sample (real text)": list(read_sources([SAMPLE_DIR])),
    }
    extract(corpora["synthetic"][0], vocab)  # build the automata and patterns outside the timing
    print("| corpus | abstracts | edges | CPU s | µs/abstract | abstracts/s |\n|---|---:|---:|---:|---:|---:|")
    for corpus, records in corpora.items():
        started = time.process_time()
        edges = sum(len(extract(r, vocab).relations) for r in records)
        seconds = time.process_time() - started
        print(f"| {corpus} | {len(records):,} | {edges:,} | {seconds:.2f} | {seconds / len(records) * 1e6:.0f} | "
              f"{len(records) / seconds:,.0f} |")
    if args.components:
        tables = {corpus: _per_component(records, vocab) for corpus, records in corpora.items()}
        print("\n| µs/abstract | " + " | ".join(tables) + " |\n|---|" + "---:|" * len(tables))
        for name in next(iter(tables.values())):
            print(f"| {name} | " + " | ".join(f"{table[name]:.0f}" for table in tables.values()) + " |")


if __name__ == "__main__":
    main()
