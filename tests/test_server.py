"""`kg serve` started in a subprocess and queried over HTTP on loopback, as a client would."""
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TSV, XML, SPARQLWrapper

from kg.query import QUERY_PREFIXES, read_query, run

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


# W3C SPARQL 1.1 Protocol cases (https://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/) and HTTP.
def test_relative_iris_resolve_against_the_endpoint(endpoint):
    answer = httpx.get(endpoint, params={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}"}, headers={"Accept": "application/n-triples"})
    base = endpoint.removesuffix("sparql")
    assert answer.status_code == 200
    assert answer.text.strip() == f'<{base}s> <{base}p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .'


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_405_with_allow(endpoint, method):
    answer = httpx.request(method, endpoint, content="ASK {}", headers={"Content-Type": "application/sparql-query"})
    assert answer.status_code == 405 and answer.headers["allow"] == "GET, HEAD, POST, OPTIONS"


def test_head_is_get_without_a_body_and_options_names_the_methods(endpoint):
    params, headers = {"query": "ASK {}"}, {"Accept": "text/csv"}
    head, get = httpx.head(endpoint, params=params, headers=headers), httpx.get(endpoint, params=params, headers=headers)
    assert head.status_code == get.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers["content-length"] == get.headers["content-length"] == str(len(get.content))
    options = httpx.options(endpoint)
    assert options.status_code == 204 and options.headers["allow"] == "GET, HEAD, POST, OPTIONS"


@pytest.mark.parametrize("content_type", [None, "text/plain"])
def test_a_post_without_a_protocol_content_type_is_415(endpoint, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    request = httpx.Request("POST", endpoint, content=b"ASK {}", headers=headers)
    assert request.headers.get("Content-Type") == content_type
    answer = httpx.Client().send(request)
    assert answer.status_code == 415 and "Content-Type" in answer.text


@pytest.mark.parametrize("name", ["default-graph-uri", "named-graph-uri"])
def test_dataset_parameters_are_refused_not_ignored(endpoint, name):
    for answer in (httpx.get(endpoint, params={"query": "ASK {}", name: "http://example.org/g"}),
                   httpx.post(endpoint, data={"query": "ASK {}", name: "http://example.org/g"})):
        assert answer.status_code == 400 and name in answer.text


# Third-party clients with their defaults.
CONSTRUCT = "CONSTRUCT { ?p dcterms:title ?t } WHERE { ?p a kg:Paper ; dcterms:title ?t } ORDER BY ?t LIMIT 5"
DESCRIBE = "DESCRIBE ?p WHERE { ?p a kg:Paper } ORDER BY ?p LIMIT 1"


@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE])
@pytest.mark.parametrize("return_format", ["xml", "n3", "turtle", "json-ld"])
def test_sparqlwrapper_gets_graphs_in_every_format(endpoint, sample_graph, query, return_format):
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(return_format)
    graph = client.queryAndConvert() if return_format in ("xml", "json-ld") else rdflib.Graph().parse(
        data=client.query().convert(), format="turtle")
    assert isinstance(graph, rdflib.Graph) and len(graph) > 0
    assert set(graph) >= set(described(sample_graph, query)) if query == DESCRIBE else set(graph) == set(described(sample_graph, query))


@pytest.mark.parametrize("return_format", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_selects_and_asks_in_every_format(endpoint, return_format):
    client = SPARQLWrapper(endpoint)
    client.setReturnFormat(return_format)
    client.setQuery("SELECT ?t WHERE { ?p dcterms:title ?t } ORDER BY ?t LIMIT 3")
    assert client.query().response.status == 200
    client.setQuery("ASK { ?p a kg:Paper }")
    answer = client.queryAndConvert()
    if return_format == JSON:
        assert answer["boolean"] is True
    elif return_format == XML:
        assert answer.getElementsByTagName("boolean")[0].firstChild.data == "true"
    else:
        assert b"true" in answer


def test_rdflib_sparqlstore_reads_the_endpoint(endpoint, sample_graph):
    store = rdflib.Graph(SPARQLStore(endpoint, returnFormat="xml"))
    select = "SELECT ?t WHERE { ?p a kg:Paper ; dcterms:title ?t } ORDER BY ?t LIMIT 5"
    assert [str(row.t) for row in store.query(select, initNs=QUERY_PREFIXES)] == \
        [str(row.t) for row in sample_graph.rdf.query(select, initNs=QUERY_PREFIXES)]
    assert store.query("ASK { ?p a kg:Paper }", initNs=QUERY_PREFIXES).askAnswer is True
    assert set(store.query(CONSTRUCT, initNs=QUERY_PREFIXES).graph) == set(described(sample_graph, CONSTRUCT))
    assert set(store.query(DESCRIBE, initNs=QUERY_PREFIXES).graph) >= set(described(sample_graph, DESCRIBE))


def described(sample_graph, query):
    """The triples kg's answer must hold: CONSTRUCT's exactly; of DESCRIBE (whose extent each store
    chooses) the described node's own triples."""
    graph = sample_graph.rdf.query(query, initNs=QUERY_PREFIXES).graph
    if query != DESCRIBE:
        return graph
    (node,) = {row[0] for row in sample_graph.rdf.query(DESCRIBE.replace("DESCRIBE ?p", "SELECT ?p"), initNs=QUERY_PREFIXES)}
    return sample_graph.rdf.triples((node, None, None))
