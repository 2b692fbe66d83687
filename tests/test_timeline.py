"""`kg timeline`: a family laid out by first listing date (the browser side is in
tests/test_views_browser.py)."""
from __future__ import annotations

from datetime import date

import networkx as nx
import pytest
from click.testing import CliRunner

import kg
from kg import views
from kg.cli import main
from kg.views.timeline import parse_listed


def family_graph(dates: dict[str, list[str]]) -> nx.MultiDiGraph:
    """root ← a ← b, root ← c; each member introduced by papers listed on `dates[member]`."""
    g = nx.MultiDiGraph()
    for name in ("root", "a", "b", "c"):
        g.add_node(f"architecture/{name}", type="Architecture", label=name)
    for child, parent in [("a", "root"), ("b", "a"), ("c", "root")]:
        g.add_edge(f"architecture/{child}", f"architecture/{parent}", key="variantOf" if child != "c" else "buildsOn")
    for member, listed in dates.items():
        for i, when in enumerate(listed):
            paper = f"paper/{member}-{i}"
            g.add_node(paper, type="Paper", label=f"{member} paper {i}", title=f"{member} paper {i}",
                       sources=[f"day{i}.txt:3 ({when})"])
            g.add_edge(paper, f"architecture/{member}", key="introduces")
    return g


@pytest.mark.parametrize("text, expected", [
    ("Mar 12", (date(2000, 3, 12), False)), ("Feb 29", (date(2000, 2, 29), False)), ("12 March", (date(2000, 3, 12), False)),
    ("2024-03-12", (date(2024, 3, 12), True)), ("March 12, 2024", (date(2024, 3, 12), True)), ("12 Mar 2024", (date(2024, 3, 12), True)),
    ("yesterday", None), ("", None),
])
def test_listing_dates_are_read_as_written_with_or_without_a_year(text, expected):
    assert parse_listed(text) == expected


def test_members_are_placed_by_their_first_listing_and_rows_follow_the_tree():
    g = family_graph({"a": ["May 9", "Mar 12"], "b": ["Aug 6"], "c": ["Mar 11"]})
    view = views.timeline(g, "architecture/root")
    x = {n.split("/")[1]: xy[0] for n, xy in view.positions.items()}
    assert x["root"] < x["c"] < x["a"] < x["b"]  # root undated; Mar 11 < Mar 12 (a's first) < Aug 6
    rows = sorted(view.positions, key=lambda n: view.positions[n][1])
    assert rows.index("architecture/b") == rows.index("architecture/a") + 1  # a child right under its parent
    a = view.graph.nodes["architecture/a"]
    assert a["first_listed"] == "Mar 12" and [p["date"] for p in a["introduced_by"]] == ["Mar 12", "May 9"]
    assert [t["label"] for t in view.axis] == ["not listed", "Mar 11", "Mar 12", "Aug 6"]  # first listings only
    assert {k for *_, k in view.graph.edges(keys=True)} == {"variantOf", "buildsOn"}


def test_a_yearless_date_is_read_in_the_latest_year_any_listing_gives():
    g = family_graph({"a": ["2023-12-01"], "b": ["Mar 12"], "c": ["2024-01-05"]})
    view = views.timeline(g, "architecture/root")
    x = {n.split("/")[1]: xy[0] for n, xy in view.positions.items()}
    assert x["a"] < x["c"] < x["b"]  # Mar 12 read as 2024-03-12
    assert view.graph.nodes["architecture/b"]["first_listed"] == "Mar 12 (2024?)"


def test_undated_members_without_dated_descendants_are_left_out_and_counted():
    g = family_graph({"c": ["Mar 11"]})
    view = views.timeline(g, "architecture/root")
    assert set(view.graph) == {"architecture/root", "architecture/c"}
    assert view.notice.startswith("2 members that no listed paper introduces are left out")


def test_every_family_of_the_sample_in_one_page(sample_graph):
    view = views.timeline(sample_graph.nx)
    g = sample_graph.nx
    dated = [n for n in view.graph if view.graph.nodes[n]["introduced_by"]]
    assert len(dated) >= 5 and all(g.nodes[n]["type"] in ("Architecture", "Method") for n in view.graph)
    for n in dated:  # each dated member's papers really introduce it
        assert all(g.has_edge(p["id"], n, "introduces") for p in view.graph.nodes[n]["introduced_by"])


def test_kg_timeline_writes_a_page_and_refuses_a_dataset(tmp_path, sample_graph):
    out = tmp_path / "graph"
    assert CliRunner().invoke(main, ["build", "--out", str(out), "-q"]).exit_code == 0
    assert (out / "architecture-timeline.html").is_file()
    result = CliRunner().invoke(main, ["timeline", "--graph", str(out), "--family", "vision transformer", "--out", str(tmp_path / "t.html")])
    assert result.exit_code == 0 and "wrote" in result.output and "ViT by first listing" in (tmp_path / "t.html").read_text()
    result = CliRunner().invoke(main, ["timeline", "--graph", str(out), "--family", "ImageNet", "--out", str(tmp_path / "e.html")])
    lines = result.output.strip().splitlines()
    assert result.exit_code == 2 and lines == ["kg: error: ImageNet is a Dataset: expected an Architecture or Method to draw the family of"]
    assert not (tmp_path / "e.html").exists()
