"""One node per paper across sources: an arXiv snapshot, OpenAlex works and Papers with Code dumps
about the same papers give each paper once, with its ids, authors, real cites and released code."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import kg
from kg.cli import main
from kg.model import Evidence, Extraction, PaperRecord, Reference, Source
from kg.resolve import resolve

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
SNAPSHOT = "arxiv-metadata-oai-snapshot.json"
OPENALEX = "openalex-works.jsonl"
LINKS = "pwc-links-between-papers-and-code.json"
PAPERS = "pwc-papers-with-abstracts.json"
EVALUATIONS = "pwc-evaluation-tables.json"
LATTICE = "https://w3id.org/mlkg/id/paper/lattice-attention-for-image-denoising"


@pytest.fixture(scope="module")
def graph(tmp_path_factory) -> kg.KnowledgeGraph:
    out = tmp_path_factory.mktemp("identity") / "out"
    files = [str(FIXTURES / name) for name in (SNAPSHOT, OPENALEX, LINKS)]
    result = CliRunner().invoke(main, ["build", *files, "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    return kg.open(out)


def rows(graph: kg.KnowledgeGraph, query: str) -> list[tuple[str, ...]]:
    return [tuple(str(v) for v in row) for row in graph.query(query).rows]


def test_one_node_per_paper_with_arxiv_id_doi_and_authors(graph):
    papers = rows(graph, "SELECT ?p ?a WHERE { ?p a kg:Paper ; kg:arxivId ?a } ORDER BY ?a")
    assert [a for _, a in papers] == ["2101.00001", "2102.00002", "math/0406001"]
    assert len({p for p, _ in papers}) == 3
    assert rows(graph, "SELECT (COUNT(?p) AS ?n) WHERE { ?p a kg:Paper }") == [("3",)]
    assert rows(graph, "SELECT ?a ?d WHERE { ?p kg:arxivId ?a ; kg:doi ?d } ORDER BY ?a") == [
        ("2101.00001", "10.48550/arxiv.2101.00001"), ("2102.00002", "10.1000/j.seg.2021.2"),
        ("math/0406001", "10.48550/arxiv.math/0406001")]
    assert rows(graph, f"SELECT ?n WHERE {{ <{LATTICE}> schema:author ?person . ?person a schema:Person ; schema:name ?n }} ORDER BY ?n") == [
        ("Ada Lovelace",), ("Alan Turing",)]


def test_every_source_kept_as_provenance(graph):
    files = rows(graph, f"SELECT ?f ?l WHERE {{ <{LATTICE}> prov:wasDerivedFrom ?e . ?e kg:file ?f ; kg:line ?l }} ORDER BY ?f")
    assert [Path(f).name for f, _ in files] == [SNAPSHOT, OPENALEX, LINKS]
    assert [line for _, line in files] == ["1", "1", "1"]


def test_real_cites_from_openalex_and_a_light_node_outside_the_corpus(graph):
    cites = rows(graph, """SELECT ?a ?cited ?kind WHERE {
        ?p kg:arxivId ?a ; cito:cites ?o .
        OPTIONAL { ?o kg:arxivId ?c } OPTIONAL { ?o a kg:CitedWork ; kg:openalexId ?w }
        BIND(COALESCE(?c, ?w) AS ?cited)
        ?e rdf:subject ?p ; rdf:predicate cito:cites ; rdf:object ?o ; prov:wasAttributedTo/kg:evidenceKind ?kind .
    } ORDER BY ?a ?cited""")
    assert cites == [("2101.00001", "2102.00002", "curated"), ("2101.00001", "W9999", "curated"),
                     ("2102.00002", "math/0406001", "curated")]


def test_pwc_repository_is_curated_released_code(graph):
    code = rows(graph, """SELECT ?a ?repo ?conf ?file WHERE {
        ?p kg:arxivId ?a ; kg:releasesCode ?repo .
        ?e rdf:subject ?p ; rdf:predicate kg:releasesCode ; rdf:object ?repo ; kg:confidence ?conf ;
           prov:wasAttributedTo/kg:evidenceKind "curated" ; prov:wasDerivedFrom/kg:file ?file .
    } ORDER BY ?a""")
    assert [(a, repo, float(conf), Path(f).name) for a, repo, conf, f in code] == [
        ("2101.00001", "https://github.com/example-lab/lattice-attention", 1.0, LINKS),  # official
        ("2102.00002", "https://github.com/someone-else/graphprior-tf", 0.8, LINKS)]


def test_leaderboard_rows_become_results_and_methods_aliases(tmp_path):
    files = [str(FIXTURES / name) for name in (SNAPSHOT, PAPERS, EVALUATIONS)]
    result = CliRunner().invoke(main, ["build", *files, "--out", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0, result.output
    graph = kg.open(tmp_path / "out")
    assert rows(graph, f"""SELECT ?m ?v ?model ?d WHERE {{ <{LATTICE}> kg:reportsResult ?r . ?r kg:metric ?m ; kg:value ?v ;
        kg:modelName ?model ; kg:onDataset/rdfs:label ?d ; prov:wasDerivedFrom ?entry }} ORDER BY ?m""") == [
        ("PSNR", "31.2", "LatticeNet", "CIFAR-10"), ("SSIM", "0.91", "LatticeNet-B", "CIFAR-10")]
    assert ("CIFAR-10",) in rows(graph, f"SELECT ?d WHERE {{ <{LATTICE}> kg:evaluatedOn/rdfs:label ?d }}")
    assert rows(graph, "SELECT (COUNT(?p) AS ?n) WHERE { ?p a kg:Paper }") == [("3",)]  # the row without a paper is left out
    aliases = rows(graph, f"""SELECT ?alias WHERE {{ <{LATTICE}> kg:buildsOn ?m . ?m skos:altLabel ?alias .
        ?e rdf:subject <{LATTICE}> ; rdf:object ?m ; prov:wasAttributedTo/kg:evidenceKind "curated" }}""")
    assert ("Layer Normalization",) in aliases


def record(title: str, path: str, line: int, ids=(), refs=()) -> PaperRecord:
    return PaperRecord(title, "", Source(path, line), ids=tuple(ids), references=tuple(refs))


def test_identity_prefers_arxiv_id_then_doi_then_title():
    ev = Evidence("listed reference", "openalex", 1.0)
    corpus = resolve([
        (record("Same Title", "a", 1, [("arxiv", "2101.00001")]), Extraction()),
        (record("Same Title", "a", 2, [("arxiv", "2101.00002")]), Extraction()),  # another arXiv paper of the same title
        (record("SAME title!", "b", 1, [("doi", "10.1/x"), ("arxiv", "2101.00001")]), Extraction()),
        (record("A renamed version", "c", 1, [("doi", "10.1/x")]), Extraction()),
        (record("Title Only", "d", 1), Extraction()),
        (record("title only", "e", 1, [("arxiv", "2101.00003")], [Reference("doi", "10.1/x", ev)]), Extraction()),
    ])
    by_arxiv = {p.ids.get("arxiv"): p for p in corpus.papers.values()}
    assert sorted(by_arxiv) == ["2101.00001", "2101.00002", "2101.00003"]
    assert [(s.path, s.line) for s in by_arxiv["2101.00001"].sources] == [("a", 1), ("b", 1), ("c", 1)]
    assert by_arxiv["2101.00001"].ids == {"arxiv": "2101.00001", "doi": "10.1/x"}
    assert [(s.path, s.line) for s in by_arxiv["2101.00003"].sources] == [("d", 1), ("e", 1)]
    cites = [(e.subject, e.object) for e in corpus.edges if e.predicate == "cites"]
    assert cites == [(by_arxiv["2101.00003"].id, by_arxiv["2101.00001"].id)]
    assert corpus.works == {}


QUERIES = Path(__file__).resolve().parents[1] / "queries"


def test_citation_queries_on_real_cites(graph):
    from kg.query import read_query, run
    most = run(graph.rdf, read_query(str(QUERIES / "most-cited.rq")), {})
    assert [tuple(map(str, r)) for r in most.rows] == [("Graph Priors for Few-Shot Segmentation", "1", "1"),
                                                     ("Random Walks on Lattices", "1", "1")]  # cited, and listed by OpenAlex
    paths = run(graph.rdf, read_query(str(QUERIES / "citation-paths.rq")),
                {"from": "Lattice Attention for Image Denoising", "to": "Random Walks on Lattices"})
    assert [tuple(map(str, r[2:])) for r in paths.rows] == [
        ("Graph Priors for Few-Shot Segmentation", "Random Walks on Lattices"),
        ("Lattice Attention for Image Denoising", "Graph Priors for Few-Shot Segmentation")]
    code = run(graph.rdf, read_query(str(QUERIES / "citing-with-code.rq")), {"cited": "Graph Priors for Few-Shot Segmentation"})
    assert [tuple(map(str, r[1:])) for r in code.rows] == [
        ("Lattice Attention for Image Denoising", "https://github.com/example-lab/lattice-attention")]
