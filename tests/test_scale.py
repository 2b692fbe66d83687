"""Where extraction runs never changes the graph; large builds stream N-Triples into an Oxigraph store."""
import io

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import isomorphic

import kg.cli
import kg.folder.large
from kg.pipeline import build_corpus
from kg.rdf import to_graph, write_ntriples
from kg.sample import SAMPLE_DIR
from kg.store import open_store
from kg.query import run


def ntriples(corpus) -> str:
    out = io.StringIO()
    write_ntriples(corpus, out)
    return out.getvalue()


@pytest.fixture(scope="module")
def serial():
    return build_corpus([SAMPLE_DIR], progress=False)


def test_two_worker_processes_give_the_same_graph(serial):
    parallel = build_corpus([SAMPLE_DIR], progress=False, workers=2)
    assert parallel == serial
    assert ntriples(parallel) == ntriples(serial)


def test_a_dask_cluster_on_loopback_gives_the_same_graph(serial):
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None) as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        distributed = build_corpus([SAMPLE_DIR], progress=False, executor="dask", scheduler=cluster.scheduler_address)
    assert ntriples(distributed) == ntriples(serial)


def test_streamed_ntriples_hold_exactly_the_rdflib_graph(serial):
    text = ntriples(serial)
    assert text == ntriples(serial)  # deterministic
    assert isomorphic(Graph().parse(data=text, format="nt"), to_graph(serial))


def test_large_build_writes_ntriples_and_a_store_and_drops_stale_formats(tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert CliRunner().invoke(kg.cli.main, ["build", "--out", str(out), "--quiet"]).exit_code == 0
    assert (out / "graph.html").exists() and not (out / "store").exists()
    monkeypatch.setattr(kg.folder.large, "LARGE_CORPUS_PAPERS", 100)  # the sample's 310 papers count as large
    result = CliRunner().invoke(kg.cli.main, ["build", "--out", str(out), "--workers", "2"], catch_exceptions=False)
    assert result.exit_code == 0 and "310 papers" in result.output
    assert sorted(p.name for p in out.iterdir()) == [".kg", "graph.nt", "store"]
    assert sorted(p.name for p in (out / ".kg").iterdir()) == ["index.sqlite", "lock", "state.json"]
    rows = run(open_store(out / "store"), "SELECT (COUNT(*) AS ?n) WHERE { ?p a kg:Paper }")
    assert rows.rows == [["310"]]
    lines = (out / "graph.nt").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(set(lines)) == len(open_store(out / "store"))  # every triple written once


def test_dask_without_a_scheduler_there_is_a_one_line_error(tmp_path):
    result = CliRunner().invoke(kg.cli.main, ["build", "--out", str(tmp_path / "out"), "--executor", "dask",
                                              "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 2 and result.output.startswith("kg: error: cannot reach the Dask scheduler")
    assert not (tmp_path / "out").exists()


def test_a_repeated_entry_is_extracted_once_and_gets_the_same_extraction(monkeypatch):
    from kg import pipeline
    from kg.extract import extract
    from kg.model import PaperRecord, Source

    texts = [("A", "We propose ANet on ImageNet."), ("B", "We propose BNet on COCO."), ("A", "We propose ANet on ImageNet.")]
    records = [PaperRecord(t, a, Source(f"{i}.txt", 1)) for i, (t, a) in enumerate(texts)]
    extracted: list[str] = []
    real = pipeline.extract_batch
    monkeypatch.setattr(pipeline, "extract_batch", lambda batch: extracted.extend(r.title for r in batch) or real(batch))
    result = pipeline.extract_records(records, progress=False)
    assert extracted == ["A", "B"]
    assert result == [extract(r) for r in records] and result[0] is result[2]
