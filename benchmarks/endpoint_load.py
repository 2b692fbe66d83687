"""A bounded loopback load test of `kg serve`: many clients, normal and hostile queries at once.

Used by benchmarks/bench_endpoint_load.py (full size, prints a table) and by
tests/test_server_load.py (small, asserts correctness). Every request goes to 127.0.0.1 only;
the number of requests and the time are bounded.
"""
from __future__ import annotations

import csv
import io
import random
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from kg.query import read_query

QUERIES = Path(__file__).resolve().parents[1] / "queries"
CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
DEEP_PATH = "SELECT (COUNT(*) AS ?n) WHERE { ?x (<urn:x:p>|!<urn:x:p>)* ?y . ?y (<urn:x:p>|!<urn:x:p>)* ?z }"
UPDATE = "DROP ALL"
SERVICE = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
EXPECTED = {"normal": {200}, "cross_product": {503}, "deep_path": {503, 200}, "update": {403}, "service": {403}}
"""The statuses each kind of request may get; anything else counts as an error."""


@dataclass
class Server:
    """`kg serve` in a subprocess, and the URL it answers at."""

    process: subprocess.Popen
    url: str

    def rss_mb(self) -> float:
        """Resident memory of the server and its query workers, in MB (Linux /proc)."""
        total, pids = 0, [self.process.pid]
        while pids:
            pid = pids.pop()
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                total += int(next(l.split()[1] for l in status.splitlines() if l.startswith("VmRSS:")))
                for task in Path(f"/proc/{pid}/task").iterdir():
                    pids += [int(c) for c in (task / "children").read_text().split()]
            except (OSError, StopIteration, ValueError):
                continue
        return total / 1024

    def stop(self) -> int:
        self.process.terminate()
        return self.process.wait(timeout=20)


def start(graph: Path, timeout: float, workers: int = 2) -> Server:
    """Start `kg serve` on a free loopback port and wait until it says where it listens."""
    process = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--graph", str(graph), "--port", "0",
                                "--timeout", str(timeout), "--workers", str(workers)], stderr=subprocess.PIPE, text=True)
    line = process.stderr.readline()
    if "serving SPARQL at " not in line:
        process.kill()
        raise RuntimeError(f"kg serve did not start: {line!r}")
    return Server(process, line.split(" at ")[1].split()[0])


def normal_queries() -> dict[str, str]:
    """The named queries, with a small LIMIT so that answers are comparable in size."""
    return {path.stem: read_query(str(path)) for path in sorted(QUERIES.glob("*.rq"))}


@dataclass
class Report:
    """What the load did: per kind of request, statuses and latencies; errors; memory."""

    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    wrong_answers: list[str] = field(default_factory=list)
    seconds: float = 0.0
    peak_rss_mb: float = 0.0

    @property
    def requests(self) -> int:
        return sum(sum(c.values()) for c in self.statuses.values())


def run_load(server: Server, requests: int, clients: int, hostile: float, expected_rows: dict[str, int],
             seed: int = 0, deadline: float = 600.0, request_timeout: float | None = 60.0) -> Report:
    """Send `requests` queries from `clients` threads; a `hostile` share is pathological or refused.

    `expected_rows` maps a named query to its row count from the Python API: a normal answer
    with another count is a wrong answer. `deadline` (seconds for the whole load) and
    `request_timeout` bound the benchmark; a test passes infinity and None, free of the clock.
    """
    rng = random.Random(seed)
    named = normal_queries()
    plan: list[tuple[str, str, str]] = []
    for _ in range(requests):
        if rng.random() < hostile:
            kind = rng.choice(["cross_product", "deep_path", "update", "service"])
            text = {"cross_product": CROSS_PRODUCT, "deep_path": DEEP_PATH, "update": UPDATE, "service": SERVICE}[kind]
            plan.append((kind, "", text))
        else:
            name = rng.choice(sorted(expected_rows))
            plan.append(("normal", name, named[name]))
    report, lock, stop = Report(), threading.Lock(), time.monotonic() + deadline
    sampling = threading.Event()

    def sample_memory() -> None:
        while not sampling.wait(0.2):
            report.peak_rss_mb = max(report.peak_rss_mb, server.rss_mb())

    def one(item: tuple[str, str, str]) -> None:
        kind, name, text = item
        if time.monotonic() > stop:
            return
        started = time.perf_counter()
        try:
            with httpx.Client(timeout=request_timeout) as client:
                if kind == "update":
                    answer = client.post(server.url, data={"update": text})
                else:
                    answer = client.post(server.url, data={"query": text}, headers={"Accept": "text/csv"})
            status, body = answer.status_code, answer.text
        except httpx.HTTPError as err:
            status, body = 0, f"{type(err).__name__}: {err}"
        elapsed = time.perf_counter() - started
        with lock:
            report.statuses[kind][status] += 1
            report.latencies[kind].append(elapsed)
            if status not in EXPECTED[kind]:
                report.errors.append(f"{kind} {name}: {status} {body[:120]!r}")
            elif kind == "normal" and len(list(csv.reader(io.StringIO(body)))) - 1 != expected_rows[name]:
                report.wrong_answers.append(f"{name}: {len(list(csv.reader(io.StringIO(body)))) - 1} rows, expected {expected_rows[name]}")

    sampler = threading.Thread(target=sample_memory, daemon=True)
    sampler.start()
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(one, plan))
    report.seconds = time.perf_counter() - started
    sampling.set()
    sampler.join()
    report.peak_rss_mb = max(report.peak_rss_mb, server.rss_mb())
    return report


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0
