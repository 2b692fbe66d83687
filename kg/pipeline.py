"""The main job: listing files → records → extractions → a resolved Corpus.

Extraction is a pure function of one paper, so it runs wherever there are cores: in this
process (`workers=1`), in a pool of local processes (`workers>1`), or on a Dask cluster
(`executor="dask"`, the optional `kg[distributed]` extra). Resolution sorts its input, so the
corpus is the same wherever and in whatever order the papers were extracted.

>>> from kg.sample import SAMPLE_DIR
>>> corpus = build_corpus([SAMPLE_DIR], progress=False)
>>> len(corpus.papers)
310
>>> build_corpus([SAMPLE_DIR], workers=2, progress=False) == corpus
True
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from tqdm import tqdm

from .errors import KGError
from .extract import extract
from .model import Corpus, Extraction, PaperRecord
from .resolve import resolve, source_order
from .sources import read_sources
from .vocabulary import load

EXECUTORS = ("local", "dask")
"""Where extraction runs: `local` (this process, or a pool of `workers` processes) or `dask`."""
T = TypeVar("T")
BATCH = 256  # papers per task: large enough to hide the cost of a task, small enough to balance cores
TEXTS_PER_WORKER = 5_000
"""Distinct texts each extra process must have to repay its start (~1 s: a forkserver child imports
kg and loads the vocabulary; ~550 µs CPU per text, ~85 µs of it to send the result back). Measured
on 2 cores (benchmarks/results/workers.md): 4,000 texts were slower in two processes, 20,000 faster."""
IN_FLIGHT = 16
"""Batches per worker submitted ahead (~3 s of work at 2 workers, a few MB): workers keep going
while this process pauses, e.g. while resolve resizes a dict of millions of entries (~0.4 s)."""


def build_corpus(paths: Iterable[str | Path], progress: bool = True, workers: int | None = None,
                 executor: str = "local", scheduler: str | None = None, timings: dict[str, float] | None = None) -> Corpus:
    """Read every listing under `paths`, extract from each paper, and resolve the corpus.

    Input errors (kg.errors.InputError) surface before anything is extracted, so a bad file
    never leaves a half-built graph behind. `workers`, `executor` and `scheduler` say where
    extraction runs (see `iter_extractions`); they never change the result. `timings`, when
    given, receives the seconds spent reading, extracting and resolving (for benchmarks).
    """
    timings = {} if timings is None else timings
    with paused_gc(), timed(timings, "read"):
        records = list(read_sources(paths))  # all read first: a bad input stops the build before work starts
    return resolve_records(records, progress, workers, executor, scheduler, timings)


def resolve_records(records: list[PaperRecord], progress: bool = True, workers: int | None = None, executor: str = "local",
                    scheduler: str | None = None, timings: dict[str, float] | None = None) -> Corpus:
    """Extract from every record and resolve the corpus: the step after reading, for `kg build` of any size.

    `records` is sorted in place into resolve's order, so that resolve takes each extraction
    as it comes and never holds them all.
    """
    timings = {} if timings is None else timings
    with paused_gc():
        records.sort(key=source_order)
        extractions = iter_extractions(records, progress, workers, executor, scheduler)
        started = time.perf_counter()
        corpus = resolve(zip(records, _timed(extractions, timings, "extract")), load(), presorted=True)
        extractions.close()  # zip stops at the last record: shut the workers down now, not when collected
        timings["resolve"] = time.perf_counter() - started - timings["extract"]  # what is left after the last extraction
        return corpus


@contextmanager
def timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    """Add the wall-clock seconds of the block to timings[stage]."""
    started = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - started


def _timed(items: Iterable[T], timings: dict[str, float], stage: str) -> Iterator[T]:
    """`items`, noting in timings[stage] the seconds until the last one was ready (a consumer such
    as zip may never ask past the last one)."""
    started = time.perf_counter()
    timings[stage] = 0.0
    for item in items:
        timings[stage] = time.perf_counter() - started
        yield item


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for bulk work (reference counting still frees memory).

    A corpus is millions of long-lived objects without cycles; the collector rescans them
    over and over while they are created, which took ~70% of resolution time at 100k papers.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity, e.g. under taskset or a container's
    cpuset), which can be fewer than the machine has."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_workers(unique_texts: int, cores: int) -> int:
    """How many processes extract `unique_texts` distinct texts when no number is asked for: one
    per TEXTS_PER_WORKER texts, at most one per core, at least one, so a small input never pays
    for a pool.

    >>> default_workers(310, 2), default_workers(9_999, 2), default_workers(10_000, 2), default_workers(10**6, 2)
    (1, 1, 2, 2)
    >>> default_workers(10**6, 1), default_workers(12_000, 8), default_workers(0, 4)
    (1, 2, 1)
    """
    return max(1, min(cores, unique_texts // TEXTS_PER_WORKER))


def extract_batch(records: list[PaperRecord]) -> list[Extraction]:
    """Extract from a batch of papers: the unit of work shipped to a process or a Dask worker."""
    vocabulary = load()  # cached per process
    return [extract(record, vocabulary) for record in records]


def extract_records(records: Sequence[PaperRecord], progress: bool = True, workers: int | None = None,
                    executor: str = "local", scheduler: str | None = None) -> list[Extraction]:
    """The extraction of each record, in input order (see `iter_extractions`)."""
    return list(iter_extractions(records, progress, workers, executor, scheduler))


def iter_extractions(records: Sequence[PaperRecord], progress: bool = True, workers: int | None = None,
                     executor: str = "local", scheduler: str | None = None) -> Iterator[Extraction]:
    """The extraction of each record, in input order, as soon as it is ready, wherever it ran:

    - `workers=None` (the default): as many as `default_workers` picks for the number of
      distinct texts and the cores available;
    - `local` with `workers=1`: in this process;
    - `local` with `workers>1`: a pool of that many processes;
    - `dask`: the Dask cluster at `scheduler` (e.g. tcp://10.0.0.5:8786), or with none a
      local Dask cluster of `workers` processes on 127.0.0.1.

    Extraction reads only the title and abstract, so an entry listed again (a quarter of
    all entries in the sample) is extracted once and shares its Extraction, which is kept
    only until its last repeat: a consumer that does not hold what it is given (resolve)
    never has the whole corpus' extractions in memory.
    """
    if executor not in EXECUTORS:
        raise KGError(f"unknown executor {executor!r}; expected one of {', '.join(EXECUTORS)}")
    if workers is not None and workers < 1:
        raise KGError(f"--workers {workers}: expected a number of processes ≥ 1")
    left = Counter((record.title, record.abstract) for record in records)  # occurrences still to yield, per text
    unique = list({(record.title, record.abstract): record for record in records}.values())  # in order of first occurrence
    if workers is None:
        workers = default_workers(len(unique), available_cores())
    batches = [unique[i : i + BATCH] for i in range(0, len(unique), BATCH)]
    waiting: dict[tuple[str, str], Extraction] = {}  # extracted, with repeats still to come
    with _executor(executor, workers, scheduler) as (pool, slots), \
            tqdm(total=len(unique), desc="extract", unit="paper", disable=not progress, leave=False) as bar:
        ready = (extraction for batch in _in_order(pool, slots, batches) for extraction in batch)  # in `unique` order
        for record in records:
            key = (record.title, record.abstract)
            extraction = waiting.pop(key, None)
            if extraction is None:  # the text's first occurrence: the next unique record
                extraction = next(ready)
                bar.update()
            left[key] -= 1
            if left[key]:
                waiting[key] = extraction
            yield extraction


def _in_order(pool: Executor | None, slots: int, batches: list[list[PaperRecord]]) -> Iterator[list[Extraction]]:
    """The extractions of each batch, in order; at most IN_FLIGHT batches per worker in flight,
    so neither this process nor a cluster holds the whole corpus in its queues."""
    if pool is None:
        yield from map(extract_batch, batches)
        return
    pending: deque[Future] = deque()
    for batch in batches:
        pending.append(pool.submit(extract_batch, batch))
        if len(pending) >= IN_FLIGHT * slots:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


@contextmanager
def _executor(kind: str, workers: int, scheduler: str | None) -> Iterator[tuple[Executor | None, int]]:
    """The executor to submit batches to (None: this process) and how many run at once."""
    if kind == "dask":
        with _dask_client(workers, scheduler) as client:
            yield client.get_executor(pure=False), max(workers, sum(client.nthreads().values()))
    elif workers > 1:
        # forkserver: workers start small, instead of as copies of a process holding the whole corpus
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("forkserver")) as pool:
            yield pool, workers
    else:
        yield None, 1


@contextmanager
def _dask_client(workers: int, scheduler: str | None) -> Iterator[object]:
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise KGError("--executor dask needs Dask: pip install 'kg[distributed]'") from None
    if scheduler:
        try:
            client = Client(scheduler, timeout="5s")
        except OSError as err:
            raise KGError(f"cannot reach the Dask scheduler at {scheduler} ({err})") from None
        with client:
            yield client
        return
    with LocalCluster(n_workers=workers, threads_per_worker=1, host="127.0.0.1", dashboard_address=None,
                      processes=True) as cluster, Client(cluster) as client:
        yield client
