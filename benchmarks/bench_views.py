"""Time to interactive of `kg view` pages in headless Chromium, at 500 to 20,000 nodes.

Builds a synthetic corpus (benchmarks/synthetic.py) large enough for the biggest view,
writes each view with `kg.views` (the N best-connected nodes), and loads it from disk in
Debian's Chromium with the network off. Reports: seconds to write the page (layout and
communities included), its size, the time from navigation to the first drawn frame, the time
of one full redraw (what each frame of panning or zooming costs) with the page as it opens
(communities closed, each one node), the time for the search box to find a node, open its
community and show the panel, the frame time with that community open, and with every
community open (the worst case: every node drawn; edges are hidden while dragging).

Usage: python -m benchmarks.bench_views [--sizes 500 2000 5000 20000] [--work DIR]
--work keeps the synthetic graph in DIR (graph.pickle) for the next run. The README's
screenshots come from `python -m benchmarks.screenshots`.
"""
from __future__ import annotations

import argparse
import pickle
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

import kg
from kg import views

from .synthetic import write_corpus

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1400, "height": 900}
# One full frame, averaged over 5; while dragging or zooming large pages draw no edges
# (hideEdgesOnDrag / hideEdgesOnZoom), which is what `dragging` switches on.
REDRAW = """dragging => { const r = kgView.network.renderer; r.dragging = dragging; const t = performance.now();
    for (let i = 0; i < 5; i++) r._redraw(); r.dragging = false; return (performance.now() - t) / 5; }"""


def measure(page, path: Path) -> dict[str, float]:
    started = time.perf_counter()
    page.goto(path.resolve().as_uri())
    page.wait_for_selector("body[data-ready=true]", state="attached", timeout=120_000)
    wall = time.perf_counter() - started
    m = {"ready": page.evaluate("kgView.readyAt") / 1000, "wall": wall, "shown": page.evaluate("kgView.shownNodes()"),
         "redraw_ms": page.evaluate(REDRAW, False), "drag_ms": page.evaluate(REDRAW, True)}
    started = time.perf_counter()
    page.fill("#search", "imagenet")
    page.press("#search", "Enter")
    page.wait_for_selector("#panel:not([hidden])")
    m["search"] = time.perf_counter() - started
    m["one_open_ms"] = page.evaluate(REDRAW, False)  # the found node's community is open now
    started = time.perf_counter()
    page.evaluate("kgView.openAll()")
    m["open_all"] = time.perf_counter() - started
    m["all_shown"] = page.evaluate("kgView.shownNodes()")
    page.evaluate("kgView.network.fit({animation: false})")
    m["all_redraw_ms"] = page.evaluate(REDRAW, False)
    m["all_drag_ms"] = page.evaluate(REDRAW, True)
    return m


def synthetic_graph(size: int, work: Path):
    """A synthetic graph with at least `size` nodes, built once and kept in `work`."""
    cached = work / f"graph-{size}.pickle"
    if cached.exists():
        return pickle.loads(cached.read_bytes())
    papers = size * 2 // 5 + 200  # a synthetic paper brings ~2.6 nodes
    write_corpus(papers, work / "corpus")
    started = time.perf_counter()
    graph = kg.build([work / "corpus"], progress=False).nx
    print(f"synthetic graph: {graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges "
          f"from {papers:,} papers (built in {time.perf_counter() - started:.0f} s)\n")
    cached.write_bytes(pickle.dumps(graph))
    return graph


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 5000, 20000])
    parser.add_argument("--work", type=Path, help="folder to keep the synthetic graph in between runs")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="bench_views."))
    work.mkdir(parents=True, exist_ok=True)
    graph = synthetic_graph(max(args.sizes), work)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_context(viewport=VIEWPORT, offline=True).new_page()
        print("| nodes | edges | write page (s) | page size (MB) | first frame (s) | load wall (s) | drawn at first | "
              "frame (ms) | frame while dragging (ms) | search + open + panel (s) | one open: frame (ms) | all open: frame (ms) | "
              "all open: dragging (ms) |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for size in args.sizes:
            started = time.perf_counter()
            view = views.select(graph, max_nodes=size)
            path = views.save(views.to_html(view), work / f"view_{size}.html")
            write = time.perf_counter() - started
            m = measure(page, path)
            assert m["all_shown"] == view.graph.number_of_nodes(), (m["all_shown"], view.graph.number_of_nodes())
            print(f"| {size:,} | {view.graph.number_of_edges():,} | {write:.1f} | {path.stat().st_size / 1e6:.1f} | "
                  f"{m['ready']:.1f} | {m['wall']:.1f} | {m['shown']:,} | {m['redraw_ms']:.0f} | {m['drag_ms']:.0f} | "
                  f"{m['search']:.2f} | {m['one_open_ms']:.0f} | {m['all_redraw_ms']:.0f} | {m['all_drag_ms']:.0f} |", flush=True)
        browser.close()


if __name__ == "__main__":
    main()
