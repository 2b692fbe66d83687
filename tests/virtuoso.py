"""A real Virtuoso triple store on loopback for the tests, started once per session.

Debian's virtuoso-opensource runs from a minimal config in a temp folder (recipe:
/work/shared/notes/virtuoso.md) and answers in a few seconds. It is stopped by its pid after
the session, whatever the tests did.
"""
from __future__ import annotations

import socket
import subprocess
import time
from dataclasses import dataclass

import httpx
import pytest

from conftest import require_binary

STARTUP_LIMIT = 60.0
USER, PASSWORD = "dba", "dba"  # Virtuoso's defaults in a fresh database

CONFIG = """\
[Database]
DatabaseFile = {dir}/v.db
ErrorLogFile = {dir}/v.log
LockFile = {dir}/v.lck
TransactionFile = {dir}/v.trx
xa_persistent_file = {dir}/v.pxa
[TempDatabase]
DatabaseFile = {dir}/v-temp.db
TransactionFile = {dir}/v-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DirsAllowed = ., /tmp
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 30
"""


@dataclass(frozen=True)
class Virtuoso:
    """Where the running store answers."""

    base: str

    @property
    def sparql(self) -> str:
        """The SPARQL 1.1 Protocol endpoint (anonymous, read-only)."""
        return f"{self.base}/sparql"

    @property
    def graph_store(self) -> str:
        """The writable Graph Store Protocol endpoint (HTTP digest auth)."""
        return f"{self.base}/sparql-graph-crud-auth"

    def select(self, query: str) -> list[dict[str, str]]:
        """Rows of a SELECT query over HTTP, each a dict of variable → value."""
        response = httpx.get(self.sparql, params={"query": query},
                             headers={"Accept": "application/sparql-results+json"}, timeout=30)
        response.raise_for_status()
        return [{name: cell["value"] for name, cell in row.items()} for row in response.json()["results"]["bindings"]]

    def graph_ntriples(self, graph_iri: str) -> str:
        """A named graph's content, read back through the anonymous Graph Store endpoint."""
        response = httpx.get(f"{self.base}/sparql-graph-crud", params={"graph": graph_iri},
                             headers={"Accept": "application/n-triples"}, timeout=30)
        response.raise_for_status()
        return response.text


def free_ports(count: int) -> list[int]:
    """Distinct free loopback ports (all held open together while chosen, so none repeats)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory):
    binary = require_binary("virtuoso-t")
    folder = tmp_path_factory.mktemp("virtuoso")
    sql_port, http_port = free_ports(2)
    (folder / "v.ini").write_text(CONFIG.format(dir=folder, sql_port=sql_port, http_port=http_port))
    with (folder / "stdout.txt").open("wb") as log:
        process = subprocess.Popen([binary, "+configfile", str(folder / "v.ini"), "+foreground"], cwd=folder,
                                   stdout=log, stderr=subprocess.STDOUT)
    try:
        store = Virtuoso(f"http://127.0.0.1:{http_port}")
        _wait_until_up(store, process, folder)
        yield store
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(store: Virtuoso, process: subprocess.Popen, folder) -> None:
    deadline = time.monotonic() + STARTUP_LIMIT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"virtuoso-t exited with {process.returncode}; see {folder}/v.log")
        try:
            store.select("SELECT (1 AS ?one) {}")
            return
        except httpx.HTTPError:
            time.sleep(0.25)
    pytest.fail(f"virtuoso-t did not answer on {store.sparql} within {STARTUP_LIMIT:g} s; see {folder}/v.log")
