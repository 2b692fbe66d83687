"""The whole pipeline on the bundled sample corpus."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.compare import isomorphic

import kg
from kg.exports import WRITERS
from kg.rdf import KG

ROOT = Path(__file__).resolve().parents[1]


def test_every_distinct_title_is_one_paper_with_all_its_sources(sample_graph):
    papers = [n for n, d in sample_graph.nx.nodes(data=True) if d["type"] == "Paper"]
    assert len(papers) == 310
    sources = sum(len(sample_graph.nx.nodes[p]["sources"]) for p in papers)
    assert sources == 414
    assert all(":" in s and "(" in s for p in papers for s in sample_graph.nx.nodes[p]["sources"])


def test_repositories_are_canonical_github_urls(sample_graph):
    repos = [n for n, d in sample_graph.nx.nodes(data=True) if d["type"] == "Repository"]
    assert len(repos) > 40
    for repo in repos:
        owner_repo = repo.removeprefix("https://github.com/")
        assert owner_repo.count("/") == 1 and not owner_repo.endswith((".", ".git", "}", ")"))
        assert any(k == "releasesCode" for _, _, k in sample_graph.nx.in_edges(repo, keys=True))


def test_every_extracted_edge_has_evidence(sample_graph):
    counts = {}
    for _, _, key, data in sample_graph.nx.edges(keys=True, data=True):
        counts[key] = counts.get(key, 0) + 1
        assert data["evidence"], key
        for ev in data["evidence"]:
            assert ev["sentence"] and ev["extractor"] and 0 < ev["confidence"] <= 1
    for predicate in ("introduces", "evaluatedOn", "trainedOn", "buildsOn", "comparesWith", "releasesCode", "variantOf"):
        assert counts.get(predicate, 0) > 0, predicate


def test_evidence_is_reified_in_rdf_next_to_the_direct_triple(sample_graph):
    rdf = sample_graph.rdf
    statements = list(rdf.subjects(RDF.type, KG.Evidence))
    assert statements
    for ev in statements[:50]:
        s, p, o = rdf.value(ev, RDF.subject), rdf.value(ev, RDF.predicate), rdf.value(ev, RDF.object)
        assert (s, p, o) in rdf
        assert isinstance(rdf.value(ev, KG.sentence), Literal)


def test_ontology_terms_used_are_declared(sample_graph):
    ontology = kg.rdf.ontology()
    used = {p for _, p, _ in sample_graph.rdf if str(p).startswith(str(KG))}
    used |= {o for _, _, o in sample_graph.rdf if isinstance(o, URIRef) and str(o).startswith(str(KG))}
    declared = set(ontology.subjects())
    assert used <= declared, used - declared


def test_committed_exports_equal_a_fresh_build(tmp_path, sample_graph):
    sample_graph.export(tmp_path)
    for name in WRITERS:
        committed = ROOT / "exports" / name
        assert committed.exists(), f"exports/{name} is missing: run `kg build`"
        assert committed.read_bytes() == (tmp_path / name).read_bytes(), f"exports/{name} is stale: run `kg build`"


def test_build_is_deterministic_across_processes(tmp_path, sample_graph):
    """Another process, with another hash seed, writes byte-identical exports."""
    sample_graph.export(tmp_path / "here")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-m", "kg.cli", "build", "-q", "--out", str(tmp_path / "there")], check=True, env=env)
    for name in WRITERS:
        assert (tmp_path / "here" / name).read_bytes() == (tmp_path / "there" / name).read_bytes(), name


@pytest.mark.parametrize("name, fmt", [("graph.nt", "nt"), ("graph.jsonld", "json-ld")])
def test_rdf_exports_hold_the_same_graph(tmp_path, sample_graph, name, fmt):
    sample_graph.export(tmp_path)
    turtle = Graph().parse(tmp_path / "graph.ttl", format="turtle")
    other = Graph().parse(tmp_path / name, format=fmt)
    assert isomorphic(turtle, other)


def test_loaded_graph_equals_built_graph(tmp_path, sample_graph):
    sample_graph.export(tmp_path)
    loaded = kg.open(tmp_path)
    assert sorted(loaded.nx.nodes) == sorted(sample_graph.nx.nodes)
    assert sorted(loaded.nx.edges(keys=True)) == sorted(sample_graph.nx.edges(keys=True))


def test_python_helpers(sample_graph):
    g = sample_graph
    assert g.find("imagenet") == g.find("ImageNet")
    evaluated = g.papers_evaluated_on("ImageNet")
    assert evaluated and all(p.startswith("paper/") for p in evaluated)
    paper = evaluated[0]
    assert g.evidence(paper, "evaluatedOn", "ImageNet")[0]["sentence"]
    with_code = [p for p in g.nx if p.startswith("paper/") and g.repos(p)]
    assert with_code and all(r.startswith("https://github.com/") for r in g.repos(with_code[0]))
    with pytest.raises(kg.KGError, match="no node named"):
        g.find("no such thing at all")
