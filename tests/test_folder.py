"""The graph folder (kg.folder): kg never loses a user's file, one writer at a time, and every
command and the Python API work on a folder of any size."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from filelock import FileLock
from test_robustness_kill import killed_at

import kg
import kg.folder.large
from benchmarks.synthetic import write_corpus
from kg.cli import main
from kg.folder import commit
from kg.folder.layout import LOCK, meta
from kg.ids import node_id
from kg.query import read_query, run
from kg.sample import SAMPLE_DIR
from kg.store import open_store

ROOT = Path(__file__).resolve().parents[1]
PAPERS = "SELECT (COUNT(?p) AS ?n) WHERE { ?p a kg:Paper }"


def cli(*args: object) -> tuple[int, str, list[str]]:
    """Exit code, standard output, and the `kg:` lines of standard error."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, [line for line in result.stderr.splitlines() if line.startswith("kg:")]


@pytest.fixture(scope="session")
def big(tmp_path_factory) -> Path:
    """A 6,000-paper synthetic graph, built by `kg build` with the default size threshold: a large graph."""
    root = tmp_path_factory.mktemp("big")
    write_corpus(6000, root / "listings", seed=5)
    write_corpus(30, root / "more", seed=6, per_file=30)
    assert cli("build", root / "listings", "--out", root / "big", "-q")[0] == 0
    return root / "big"


@pytest.fixture
def large_sample(tmp_path, monkeypatch) -> Path:
    """The sample corpus as a large graph (a threshold of 100 papers: the same code path, in seconds)."""
    monkeypatch.setattr(kg.folder.large, "LARGE_CORPUS_PAPERS", 100)
    assert cli("build", "--out", tmp_path / "large", "-q")[0] == 0
    return tmp_path / "large"


# Nothing of the user's is lost.

@pytest.mark.parametrize("size", ["small", "large"])
def test_a_build_refuses_a_folder_with_foreign_files_where_it_writes_and_keeps_them(tmp_path, monkeypatch, size):
    monkeypatch.setattr(kg.folder.large, "LARGE_CORPUS_PAPERS", 100 if size == "large" else 10**6)
    out = tmp_path / "out"
    theirs = out / ("store/thesis.db" if size == "large" else "graph.ttl")
    theirs.parent.mkdir(parents=True)
    theirs.write_text("my thesis")
    code, stdout, messages = cli("build", "--out", out, "-q")
    assert code == 2 and messages == [f"kg: error: {out}: holds files kg did not write where it would write: "
                                      f"{theirs.relative_to(out).as_posix()}; move them away or choose another folder"]
    assert theirs.read_text() == "my thesis"
    assert sorted(p.name for p in out.iterdir()) == sorted({".kg", theirs.relative_to(out).parts[0]})


def test_a_build_of_any_size_keeps_the_users_files_beside_the_graph(tmp_path, monkeypatch):
    out = tmp_path / "out"
    (out / ".kg").mkdir(parents=True)
    (out / ".kg" / "notes.txt").write_text("notes")
    (out / "README.md").write_text("readme")
    for threshold in (10**6, 100, 100, 10**6):  # small, large over small, large over large, small over large
        monkeypatch.setattr(kg.folder.large, "LARGE_CORPUS_PAPERS", threshold)
        assert cli("build", "--out", out, "-q")[0] == 0
        assert (out / ".kg" / "notes.txt").read_text() == "notes" and (out / "README.md").read_text() == "readme"
    assert sorted(p.name for p in out.iterdir()) == sorted([".kg", "README.md", *kg.exports.WRITERS])
    assert sorted(p.name for p in (out / ".kg").iterdir()) == ["lock", "notes.txt", "records", "state.json"]


def test_a_large_build_waits_for_no_one_and_writes_nothing_while_another_writer_holds_the_lock(large_sample):
    before = sorted(p.relative_to(large_sample).as_posix() for p in large_sample.rglob("*"))
    with FileLock(meta(large_sample) / LOCK, timeout=0):  # another kg process writing (a `kg add`)
        code, _, messages = cli("build", "--out", large_sample, "-q")
    assert code == 2 and messages == [f"kg: error: {large_sample}: another kg process is writing this graph; "
                                      f"try again when it is done"]
    assert sorted(p.relative_to(large_sample).as_posix() for p in large_sample.rglob("*")) == before


