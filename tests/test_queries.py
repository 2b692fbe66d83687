"""Every named query in queries/ is documented and answers on the sample graph."""
from pathlib import Path

import pytest

from kg.query import format_result, read_query, run

QUERIES = sorted((Path(__file__).resolve().parents[1] / "queries").glob("*.rq"))


def test_there_are_named_queries():
    assert len(QUERIES) >= 6


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.name)
def test_query_has_a_header_and_answers(path, sample_graph):
    text = path.read_text(encoding="utf-8")
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert len(header) >= 3 and any("Example:" in line for line in header) and any("Parameters:" in line for line in header)
    rows = run(sample_graph.rdf, read_query(str(path)))
    assert rows.rows, f"{path.name} returned no rows on the sample graph"


def test_parameters_are_bound_not_pasted(sample_graph):
    query = read_query(str(QUERIES[0].parent / "papers-on-dataset.rq"))
    everything = run(sample_graph.rdf, query).rows
    only = run(sample_graph.rdf, query, {"dataset": "ImageNet"}).rows
    assert only and len(only) < len(everything) and {r[0] for r in only} == {"ImageNet"}
    hostile = run(sample_graph.rdf, query, {"dataset": '"} ; DROP ALL ; {'}).rows
    assert hostile == []


def test_formats(sample_graph):
    rows = run(sample_graph.rdf, "SELECT ?t WHERE { ?p dcterms:title ?t } ORDER BY ?t LIMIT 2")
    assert format_result(rows, "csv").splitlines()[0] == "t"
    assert format_result(rows, "tsv").count("\n") == 3
    assert format_result(rows, "table").endswith("(2 rows)\n")
    assert format_result(rows, "json").startswith("[")
