"""`kg add` on a large graph appends to graph.nt and the store, resolved against the build's index."""
from __future__ import annotations

import hashlib
import io
import json
import shutil
import sqlite3
from collections import defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import RDF

import kg.folder.index
import kg.folder.large
from benchmarks.synthetic import write_corpus
from kg.folder import append
from kg.cli import main
from kg.counts import BUILDING, FAMILY_PAPERS, FAMILY_REPOS, USING
from kg.extract import extract
from kg.ids import iri, paper_id
from kg.folder.index import Index, insert
from kg.folder.layout import index_path
from kg.model import PaperRecord, Source
from kg.query import run
from kg.rdf import KG, write_ntriples
from kg.resolve import resolve
from kg.sources import read_sources
from kg.store import open_store

NEW_EDGES = """SELECT DISTINCT ?title ?predicate ?object WHERE {
  ?paper prov:wasDerivedFrom/kg:file ?file ; dcterms:title ?title ; ?predicate ?node .
  FILTER(?predicate IN (kg:introduces, kg:evaluatedOn, kg:trainedOn, kg:buildsOn, kg:comparesWith,
                        kg:releasesCode, cito:cites))
  OPTIONAL { ?node rdfs:label ?label } OPTIONAL { ?node dcterms:title ?cited }
  BIND(COALESCE(?label, ?cited) AS ?object)
  FILTER(STRSTARTS(?file, "new/") || STRENDS(?file, "links.jsonl"))
}"""
PAPERS = "SELECT ?title WHERE { ?paper a kg:Paper ; dcterms:title ?title }"


def cli(*args: object) -> tuple[int, str, list[str]]:
    """Exit code, standard output, and the `kg:` lines of standard error (not the progress bar)."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    messages = [line for line in result.stderr.replace("\r", "\n").splitlines() if line.startswith("kg:")]
    return result.exit_code, result.stdout.strip(), messages


def rows(folder: Path, query: str) -> list[tuple[str, ...]]:
    return sorted(tuple(row) for row in run(open_store(folder / "store"), query).rows)


def fingerprint(folder: Path) -> tuple[str, int, str, list[str]]:
    """graph.nt's hash, the store's triple count, the index's hash and the files beside them (but the writer lock)."""
    digest = lambda path: hashlib.sha256(path.read_bytes()).hexdigest()
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if "store" not in p.parts and p.name != "lock")
    return digest(folder / "graph.nt"), len(open_store(folder / "store")), digest(index_path(folder)), files


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """A base of 300 synthetic papers in `base/`, 40 others in `new/`, and `links.jsonl` tying them together.

    links.jsonl lists a base paper again, names an entity a base paper introduced (a cite to
    it), and introduces a name another new paper names.
    """
    root = tmp_path_factory.mktemp("append")
    write_corpus(300, root / "base", seed=11, per_file=100)
    write_corpus(40, root / "new", seed=12, per_file=20)
    relisted = next(read_sources([root / "base"]))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(kg.folder.large, "LARGE_CORPUS_PAPERS", 100)
        assert cli("build", root / "base", "--out", root / "graph", "-q") == (0, "", [])
    (introduced,), = rows(root / "graph", """SELECT ?label WHERE { ?paper kg:introduces ?e . ?e rdfs:label ?label
        FILTER NOT EXISTS { ?other kg:introduces ?e FILTER(?other != ?paper) } } ORDER BY ?label LIMIT 1""")
    papers = [
        {"title": relisted.title, "abstract": relisted.abstract, "date": "Apr 1"},
        {"title": "Comparing Against Earlier Work", "abstract": f"We compare with {introduced} on ImageNet. "
         f"Our model outperforms {introduced}, ResNet-50 and ViT. Code: https://github.com/example-lab/compare."},
        {"title": "FreshNameNet: A New Backbone", "abstract": "We propose FreshNameNet, a new backbone. Experiments on ImageNet."},
        {"title": "Beating the Fresh Backbone", "abstract": "Our model outperforms FreshNameNet and DeiT on ImageNet."},
    ]
    (root / "links.jsonl").write_text("".join(json.dumps(p) + "\n" for p in papers), encoding="utf-8")
    (root / "introduced.txt").write_text(introduced, encoding="utf-8")
    return root