def test_a_killed_add_is_seen_by_no_reader(large_sample, tmp_path):
    """Killed after loading the store but before the index committed: readers see the graph as it was."""
    write_corpus(10, tmp_path / "more", seed=9, per_file=10)
    before = run(open_store(large_sample / "store"), PAPERS).rows
    assert killed_at("loaded", "add", [tmp_path / "more"], large_sample) == 137
    assert cli("query", PAPERS, "--graph", large_sample, "--store", large_sample / "store", "--format", "csv")[1] == \
        f"n\n{before[0][0]}\n"
    assert run(open_store(large_sample / "store"), PAPERS).rows == before


# A store remembers what it was loaded from.

def test_a_store_is_loaded_again_when_its_graph_changed_and_a_foreign_store_is_refused(tmp_path, sample_graph):
    out = tmp_path / "graph"
    assert cli("build", SAMPLE_DIR / sorted(os.listdir(SAMPLE_DIR))[0], "--out", out, "-q")[0] == 0
    count = lambda: cli("query", PAPERS, "--graph", out, "--store", tmp_path / "store", "--format", "csv")[1]
    first = count()
    assert count() == first  # the same graph: the store is used as it is
    assert cli("add", SAMPLE_DIR, "--graph", out, "-q")[0] == 0
    assert count() == "n\n310\n" != first  # the graph grew: loaded again, not answered from the old store
    shutil.copytree(tmp_path / "store", tmp_path / "copy")
    (tmp_path / "copy" / "kg-source.json").unlink()
    code, _, messages = cli("query", PAPERS, "--graph", out, "--store", tmp_path / "copy")
    assert code == 2 and messages == [f"kg: error: {tmp_path / 'copy'}: not a store kg loaded (no kg-source.json), "
                                      f"so it may hold another graph; remove it or choose another --store path"]


# Every command on a 6,000-paper folder.

def test_query_answers_from_the_folders_own_store(big):
    query = ROOT / "queries" / "datasets-by-papers.rq"
    code, stdout, messages = cli("query", query, "--graph", big, "--format", "csv")
    assert code == 0 and messages == []
    assert stdout.splitlines()[1:] == [",".join(row) for row in run(open_store(big / "store"), read_query(str(query))).rows]
    assert cli("query", PAPERS, "--graph", big, "--format", "csv")[1] == "n\n6000\n"


def test_python_open_finds_names_and_queries_the_store(big):
    graph = kg.open(big)
    assert graph.find("imagenet") == "dataset/imagenet" and graph.store is not None
    assert graph.query(PAPERS).rows == [["6000"]]
    around = graph.around("ImageNet", 1)
    assert "dataset/imagenet" in around.nx and 1 < around.nx.number_of_nodes() < 6000
    evaluated = {node_id(p) for p, in graph.query("SELECT ?p WHERE { ?p kg:evaluatedOn ?d . ?d rdfs:label 'ImageNet' }").rows}
    assert evaluated and evaluated == {p for p, _, k in around.nx.in_edges("dataset/imagenet", keys=True) if k == "evaluatedOn"}
    assert all(around.nx.edges[p, "dataset/imagenet", "evaluatedOn"]["evidence"] for p in evaluated)


def test_view_draws_a_neighbourhood_from_the_store(big, tmp_path):
    code, stdout, messages = cli("view", "--graph", big, "--focus", "ImageNet", "--out", tmp_path / "imagenet.html")
    assert code == 0, messages
    page = (tmp_path / "imagenet.html").read_text()
    assert "ImageNet" in page and stdout.startswith(f"wrote {tmp_path / 'imagenet.html'}: ")


def test_add_appends_to_the_folder(big, tmp_path):
    work = tmp_path / "big"
    shutil.copytree(big, work)
    code, stdout, _ = cli("add", big.parent / "more", "--graph", work)
    assert code == 0 and "appended 1 file(s)" in stdout
    assert cli("query", PAPERS, "--graph", work, "--format", "csv")[1] == "n\n6030\n"


