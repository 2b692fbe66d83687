"""The on-disk Oxigraph store: for graphs too large for rdflib's in-memory Graph.

rdflib holds ~1M triples in ~1.4 GB and answers a GROUP BY in ~1.3 s; an on-disk Oxigraph
store (pyoxigraph, RocksDB) bulk-loads the same in ~6 s and answers in tens of ms, and
reopening it takes under a second (measurements: /work/shared/notes/measured.md,
benchmarks/bench_query.py). Queries on either backend go through `kg.query.run`, which
gives the same Rows for both.

>>> import tempfile
>>> from pathlib import Path
>>> folder = Path(tempfile.mkdtemp())
>>> store = load_store([b'<https://e.org/a> <https://e.org/p> "x" .\\n'], folder / "store", progress=False)
>>> len(store)
1
>>> del store
>>> len(open_store(folder / "store"))
1
"""
from __future__ import annotations

import errno
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import pyoxigraph
from tqdm import tqdm

from .errors import KGError

# The RDF files `kg build` writes (kg.exports.WRITERS), fastest to load first (N-Triples needs no prefix state).
GRAPH_FILES = ("graph.nt", "graph.ttl", "graph.jsonld")
FORMATS = {
    ".nt": pyoxigraph.RdfFormat.N_TRIPLES,
    ".ttl": pyoxigraph.RdfFormat.TURTLE,
    ".jsonld": pyoxigraph.RdfFormat.JSON_LD,
    ".rdf": pyoxigraph.RdfFormat.RDF_XML,
    ".nq": pyoxigraph.RdfFormat.N_QUADS,
    ".trig": pyoxigraph.RdfFormat.TRIG,
}
Source = str | Path | bytes | BinaryIO


def graph_file(path: str | Path) -> Path:
    """The RDF file to load for `path`: the file itself, or the best one in a `kg build` folder."""
    path = Path(path)
    if path.is_dir():
        for name in GRAPH_FILES:
            if (path / name).is_file():
                return path / name
        raise KGError(f"{path}: no {', '.join(GRAPH_FILES)} there; build one with `kg build --out {path}`")
    if not (path.is_file() or path.is_fifo()):  # a named pipe: a file still being written (load_as_written)
        raise KGError(f"{path}: no graph there; expected a folder written by `kg build` or an RDF file")
    if path.suffix not in FORMATS:
        raise KGError(f"{path}: unknown RDF format; expected one of {', '.join(sorted(FORMATS))}")
    return path


def load_store(sources: Iterable[Source], path: str | Path | None = None, progress: bool = True) -> pyoxigraph.Store:
    """Bulk-load RDF into a new Oxigraph store at `path` (None: in memory) and return it open.

    Each source is a file or `kg build` folder (format from the extension) or N-Triples as
    bytes or a binary file object, which is what a streaming writer produces without going
    through rdflib terms. The store is built in a temporary folder beside `path` and moved
    into place only when every source loaded, so a failure leaves nothing half-written;
    an existing `path` is refused rather than overwritten.
    """
    if path is None:
        store = pyoxigraph.Store()
        _bulk_load(store, sources, progress)
        return store
    path = Path(path)
    if path.exists():
        raise KGError(f"{path}: already exists; remove it or choose another store path")
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        store = pyoxigraph.Store(str(staging))
        _bulk_load(store, sources, progress)
        store.flush()
        del store  # closes RocksDB before the folder moves
        staging.rename(path)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return pyoxigraph.Store(str(path))


def _bulk_load(store: pyoxigraph.Store, sources: Iterable[Source], progress: bool) -> None:
    for source in tqdm(list(sources), desc="load store", unit="file", disable=not progress, leave=False):
        if isinstance(source, (str, Path)):
            file = graph_file(source)
            where, kwargs = str(file), {"path": str(file), "format": FORMATS[file.suffix]}
        else:
            where, kwargs = "N-Triples input", {"input": source, "format": pyoxigraph.RdfFormat.N_TRIPLES}
        try:
            store.bulk_load(**kwargs)
        except SyntaxError as err:
            raise KGError(f"{where}: not valid RDF ({str(err).splitlines()[0]})") from None
        except OSError as err:
            raise KGError(f"{where}: cannot load into the store ({err})") from None


