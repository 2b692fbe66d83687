"""The counts kept in the graph (kg.counts) are what counting the edges gives, after a build and after adds."""
from __future__ import annotations

import json
from collections import defaultdict
from itertools import islice
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kg.folder.large
from benchmarks.synthetic import write_corpus
from kg.counts import FAMILY_PAPERS, FAMILY_REPOS, count, grown
from kg.model import Corpus, Edge, Entity, Paper
from kg.query import read_query, run
from kg.rdf import to_graph
from kg.pipeline import build_corpus
from kg.sample import SAMPLE_DIR
from kg.sources import read_sources
from kg.store import open_store
from tests.test_append import cli

QUERIES = Path(__file__).parent.parent / "queries"
# The ranking queries as they were before the counts: every edge counted when asked.
COUNTED = {
    "most-built-on": """SELECT ?name ?type (COUNT(DISTINCT ?paper) AS ?papers) WHERE {
        ?paper a kg:Paper ; kg:buildsOn ?a . ?a rdfs:label ?name ; a ?cls .
        VALUES (?cls ?type) { (kg:Architecture "architecture") (kg:Method "method") }
      } GROUP BY ?name ?type ORDER BY DESC(?papers) ?name""",
    "datasets-by-papers": """SELECT ?dataset (COUNT(DISTINCT ?paper) AS ?papers) WHERE {
        ?d a kg:Dataset ; rdfs:label ?dataset . ?paper kg:evaluatedOn|kg:trainedOn ?d .
      } GROUP BY ?dataset ORDER BY DESC(?papers) ?dataset""",
    "repos-per-family": """SELECT ?family (COUNT(DISTINCT ?repo) AS ?repos) (COUNT(DISTINCT ?paper) AS ?papers) WHERE {
        ?f a kg:Architecture ; rdfs:label ?family ; ^kg:variantOf* ?a .
        ?paper kg:buildsOn|kg:introduces ?a ; kg:releasesCode ?repo .
        FILTER NOT EXISTS { ?f kg:variantOf ?parent }
      } GROUP BY ?family ORDER BY DESC(?repos) ?family""",
}


def assert_counts_agree(backend) -> None:
    for name, counted in COUNTED.items():
        kept = run(backend, read_query(str(QUERIES / f"{name}.rq")))
        assert kept.rows, name
        assert kept == run(backend, counted), name


def test_a_build_keeps_the_counts_its_edges_give():
    assert_counts_agree(to_graph(build_corpus([SAMPLE_DIR], progress=False)))


def test_adds_keep_the_counts_their_edges_give(tmp_path):
    """A large graph grown file by file, a paper listed again and shared repositories among them."""
    write_corpus(240, tmp_path / "base", seed=21, per_file=120)
    write_corpus(90, tmp_path / "more", seed=22, per_file=30)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(kg.folder.large, "LARGE_CORPUS_PAPERS", 100)
        assert cli("build", tmp_path / "base", "--out", tmp_path / "graph", "-q") == (0, "", [])
    (repo,), = run(open_store(tmp_path / "graph" / "store"), "SELECT ?r WHERE { ?p kg:releasesCode ?r } ORDER BY ?r LIMIT 1").rows
    relisted = [record.title for record in islice(read_sources([tmp_path / "base"]), 3)]
    papers = [  # base papers that gain edges and code (one of them a repository another paper released), and new ones
        *({"title": title, "abstract": f"We build on ResNet-50 and ViT-B/16 and evaluate on ImageNet and COCO. Code: {url}"}
          for title, url in zip(relisted, (repo, "https://github.com/new-lab/shared", "https://github.com/new-lab/other"))),
        {"title": "Sharing a Repository", "abstract": "We fine-tune ResNet-101 on CIFAR-10. Code: https://github.com/new-lab/shared"},
        {"title": "Reusing Old Code", "abstract": f"We extend Swin Transformer on ADE20K. Code: {repo}"},
    ]
    (tmp_path / "more" / "zz-links.jsonl").write_text("".join(json.dumps(p) + "\n" for p in papers), encoding="utf-8")
    for listing in sorted((tmp_path / "more").iterdir()):
        assert cli("add", listing, "--graph", tmp_path / "graph", "-q") == (0, "", [])
        assert_counts_agree(open_store(tmp_path / "graph" / "store"))


