"""The Python API's helpers, checked against SPARQL over the same graph and against networkx."""
from pathlib import Path

import networkx as nx
import pytest

import kg
from kg.ids import node_id
from kg.folder import open_or_load_store
from kg.query import read_query, run

QUERIES = Path(__file__).resolve().parents[1] / "queries"


def test_any_alias_in_any_case_reaches_the_same_node(sample_graph):
    assert {sample_graph.find(n) for n in ("vit", "Vision Transformer", "ViT", "VISION-TRANSFORMER")} == {"architecture/vit"}


def test_a_miss_suggests_the_closest_names(sample_graph):
    with pytest.raises(kg.KGError, match=r"no node named 'Vision Transfomer'; did you mean 'Vision Transformer' \(architecture/vit\)"):
        sample_graph.find("Vision Transfomer")


def test_papers_evaluated_on_agrees_with_sparql(sample_graph):
    rows = sample_graph.query(read_query(str(QUERIES / "papers-on-dataset.rq")), dataset="ImageNet").rows
    titles = sorted(sample_graph.label(p) for p in sample_graph.papers_evaluated_on("imagenet"))
    assert titles and titles == sorted(r[1] for r in rows)


def test_lineage_is_the_transitive_closure_both_ways(sample_graph):
    family = "(kg:buildsOn|kg:variantOf)"
    up = sample_graph.query(f"SELECT DISTINCT ?x WHERE {{ ?a rdfs:label 'DeiT' ; {family}+ ?x }}").rows
    down = sample_graph.query(f"SELECT DISTINCT ?x WHERE {{ ?a rdfs:label 'ViT' . ?x {family}+ ?a "
                              "FILTER NOT EXISTS { ?x a kg:Paper } }").rows
    assert sample_graph.lineage("deit").ancestors == sorted(node_id(r[0]) for r in up)
    descendants = sample_graph.lineage("vit").descendants
    assert len(descendants) > 5 and descendants == sorted(node_id(r[0]) for r in down)


def test_shortest_path_walks_real_edges(sample_graph):
    paper = sample_graph.papers_evaluated_on("ImageNet")[0]
    steps = sample_graph.shortest_path(paper, "Transformer")
    undirected = sample_graph.nx.to_undirected(as_view=True)
    assert len(steps) == nx.shortest_path_length(undirected, paper, "architecture/transformer")
    assert all(sample_graph.nx.has_edge(s, o, key=p) for s, p, o in steps)
    walked = [paper]
    for s, _, o in steps:
        walked.append(o if walked[-1] == s else s)
    assert walked[-1] == "architecture/transformer"


def test_ego_and_code_helpers(sample_graph):
    sub = sample_graph.ego("DeiT", radius=1)
    assert set(sub) == {"architecture/deit"} | set(nx.all_neighbors(sample_graph.nx, "architecture/deit"))
    with_code = sample_graph.papers_with_code_on("ImageNet")
    assert with_code and all(repos == sample_graph.repos(p) and repos for p, repos in with_code.items())
    compared = [p for p in sample_graph.nx if sample_graph.nx.nodes[p]["type"] == "Paper" and sample_graph.compares_with(p)]
    assert compared


def test_most_used_datasets_agree_with_the_named_query(sample_graph):
    rows = sample_graph.query(read_query(str(QUERIES / "datasets-by-papers.rq"))).rows[:5]
    top = sample_graph.most_used_datasets(5)
    assert [(sample_graph.label(d), str(n)) for d, n in top] == [(r[0], r[1]) for r in rows]


def test_open_with_an_oxigraph_store_answers_like_rdflib(sample_graph, tmp_path):
    sample_graph.export(tmp_path / "out")
    query = read_query(str(QUERIES / "most-built-on.rq"))
    with_store = kg.open(tmp_path / "out", store=tmp_path / "store")
    assert with_store.store is not None and (tmp_path / "store").is_dir()
    assert with_store.query(query) == sample_graph.query(query)
    del with_store
    loaded = (tmp_path / "store" / "kg-source.json").stat().st_mtime_ns
    reopened = open_or_load_store(tmp_path / "store", tmp_path / "out")  # the same graph: not loaded again
    assert run(reopened, query) == sample_graph.query(query)
    assert (tmp_path / "store" / "kg-source.json").stat().st_mtime_ns == loaded
