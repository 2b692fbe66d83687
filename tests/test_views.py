"""What goes into a view and into its page, without a browser (tests/test_views_browser.py
drives the pages in Chromium)."""
from __future__ import annotations

import json
import re

import networkx as nx
import pytest
from click.testing import CliRunner

import kg
from kg import views
from kg.cli import main


def test_focus_depth_and_types_select_the_neighbourhood(sample_graph):
    g = sample_graph.nx
    imagenet = sample_graph.find("imagenet")
    one = views.select(g, focus=imagenet, depth=1)
    assert set(one.graph) == {imagenet} | set(g.predecessors(imagenet)) | set(g.successors(imagenet))
    two = views.select(g, focus=imagenet, depth=2)
    assert set(one.graph) < set(two.graph)
    papers = views.select(g, focus=imagenet, depth=2, types=["Paper"])
    assert imagenet in papers.graph  # the focus stays whatever its type
    assert {d["type"] for n, d in papers.graph.nodes(data=True) if n != imagenet} == {"Paper"}
    assert not one.notice and one.focus == imagenet


def test_a_selection_over_the_limit_keeps_the_nearest_and_best_connected_and_says_so(sample_graph):
    g = sample_graph.nx
    view = views.select(g, max_nodes=50)
    assert view.graph.number_of_nodes() == 50
    assert f"Showing 50 of {g.number_of_nodes():,} nodes" in view.notice and "--focus" in view.notice
    kept = min(g.degree(n) for n in view.graph)
    assert all(g.degree(n) <= kept for n in g if n not in view.graph)
    vit = sample_graph.find("ViT")
    near = views.select(g, focus=vit, depth=2, max_nodes=10)
    assert vit in near.graph and set(g.successors(vit)) | set(g.predecessors(vit)) >= set(near.graph) - {vit}


@pytest.mark.parametrize("kwargs, message", [
    ({"types": ["Gadget"]}, "unknown node type(s) Gadget"),
    ({"max_nodes": views.HARD_MAX_NODES + 1}, "use --focus"),
    ({"focus": "paper/none"}, "no node 'paper/none'"),
])
def test_bad_selections_are_user_errors(sample_graph, kwargs, message):
    with pytest.raises(kg.KGError, match=re.escape(message)):
        views.select(sample_graph.nx, **kwargs)


def test_ready_made_views_hold_only_their_relations(sample_graph):
    lineage = views.lineage(sample_graph.nx)
    assert {k for *_, k in lineage.graph.edges(keys=True)} == {"variantOf", "buildsOn"}
    assert {d["type"] for _, d in lineage.graph.nodes(data=True)} == {"Architecture"}
    datasets = views.dataset_papers(sample_graph.nx)
    assert {d["type"] for _, d in datasets.graph.nodes(data=True)} == {"Dataset", "Paper"}
    evaluated = {(s, o) for s, o, k in sample_graph.nx.edges(keys=True) if k == "evaluatedOn"}
    assert evaluated <= set(datasets.graph.edges())


@pytest.mark.parametrize("text", ["</script><script>alert(1)</script>", "<!-- x", "a & b > c", "\u2028 é"])
def test_script_json_round_trips_and_cannot_close_its_script(text):
    encoded = views.script_json({"t": text})
    assert json.loads(encoded) == {"t": text}
    assert "<" not in encoded and ">" not in encoded


def test_the_page_is_self_contained_deterministic_and_carries_titles_only_as_data():
    g = nx.MultiDiGraph()
    hostile = "<img src=x onerror=alert(1)></script>"
    g.add_node("paper/x", type="Paper", label=hostile, title=hostile, abstract=hostile)
    g.add_node("dataset/d", type="Dataset", label="D")
    g.add_edge("paper/x", "dataset/d", key="evaluatedOn", evidence=[
        {"sentence": hostile, "extractor": "e", "confidence": 0.5, "start": 0, "end": 4}])
    page = views.to_html(views.select(g))
    assert page == views.to_html(views.select(g))
    assert "<img" not in page and page.count("</script>") == 3  # data, vis-network, view.js
    focus = views.to_html(views.select(g, focus="paper/x"))  # the title goes into <title> and <h1> too
    assert "<img" not in focus and "&lt;img src=x onerror=alert(1)&gt;&lt;/script&gt; and its neighbourhood" in focus
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)=", page)
    assert "default-src 'none'" in page
    data = json.loads(re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S).group(1))
    assert data["nodes"][1]["name"] == hostile and data["edges"][0]["evidence"][0]["sentence"] == hostile


def test_kg_view_writes_a_page_and_reports_errors_in_one_line(tmp_path):
    listing = tmp_path / "day.txt"
    listing.write_text("Mar 1\n\nFooNet: Faster Nets\n\nWe propose FooNet. Experiments on ImageNet.\n", encoding="utf-8")
    out = tmp_path / "graph"
    assert CliRunner().invoke(main, ["build", str(listing), "--out", str(out), "-q"]).exit_code == 0
    assert {"graph.html", "architecture-lineage.html", "dataset-papers.html"} <= {p.name for p in out.iterdir()}
    result = CliRunner().invoke(main, ["view", "--graph", str(out), "--focus", "imagenet", "--out", str(tmp_path / "v.html")])
    assert result.exit_code == 0 and "wrote" in result.output
    assert "FooNet: Faster Nets" in (tmp_path / "v.html").read_text(encoding="utf-8")
    result = CliRunner().invoke(main, ["view", "--graph", str(out), "--max-nodes", "1", "--out", str(tmp_path / "s.html")])
    assert result.exit_code == 0 and "kg: note: Showing 1 of" in result.output
    for args, message in [(["--focus", "nothing at all"], "no node named"), (["--types", "Paper,Gizmo"], "unknown node type"),
                          (["--graph", str(tmp_path / "none")], "no graph there")]:
        result = CliRunner().invoke(main, ["view", "--graph", str(out), *args, "--out", str(tmp_path / "e.html")])
        lines = result.output.strip().splitlines()
        assert result.exit_code == 2 and len(lines) == 1 and lines[0].startswith("kg: error:") and message in lines[0]
    assert not (tmp_path / "e.html").exists()