@pytest.fixture
def graph(corpus, tmp_path) -> Path:
    """A fresh copy of the large base graph."""
    shutil.copytree(corpus / "graph", tmp_path / "graph")
    return tmp_path / "graph"


@pytest.fixture(scope="module")
def full(corpus, tmp_path_factory) -> Path:
    """`kg build` of every file at once: the canonical graph an append is compared with."""
    out = tmp_path_factory.mktemp("full") / "graph"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(kg.folder.large, "LARGE_CORPUS_PAPERS", 100)
        assert cli("build", corpus / "base", corpus / "new", corpus / "links.jsonl", "--out", out, "-q") == (0, "", [])
    return out


def test_an_append_gives_the_papers_and_edges_of_a_full_build(corpus, graph, full):
    code, output, messages = cli("add", corpus / "new", corpus / "links.jsonl", "--graph", graph)
    assert code == 0 and not messages and "\n" not in output
    assert output.startswith("appended 3 file(s), 0 already in the graph: 43 new papers, 1 listed again")
    assert rows(graph, PAPERS) == rows(full, PAPERS)
    edges = rows(graph, NEW_EDGES)
    assert len(edges) > 200 and edges == rows(full, NEW_EDGES)
    assert ("Comparing Against Earlier Work", "http://purl.org/spar/cito/cites") in {e[:2] for e in edges}
    assert ("Beating the Fresh Backbone", "http://purl.org/spar/cito/cites", "FreshNameNet: A New Backbone") in edges
    triples = (graph / "graph.nt").read_text(encoding="utf-8").split("\n")
    base = (corpus / "graph" / "graph.nt").read_text(encoding="utf-8").split("\n")
    appended = triples[len(base) - 1 : -1]
    assert triples[: len(base) - 1] == base[:-1] and len(set(appended)) == len(appended) and not set(appended) & set(base)
    assert len(set(triples)) - 1 == len(open_store(graph / "store"))
    # This corpus meets none of the differences kg/folder/append.py lists, so even every triple is the build's, and
    # the others are the counts (kg.counts) the add raised, kept at their old, smaller value:
    built = set((full / "graph.nt").read_text(encoding="utf-8").split("\n"))
    assert built <= set(triples)
    counts = {f"<{KG[name]}>" for name in (BUILDING, USING, FAMILY_REPOS, FAMILY_PAPERS)}
    current = {(s, p): int(o.split('"')[1]) for s, p, o in (line.split(" ", 2) for line in built - {""}) if p in counts}
    old_counts = [line.split(" ", 2) for line in set(triples) - built]
    assert old_counts and all(p in counts and int(o.split('"')[1]) < current[(s, p)] for s, p, o in old_counts)


def test_new_edges_are_queryable_with_their_evidence(corpus, graph):
    assert cli("add", corpus / "links.jsonl", "--graph", graph, "-q") == (0, "", [])
    evidence = rows(graph, """SELECT ?predicate ?label ?sentence WHERE {
        ?paper dcterms:title "Beating the Fresh Backbone" . ?ev rdf:subject ?paper ; rdf:predicate ?predicate ;
        rdf:object ?node ; kg:sentence ?sentence . ?node rdfs:label ?label }""")
    assert ("https://w3id.org/mlkg/ns#comparesWith", "FreshNameNet",
            "Our model outperforms FreshNameNet and DeiT on ImageNet.") in evidence
    repos = rows(graph, "SELECT ?r WHERE { ?p kg:releasesCode ?r . ?r a kg:Repository }")
    assert ("https://github.com/example-lab/compare",) in repos


