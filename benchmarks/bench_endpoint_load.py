"""Load test of `kg serve` on loopback: many clients, normal and pathological queries at once.

Starts `kg serve` over the built graph (default exports/), sends a bounded number of
queries from concurrent clients — named queries from queries/ mixed with huge cross
products, deep property paths, UPDATE and SERVICE — and prints a table: queries/s, p50/p95
latency per kind, statuses, wrong answers, errors, and the peak memory of the server and
its workers; then checks the server still answers normal queries.

Usage: python -m benchmarks.bench_endpoint_load [--requests 2000] [--clients 50] [--hostile 0.1] [--timeout 2]
"""
from __future__ import annotations

import argparse
from pathlib import Path

import kg
from benchmarks.endpoint_load import normal_queries, percentile, run_load, start
from kg.query import run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", type=Path, default=Path("exports"), help="a folder written by kg build")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--hostile", type=float, default=0.1, help="share of pathological or refused requests")
    parser.add_argument("--timeout", type=float, default=2.0, help="the server's query time limit, seconds")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    graph = kg.open(args.graph)
    expected = {name: len(run(graph.rdf, text).rows) for name, text in normal_queries().items()}
    server = start(args.graph / "graph.nt", args.timeout, args.workers)
    try:
        report = run_load(server, args.requests, args.clients, args.hostile, expected)
        after = run_load(server, 20, 4, 0.0, expected, seed=1)
    finally:
        code = server.stop()
    print(f"kg serve load test: {report.requests} requests from {args.clients} clients, {args.hostile:.0%} hostile, "
          f"time limit {args.timeout:g} s, {args.workers} workers")
    print(f"{report.requests / report.seconds:.1f} queries/s over {report.seconds:.1f} s; "
          f"peak memory (server + workers) {report.peak_rss_mb:.0f} MB")
    print(f"{'kind':14} {'count':>6} {'p50 s':>7} {'p95 s':>7}  statuses")
    for kind in sorted(report.latencies):
        lat = report.latencies[kind]
        statuses = ", ".join(f"{s}×{n}" for s, n in sorted(report.statuses[kind].items()))
        print(f"{kind:14} {len(lat):6} {percentile(lat, 0.5):7.3f} {percentile(lat, 0.95):7.3f}  {statuses}")
    print(f"unexpected statuses: {len(report.errors)}; wrong answers: {len(report.wrong_answers)}")
    for line in (report.errors + report.wrong_answers)[:10]:
        print("  " + line)
    print(f"after the load: {after.statuses['normal'][200]}/20 normal queries answered correctly "
          f"({len(after.wrong_answers)} wrong); server exit code {code}")


if __name__ == "__main__":
    main()
