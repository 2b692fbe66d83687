"""The HTML views driven as a person would, in Debian's headless Chromium, offline.

Every page is loaded from disk with the network off; any JavaScript error, console error,
dialog or request other than the page itself fails the test.
"""
from __future__ import annotations

from pathlib import Path

import pytest

import kg
from kg import views
from conftest import require_binary

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]' installs playwright")

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
HOSTILE_TITLE = "<img src=x onerror=alert(1)>: Hostile Nets"
HOSTILE_ABSTRACT = ("We propose EvilNet </script><script>alert(2)</script> <!-- and <b>bold</b>. "
                    "Experiments on ImageNet show gains. Code: https://github.com/evil/evilnet.")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    chromium = require_binary("chromium")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with playwright_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=chromium, args=CHROMIUM_ARGS, headless=True,
            offline=True, viewport={"width": 1400, "height": 900})
        yield context
        context.close()


class Page:
    """One loaded view, with everything that went wrong while it was open."""

    def __init__(self, context, path: Path):
        self.problems: list[str] = []
        self.page = context.new_page()
        url = path.resolve().as_uri()
        self.page.on("pageerror", lambda err: self.problems.append(f"javascript error: {err}"))
        self.page.on("console", lambda msg: msg.type in ("error", "warning") and self.problems.append(f"console {msg.type}: {msg.text}"))
        self.page.on("dialog", lambda dialog: (self.problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
        self.page.on("request", lambda req: req.url != url and self.problems.append(f"request: {req.url}"))
        self.page.goto(url)
        try:  # a selector, not a JS predicate: polling JS would be eval, which the page's CSP forbids
            self.page.wait_for_selector("body[data-ready=true]", state="attached", timeout=15000)
        except playwright_api.TimeoutError:
            pytest.fail(f"{path.name} never drew: {self.problems}")

    def js(self, expression: str, arg=None):
        return self.page.evaluate(expression, arg)

    def click_node(self, node: str) -> None:
        """A real mouse click on the node where the network drew it."""
        box = self.page.locator("#graph").bounding_box()
        xy = self.js("id => kgView.network.canvasToDOM(kgView.network.getPositions([id])[id])", node)
        self.page.mouse.click(box["x"] + xy["x"], box["y"] + xy["y"])

    def close(self) -> None:
        self.page.close()
        assert not self.problems, self.problems


def open_view(browser, view: views.View, tmp_path: Path, name: str = "view.html") -> Page:
    path = views.save(views.to_html(view), tmp_path / name)
    return Page(browser, path)


def test_overview_opens_as_closed_communities_that_open_on_click(browser, sample_graph, tmp_path):
    g = sample_graph.nx
    found = views.groups.grouping(g)
    page = open_view(browser, views.select(g), tmp_path)
    closed = sum(len(group.members) for group in found.groups)
    assert page.js("kgView.shownNodes()") == g.number_of_nodes() - closed + len(found.groups)
    shown = {item["label"] for item in page.js("kgView.groups()")}
    assert shown == {group.label for group in found.groups}
    assert len(page.js("kgView.landmarks")) >= len(found.hubs)  # every landmark labelled at the first view
    biggest = found.groups[0]
    page.click_node(biggest.id)
    opened = page.js("kgView.groups()")[0]
    assert opened["open"] and page.js("kgView.shownNodes()") == g.number_of_nodes() - closed + len(found.groups) - 1 + len(biggest.members)
    visible = page.js("ids => ids.filter(id => { const p = kgView.network.getPositions([id])[id]; const d = kgView.network.canvasToDOM(p);"
                      " const r = document.getElementById('graph').getBoundingClientRect(); return d.x >= 0 && d.y >= 0 && d.x <= r.width && d.y <= r.height; }).length",
                      list(biggest.members))
    assert visible == len(biggest.members)  # opening a group fits the view to it
    page.close()


def test_overview_draws_every_node_offline_and_filters_by_type_and_relation(browser, sample_graph, tmp_path):
    g = sample_graph.nx
    page = open_view(browser, views.select(g), tmp_path)
    page.js("kgView.openAll()")
    assert page.js("kgView.shownNodes()") == g.number_of_nodes()
    assert page.js("kgView.shownEdges()") == g.number_of_edges()
    papers = sum(1 for _, d in g.nodes(data=True) if d["type"] == "Paper")
    evaluated = sum(1 for *_, k in g.edges(keys=True) if k == "evaluatedOn")
    legend = page.page.locator("#types label").all_inner_texts()
    assert [t.split()[0] for t in legend] == ["Paper", "Dataset", "Architecture", "Method", "Repository"]
    page.page.uncheck('#types input[value="Paper"]')
    assert page.js("kgView.shownNodes()") == g.number_of_nodes() - papers
    page.page.check('#types input[value="Paper"]')
    page.page.uncheck('#relations input[value="evaluatedOn"]')
    assert page.js("kgView.shownNodes()") == g.number_of_nodes()
    assert page.js("kgView.shownEdges()") == g.number_of_edges() - evaluated
    page.close()


def test_search_by_alias_centres_the_node_and_opens_its_panel(browser, sample_graph, tmp_path):
    page = open_view(browser, views.select(sample_graph.nx), tmp_path)
    page.page.fill("#search", "vision transformer")  # an alias of ViT, in another case
    assert page.page.locator("#matches button").first.inner_text().startswith("ViT")
    page.page.press("#search", "Enter")
    assert page.js("kgView.network.getSelectedNodes()") == ["architecture/vit"]
    centre = page.js("kgView.network.getViewPosition()")
    node = page.js("kgView.network.getPositions(['architecture/vit'])['architecture/vit']")
    assert abs(centre["x"] - node["x"]) < 1 and abs(centre["y"] - node["y"]) < 1
    assert page.page.locator("#details h2").inner_text() == "ViT"
    assert "Vision Transformer" in page.page.locator("#details").inner_text()
    page.close()


def test_clicking_a_paper_shows_its_details_evidence_highlighted_and_real_links(browser, sample_graph, tmp_path):
    g = sample_graph.nx
    paper = next(p for p in sorted(g) if g.nodes[p]["type"] == "Paper" and sample_graph.repos(p)
                 and any(k == "evaluatedOn" for _, _, k in g.out_edges(p, keys=True)))
    view = views.select(g, focus=paper, depth=1)
    page = open_view(browser, view, tmp_path)
    assert page.js("kgView.shownNodes()") == view.graph.number_of_nodes()
    page.js("""id => { const n = kgView.network; n.moveTo({position: n.getPositions([id])[id], scale: 1.5});
                       n.unselectAll(); document.getElementById('panel').hidden = true; }""", paper)
    page.click_node(paper)
    assert page.js("kgView.network.getSelectedNodes()") == [paper]
    details = page.page.locator("#details")
    assert details.locator("h2").inner_text() == g.nodes[paper]["title"]
    assert g.nodes[paper]["abstract"][:80] in details.inner_text()
    for repo in sample_graph.repos(paper):
        assert details.locator(f'a[href="{repo}"]').count() >= 1
    marked = set(details.locator("mark").all_inner_texts())
    expected = {ev["sentence"][ev["start"]:ev["end"]] for _, _, data in g.out_edges(paper, data=True)
                for ev in data["evidence"][:views.page.EVIDENCE_PER_EDGE] if ev["end"] > ev["start"]}
    assert marked == expected
    page.close()


def test_a_hostile_title_is_shown_as_text_and_runs_nothing(browser, tmp_path):
    listing = tmp_path / "hostile.txt"
    listing.write_text(f"Mar 1\n\n{HOSTILE_TITLE}\n\n{HOSTILE_ABSTRACT}\n", encoding="utf-8")
    graph = kg.build([listing], progress=False)
    paper = graph.find(HOSTILE_TITLE)
    page = open_view(browser, views.select(graph.nx), tmp_path)
    assert page.js("kgView.shownNodes()") == graph.nx.number_of_nodes()
    page.page.fill("#search", "img src")
    page.page.press("#search", "Enter")
    assert page.page.locator("#details h2").text_content() == HOSTILE_TITLE
    assert "</script><script>alert(2)</script>" in page.page.locator("#details .abstract").text_content()
    assert page.js("document.querySelectorAll('img, b, script[src]').length") == 0
    assert page.js("kgView.network.getSelectedNodes()") == [paper]
    page.close()  # fails on the alert dialogs, had any run


@pytest.mark.parametrize("make", [views.lineage, views.dataset_papers], ids=["lineage", "dataset-papers"])
def test_ready_made_views_draw_every_node(browser, sample_graph, tmp_path, make):
    view = make(sample_graph.nx)
    page = open_view(browser, view, tmp_path)
    assert page.js("kgView.shownNodes()") == view.graph.number_of_nodes() > 50
    assert page.js("kgView.shownEdges()") == view.graph.number_of_edges()
    page.close()


# every node and its label inside the canvas the page leaves visible (beside legend and panel)
INSIDE = """() => { const net = kgView.network, r = document.getElementById('graph').getBoundingClientRect();
    const out = [];
    for (const id of Object.keys(net.getPositions())) {
        const b = net.getBoundingBox(id), a = net.canvasToDOM({x: b.left, y: b.top}), z = net.canvasToDOM({x: b.right, y: b.bottom});
        if (a.x < 0 || a.y < 0 || z.x > r.width || z.y > r.height) out.push(id);
    }
    return {outside: out, width: r.width, panel: !document.getElementById('panel').hidden}; }"""


@pytest.mark.parametrize("name, depth", [("Tokens-to-Token ViT", 1), ("ImageNet", 1), ("ViT", 2)])
def test_every_node_of_a_focus_page_is_inside_the_visible_canvas(browser, sample_graph, tmp_path, name, depth):
    focus = sample_graph.find(name)
    view = views.select(sample_graph.nx, focus=focus, depth=depth)
    page = open_view(browser, view, tmp_path)
    seen = page.js(INSIDE)
    assert seen["panel"] and seen["outside"] == [] and page.js("kgView.shownNodes()") == view.graph.number_of_nodes()
    labels = page.js("Object.values(kgView.network.body.nodes).map(n => n.labelModule.fontOptions.size)")
    assert labels and max(labels) <= 16 and min(labels) >= 12  # sizes in a narrow range
    page.close()


def test_a_focus_view_opens_on_the_focus_with_its_panel(browser, sample_graph, tmp_path):
    imagenet = sample_graph.find("ImageNet")
    view = views.select(sample_graph.nx, focus=imagenet, depth=1)
    page = open_view(browser, view, tmp_path)
    assert page.js("kgView.shownNodes()") == view.graph.number_of_nodes()
    assert page.js("kgView.network.getSelectedNodes()") == [imagenet]
    assert page.page.locator("#details h2").inner_text() == sample_graph.nx.nodes[imagenet]["label"]
    page.close()


def test_the_timeline_orders_members_by_date_and_shows_who_introduced_them(browser, sample_graph, tmp_path):
    from kg.views.timeline import parse_listed
    view = views.timeline(sample_graph.nx)
    page = open_view(browser, view, tmp_path)  # fails on any request leaving the page
    assert page.js("kgView.shownNodes()") == view.graph.number_of_nodes()
    drawn = page.js("() => { const n = kgView.network, p = n.getPositions(); const out = {};"
                    " for (const id in p) out[id] = n.canvasToDOM(p[id]).x; return out; }")
    dated = {n: parse_listed(d["first_listed"].split(" (")[0]) for n, d in view.graph.nodes(data=True) if d["introduced_by"]}
    by_date = sorted(dated, key=lambda n: dated[n][0])
    by_x = sorted(dated, key=lambda n: drawn[n])
    assert [dated[n][0] for n in by_x] == [dated[n][0] for n in by_date]  # x order equals date order
    undated = [n for n in view.graph if n not in dated]
    assert undated and max(drawn[n] for n in undated) < min(drawn[n] for n in dated)
    member = by_date[-1]
    page.click_node(member)
    assert page.js("kgView.network.getSelectedNodes()") == [member]
    introduced = page.page.locator("#details li.introduced").all_inner_texts()
    assert [t.split(" · listed ")[0] for t in introduced] == [p["title"] for p in view.graph.nodes[member]["introduced_by"]]
    assert ("first listed " + view.graph.nodes[member]["first_listed"]) in page.page.locator("#details").inner_text()
    page.close()