FEED_CHUNK = 1 << 20  # bytes copied into the loader's pipe at a time
FEED_WAIT = 0.02  # seconds the feeder waits for the writer when it has caught up


@contextmanager
def load_as_written(file: Path, store_path: Path) -> Iterator[Callable[[], None]]:
    """Bulk-load the N-Triples `file` into a new store at `store_path` while the block is still writing it.

    Oxigraph's bulk loader (several threads, outside the GIL) reads a named pipe beside
    `file`; a feeder thread copies `file` into the pipe as it grows. The writer never waits
    for the loader, so after the file it can go on to other work while the loader catches up.
    The block gets `finish()`: call it once `file` is complete and closed; it waits for the
    load (and raises what the loader raised). If the block raises, the feeder stops, the
    loader ends on the truncated input and no store is left at `store_path`.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> with load_as_written(folder / "g.nt", folder / "store") as finish:
    ...     _ = (folder / "g.nt").write_text('<https://e.org/a> <https://e.org/p> "x" .\\n')
    ...     finish()
    >>> len(open_store(folder / "store"))
    1
    """
    pipe = file.with_name(f".{file.name}.pipe.nt")
    os.mkfifo(pipe)
    file.touch()  # the feeder may open it before the writer does
    complete, stop = threading.Event(), threading.Event()
    loaded = threading.Event()
    failed: list[BaseException] = []

    def load() -> None:
        try:
            load_store([pipe], store_path, progress=False)  # dropped at once: RocksDB closes, the folder may move
            loaded.set()
        except KGError as err:  # re-raised in the caller's thread by finish(), naming the file, not the pipe
            failed.append(KGError(str(err).replace(str(pipe), str(file))))
        except BaseException as err:
            failed.append(err)

    loader = threading.Thread(target=load, name="kg-bulk-load", daemon=True)
    loader.start()
    feeder = threading.Thread(target=_feed, args=(file, _open_pipe(pipe, loader), complete, stop),
                              name="kg-feed-load", daemon=True)
    feeder.start()

    def finish() -> None:
        complete.set()
        feeder.join()
        loader.join()
        if failed:
            raise failed[0]

    try:
        yield finish
    except BaseException:
        stop.set()
        raise
    finally:
        complete.set()
        feeder.join()
        loader.join()
        pipe.unlink()
        if stop.is_set() and loaded.is_set():  # the block failed, yet the cut input ended at a line: no store to keep
            shutil.rmtree(store_path, ignore_errors=True)


def _open_pipe(pipe: Path, reader: threading.Thread) -> int:
    """The write end of `pipe`, once `reader` has opened the other end (not if it died first)."""
    while True:
        try:
            fd = os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as err:
            if err.errno != errno.ENXIO:  # ENXIO: nobody reads the pipe yet
                raise
            if not reader.is_alive():
                return -1
            time.sleep(FEED_WAIT)
            continue
        os.set_blocking(fd, True)
        return fd


def _feed(file: Path, fd: int, complete: threading.Event, stop: threading.Event) -> None:
    """Copy `file` into the pipe `fd` as it grows, until it is `complete` (or `stop`); closing the pipe ends the load."""
    if fd < 0:
        return
    try:
        with open(file, "rb") as src, open(fd, "wb", closefd=True) as dst:
            last = False
            while not stop.is_set():
                chunk = src.read(FEED_CHUNK)
                if chunk:
                    dst.write(chunk)
                elif last:
                    break
                else:
                    last = complete.is_set()  # read once more: what was written before it was set
                    if not last:
                        time.sleep(FEED_WAIT)
    except BrokenPipeError:
        pass  # the loader stopped reading: finish() reports why


def open_store(path: str | Path) -> pyoxigraph.Store:
    """Open an existing store read-only (several processes may read it at once, none may write)."""
    path = Path(path)
    if not (path / "CURRENT").is_file():  # RocksDB's marker file: present in every store folder
        raise KGError(f"{path}: not an Oxigraph store; create one with `kg query --store {path} --graph DIR ...`")
    try:
        return pyoxigraph.Store.read_only(str(path))
    except OSError as err:
        raise KGError(f"{path}: cannot open the Oxigraph store ({err})") from None
