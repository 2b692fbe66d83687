"""The named queries are portable (issue 17 item 13): each gives kg's rows on Virtuoso, a
production triple store, loaded with the sample graph by `kg push` (tests/virtuoso.py)."""
from pathlib import Path

import httpx
import pytest

from kg import exports
from kg.push import push
from kg.query import canonical, read_query, run
from virtuoso import PASSWORD, USER, virtuoso  # noqa: F401 (virtuoso is a fixture)

QUERIES = sorted((Path(__file__).resolve().parents[1] / "queries").glob("*.rq"))
GRAPH = "https://w3id.org/mlkg/test/portable"


@pytest.fixture(scope="module")
def loaded(virtuoso, sample_graph, tmp_path_factory):  # noqa: F811
    path = tmp_path_factory.mktemp("portable") / "graph.nt"
    path.write_text(exports.ntriples(sample_graph.rdf), encoding="utf-8")
    push(path, virtuoso.graph_store, graph_iri=GRAPH, auth=httpx.DigestAuth(USER, PASSWORD))
    return virtuoso


def virtuoso_rows(store, query: str) -> list[list[str]]:
    """The rows Virtuoso answers over the pushed graph alone, cells written as kg writes them."""
    answer = httpx.get(store.sparql, params={"query": query, "default-graph-uri": GRAPH},
                       headers={"Accept": "application/sparql-results+json"}, timeout=60)
    answer.raise_for_status()
    result = answer.json()
    columns = result["head"]["vars"]
    return [[_cell(row.get(c)) for c in columns] for row in result["results"]["bindings"]]


def _cell(cell: dict | None) -> str:
    if cell is None:
        return ""
    return canonical(cell["value"], cell["datatype"]) if "datatype" in cell else cell["value"]


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.stem)
def test_a_named_query_gives_kgs_rows_on_virtuoso(loaded, sample_graph, path):
    text = read_query(str(path))
    expected = run(sample_graph.rdf, text).rows
    assert expected, "a query with no rows on the sample graph proves nothing"
    assert virtuoso_rows(loaded, text) == expected