def test_a_new_spelling_of_a_known_name_is_an_alias_and_the_label_stays(corpus, graph):
    name = (corpus / "introduced.txt").read_text(encoding="utf-8")
    spelled = name[:3] + "-" + name[3:]
    respelled = graph.parent / "respelled.jsonl"
    respelled.write_text(json.dumps({"title": "Respelled", "abstract": f"Our model outperforms {spelled} on COCO."}) + "\n",
                         encoding="utf-8")
    entity = """SELECT ?label ?alias WHERE { ?paper dcterms:title "Respelled" ; kg:comparesWith ?e .
                ?e rdfs:label ?label OPTIONAL { ?e skos:altLabel ?alias } }"""
    assert cli("add", respelled, "--graph", graph, "-q") == (0, "", [])
    assert rows(graph, entity) == [(name, spelled)]  # a full build may relabel it by majority: see kg/folder/append.py


def test_a_title_already_in_the_graph_gets_a_new_source_not_a_second_node(corpus, graph):
    title = next(read_sources([corpus / "base"])).title
    variant = corpus / "variant.jsonl"
    variant.write_text(json.dumps({"title": title.upper() + "!", "abstract": "A shorter abstract. Code: "
                                   "https://github.com/example-lab/variant."}) + "\n", encoding="utf-8")
    sources = f"""SELECT ?title ?file WHERE {{ ?p dcterms:title ?title ; prov:wasDerivedFrom/kg:file ?file
                  FILTER(?title = {json.dumps(title)}) }}"""
    before = rows(graph, sources)
    assert cli("add", variant, "--graph", graph, "-q") == (0, "", [])
    assert rows(graph, sources) == sorted(before + [(title, str(variant))])
    assert rows(graph, f"SELECT ?p WHERE {{ ?p dcterms:title {json.dumps(title.upper() + '!')} }}") == []
    assert len(rows(graph, f"SELECT ?a WHERE {{ ?p dcterms:title {json.dumps(title)} ; dcterms:abstract ?a }}")) == 1


def test_adding_the_same_files_again_changes_nothing(corpus, graph):
    assert cli("add", corpus / "new", "--graph", graph, "-q") == (0, "", [])
    before = fingerprint(graph)
    assert cli("add", corpus / "new", "--graph", graph) == (0, f"nothing new (2 already in the graph); {graph}/ unchanged", [])
    shutil.copytree(corpus / "new", graph.parent / "copy")
    code, output, messages = cli("add", graph.parent / "copy", "--graph", graph)
    assert code == 0 and [m.split(": same content as ")[1] for m in messages] == ["new/listing_00000.txt", "new/listing_00001.txt"]
    assert fingerprint(graph) == before


def test_a_bad_input_leaves_everything_as_it_was(corpus, graph):
    bad = graph.parent / "bad.jsonl"
    bad.write_text('{"title": "A fine paper", "abstract": "We propose OkNet."}\n{"title": "broken\n', encoding="utf-8")
    before = fingerprint(graph)
    code, _, messages = cli("add", corpus / "new", bad, "--graph", graph)
    assert code == 2 and len(messages) == 1 and messages[0].startswith(f"kg: error: {bad}:2: expected ")
    assert fingerprint(graph) == before


def test_a_known_file_with_new_content_is_refused(corpus, graph):
    changed = graph.parent / "base"
    shutil.copytree(corpus / "base", changed)
    listing = sorted(changed.iterdir())[0]
    listing.write_text(listing.read_text(encoding="utf-8").rsplit("\n\n", 2)[0] + "\n", encoding="utf-8")
    before = fingerprint(graph)
    code, _, messages = cli("add", changed, "--graph", graph)
    assert code == 2 and messages == [(f"kg: error: base/{listing.name}: already in the graph with other content; a large "
                                    f"graph cannot replace a file's entries: build it again with "
                                    f"`kg build SOURCE... --out {graph}`")]
    assert fingerprint(graph) == before


