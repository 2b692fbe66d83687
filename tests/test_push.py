"""`kg push` against a real Virtuoso on loopback: what the store holds afterwards is the graph.

Every IRI and literal must come back as written, with one exception: Virtuoso stores
xsd:decimal values in canonical form ("1.00" comes back as "1", "0.50" as "0.5": the same
number, so a SPARQL comparison of confidences is unaffected). Decimals are therefore compared
by value and everything else (strings with non-ASCII text, integers, booleans, anyURI) exactly;
the counts per object datatype must match exactly too.
"""
from __future__ import annotations

import socket
import threading
from collections import Counter
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
import rdflib
from click.testing import CliRunner
from rdflib import XSD, Literal, URIRef
from rdflib.namespace import DCTERMS

import kg
from kg import exports
from kg.cli import main
from kg.push import push
from virtuoso import PASSWORD, USER, free_ports, virtuoso  # noqa: F401 (virtuoso is a fixture)

SMALL_LISTING = ("Mar 1\n\nFooNet: Faster Nets\n\nWe propose FooNet, which builds on ResNet. Experiments on "
                 "ImageNet and CIFAR-10. Code: https://github.com/a/foonet.\n")


@pytest.fixture(scope="module")
def sample_nt(sample_graph, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sample") / "graph.nt"
    path.write_text(exports.ntriples(sample_graph.rdf), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> kg.KnowledgeGraph:
    folder = tmp_path_factory.mktemp("small")
    (folder / "day.txt").write_text(SMALL_LISTING, encoding="utf-8")
    return kg.build([folder], progress=False)


def kg_push(*args: str):
    return CliRunner().invoke(main, ["push", *args, "--quiet"], env={"KG_PUSH_PASSWORD": PASSWORD},
                              catch_exceptions=False)


def count(store, graph_iri: str) -> int:
    rows = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}")
    return int(rows[0]["n"])


def read_back(store, graph_iri: str) -> set:
    graph = rdflib.Graph()
    graph.parse(data=store.graph_ntriples(graph_iri), format="nt")
    return canonical(graph)


def canonical(triples) -> set:
    """The triples with each xsd:decimal in canonical form, as Virtuoso stores it."""
    return {(s, p, Literal(format(Decimal(o).normalize(), "f"), datatype=XSD.decimal))
            if isinstance(o, Literal) and o.datatype == XSD.decimal else (s, p, o) for s, p, o in triples}


def object_kinds(triples) -> Counter:
    """How many objects are IRIs, and how many literals of each datatype (plain = xsd:string)."""
    return Counter("IRI" if isinstance(o, URIRef) else str(o.datatype or XSD.string) for _, _, o in triples)


def store_object_kinds(store, graph_iri: str) -> Counter:
    rows = store.select(f"SELECT ?kind (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} "
                        f"BIND(IF(isIRI(?o), 'IRI', STR(DATATYPE(?o))) AS ?kind) }} GROUP BY ?kind")
    return Counter({row["kind"]: int(row["n"]) for row in rows})


def test_replace_sends_every_triple_and_again_changes_nothing(virtuoso, sample_graph, sample_nt):
    iri = "https://w3id.org/mlkg/test/replace"
    local = set(sample_graph.rdf)
    for _ in range(2):
        result = kg_push(virtuoso.graph_store, "--graph", str(sample_nt.parent), "--graph-iri", iri, "--user", USER)
        assert result.exit_code == 0, result.output
        assert count(virtuoso, iri) == len(local)
    assert store_object_kinds(virtuoso, iri) == object_kinds(local)
    assert read_back(virtuoso, iri) == canonical(local)
    paper, title = sorted(sample_graph.rdf.subject_objects(DCTERMS.title))[0]
    rows = virtuoso.select(f"SELECT ?p WHERE {{ GRAPH <{iri}> {{ ?p <{DCTERMS.title}> {title.n3()} }} }}")
    assert [row["p"] for row in rows] == [str(paper)]


def test_merge_gives_the_union_and_replace_drops_the_rest(virtuoso, sample_graph, sample_nt, small, tmp_path):
    iri = "https://w3id.org/mlkg/test/merge"
    small_ttl = tmp_path / "small.ttl"
    small_ttl.write_text(exports.turtle(small.rdf), encoding="utf-8")
    big, little = set(sample_graph.rdf), set(small.rdf)
    assert little - big and little & big  # new papers and a shared ontology: the union is not a plain sum
    auth = httpx.DigestAuth(USER, PASSWORD)

    push(sample_nt, virtuoso.graph_store, iri, auth=auth)
    pushed = push(small_ttl, virtuoso.graph_store, iri, mode="merge", auth=auth)
    assert (pushed.mode, pushed.size) == ("merge", small_ttl.stat().st_size)
    assert count(virtuoso, iri) == len(big | little)
    assert read_back(virtuoso, iri) == canonical(big | little)

    push(small_ttl, virtuoso.graph_store, iri, mode="replace", auth=auth)
    assert read_back(virtuoso, iri) == canonical(little)


@pytest.mark.parametrize("path, password, broken, expected", [
    ("sparql-graph-crud-auth", "not-the-password", False, "401 Unauthorized: the store refused the user or password"),
    ("sparql-graph-crud-auth", None, False, "401 Unauthorized: the store asks for a user and password"),
    ("sparql-graph-crud", None, False, "403 Forbidden: this user may not write to that graph"),
    ("sparql-graph-crud-auth", PASSWORD, True, "the store answered 500 Request Failed: Error"),
], ids=["wrong-password", "no-credentials", "read-only-endpoint", "broken-file"])
def test_a_refused_push_is_one_line_exit_2_and_the_graph_keeps_its_content(
        virtuoso, sample_nt, tmp_path, request, path, password, broken, expected):
    iri = f"https://w3id.org/mlkg/test/refused/{request.node.callspec.id}"
    push(sample_nt, virtuoso.graph_store, iri, auth=httpx.DigestAuth(USER, PASSWORD))
    before = count(virtuoso, iri)
    graph = sample_nt
    if broken:
        graph = tmp_path / "broken.nt"
        graph.write_text('<https://example.org/a> <https://example.org/b> "no closing quote .\n', encoding="utf-8")
    args = ["push", f"{virtuoso.base}/{path}", "--graph", str(graph), "--graph-iri", iri, "--quiet"]
    result = CliRunner().invoke(main, args + (["--user", USER] if password else []),
                                env={"KG_PUSH_PASSWORD": password}, catch_exceptions=False)
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert len(lines) == 1 and lines[0].startswith("kg: error: ") and expected in lines[0], result.output
    assert count(virtuoso, iri) == before > 0


def test_a_closed_port_is_one_line_exit_2(sample_nt):
    (port,) = free_ports(1)
    result = kg_push(f"http://127.0.0.1:{port}/sparql-graph-crud-auth", "--graph", str(sample_nt), "--user", USER)
    assert result.exit_code == 2
    assert result.output.startswith(f"kg: error: cannot connect to http://127.0.0.1:{port}/")
    assert len(result.output.splitlines()) == 1, result.output


@pytest.mark.parametrize("args, expected", [
    (["ftp://127.0.0.1/data"], "ftp://127.0.0.1/data: expected the http:// or https:// URL of a Graph Store"),
    (["http://:port/data"], "http://:port/data: expected the http:// or https:// URL"),
    (["http://127.0.0.1:1/data", "--graph-iri", "my graph"], "graph IRI 'my graph': expected an absolute IRI"),
    (["http://127.0.0.1:1/data", "--user", "dba"], "--user and a password (KG_PUSH_PASSWORD or --password) go together"),
])
def test_bad_options_are_one_line_exit_2_before_any_request(sample_nt, args, expected):
    result = CliRunner().invoke(main, ["push", *args, "--graph", str(sample_nt)], env={"KG_PUSH_PASSWORD": None},
                                catch_exceptions=False)
    assert result.exit_code == 2
    assert result.output.startswith(f"kg: error: {expected}")
    assert len(result.output.splitlines()) == 1, result.output


def test_a_store_that_never_answers_is_one_line_exit_2_after_the_timeout(sample_nt):
    with socket.create_server(("127.0.0.1", 0)) as silent:  # listens, never accepts nor answers
        endpoint = f"http://127.0.0.1:{silent.getsockname()[1]}/data"
        result = CliRunner().invoke(main, ["push", endpoint, "--graph", str(sample_nt), "--timeout", "0.5", "-q"],
                                    catch_exceptions=False)
    assert result.exit_code == 2
    assert result.output == f"kg: error: {endpoint}: no answer within 0.5 s (a bigger timeout may help)\n"


class _Store(threading.Thread):
    """A loopback 'store' that reads a request and answers with `answer(sock)`, counting bytes sent."""

    def __init__(self, answer):
        super().__init__(daemon=True)
        self.server, self.answer, self.sent = socket.create_server(("127.0.0.1", 0)), answer, 0
        self.endpoint = f"http://127.0.0.1:{self.server.getsockname()[1]}/data"

    def run(self):
        conn, _ = self.server.accept()
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            length = int(next(l.split(b":")[1] for l in data.split(b"\r\n") if l.lower().startswith(b"content-length")))
            body = data.split(b"\r\n\r\n", 1)[1]
            while len(body) < length:
                body += conn.recv(65536)
            try:
                self.answer(self, conn)
            except OSError:  # the client hung up: what a bounded client does
                pass


def _huge_error(store, conn):
    conn.sendall(b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n" % (300 << 20))
    chunk = b"x" * (1 << 16)
    for _ in range(300 << 4):
        conn.sendall(chunk)
        store.sent += len(chunk)


def _trickle(store, conn):
    conn.sendall(b"HTTP/1.1 201 Created\r\nContent-Length: 2000\r\n\r\n")
    for _ in range(2000):  # a byte every 50 ms: 100 s for the answer, far past the 1 s timeout
        conn.sendall(b"x")
        threading.Event().wait(0.05)


def test_a_huge_error_body_is_read_only_in_part(sample_nt):
    store = _Store(_huge_error)
    store.start()
    result = CliRunner().invoke(main, ["push", store.endpoint, "--graph", str(sample_nt), "-q"], catch_exceptions=False)
    store.join()
    assert result.exit_code == 2 and len(result.output.splitlines()) == 1
    assert result.output.startswith(f"kg: error: {store.endpoint}: the store answered 500 Internal Server Error: xxx")
    assert store.sent < 64 << 20  # the client stopped reading long before 300 MiB


def test_an_answer_trickling_in_is_cut_at_the_timeout(sample_nt):
    store = _Store(_trickle)
    store.start()
    result = CliRunner().invoke(main, ["push", store.endpoint, "--graph", str(sample_nt), "--timeout", "1", "-q"],
                                catch_exceptions=False)
    store.join()
    assert result.exit_code == 2
    assert result.output == f"kg: error: {store.endpoint}: no answer within 1 s (a bigger timeout may help)\n"
