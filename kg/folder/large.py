"""Building a graph too large for rdflib: N-Triples streamed from the corpus, then Oxigraph's bulk loader.

An rdflib Graph needs ~1.4 GB and ~30 s per million triples, and a million papers are ~70M
triples; networkx, GraphML, JSON-LD and an HTML view of such a graph are as costly and no
use to a reader. So above `LARGE_CORPUS_PAPERS` papers `kg build` writes only:

- `graph.nt`: every triple (ontology first), streamed in a deterministic order;
- `store/`: an on-disk Oxigraph store bulk-loaded from it, which `kg query --store` answers
  on in milliseconds and any process can reopen in under a second;
- `.kg/index.sqlite`: the titles, names, repositories and files in the graph, which
  `kg add` resolves new papers against (kg.folder.index, kg.folder.append).

The store's bulk loader starts with graph.nt and reads it as it is written
(kg.store.load_as_written): on two cores it catches up while this process writes the index,
instead of starting after both. The corpus is dropped as soon as graph.nt and the index are
written. All are written into `.kg/pending/` and committed together by kg.folder.commit,
under the writer lock; export files of an earlier, smaller build in the same folder go with
their generation, so the folder never mixes two graphs.

>>> import tempfile
>>> from pathlib import Path
>>> from kg.sample import SAMPLE_DIR
>>> from kg.folder import build
>>> from kg.store import open_store
>>> out = Path(tempfile.mkdtemp())
>>> built = build([SAMPLE_DIR], out, progress=False, large=True)
>>> built.papers, sorted(p.name for p in out.iterdir())
(310, ['.kg', 'graph.nt', 'store'])
>>> len(open_store(out / "store")) == built.triples
True
>>> sorted(built.seconds)
['extract', 'index', 'load', 'read', 'resolve', 'write']
"""
from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..model import PaperRecord
from ..pipeline import paused_gc, resolve_records, timed
from ..rdf import write_ntriples
from ..store import load_as_written
from . import commit
from .index import write_index
from .small import Result, StoredFile
from .layout import ADDING, GRAPH_NT, INDEX_NAME, META, RECORDS, STORE

LARGE_CORPUS_PAPERS = 5_000
"""Above this many papers, `kg build` writes N-Triples and an Oxigraph store instead of every format."""
STORE_DIR = "store"
WRITE_BUFFER = 1 << 20


@dataclass
class LargeBuild(Result):
    """What a large build wrote, besides the files by outcome (kg.folder.small.Result), and where its
    time went: wall-clock seconds per stage, in order. The bulk load starts with `write`, so
    `load` is only what it needs after `index`."""

    papers: int = 0
    entries: int = 0  # listing entries read (a paper listed twice is one paper, two entries)
    entities: int = 0
    repos: int = 0
    edges: int = 0
    triples: int = 0  # distinct triples in the store
    seconds: dict[str, float] = field(default_factory=dict)


def build_large(todo: Sequence[tuple[Path, str, str]], records: dict[str, list[PaperRecord]], out_dir: str | Path,
                result: LargeBuild, progress: bool = True, workers: int | None = None, executor: str = "local",
                scheduler: str | None = None) -> LargeBuild:
    """Build the listing files `todo` (as kg.folder.small.triage chose them, read by `read_listings`)
    into `graph.nt`, the Oxigraph store `store/` and the index for `kg add` in `out_dir`, all
    or nothing, under the folder's writer lock (kg.folder.commit).

    `workers`, `executor` and `scheduler` say where extraction runs (kg.pipeline.extract_records).
    """
    out, seconds = Path(out_dir), result.seconds
    files = [StoredFile(name, sha, "", len(records[name])) for _, name, sha in todo]
    flat = [record for name in records for record in records[name]]
    result.changed = [name for _, name, _ in todo]
    with commit.locked(out):
        commit.refuse_foreign(out, WRITES)  # before the work, not after it
        corpus = resolve_records(flat, progress, workers, executor, scheduler, timings=seconds)
        del flat
        result.papers, result.entries, result.entities, result.repos, result.edges = (
            len(corpus.papers), sum(len(p.sources) for p in corpus.papers.values()), len(corpus.entities),
            len(corpus.repos), len(corpus.edges))
        staging = commit.pending(out)
        try:
            with load_as_written(staging / GRAPH_NT, staging / STORE) as finish_load:
                with timed(seconds, "write"), paused_gc(), \
                        open(staging / GRAPH_NT, "w", encoding="utf-8", newline="\n", buffering=WRITE_BUFFER) as handle:
                    result.triples = write_ntriples(corpus, handle)  # every line distinct: the store's count
                with timed(seconds, "index"):
                    (staging / INDEX_NAME).parent.mkdir()
                    write_index(corpus, staging / INDEX_NAME, (staging / GRAPH_NT).stat().st_size, files)
                del corpus  # the only reference: freed while the loader catches up
                with timed(seconds, "load"):
                    finish_load()
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        commit.commit_locked(out, {}, {"state": None, "size": "large"},
                             staged={GRAPH_NT: commit.GROWS, STORE: commit.DIRECTORY, INDEX_NAME: commit.GROWS},
                             drop=[f"{META}/{RECORDS}", f"{META}/{ADDING}"])  # a small build's records, a killed add
    result.written = True
    return result


WRITES = (GRAPH_NT, STORE, INDEX_NAME)
"""What a large build writes into its folder (kg.exports' other files of a small build go as stale)."""
