"""Every named query in queries/ is documented, runs its own example, and answers the same on
rdflib and on an on-disk Oxigraph store."""
import shlex
from pathlib import Path

import pytest

from kg.errors import KGError
from kg.query import format_result, read_query, run
from kg.store import load_store

QUERIES = sorted((Path(__file__).resolve().parents[1] / "queries").glob("*.rq"))


@pytest.fixture(scope="module")
def store(sample_graph, tmp_path_factory):
    data = sample_graph.rdf.serialize(format="nt", encoding="utf-8")
    return load_store([data], tmp_path_factory.mktemp("oxigraph") / "store", progress=False)


def example_params(text: str) -> dict[str, str]:
    """The --param NAME=VALUE pairs of the query's `# Example:` command line."""
    line = next(line for line in text.splitlines() if line.startswith("# Example:"))
    words = shlex.split(line.removeprefix("# Example:"))
    return dict(words[i + 1].split("=", 1) for i, word in enumerate(words) if word == "--param")


def test_there_are_at_least_fifteen_named_queries():
    assert len(QUERIES) >= 15


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.name)
def test_query_is_documented_and_answers_alike_on_both_stores(path, sample_graph, store):
    text = read_query(str(path))
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert len(header) >= 3 and header[0][1:].strip() and any(line.startswith("# Parameters:") for line in header)
    for params in ({}, example_params(text)):
        on_rdflib = run(sample_graph.rdf, text, params)
        assert on_rdflib == run(store, text, params), f"{path.name} {params}: rdflib and Oxigraph disagree"
        assert on_rdflib.rows, f"{path.name} {params} returned no rows on the sample graph"


def test_the_results_query_reads_the_result_shape(sample_graph, store):
    """A tiny graph in the shape kg/rdf.py gives results: sorted by number, not as text; the
    model's node label preferred to its name as written."""
    from kg.rdf import new_graph
    ttl = """@prefix kg: <https://w3id.org/mlkg/ns#> . @prefix id: <https://w3id.org/mlkg/id/> .
    @prefix dcterms: <http://purl.org/dc/terms/> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    id:imagenet rdfs:label "ImageNet" . id:vit rdfs:label "ViT" .
    id:a dcterms:title "A" ; kg:reportsResult id:r1, id:r2, id:r3 .
    id:r1 a kg:Result ; kg:ofModel id:vit ; kg:modelName "ViT-B" ; kg:onDataset id:imagenet ; kg:metric "top-1 accuracy" ;
        kg:value "81.5%" .
    id:r2 a kg:Result ; kg:modelName "DeiT-S" ; kg:onDataset id:imagenet ; kg:metric "top-1 accuracy" ; kg:value "9.10%" .
    id:r3 a kg:Result ; kg:modelName "Tiny" ; kg:onDataset id:imagenet ; kg:metric "top-1 accuracy" ; kg:value "83.10%" ."""
    graph = new_graph().parse(data=ttl, format="turtle")
    tiny = load_store([graph.serialize(format="nt", encoding="utf-8")], progress=False)
    text = read_query(str(QUERIES[0].parent / "results-on-dataset.rq"))
    rows = run(graph, text, {"dataset": "ImageNet"})
    assert rows == run(tiny, text, {"dataset": "ImageNet"})
    assert [r[2:4] for r in rows.rows] == [["83.10%", "Tiny"], ["81.5%", "ViT"], ["9.10%", "DeiT-S"]]


def test_parameters_are_bound_not_pasted(sample_graph, store):
    query = read_query(str(QUERIES[0].parent / "papers-on-dataset.rq"))
    everything = run(sample_graph.rdf, query).rows
    for backend in (sample_graph.rdf, store):
        only = run(backend, query, {"dataset": "ImageNet"}).rows
        assert only and len(only) < len(everything) and {r[0] for r in only} == {"ImageNet"}
        assert run(backend, query, {"dataset": '"} ; DROP ALL ; {'}).rows == []
    with pytest.raises(KGError, match=r"--param name: \?name is not a result column"):
        run(store, query, {"name": "ImageNet"})


@pytest.mark.parametrize("text, message", [
    ("INSERT DATA { <https://e.org/a> <https://e.org/b> 1 }", "SPARQL UPDATE is refused"),
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }", "SERVICE clauses are refused"),
    ("SELECT ?x WHERE { ?x", "SPARQL query failed"),
])
def test_updates_service_and_bad_syntax_are_refused_on_both(text, message, sample_graph, store):
    for backend in (sample_graph.rdf, store):
        with pytest.raises(KGError, match=message):
            run(backend, text)


def test_formats(sample_graph):
    rows = run(sample_graph.rdf, "SELECT ?t WHERE { ?p dcterms:title ?t } ORDER BY ?t LIMIT 2")
    assert format_result(rows, "csv").splitlines()[0] == "t"
    assert format_result(rows, "tsv").count("\n") == 3
    assert format_result(rows, "table").endswith("(2 rows)\n")
    assert format_result(rows, "json").startswith("[")
