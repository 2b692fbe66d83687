"""The on-disk Oxigraph store: bulk-loaded from kg build's files, reopened, same answers as rdflib."""
from pathlib import Path

import pytest

from kg.errors import KGError
from kg.query import run
from kg.store import load_as_written, load_store, open_store


@pytest.fixture(scope="module")
def exported(sample_graph, tmp_path_factory):
    out = tmp_path_factory.mktemp("exports")
    sample_graph.export(out)
    return out


def test_a_store_loaded_from_a_build_folder_holds_every_triple(sample_graph, exported, tmp_path):
    store = load_store([exported], tmp_path / "store", progress=False)
    assert len(store) == len(sample_graph.rdf)
    del store
    reopened = open_store(tmp_path / "store")
    query = "SELECT ?t (COUNT(?d) AS ?n) WHERE { ?p dcterms:title ?t ; kg:evaluatedOn ?d } GROUP BY ?t ORDER BY DESC(?n) ?t"
    assert run(reopened, query) == run(sample_graph.rdf, query)


def test_ntriples_bytes_and_files_load_together(tmp_path):
    nt = tmp_path / "a.nt"
    nt.write_text('<https://e.org/a> <https://e.org/p> "0.90"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n', encoding="utf-8")
    store = load_store([nt, b'<https://e.org/b> <https://e.org/p> "2"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'],
                       progress=False)
    rows = run(store, "SELECT ?s ?v WHERE { ?s <https://e.org/p> ?v } ORDER BY ?s").rows
    assert rows == [["https://e.org/a", "0.9"], ["https://e.org/b", "2"]]


def test_a_bad_file_leaves_no_store_behind(tmp_path):
    good, bad = tmp_path / "good.nt", tmp_path / "bad.nt"
    good.write_text('<https://e.org/a> <https://e.org/p> "x" .\n', encoding="utf-8")
    bad.write_text("<https://e.org/a> <https://e.org/p> no quotes .\n", encoding="utf-8")
    with pytest.raises(KGError, match="bad.nt: not valid RDF"):
        load_store([good, bad], tmp_path / "store", progress=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.nt", "good.nt"]


def test_existing_paths_are_refused_and_non_stores_named(tmp_path):
    (tmp_path / "taken").mkdir()
    with pytest.raises(KGError, match="already exists"):
        load_store([b""], tmp_path / "taken", progress=False)
    with pytest.raises(KGError, match="not an Oxigraph store"):
        open_store(tmp_path / "taken")
    with pytest.raises(KGError, match="no graph there"):
        load_store([tmp_path / "missing.ttl"], progress=False)


def test_kg_query_store_answers_like_rdflib_and_reuses_the_store(exported, tmp_path):
    from click.testing import CliRunner

    from kg.cli import main

    query = Path(__file__).resolve().parents[1] / "queries" / "datasets-by-papers.rq"
    args = ["query", str(query), "--graph", str(exported), "--format", "csv"]
    plain = CliRunner().invoke(main, args)
    for _ in range(2):  # the first run bulk-loads the store, the second opens it
        stored = CliRunner().invoke(main, [*args, "--store", str(tmp_path / "store")])
        assert stored.exit_code == 0 and stored.stdout == plain.stdout and plain.stdout.count("\n") > 20


TRIPLE = '<https://e.org/a{}> <https://e.org/p> "{}" .\n'


def test_a_file_loads_while_it_is_written_in_pieces(tmp_path):
    file = tmp_path / "g.nt"
    with load_as_written(file, tmp_path / "store") as finish:
        with open(file, "w", encoding="utf-8", buffering=1) as out:
            for i in range(2000):  # lines flushed one by one: the loader reads a file that grows while it reads
                out.write(TRIPLE.format(i, i))
        finish()
    assert len(open_store(tmp_path / "store")) == 2000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.nt", "store"]  # the pipe is gone


def test_a_failing_writer_leaves_no_store_and_no_pipe(tmp_path):
    file = tmp_path / "g.nt"
    with pytest.raises(RuntimeError, match="writer broke"):
        with load_as_written(file, tmp_path / "store"):
            file.write_text(TRIPLE.format(1, 1), encoding="utf-8")  # a whole line: the cut input would load
            raise RuntimeError("writer broke")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.nt"]


def test_bad_data_or_a_taken_store_path_is_an_error_from_finish(tmp_path):
    file = tmp_path / "g.nt"
    with pytest.raises(KGError, match=r"/g\.nt: not valid RDF"):
        with load_as_written(file, tmp_path / "store") as finish:
            file.write_text("<https://e.org/a> <https://e.org/p> no quotes .\n", encoding="utf-8")
            finish()
    (tmp_path / "taken").mkdir()
    with pytest.raises(KGError, match="already exists"):
        with load_as_written(tmp_path / "h.nt", tmp_path / "taken") as finish:
            (tmp_path / "h.nt").write_text(TRIPLE.format(1, 1), encoding="utf-8")
            finish()
    assert not (tmp_path / "store").exists() and list((tmp_path / "taken").iterdir()) == []
