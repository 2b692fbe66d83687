"""Crash safety: a writer killed at every named step of the commit protocol, for every folder size.

Each kill is deterministic: the writer runs in a child process whose
`kg.folder.commit.checkpoint` ends it (`os._exit`, no cleanup, like SIGKILL) at one named step. The folder is then checked against its commit record: before the commit
point a reader sees the previous generation, from it on the new one, whole, and every file
the record names has the fingerprint it records.
"""
from __future__ import annotations

import hashlib
import multiprocessing
import os
import shutil
from pathlib import Path

import pytest
from test_robustness import GOOD, snapshot

import kg
import kg.folder.large
from benchmarks.synthetic import write_corpus
from kg import folder
from kg.exports import WRITERS
from kg.folder import commit
from kg.folder.index import Index
from kg.folder.layout import index_path
from kg.store import open_store

KILLED = 137
SMALL_STEPS = ["written", "recorded", *(f"installed {name}" for name in sorted(WRITERS)), "cleaned"]
LARGE_STEPS = ["written", "recorded", "installed .kg/index.sqlite", "installed graph.nt", "installed store", "cleaned"]
ADD_STEPS = ["journaled", "appended", "loaded", "committed", "cleaned"]


def killed_at(step: str, command: str, paths: list[Path], out: Path, **options: object) -> int:
    """Run `kg.folder.<command>(paths, out, **options)` in a new process that dies at `step`: its exit code
    (KILLED if it got there). A new interpreter, not a fork: Oxigraph's threads do not survive a fork."""
    child = multiprocessing.get_context("spawn").Process(
        target=_die_at, args=(step, kg.folder.large.LARGE_CORPUS_PAPERS, command, paths, out, options))
    child.start()
    child.join()
    return child.exitcode


def _die_at(step: str, threshold: int, command: str, paths: list[Path], out: Path, options: dict) -> None:
    def stop(reached: str) -> None:
        if reached == step:
            os._exit(KILLED)

    commit.checkpoint = stop
    kg.folder.large.LARGE_CORPUS_PAPERS = threshold
    getattr(folder, command)(paths, out, progress=False, **options)


def generation(folder: Path) -> dict[str, object]:
    """What a reader sees, checked against the record: each file it names by content (a store by its triples)."""
    folder_ = Path(folder)
    record = commit.read_record(folder_)
    volatile = ("generation", "stale")  # a large generation's token is random; what went stale depends on the one before
    seen: dict[str, object] = {".kg/state.json": {k: v for k, v in record.items() if k not in volatile}}
    for name, fingerprint in sorted(record["files"].items()):
        path = folder_ / name
        if fingerprint == commit.DIRECTORY:
            store = open_store(path)
            seen[name] = hashlib.sha256("".join(sorted(f"{q}\n" for q in store)).encode()).hexdigest()
            del store
        elif fingerprint == commit.GROWS:
            seen[name] = path.read_bytes()
        else:
            assert commit.file_sha256(path) == fingerprint, name
            seen[name] = path.read_bytes()
    for source in (record.get("state") or {}).get("sources", []):
        seen[f".kg/{source['records']}"] = (folder_ / ".kg" / source["records"]).read_bytes()
    assert not (folder_ / ".kg" / "pending").exists()
    return seen


@pytest.fixture(scope="module")
def corpora(tmp_path_factory) -> Path:
    """Listings of an old and a new graph, and the folders each gives at each size (built without a kill)."""
    root = tmp_path_factory.mktemp("kill")
    (root / "old.txt").write_text(GOOD, encoding="utf-8")
    write_corpus(130, root / "new", per_file=65, seed=3)
    write_corpus(20, root / "more", per_file=20, seed=4)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(kg.folder.large, "LARGE_CORPUS_PAPERS", 100)
        folder.build([root / "old.txt"], root / "small-old", progress=False)
        folder.build([root / "new"], root / "small-new", progress=False, large=False)
        folder.build([root / "new"], root / "large-new", progress=False)
        shutil.copytree(root / "large-new", root / "large-added")
        folder.add([root / "more"], root / "large-added", progress=False)
    return root


@pytest.mark.parametrize("step", SMALL_STEPS)
def test_a_small_build_killed_at_each_step_leaves_the_old_or_the_new_graph(corpora, tmp_path, step):
    work = tmp_path / "graph"
    shutil.copytree(corpora / "small-old", work)
    old, new = generation(corpora / "small-old"), generation(corpora / "small-new")
    assert killed_at(step, "build", [corpora / "new"], work, large=False) == KILLED
    for name in WRITERS:  # even before recovery, every file is one generation's, whole
        assert (work / name).read_bytes() in (old[name], new[name]), name
    assert len(kg.open(work).rdf) > 0  # a reader finishes the commit (or drops it) first
    now = generation(work)
    assert now == (old if step == "written" else new)
    assert not folder.add([corpora / ("old.txt" if now == old else "new")], work, progress=False).written


@pytest.mark.parametrize("step", LARGE_STEPS)
@pytest.mark.parametrize("before", ["small-old", "large-added"])
def test_a_large_build_killed_at_each_step_leaves_the_old_or_the_new_graph(corpora, tmp_path, monkeypatch, before, step):
    monkeypatch.setattr(kg.folder.large, "LARGE_CORPUS_PAPERS", 100)
    work = tmp_path / "graph"
    shutil.copytree(corpora / before, work)
    (work / ".kg" / "notes.txt").write_text("mine")  # the user's: never touched
    old, new = generation(corpora / before), generation(corpora / "large-new")
    assert killed_at(step, "build", [corpora / "new"], work) == KILLED
    folder.recover(work)
    now = generation(work)
    assert now == (old if step == "written" else new)
    assert (work / ".kg" / "notes.txt").read_text() == "mine"
    if now == new:  # nothing of the previous generation stays beside the new one
        assert sorted(p.name for p in work.iterdir()) == [".kg", "graph.nt", "store"]


@pytest.mark.parametrize("step", ADD_STEPS)
def test_a_large_add_killed_at_each_step_is_undone_or_kept_by_the_next_reader(corpora, tmp_path, step):
    work = tmp_path / "graph"
    shutil.copytree(corpora / "large-new", work)
    old, new = generation(corpora / "large-new"), generation(corpora / "large-added")
    papers = "SELECT (COUNT(?p) AS ?n) WHERE { ?p a kg:Paper }"
    assert killed_at(step, "add", [corpora / "more"], work) == KILLED
    graph = kg.open(work)  # a reader: finishes or undoes the add before answering
    expected = new if step in ("committed", "cleaned") else old
    assert graph.query(papers).rows == kg.open(corpora / ("large-added" if expected is new else "large-new")).query(papers).rows
    del graph
    index = Index(index_path(work))
    assert index.nt_size == (work / "graph.nt").stat().st_size
    index.close()
    assert {k: v for k, v in generation(work).items() if k != ".kg/state.json"} == \
        {k: v for k, v in expected.items() if k != ".kg/state.json"}  # the record does not change with an add


def test_a_kill_between_two_writes_of_one_file_leaves_no_half_file(corpora, tmp_path):
    """A commit record half written (a killed `write_file`) is a stray temporary file, dropped by recovery."""
    work = tmp_path / "graph"
    shutil.copytree(corpora / "small-old", work)
    before = snapshot(work)
    (work / ".kg" / ".state.json.x1.tmp").write_text('{"half a commit record')
    folder.recover(work)  # nothing pending: a reader leaves the stray file to the next writer
    folder.build([corpora / "old.txt"], work, progress=False)
    assert snapshot(work) == before