def test_communities_are_deterministic_cover_the_graph_and_name_their_best_connected_entities(sample_graph):
    g = sample_graph.nx
    found = views.groups.grouping(g)
    again = views.groups.grouping(g.copy())
    assert found == again
    parts = [set(p) for p in found.parts]
    assert set().union(*parts) == set(g) and sum(map(len, parts)) == g.number_of_nodes()  # a partition
    grouped = [m for group in found.groups for m in group.members]
    assert len(grouped) == len(set(grouped)) and not set(grouped) & found.hubs
    degree = dict(g.degree())
    assert len(found.hubs) == views.groups.HUBS and min(degree[h] for h in found.hubs) >= max(degree[m] for m in grouped)
    assert all(len(group.members) >= views.groups.MIN_GROUP for group in found.groups)
    # communities are denser inside than between: most edges stay within one community
    part_of = {n: i for i, p in enumerate(parts) for n in p}
    inside = sum(1 for s, o in g.edges() if part_of[s] == part_of[o])
    assert inside > 0.6 * g.number_of_edges()
    for group in found.groups:
        part = next(p for p in found.parts if set(group.members) <= set(p))
        entities = [n for n in part if g.nodes[n]["type"] not in ("Paper", "Repository")]
        best = max(entities, key=lambda n: (degree[n], -ord(str(n)[0])))
        assert group.label.endswith(f"({len(group.members)} nodes)") and (g.nodes[best]["label"][:23] in group.label)


def test_a_large_view_opens_grouped_and_a_focus_page_does_not(sample_graph):
    g = sample_graph.nx
    page_data = lambda view: json.loads(re.search(r'id="kg-data">(.*?)</script>', views.to_html(view), re.S).group(1))
    overview = page_data(views.select(g))
    found = views.groups.grouping(g)
    assert [group["id"] for group in overview["groups"]] == [group.id for group in found.groups]
    assert {n["id"] for n in overview["nodes"] if n.get("hub")} == set(found.hubs)
    assert sum(1 for n in overview["nodes"] if "community" in n) == sum(len(group.members) for group in found.groups)
    lineage = views.lineage(g)  # a smaller view: no groups, its best-connected nodes still labelled at every zoom
    lineage_data = page_data(lineage)
    assert lineage_data["groups"] == [] and {n["id"] for n in lineage_data["nodes"] if n.get("hub")} == views.groups.best_connected(lineage.graph)
    focus = page_data(views.select(g, focus=sample_graph.find("ImageNet")))
    assert focus["groups"] == [] and not any("community" in n for n in focus["nodes"])
    assert focus["nodes"][0]["x"] is not None and max(len(n["label"]) for n in focus["nodes"]) <= views.page.LABEL_CHARS


def test_a_sentence_listed_twice_is_shown_once(tmp_path):
    g = nx.MultiDiGraph()
    g.add_node("paper/p", type="Paper", label="P")
    g.add_node("dataset/d", type="Dataset", label="D")
    sentence = {"sentence": "Experiments on D show gains.", "start": 15, "end": 16, "extractor": "relation_cues", "confidence": 0.75}
    g.add_edge("paper/p", "dataset/d", key="evaluatedOn", evidence=[sentence, dict(sentence, extractor="pattern", confidence=0.9),
                                                                   dict(sentence, sentence="Other words on D.", start=15, end=16)])
    data = json.loads(re.search(r'id="kg-data">(.*?)</script>', views.to_html(views.select(g)), re.S).group(1))
    shown = data["edges"][0]["evidence"]
    assert [(e["sentence"], e["confidence"]) for e in shown] == [("Experiments on D show gains.", 0.9), ("Other words on D.", 0.75)]
    assert data["edges"][0]["evidenceCount"] == 2


def test_an_unknown_node_type_or_relation_draws_in_the_default_colour():
    g = nx.MultiDiGraph()
    g.add_node("task/t", type="Task", label="T")
    g.add_node("dataset/d", type="Dataset", label="D")
    g.add_edge("dataset/d", "task/t", key="usedFor", evidence=[])
    data = json.loads(re.search(r'id="kg-data">(.*?)</script>', views.to_html(views.select(g)), re.S).group(1))
    assert {"name": "Task", "color": views.page.DEFAULT_COLOR, "shape": views.page.DEFAULT_SHAPE} in data["types"]
    assert data["relations"] == [{"name": "usedFor", "color": views.page.DEFAULT_COLOR}]


def test_closed_groups_do_not_overlap_and_many_small_communities_still_lay_out(sample_graph):
    g = sample_graph.nx.copy()
    for i in range(600):  # more communities than spring_layout takes without scipy (500)
        g.add_node(f"paper/alone-{i}", type="Paper", label=f"Alone {i}")
    data = json.loads(re.search(r'id="kg-data">(.*?)</script>', views.to_html(views.select(g)), re.S).group(1))
    assert len(data["nodes"]) == g.number_of_nodes() and len({(n["x"], n["y"]) for n in data["nodes"]}) == g.number_of_nodes()
    groups = data["groups"]
    assert len(groups) > 5
    for i, a in enumerate(groups):
        for b in groups[i + 1:]:
            assert ((a["x"] - b["x"]) ** 2 + (a["y"] - b["y"]) ** 2) ** 0.5 >= a["size"] + b["size"], (a["label"], b["label"])
