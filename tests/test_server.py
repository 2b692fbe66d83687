"""`kg serve` started in a subprocess and queried over HTTP on loopback, as a client would."""
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from SPARQLWrapper import JSON, SPARQLWrapper

from kg.query import read_query, run

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def endpoint(sample_graph, tmp_path_factory):
    out = tmp_path_factory.mktemp("serve") / "graph.nt"
    out.write_bytes(sample_graph.rdf.serialize(format="nt", encoding="utf-8"))
    process = subprocess.Popen([sys.executable, "-c", "from kg.cli import main; main()", "serve", "--graph", str(out),
                                "--port", "0", "--timeout", "2", "--workers", "2"], stderr=subprocess.PIPE, text=True)
    line = process.stderr.readline()
    assert "serving SPARQL at http://127.0.0.1:" in line, line
    yield line.split(" at ")[1].split()[0]
    process.terminate()
    assert process.wait(timeout=10) == 0


def test_sparqlwrapper_gets_the_same_answer_as_the_python_api(endpoint, sample_graph):
    query = read_query(str(Path(__file__).resolve().parents[1] / "queries" / "datasets-by-papers.rq"))
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(JSON)
    bindings = client.query().convert()["results"]["bindings"]
    assert [[b["dataset"]["value"], b["papers"]["value"]] for b in bindings] == run(sample_graph.rdf, query).rows


@pytest.mark.parametrize("accept, starts", [
    ("text/csv", "t\r\n"), ("text/tab-separated-values", "?t\n"),
    ("application/sparql-results+xml", "<?xml"), ("application/sparql-results+json;q=0.9, text/plain;q=0.1", '{"head"'),
])
def test_get_and_post_negotiate_the_result_format(endpoint, accept, starts):
    query = "SELECT ?t WHERE { ?p dcterms:title ?t } ORDER BY ?t LIMIT 3"
    answers = [httpx.get(endpoint, params={"query": query}, headers={"Accept": accept}),
               httpx.post(endpoint, data={"query": query}, headers={"Accept": accept}),
               httpx.post(endpoint, content=query, headers={"Accept": accept, "Content-Type": "application/sparql-query"})]
    for answer in answers:
        assert answer.status_code == 200 and answer.headers["content-type"].startswith(accept.split(";")[0])
        assert answer.text.startswith(starts)
    assert answers[0].text == answers[1].text == answers[2].text


def test_construct_answers_rdf(endpoint):
    answer = httpx.get(endpoint, params={"query": "CONSTRUCT { ?p a kg:Paper } WHERE { ?p a kg:Paper }"},
                       headers={"Accept": "application/n-triples"})
    assert answer.status_code == 200 and answer.text.count("\n") == 310


@pytest.mark.parametrize("request_kwargs, status, message", [
    ({"data": {"update": "DROP ALL"}}, 403, "SPARQL UPDATE is refused"),
    ({"content": "DROP ALL", "headers": {"Content-Type": "application/sparql-update"}}, 403, "SPARQL UPDATE is refused"),
    ({"data": {"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}}, 403, "SERVICE clauses are refused"),
    ({"data": {"query": "SELECT ?x WHERE {"}}, 400, "SPARQL query failed"),
    ({"data": {"query": "SELECT * WHERE { ?s ?p ?o }"}, "headers": {"Accept": "image/png"}}, 406, "cannot answer"),
])
def test_refusals_are_clear(endpoint, request_kwargs, status, message):
    answer = httpx.post(endpoint, **request_kwargs)
    assert answer.status_code == status and answer.text.startswith(message)


def test_a_query_that_cannot_finish_is_cut_at_the_limit_and_the_server_recovers(endpoint):
    answer = httpx.get(endpoint, params={"query": SLOW}, timeout=300)  # 10^12 rows: no machine finishes it
    assert answer.status_code == 503 and "time limit of 2 s" in answer.text
    for _ in range(3):  # both workers answer again, the killed one replaced
        assert httpx.get(endpoint, params={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": "text/csv"}).text.strip().endswith("true")


def test_the_page_has_a_query_form(endpoint):
    page = httpx.get(endpoint.removesuffix("sparql"))
    assert page.status_code == 200 and '<form action="/sparql"' in page.text and "<textarea" in page.text
