"""Semantic Scholar datasets, Hugging Face daily papers, arXiv Atom feeds and BibTeX: each detected,
read with its maintained parser, and merged onto the same paper nodes as the arXiv snapshot."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import kg
from kg.cli import main
from kg.errors import InputError
from kg.sources import format_of, read_sources

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
SNAPSHOT = FIXTURES / "arxiv-metadata-oai-snapshot.json"


def build(tmp_path: Path, *names: str) -> kg.KnowledgeGraph:
    out = tmp_path / "out"
    # --skip-bad: references.bib has an entry without a title (tested below)
    result = CliRunner().invoke(main, ["build", *(str(FIXTURES / n) for n in names), "--out", str(out), "-q", "--skip-bad"])
    assert result.exit_code == 0 and (result.output == "" or "notitle2020" in result.output), result.output
    return kg.open(out)


def rows(graph: kg.KnowledgeGraph, query: str) -> list[tuple[str, ...]]:
    return [tuple(str(v) for v in row) for row in graph.query(query).rows]


@pytest.mark.parametrize("name, fmt", [("s2-papers.jsonl", "s2-papers"), ("s2-citations.jsonl", "s2-citations"),
                                       ("hf-daily-papers.json", "hf-daily"), ("arxiv-api-cs.CV.atom", "arxiv-atom"),
                                       ("references.bib", "bibtex"), ("openalex-works.jsonl", "openalex"),
                                       ("pwc-links-between-papers-and-code.json", "pwc-links"),
                                       ("pwc-papers-with-abstracts.json", "pwc-papers"), ("pwc-evaluation-tables.json", "pwc-evaluations"),
                                       ("pwc-methods.json", "pwc-methods"), ("pwc-datasets.json", "pwc-datasets")])
def test_format_detected(name, fmt):
    assert format_of(FIXTURES / name) == fmt


def test_semantic_scholar_citations_join_papers_by_corpus_id_with_intents(tmp_path):
    graph = build(tmp_path, SNAPSHOT.name, "s2-papers.jsonl", "s2-citations.jsonl")
    assert rows(graph, "SELECT (COUNT(?p) AS ?n) WHERE { ?p a kg:Paper }") == [("3",)]
    assert rows(graph, "SELECT ?a ?s WHERE { ?p kg:arxivId ?a ; kg:semanticScholarId ?s } ORDER BY ?a") == [
        ("2101.00001", "501"), ("2102.00002", "502")]
    cites = rows(graph, """SELECT ?a ?target ?sentence WHERE {
        ?p kg:arxivId ?a ; cito:cites ?o . OPTIONAL { ?o kg:arxivId ?c } OPTIONAL { ?o a kg:CitedWork ; kg:semanticScholarId ?w }
        BIND(COALESCE(?c, ?w) AS ?target)
        ?e rdf:subject ?p ; rdf:predicate cito:cites ; rdf:object ?o ; kg:sentence ?sentence } ORDER BY ?a ?target""")
    assert cites == [("2101.00001", "2102.00002", "Semantic Scholar citation (intents: methodology; influential)"),
                     ("2101.00001", "777", "Semantic Scholar citation (no intent given)")]  # 999 → 501: citing paper not in the graph


def test_hugging_face_github_repo_is_released_code(tmp_path):
    graph = build(tmp_path, SNAPSHOT.name, "hf-daily-papers.json")
    assert rows(graph, "SELECT ?a ?r WHERE { ?p kg:arxivId ?a ; kg:releasesCode ?r }") == [
        ("2102.00002", "https://github.com/hopper-lab/graphprior")]
    assert rows(graph, "SELECT (COUNT(?p) AS ?n) WHERE { ?p a kg:Paper }") == [("4",)]


def test_atom_and_bibtex_merge_onto_snapshot_papers(tmp_path):
    graph = build(tmp_path, SNAPSHOT.name, "arxiv-api-cs.CV.atom", "references.bib")
    papers = rows(graph, "SELECT ?a (COUNT(?e) AS ?sources) WHERE { ?p kg:arxivId ?a ; prov:wasDerivedFrom ?e } GROUP BY ?a ORDER BY ?a")
    assert papers == [("2101.00001", "3"), ("2102.00002", "2"), ("2106.00006", "1"), ("math/0406001", "1")]
    assert rows(graph, "SELECT ?c WHERE { ?p kg:arxivId '2106.00006' ; kg:category ?c } ORDER BY ?c") == [("cs.LG",), ("stat.ML",)]


def test_bibtex_entry_without_title_is_a_bad_entry(tmp_path):
    with pytest.raises(InputError, match=r'references.bib:3: expected a "title" in @article\{notitle2020\}, found none'):
        list(read_sources([FIXTURES / "references.bib"]))
    skipped: list[InputError] = []
    assert len(list(read_sources([FIXTURES / "references.bib"], on_bad=skipped.append))) == 2 and len(skipped) == 1


def test_every_fixture_together_gives_one_node_per_arxiv_paper(tmp_path):
    graph = build(tmp_path, ".")
    ids = rows(graph, "SELECT ?a (COUNT(DISTINCT ?p) AS ?nodes) WHERE { ?p kg:arxivId ?a } GROUP BY ?a ORDER BY ?a")
    assert ids == [("2101.00001", "1"), ("2102.00002", "1"), ("2105.00005", "1"), ("2106.00006", "1"), ("math/0406001", "1")]
    assert rows(graph, "SELECT (COUNT(?p) AS ?n) WHERE { ?p a kg:Paper }") == [("5",)]


def test_pwc_methods_and_datasets_are_artifacts_with_full_names_introduced_by_their_paper(tmp_path):
    graph = build(tmp_path, SNAPSHOT.name, "pwc-links-between-papers-and-code.json", "pwc-methods.json", "pwc-datasets.json")
    artifacts = rows(graph, """SELECT ?type ?label ?alias ?by WHERE {
        ?e a ?class ; rdfs:label ?label ; skos:altLabel ?alias . VALUES ?class { kg:Method kg:Dataset }
        BIND(STRAFTER(STR(?class), "#") AS ?type)
        OPTIONAL { ?p kg:introduces ?e ; kg:arxivId ?by } FILTER(?alias != ?label) } ORDER BY ?label""")
    assert ("Dataset", "LatticeNoise-10k", "Lattice Noise 10k Benchmark", "2101.00001") in artifacts
    assert ("Method", "LatticeAttn", "Lattice Attention", "2101.00001") in artifacts
    assert ("Method", "OldTrick", "An Old Trick", "") in artifacts  # its paper is not in the graph: the method alone
    assert rows(graph, "SELECT (COUNT(?p) AS ?n) WHERE { ?p a kg:Paper }") == [("3",)]
