"""Crash safety: a `kg build` killed with SIGKILL at any point leaves the previous graph or the new one, whole."""
from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from filelock import FileLock
from test_robustness import GOOD, snapshot

import kg
from benchmarks.synthetic import write_corpus
from kg import atomic, state
from kg.cli import main
from kg.exports import EXPORT_FILES

KILL_AT = (0.6, 0.85, 0.97)  # fractions of a full build's wall time


def committed(folder: Path) -> dict[str, bytes]:
    """The exports, the commit record and the records files it refers to (not garbage left by a kill)."""
    files = snapshot(folder)
    record = atomic.read_record(folder)
    keep = {*EXPORT_FILES, ".kg/state.json", *(f".kg/{s['records']}" for s in record["state"]["sources"])}
    return {name: data for name, data in files.items() if name in keep}


@pytest.fixture(scope="module")
def generations(tmp_path_factory):
    """A small previous graph, and the listings of a bigger new one with the bytes a finished build gives."""
    root = tmp_path_factory.mktemp("kill")
    (root / "old.txt").write_text(GOOD, encoding="utf-8")
    state.build([root / "old.txt"], root / "old", progress=False)
    listings = write_corpus(60, root / "new-listings", per_file=30, seed=3)
    shutil.copytree(root / "old", root / "new")
    started = time.perf_counter()
    build = _start(listings, root / "new")
    assert build.wait(timeout=120) == 0, build.stderr.read()
    return root, listings, time.perf_counter() - started


def _start(listings: list[Path], out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "from kg.cli import main; main()", "build", *map(str, listings), "--out", str(out), "-q"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=Path(__file__).resolve().parents[1])


def test_sigkill_at_any_point_leaves_the_old_or_the_new_graph_whole(tmp_path, generations):
    root, listings, seconds = generations
    old, new = committed(root / "old"), committed(root / "new")
    outcomes = []
    for fraction in KILL_AT:
        work = tmp_path / f"kill-{fraction}"
        shutil.copytree(root / "old", work)
        build = _start(listings, work)
        time.sleep(seconds * fraction)
        build.send_signal(signal.SIGKILL)
        build.wait()
        for name in EXPORT_FILES:  # even before recovery, every file is one generation's, whole
            assert (work / name).read_bytes() in (old[name], new[name]), (fraction, name)
        atomic.recover(work)
        now = committed(work)
        assert now in (old, new), fraction
        outcomes.append("old" if now == old else "new")
        graph = kg.open(work)  # loadable, and the build state still extends it
        assert len(graph.rdf) > 0
        assert not state.add([root / "old.txt"] if now == old else listings, work, progress=False).written
    assert "old" in outcomes, f"every kill came after the build finished: {outcomes}"


@pytest.mark.parametrize("moved", range(len(EXPORT_FILES) + 1))
def test_recovery_from_every_point_between_the_commit_and_the_last_rename(tmp_path, generations, moved):
    """The states a kill after the commit point can leave: `moved` files renamed, the rest still pending."""
    root, _, _ = generations
    work = tmp_path / "graph"
    shutil.copytree(root / "old", work)
    (work / ".kg" / "pending").mkdir()
    for index, name in enumerate(EXPORT_FILES):
        shutil.copy(root / "new" / name, (work if index < moved else work / ".kg" / "pending") / name)
    shutil.copy(root / "new" / ".kg" / "state.json", work / ".kg" / "state.json")
    for records in (root / "new" / ".kg" / "records").iterdir():
        shutil.copy(records, work / ".kg" / "records" / records.name)
    atomic.recover(work)
    assert committed(work) == committed(root / "new") and not (work / ".kg" / "pending").exists()


@pytest.mark.parametrize("written", range(len(EXPORT_FILES) + 1))
def test_recovery_from_every_point_before_the_commit(tmp_path, generations, written):
    """The states a kill before the commit point can leave: some new files pending, the last one cut short."""
    root, _, _ = generations
    work = tmp_path / "graph"
    shutil.copytree(root / "old", work)
    (work / ".kg" / "pending").mkdir()
    for name in EXPORT_FILES[:written]:
        shutil.copy(root / "new" / name, work / ".kg" / "pending" / name)
    if written < len(EXPORT_FILES):
        data = (root / "new" / EXPORT_FILES[written]).read_bytes()
        (work / ".kg" / "pending" / EXPORT_FILES[written]).write_bytes(data[: len(data) // 2])
    (work / ".kg" / ".state.json.x1.tmp").write_text('{"half a commit record')
    atomic.recover(work)
    assert snapshot(work) == snapshot(root / "old")


@pytest.fixture
def small_disk(tmp_path):
    """A file system with room for one small graph, not for a second one pending beside it."""
    (tmp_path / "measure.txt").write_text(GOOD, encoding="utf-8")
    state.build([tmp_path / "measure.txt"], tmp_path / "measure", progress=False)
    one_graph = sum(f.stat().st_size for f in (tmp_path / "measure").rglob("*") if f.is_file())
    mount = tmp_path / "disk"
    mount.mkdir()
    size = f"size={one_graph * 3 // 2 // 1024 + 64}k"
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", size, "tmpfs", str(mount)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs to fill up (needs root): {done.stderr.strip()}")
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def test_a_full_disk_is_one_line_and_leaves_the_previous_graph(tmp_path, small_disk):
    (tmp_path / "old.txt").write_text(GOOD, encoding="utf-8")
    graph = small_disk / "graph"
    state.build([tmp_path / "old.txt"], graph, progress=False)
    before = snapshot(graph)
    (tmp_path / "new.txt").write_text(GOOD.replace("FooNet", "BarNet"), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(tmp_path / "old.txt"), str(tmp_path / "new.txt"), "--out", str(graph), "-q"])
    assert result.exit_code == 2
    assert result.output.strip() == f"kg: error: {graph}: cannot write the graph (No space left on device); the previous one is unchanged"
    assert snapshot(graph) == before and not (graph / ".kg" / "pending").exists()
    assert kg.open(graph).query("SELECT ?t WHERE { ?p dcterms:title ?t }").rows == [["FooNet: Faster Nets"]]


def test_a_second_writer_is_refused_while_one_is_writing(tmp_path, generations):
    root, _, _ = generations
    graph = tmp_path / "graph"
    shutil.copytree(root / "old", graph)
    before = snapshot(graph)
    with FileLock(graph / ".kg" / "lock"):  # what a running `kg build` or `kg add` holds
        result = CliRunner().invoke(main, ["build", str(root / "old.txt"), "--out", str(graph), "-q"])
    assert result.exit_code == 2
    assert result.output.strip() == f"kg: error: {graph}: another kg process is writing this graph; try again when it is done"
    assert snapshot(graph) == before
