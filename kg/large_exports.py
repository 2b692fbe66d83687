"""Writing a graph too large for rdflib: N-Triples streamed from the corpus, then Oxigraph's bulk loader.

An rdflib Graph needs ~1.4 GB and ~30 s per million triples, and a million papers are ~70M
triples; networkx, GraphML, JSON-LD and an HTML view of such a graph are as costly and no
use to a reader. So above `LARGE_CORPUS_PAPERS` papers `kg build` writes only:

- `graph.nt`: every triple (ontology first), streamed in a deterministic order;
- `store/`: an on-disk Oxigraph store bulk-loaded from it, which `kg query --store` answers
  on in milliseconds and any process can reopen in under a second;
- `.kg/index.sqlite`: the titles, names, repositories and files in the graph, which
  `kg add` resolves new papers against (kg.large_index, kg.append).

All are written under temporary names and moved into place only when all are complete;
export files of an earlier, smaller build in the same folder are removed, so the folder never
mixes two graphs.

>>> import tempfile
>>> from pathlib import Path
>>> from kg.pipeline import build_corpus
>>> from kg.sample import SAMPLE_DIR
>>> out = Path(tempfile.mkdtemp())
>>> corpus = build_corpus([SAMPLE_DIR], progress=False)
>>> sorted(p.name for p in write_large(corpus, out, progress=False))
['graph.nt', 'store']
>>> from kg.rdf import to_graph
>>> from kg.store import open_store
>>> len(open_store(out / "store")) == len(to_graph(corpus))
True
"""
from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable
from itertools import islice
from pathlib import Path

from .atomic import META
from .errors import InputError
from .exports import EXPORT_FILES
from .model import Corpus
from .pipeline import paused_gc
from .rdf import write_ntriples
from .sources import read_sources
from .large_index import install_index, write_index
from .store import load_store

LARGE_CORPUS_PAPERS = 5_000
"""Above this many papers, `kg build` writes N-Triples and an Oxigraph store instead of every format."""
STORE_DIR = "store"
WRITE_BUFFER = 1 << 20


def is_large(paths: Iterable[str | Path]) -> bool:
    """Whether the listings hold more than LARGE_CORPUS_PAPERS entries (reads no further than that).

    A bad input answers False: the build that follows reports it with its file and line (or
    skips it under --skip-bad).
    """
    try:
        return next(islice(read_sources(paths), LARGE_CORPUS_PAPERS, None), None) is not None
    except InputError:
        return False


def write_large(corpus: Corpus, out_dir: str | Path, progress: bool = True, listings: Iterable[str | Path] = ()) -> list[Path]:
    """Write `graph.nt`, the Oxigraph store `store/` and the index for `kg add` into `out_dir`, all or nothing.

    `listings`: the files or folders the corpus was read from, which the index records.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".build.", dir=out))
    try:
        with paused_gc(), open(staging / "graph.nt", "w", encoding="utf-8", newline="\n", buffering=WRITE_BUFFER) as handle:
            write_ntriples(corpus, handle)
        write_index(corpus, staging, listings)
        store = load_store([staging / "graph.nt"], staging / STORE_DIR, progress=progress)
        del store  # closes RocksDB before its folder moves
        _replace(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [out / "graph.nt", out / STORE_DIR]


def _replace(staging: Path, out: Path) -> None:
    """Move the new graph.nt and store into `out`, dropping what an earlier build left there."""
    old_store = out / STORE_DIR
    if old_store.exists():
        old_store.rename(staging / "old-store")
    (staging / STORE_DIR).rename(old_store)
    (staging / "graph.nt").replace(out / "graph.nt")
    for name in EXPORT_FILES:
        if name != "graph.nt":
            (out / name).unlink(missing_ok=True)
    shutil.rmtree(out / META, ignore_errors=True)  # a small build's state no longer describes the folder
    install_index(staging, out)
