"""Time to interactive of `kg view` pages in headless Chromium, at 500 to 10,000 nodes.

Builds a synthetic corpus (benchmarks/synthetic.py) large enough for the biggest view,
writes each view with `kg.views` (the N best-connected nodes), and loads it from disk in
Debian's Chromium with the network off. Reports: seconds to write the page, its size, the
time from navigation to the first drawn frame (the page is usable from then on: positions
are precomputed and physics is off), the time of one full redraw (what dragging or zooming
costs per frame), and the time for the search box to find and centre a node.

Usage: python -m benchmarks.bench_views [--sizes 500 2000 5000 10000] [--screenshots exports]
With --screenshots DIR it also saves DIR/overview.png and DIR/focus.png of the sample graph
(the README shows them).
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

import kg
from kg import views
from kg.sample import SAMPLE_DIR

from .synthetic import write_corpus

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1400, "height": 900}
FOCUS_PAPER = "Tokens-to-Token ViT: Training Vision Transformers from Scratch on ImageNet"
# One full frame, averaged over 5; while dragging or zooming large pages draw no edges
# (hideEdgesOnDrag / hideEdgesOnZoom), which is what `dragging` switches on.
REDRAW = """dragging => { const r = kgView.network.renderer; r.dragging = dragging; const t = performance.now();
    for (let i = 0; i < 5; i++) r._redraw(); r.dragging = false; return (performance.now() - t) / 5; }"""


def measure(page, path: Path) -> dict[str, float]:
    started = time.perf_counter()
    page.goto(path.resolve().as_uri())
    page.wait_for_selector("body[data-ready=true]", state="attached", timeout=120_000)
    wall = time.perf_counter() - started
    ready_at = page.evaluate("kgView.readyAt") / 1000
    redraw = page.evaluate(REDRAW, False)
    drag = page.evaluate(REDRAW, True)
    shown = page.evaluate("kgView.shownNodes()")
    started = time.perf_counter()
    page.fill("#search", "imagenet")
    page.press("#search", "Enter")
    page.wait_for_selector("#panel:not([hidden])")
    return {"ready": ready_at, "wall": wall, "redraw_ms": redraw, "drag_ms": drag, "search": time.perf_counter() - started, "shown": shown}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 5000, 10000])
    parser.add_argument("--screenshots", type=Path, help="folder to save overview.png and focus.png of the sample graph into")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench_views."))
    papers = max(args.sizes) * 2 // 5 + 200  # a synthetic paper brings ~2.6 nodes
    write_corpus(papers, work / "corpus")
    started = time.perf_counter()
    graph = kg.build([work / "corpus"], progress=False)
    print(f"synthetic graph: {graph.nx.number_of_nodes():,} nodes, {graph.nx.number_of_edges():,} edges "
          f"from {papers:,} papers (built in {time.perf_counter() - started:.0f} s)\n")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_context(viewport=VIEWPORT, offline=True).new_page()
        print("| nodes | edges | write page (s) | page size (MB) | first frame (s) | load wall (s) | frame (ms) | frame while dragging (ms) | search + panel (s) |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for size in args.sizes:
            started = time.perf_counter()
            view = views.select(graph.nx, max_nodes=size)
            path = views.save(views.to_html(view), work / f"view_{size}.html")
            write = time.perf_counter() - started
            m = measure(page, path)
            assert m["shown"] == view.graph.number_of_nodes(), (m["shown"], view.graph.number_of_nodes())
            print(f"| {size:,} | {view.graph.number_of_edges():,} | {write:.1f} | {path.stat().st_size / 1e6:.1f} | "
                  f"{m['ready']:.1f} | {m['wall']:.1f} | {m['redraw_ms']:.0f} | {m['drag_ms']:.0f} | {m['search']:.2f} |")
        if args.screenshots:
            screenshots(page, work, args.screenshots)
        browser.close()


def screenshots(page, work: Path, out: Path) -> None:
    """The sample graph's overview, and a paper's neighbourhood with its details panel open."""
    sample = kg.build([SAMPLE_DIR], progress=False)
    for name, view in [("overview", views.select(sample.nx, title="Overview")),
                       ("focus", views.select(sample.nx, focus=sample.find(FOCUS_PAPER), depth=1))]:
        path = views.save(views.to_html(view), work / f"{name}.html")
        page.goto(path.resolve().as_uri())
        page.wait_for_selector("body[data-ready=true]", state="attached")
        if name == "overview":  # zoomed in on the main connected part, as one would first do
            page.evaluate("kgView.network.moveTo({scale: kgView.network.getScale() * 2})")
        page.wait_for_timeout(300)
        page.screenshot(path=str(out / f"{name}.png"))
        print(f"saved {out / f'{name}.png'}")


if __name__ == "__main__":
    main()
