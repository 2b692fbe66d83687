"""Extraction accuracy measured honestly: per relation, on the dev chunk the rules were tuned on
and on the chunk that was held out, and the gap between them.

Builds the bundled sample corpus (the dev papers' text) once, then scores it against each gold
chunk apart and against all of them (`kg.evaluate.cross_validate`). `--errors N --chunk NAME`
lists the most frequent mistakes of one chunk: look only at the tuned-on chunk's.

`--gazetteer none|all|PACKAGE,...` keeps only those packages' rows of `kg/data/gazetteer.tsv`, to
measure what each source adds and costs.

Usage: python -m benchmarks.bench_extract_cv [GOLD.jsonl ...] [--tuned-on chunk0] [--errors N --chunk chunk0]
       [--gazetteer all]
(default gold: ../shared/eval/dev/chunk*.jsonl beside the repository)
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from kg import evaluate, vocabulary
from kg.knowledge_graph import sample_graph

DEFAULT_GOLD = sorted((Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev").glob("chunk*.jsonl"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="*", type=Path, default=DEFAULT_GOLD, help="gold chunks (JSONL)")
    parser.add_argument("--tuned-on", default="chunk0", help="the chunk whose errors the rules were developed on")
    parser.add_argument("--errors", type=int, default=0, help="list this many of the most frequent errors of --chunk")
    parser.add_argument("--chunk", default="chunk0", help="the chunk whose errors --errors lists")
    parser.add_argument("--gazetteer", default="all", help="gazetteer packages to use: all, none, or a comma list")
    args = parser.parse_args()
    if args.gazetteer != "all":
        keep = set(args.gazetteer.split(",")) - {"none"}
        rows = [line for line in vocabulary.GAZETTEER_FILE.read_text(encoding="utf-8").splitlines(keepends=True)
                if not line.startswith("#") and line.split("\t")[2] in keep]
        filtered = Path(tempfile.mkdtemp()) / "gazetteer.tsv"
        filtered.write_text("".join(rows), encoding="utf-8")
        vocabulary.GAZETTEER_FILE = filtered  # read when the vocabulary is first loaded, below
    if not args.gold:
        parser.error("no gold files given and none found at ../shared/eval/dev/")
    chunks = {path.stem: evaluate.load_gold(path) for path in args.gold}
    graph = sample_graph()
    print(evaluate.cross_validate(chunks, graph, args.tuned_on))
    if args.errors:
        print(evaluate.format_errors(evaluate.score(chunks[args.chunk], graph), args.errors))


if __name__ == "__main__":
    main()
