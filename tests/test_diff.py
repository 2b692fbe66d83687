"""`kg diff`: what is new in one build since another."""
from __future__ import annotations

import shutil

import networkx as nx
import pytest
from click.testing import CliRunner

from kg import diff
from kg.cli import main
from kg.sample import SAMPLE_DIR


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """The sample without its last listing file, and the whole sample."""
    root = tmp_path_factory.mktemp("builds")
    files = sorted(SAMPLE_DIR.glob("*.txt"))
    (root / "src").mkdir()
    for f in files[:-1]:
        shutil.copy(f, root / "src" / f.name)
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(root / "src"), "--out", str(root / "old"), "-q"]).exit_code == 0
    assert runner.invoke(main, ["build", "--out", str(root / "new"), "-q"]).exit_code == 0
    return root


def test_the_digest_lists_what_is_new_and_the_counts_that_moved():
    old = nx.MultiDiGraph()
    old.add_node("dataset/imagenet", type="Dataset", label="ImageNet")
    old.add_node("paper/old", type="Paper", title="Old Paper")
    old.add_edge("paper/old", "dataset/imagenet", key="evaluatedOn")
    new = old.copy()
    new.add_node("paper/new", type="Paper", title="New | Paper *bold*")
    new.add_node("https://github.com/a/b", type="Repository", label="a/b")
    new.add_edge("paper/new", "dataset/imagenet", key="evaluatedOn")
    new.add_edge("paper/new", "dataset/imagenet", key="trainedOn")
    new.add_edge("paper/new", "https://github.com/a/b", key="releasesCode")
    d = diff.digest(old, new)
    assert d.new_nodes["Paper"] == [("paper/new", "New | Paper *bold*")] and d.new_nodes["Dataset"] == []
    assert d.new_edges == 3
    assert d.top_uses == [("Dataset", "dataset/imagenet", "ImageNet", [("evaluatedOn, trainedOn", "New | Paper *bold*")])]
    assert ("papers using ImageNet (dataset)", 1, 2) in d.counts and ("Paper nodes", 1, 2) in d.counts
    text = diff.to_markdown(d)
    assert "2 new papers" not in text and "1 new repository, 1 new paper, 3 new edges." in text
    assert r"New \| Paper \*bold\*" in text  # a title cannot break the table or the emphasis
    assert "| papers using ImageNet (dataset) | 1 | 2 | +1 |" in text
    page = diff.to_html(d)
    assert "New | Paper *bold*" in page and "<script" not in page and "default-src 'none'" in page


def test_the_same_graph_twice_is_nothing_new():
    g = nx.MultiDiGraph()
    g.add_node("paper/p", type="Paper", title="P")
    assert diff.digest(g, g.copy()).empty
    assert diff.to_markdown(diff.digest(g, g.copy())).endswith("\nNothing new.\n")


def test_kg_diff_between_two_builds(builds, tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["diff", str(builds / "old"), str(builds / "new")])
    assert result.exit_code == 0 and "## New papers (" in result.output and "## Counts that moved" in result.output
    result = runner.invoke(main, ["diff", str(builds / "new"), str(builds / "new")])
    assert result.exit_code == 0 and result.output.strip().endswith("Nothing new.")
    for name in ("news.md", "news.html"):
        result = runner.invoke(main, ["diff", str(builds / "old"), str(builds / "new"), "--out", str(tmp_path / name)])
        assert result.exit_code == 0 and result.output.startswith(f"wrote {tmp_path / name}: ") and "new papers" in result.output
    assert (tmp_path / "news.md").read_text().startswith("# What is new in")
    assert (tmp_path / "news.html").read_text().startswith("<!DOCTYPE html>")
    for args, message in [([str(builds / "old"), str(tmp_path / "none")], "no graph there"),
                          ([str(builds / "old"), str(builds / "new"), "--out", str(tmp_path / "x.pdf")], "expected a file name ending in .md or .html")]:
        result = runner.invoke(main, ["diff", *args])
        lines = result.output.strip().splitlines()
        assert result.exit_code == 2 and len(lines) == 1 and message in lines[0]
