"""The README's screenshots of the views, from the bundled sample, in headless Chromium.

Writes DIR/overview.png (graph.html as it opens: closed communities, labelled landmarks),
DIR/focus.png (a paper's neighbourhood with its details panel), DIR/timeline.png (the
architecture and method families by first listing, a member's introducing papers open)
and DIR/digest.png (`kg diff` of the sample without its last listing file against the
whole sample).

Usage: python -m benchmarks.screenshots [--out docs]
"""
from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

import kg
from kg import diff, views
from kg.sample import SAMPLE_DIR

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1400, "height": 900}
FOCUS_PAPER = "Tokens-to-Token ViT: Training Vision Transformers from Scratch on ImageNet"
TIMELINE_MEMBER = "MobileNetV2"
# a real click where the network drew the node, as a reader would
CLICK = """id => { const n = kgView.network, r = document.getElementById('graph').getBoundingClientRect();
    const d = n.canvasToDOM(n.getPositions([id])[id]); return [r.x + d.x, r.y + d.y]; }"""


def pages(work: Path) -> tuple[dict[str, Path], kg.KnowledgeGraph]:
    """The four pages to photograph, written into `work`, and the sample graph they show."""
    sample = kg.build([SAMPLE_DIR], progress=False)
    files = sorted(SAMPLE_DIR.glob("*.txt"))
    (work / "older").mkdir()
    for f in files[:-1]:
        shutil.copy(f, work / "older" / f.name)
    older = kg.build([work / "older"], progress=False)
    written = {
        "overview": views.to_html(views.select(sample.nx, title="Overview")),
        "focus": views.to_html(views.select(sample.nx, focus=sample.find(FOCUS_PAPER), depth=1)),
        "timeline": views.to_html(views.timeline(sample.nx)),
        "digest": diff.to_html(diff.digest(older.nx, sample.nx), "the sample without its last file", "the sample"),
    }
    return {name: views.save(text, work / f"{name}.html") for name, text in written.items()}, sample


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs"), help="folder to write the PNG files into")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="kg-screenshots."))
    written, sample = pages(work)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_context(viewport=VIEWPORT, offline=True).new_page()
        for name, path in written.items():
            page.goto(path.resolve().as_uri())
            if name != "digest":  # the digest is a plain page, with no script
                page.wait_for_selector("body[data-ready=true]", state="attached")
            if name == "timeline":
                page.mouse.click(*page.evaluate(CLICK, sample.find(TIMELINE_MEMBER)))
                page.wait_for_selector("#panel:not([hidden])")
            page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
            page.screenshot(path=str(args.out / f"{name}.png"))
            print(f"saved {args.out / f'{name}.png'}")
        browser.close()
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