class Before:
    """kg.counts.Before answered from a list of edges."""

    def __init__(self, edges: list[Edge], entities: set[str], counts: dict[tuple[str, str], int]):
        self.out, self.into = defaultdict(set), defaultdict(set)
        for e in edges:
            self.out[(e.subject, e.predicate)].add(e.object)
            self.into[(e.predicate, e.object)].add(e.subject)
        self.entities, self.counts = entities, counts

    def objects(self, node, predicate):
        return set(self.out[(node, predicate)])

    def subjects(self, predicate, node):
        return set(self.into[(predicate, node)])

    def count(self, node, name):
        return self.counts.get((node, name), 0)

    def has(self, node):
        return node in self.entities


TYPES = ("architecture", "method", "dataset")
PAPER_EDGES = ("buildsOn", "introduces", "evaluatedOn", "trainedOn", "releasesCode")


@st.composite
def split_graphs(draw):
    """Entities with a variantOf DAG, papers with edges to them and to repositories, each edge old or new."""
    types = draw(st.lists(st.sampled_from(TYPES), min_size=1, max_size=7))
    entities = [f"{t}/e{i}" for i, t in enumerate(types)]
    edges = set()
    for i, child in enumerate(entities):
        for j in draw(st.sets(st.integers(0, i - 1), max_size=2)) if i else ():
            edges.add((child, "variantOf", entities[j]))
    papers = [f"paper/p{i}" for i in range(draw(st.integers(1, 7)))]
    repos = [f"https://github.com/o/r{i}" for i in range(3)]
    for paper in papers:
        for predicate in draw(st.lists(st.sampled_from(PAPER_EDGES), max_size=6)):
            edges.add((paper, predicate, draw(st.sampled_from(repos if predicate == "releasesCode" else entities))))
    edges = sorted(edges)
    new = draw(st.lists(st.booleans(), min_size=len(edges), max_size=len(edges)))
    known = draw(st.sets(st.sampled_from(entities)))
    return types, entities, papers, edges, new, known


def corpus_of(types, entities, papers, edges) -> Corpus:
    return Corpus(papers={p: Paper(p, p, "") for p in papers},
                  entities={e: Entity(e, e, t) for e, t in zip(entities, types)},
                  edges=[Edge(*edge) for edge in sorted(edges)])


@settings(max_examples=300, deadline=None)
@given(split_graphs())
def test_an_add_raises_the_counts_to_those_of_the_whole_graph(graph):
    """Counts before an add, raised by what `grown` gives for the new edges, are the whole graph's counts.

    Entities already in the graph may become variants of others (their families are counted
    again); a family root that becomes a variant keeps its old counts, which the query skips.
    """
    types, entities, papers, edges, new, known = graph
    old = [edge for edge, is_new in zip(edges, new) if not is_new]
    added = [edge for edge, is_new in zip(edges, new) if is_new]
    old_counts = count(corpus_of(types, entities, papers, old))
    in_old = known | {node for s, _, o in old for node in (s, o) if node in entities}
    before = Before([Edge(*e) for e in old], in_old, old_counts)
    raised = grown(added, before, dict(zip(entities, types)).get)
    assert all(value > old_counts.get(key, 0) for key, value in raised.items())
    whole = count(corpus_of(types, entities, papers, edges))
    kept = {**old_counts, **raised}
    has_parent = {s for s, p, _ in edges if p == "variantOf"}
    assert {k: v for k, v in kept.items() if k[0] not in has_parent or k[1] not in (FAMILY_PAPERS, FAMILY_REPOS)} == whole