def test_a_graph_built_by_other_code_is_refused(corpus, graph):
    with sqlite3.connect(index_path(graph)) as db:
        db.execute("UPDATE meta SET value = 'older' WHERE name = 'code'")
    before = fingerprint(graph)
    code, _, messages = cli("add", corpus / "new", "--graph", graph)
    assert code == 2 and len(messages) == 1 and messages[0].startswith(f"kg: error: {graph}: built by another version of kg")
    assert fingerprint(graph) == before


def test_a_failure_after_the_store_load_is_undone(corpus, graph, monkeypatch):
    def fail_midway(db, *args: object) -> None:  # the index's transaction fails after some rows went in
        insert(db, *args)
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(kg.folder.index, "insert", fail_midway)
    before = fingerprint(graph)
    assert cli("add", corpus / "new", "--graph", graph) == (
        2, "", [f"kg: error: {graph}: cannot add to the graph (disk I/O error); it is unchanged"])
    assert fingerprint(graph) == before


def test_an_add_killed_before_its_commit_is_undone_by_the_next(corpus, graph, tmp_path, monkeypatch):
    clean = tmp_path / "clean"
    shutil.copytree(graph, clean)
    assert cli("add", corpus / "links.jsonl", "--graph", clean, "-q") == (0, "", [])
    def killed(*args: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:  # killed after the store load: nothing undone, the journal stays
        patch.setattr(Index, "add", killed)
        patch.setattr(append.LargeGraph, "_undo", lambda self, old_size: None)
        with pytest.raises(KeyboardInterrupt):
            append.add([corpus / "links.jsonl"], graph, progress=False)
    assert (graph / ".kg" / "adding" / "journal.json").exists()
    assert append.add([corpus / "links.jsonl"], graph, progress=False).written
    assert fingerprint(graph) == fingerprint(clean)


def test_an_add_killed_after_its_commit_only_leaves_files_to_delete(corpus, graph, tmp_path):
    assert cli("add", corpus / "links.jsonl", "--graph", graph, "-q") == (0, "", [])
    after = fingerprint(graph)
    pending = graph / ".kg" / "adding"
    pending.mkdir()
    (pending / "new.nt").write_bytes((graph / "graph.nt").read_bytes()[-2000:].split(b"\n", 1)[1])
    size = (graph / "graph.nt").stat().st_size
    (pending / "journal.json").write_text(json.dumps({"old": size - 2000, "new": size}))
    assert cli("add", corpus / "links.jsonl", "--graph", graph) == (0, f"nothing new (1 already in the graph); {graph}/ unchanged", [])
    assert fingerprint(graph) == after


def test_evidence_and_result_nodes_are_named_after_their_subject():
    """kg/folder/append.py does not look up nodes whose IRI hashes a new paper: kg.rdf must keep hashing it in."""
    abstract = "We propose OkNet. OkNet reaches 80.1% top-1 accuracy on ImageNet."
    records = [PaperRecord(title, abstract, Source("x.txt", line)) for line, title in ((1, "First"), (3, "Second"))]
    out = io.StringIO()
    write_ntriples(resolve([(r, extract(r)) for r in records]), out, batch=True)
    owned: dict[str, set[str]] = defaultdict(set)
    for line in out.getvalue().splitlines():
        s, p, o = line[:-2].split(" ", 2)
        if p == f"<{RDF.subject}>":
            owned[o].add(s)
        elif p == f"<{KG.reportsResult}>":
            owned[s].add(o)
    first, second = (owned[f"<{iri(paper_id(title))}>"] for title in ("First", "Second"))
    assert len(first) >= 3 and len(first) == len(second) and not first & second


def test_add_says_what_is_missing_in_one_line(corpus, tmp_path):
    (tmp_path / "store").mkdir()
    code, _, messages = cli("add", corpus / "links.jsonl", "--graph", tmp_path)
    assert code == 2 and len(messages) == 1
    assert messages[0].startswith(f"kg: error: {tmp_path}: no graph built by `kg build` there (expected .kg/state.json)")
