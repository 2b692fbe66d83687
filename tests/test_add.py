"""`kg add`: growing a graph file by file gives exactly the graph `kg build` makes of all the files."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg
from benchmarks.synthetic import write_corpus
from kg.folder import commit, small
from kg.cli import main
from kg.exports import WRITERS

from test_robustness import snapshot


def run(*args: object) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


def fails(*args: object) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 2, result.output
    return result.output.strip()


@pytest.fixture(scope="module")
def listings(tmp_path_factory) -> list[Path]:
    """Three synthetic listing files whose papers repeat across files, plus a JSONL file."""
    root = tmp_path_factory.mktemp("listings")
    files = write_corpus(45, root, per_file=20, seed=7)
    papers = root / "extra.jsonl"
    papers.write_text("\n".join(json.dumps(p) for p in [
        {"title": "ZetaNet: Hostile \"Titles\" \\ <b>Bold</b> \u200f\U0001F600", "abstract": "We propose ZetaNet. It outperforms ResNet-50 on ImageNet.",
         "date": "Mar 3", "authors": ["Ada Lovelace"], "urls": ["https://example.org/zeta"]},
        {"title": "A paper citing ZetaNet", "abstract": "We compare with ZetaNet on COCO. Code: https://github.com/x/y."},
    ]) + "\n", encoding="utf-8")
    return sorted(files) + [papers]


@pytest.fixture(scope="module")
def full_build(tmp_path_factory, listings) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("full") / "graph"
    run("build", *listings, "--out", out, "-q")
    return snapshot(out)


@pytest.mark.parametrize("order", [(3, 2, 1, 0), (2, 0, 3, 1)])
def test_adding_one_file_at_a_time_in_any_order_equals_one_build(tmp_path, listings, full_build, order):
    files = [listings[i] for i in order]
    run("build", files[0], "--out", tmp_path / "graph", "-q")
    for path in files[1:]:
        run("add", path, "--graph", tmp_path / "graph", "-q")
    assert snapshot(tmp_path / "graph") == full_build  # exports, state and stored extractions, byte for byte


def test_python_build_equals_cli_build(tmp_path, listings, full_build):
    kg.build(listings, progress=False).export(tmp_path)
    for name in WRITERS:
        assert (tmp_path / name).read_bytes() == full_build[name], name


def test_adding_the_same_files_again_changes_nothing(tmp_path, listings, full_build):
    graph = tmp_path / "graph"
    run("build", *listings, "--out", graph, "-q")
    output = run("add", *listings, "--graph", graph)
    assert output.strip() == f"nothing new (4 already in the graph); {graph}/ unchanged"
    folder = listings[0].parent
    output = run("add", folder, "--graph", graph)  # the same files under other names (folder/...)
    assert output.count("same content as") == 4 and snapshot(graph) == full_build


def test_a_changed_file_replaces_its_entries(tmp_path, listings):
    path = tmp_path / "day.txt"
    shutil.copy(listings[0], path)
    run("build", path, listings[1], "--out", tmp_path / "graph", "-q")
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2].rsplit("\n\n", 2)[0] + "\n", encoding="utf-8")  # drop the second half
    output = run("add", path, "--graph", tmp_path / "graph")
    assert "added 1 file(s), 0 already in the graph" in output
    run("build", path, listings[1], "--out", tmp_path / "fresh", "-q")
    assert snapshot(tmp_path / "graph") == snapshot(tmp_path / "fresh")


def test_stored_extractions_are_redone_when_kg_changed(tmp_path, listings, full_build):
    graph = tmp_path / "graph"
    run("build", *listings[:3], "--out", graph, "-q")
    record = json.loads((graph / ".kg" / "state.json").read_text())
    record["state"]["code"] = "an older kg"
    (graph / ".kg" / "state.json").write_text(json.dumps(record))
    run("add", listings[3], "--graph", graph, "-q")
    assert snapshot(graph) == full_build


def test_add_refuses_a_folder_it_cannot_extend(tmp_path, listings):
    assert fails("add", listings[0], "--graph", tmp_path / "none") == (
        f"kg: error: {tmp_path}/none: no graph built by `kg build` there (expected .kg/state.json); "
        f"create it with `kg build SOURCE... --out {tmp_path}/none`")
    kg.build(listings[3:], progress=False).export(tmp_path / "plain")
    assert "written by KnowledgeGraph.export(), which keeps no build state" in fails("add", listings[0], "--graph", tmp_path / "plain")
    graph = tmp_path / "graph"
    run("build", listings[0], "--out", graph, "-q")
    with (graph / "nodes.csv").open("a") as handle:
        handle.write("a hand-made row\n")
    before = snapshot(graph)
    assert fails("add", listings[1], "--graph", graph).startswith(f"kg: error: {graph}/nodes.csv: changed since kg wrote it")
    assert snapshot(graph) == before


def test_only_the_writer_lock_and_referenced_records_are_kept(tmp_path, listings):
    graph = tmp_path / "graph"
    path = tmp_path / "day.txt"
    shutil.copy(listings[0], path)
    run("build", path, "--out", graph, "-q")
    path.write_text(listings[1].read_text(encoding="utf-8"), encoding="utf-8")
    run("add", path, "--graph", graph, "-q")
    record = commit.read_record(graph)
    stored = sorted(p.relative_to(graph / ".kg").as_posix() for p in (graph / ".kg").rglob("*") if p.is_file())
    assert stored == sorted(["lock", "state.json", *(s["records"] for s in record["state"]["sources"])])


def test_the_code_hash_follows_extraction_code_only(tmp_path):
    """An edit to the CLI must not make a graph refuse `kg add`; an edit to an extractor must."""
    package = tmp_path / "kg"
    shutil.copytree(Path(small.__file__).parents[1], package, ignore=shutil.ignore_patterns("__pycache__"))
    before = small.hash_of_code(package)
    assert before == small.code_hash()
    for name in ("cli.py", "server.py", "views/page.py", "folder/commit.py"):
        with open(package / name, "a", encoding="utf-8") as handle:
            handle.write("\n# an edit\n")
    assert small.hash_of_code(package) == before
    with open(package / "extract" / "relations.py", "a", encoding="utf-8") as handle:
        handle.write("\n# an edit\n")
    assert small.hash_of_code(package) != before
