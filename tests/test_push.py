"""`kg push` against a real Virtuoso started on loopback (Debian's virtuoso-opensource), no mock."""
import socket
import subprocess
import time

import httpx
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.push import chunks, push
from tests.conftest import require_binary

GRAPH = "https://w3id.org/mlkg/graph/test"
CONFIG = """[Database]
DatabaseFile = {d}/v.db
ErrorLogFile = {d}/v.log
LockFile = {d}/v.lck
TransactionFile = {d}/v.trx
xa_persistent_file = {d}/v.pxa
[TempDatabase]
DatabaseFile = {d}/v-temp.db
TransactionFile = {d}/v-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
DirsAllowed = ., /tmp
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 30
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    binary = require_binary("virtuoso-t")
    folder = tmp_path_factory.mktemp("virtuoso")
    http = free_port()
    (folder / "v.ini").write_text(CONFIG.format(d=folder, sql=free_port(), http=http), encoding="utf-8")
    process = subprocess.Popen([binary, "+configfile", str(folder / "v.ini"), "+foreground"], cwd=folder,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{http}"
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(f"{base}/sparql", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"virtuoso did not start: {(folder / 'v.log').read_text(errors='replace')[-500:]}")
        time.sleep(0.5)
    yield base
    process.terminate()
    process.wait(timeout=30)


def count(base: str) -> int:
    answer = httpx.get(f"{base}/sparql", params={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}"},
                       headers={"Accept": "application/sparql-results+json"})
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="module")
def exported(sample_graph, tmp_path_factory):
    out = tmp_path_factory.mktemp("push") / "out"
    sample_graph.export(out)
    return out


def test_push_replaces_and_merges_a_named_graph(virtuoso, exported, sample_graph, tmp_path):
    crud = f"{virtuoso}/sparql-graph-crud-auth"
    options = {"user": "dba", "password": "dba", "auth": "digest", "graph_param": "graph-uri", "progress": False}
    sent = push(exported, crud, GRAPH, "replace", chunk_bytes=500_000, **options)  # several chunks
    assert sent == len(sample_graph.rdf) and count(virtuoso) == sent
    extra = tmp_path / "extra.nt"
    extra.write_text('<https://e.org/a> <https://e.org/p> "merged" .\n', encoding="utf-8")
    push(extra, crud, GRAPH, "merge", **options)
    assert count(virtuoso) == sent + 1
    push(extra, crud, GRAPH, "replace", **options)
    assert count(virtuoso) == 1


def test_kg_push_command_and_its_errors(virtuoso, exported, sample_graph):
    crud = f"{virtuoso}/sparql-graph-crud-auth"
    args = ["push", crud, "--graph", str(exported), "--graph-uri", GRAPH, "--graph-param", "graph-uri",
            "--user", "dba", "--auth", "digest", "--quiet"]
    result = CliRunner().invoke(main, args, env={"KG_PUSH_PASSWORD": "dba"})
    assert result.exit_code == 0, result.output
    assert count(virtuoso) == len(sample_graph.rdf)
    result = CliRunner().invoke(main, args, env={"KG_PUSH_PASSWORD": "wrong"})
    assert result.exit_code == 2 and result.output.startswith("kg: error: ") and "401" in result.output


def test_chunks_cut_at_line_ends(tmp_path):
    path = tmp_path / "g.nt"
    lines = [f'<https://e.org/{i}> <https://e.org/p> "{i}" .\n'.encode() for i in range(100)]
    path.write_bytes(b"".join(lines))
    pieces = list(chunks(path, 300))
    assert len(pieces) > 5 and b"".join(pieces) == b"".join(lines) and all(p.endswith(b"\n") for p in pieces)