def test_serve_answers_from_the_folders_store_without_loading_it_again(big, tmp_path):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    process = subprocess.Popen([sys.executable, "-c", "from kg.cli import main; main()", "serve", "--graph", str(big),
                                "--port", "0", "--workers", "1"], stderr=subprocess.PIPE, text=True, cwd=ROOT,
                               env={**os.environ, "TMPDIR": str(scratch)})
    try:
        line = process.stderr.readline()  # printed once the endpoint listens
        url = line.split(" at ")[1].split()[0]
        answer = httpx.get(url, params={"query": PAPERS}, headers={"Accept": "application/sparql-results+json"}, timeout=60)
        assert answer.json()["results"]["bindings"][0]["n"]["value"] == "6000"
        assert list(scratch.iterdir()) == []  # no temporary store was loaded
    finally:
        process.terminate()
        process.wait(timeout=60)


def test_push_sends_the_folders_ntriples(big):
    received: dict[str, object] = {}

    class Store(BaseHTTPRequestHandler):
        def do_PUT(self) -> None:  # noqa: N802 - http.server's name
            received["type"] = self.headers["Content-Type"]
            received["bytes"] = len(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Store)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        code, _, messages = cli("push", f"http://127.0.0.1:{server.server_address[1]}/store", "--graph", big, "-q")
    finally:
        server.shutdown()
    assert code == 0, messages
    assert received == {"type": "application/n-triples", "bytes": (big / "graph.nt").stat().st_size}


def test_eval_scores_a_large_folder_as_the_same_small_one(large_sample, tmp_path):
    gold = ROOT / "tests" / "gold" / "papers.jsonl"
    assert cli("build", "--out", tmp_path / "small", "-q")[0] == 0
    small = cli("eval", gold, "--graph", tmp_path / "small")
    assert small[0] == 0 and cli("eval", gold, "--graph", large_sample) == small


def test_the_python_build_makes_a_large_graph(tmp_path, monkeypatch):
    monkeypatch.setattr(kg.folder.large, "LARGE_CORPUS_PAPERS", 100)
    graph = kg.build([SAMPLE_DIR], progress=False, out=tmp_path / "big")
    assert commit.read_record(tmp_path / "big")["size"] == "large" and (tmp_path / "big" / "store").is_dir()
    assert graph.query(PAPERS).rows == [["310"]]
    assert json.loads((tmp_path / "big" / ".kg" / "state.json").read_text())["files"]["store"] == commit.DIRECTORY


# One table of relations and node types; export files are the writers'.

def test_a_writer_added_alone_is_written_recorded_and_counted(tmp_path, monkeypatch):
    monkeypatch.setitem(kg.exports.WRITERS, "papers.txt",
                        lambda rdf, g: "".join(f"{n}\n" for n, data in sorted(g.nodes(data=True)) if data["type"] == "Paper"))
    code, stdout, _ = cli("build", "--out", tmp_path / "out")
    assert code == 0 and f"→ {len(kg.exports.WRITERS)} files in" in stdout
    assert len((tmp_path / "out" / "papers.txt").read_text().splitlines()) == 310
    assert sorted(commit.read_record(tmp_path / "out")["files"]) == sorted(kg.exports.WRITERS)


def test_every_relation_and_node_type_of_the_table_is_written_read_and_drawn():
    from rdflib import RDF

    from kg import model, rdf, views
    from kg.graph import from_rdf

    graph = rdf.new_graph()
    nodes = [rdf.KG[f"n{i}"] for i in range(len(model.NODE_TYPES))]
    for node, node_type in zip(nodes, model.NODE_TYPES):
        graph.add((node, RDF.type, rdf.KG[node_type]))
    for i, predicate in enumerate(rdf.PREDICATES.values()):
        graph.add((nodes[i % len(nodes)], predicate, nodes[(i + 1) % len(nodes)]))
    drawn = from_rdf(graph)
    assert {key for _, _, key in drawn.edges(keys=True)} == set(model.RELATIONS) == set(rdf.PREDICATES)
    assert {data["type"] for _, data in drawn.nodes(data=True)} == set(model.NODE_TYPES) == set(views.NODE_TYPES)
    page = views.to_html(views.select(drawn))
    assert all(f'"{relation}"' in page for relation in model.RELATIONS)
