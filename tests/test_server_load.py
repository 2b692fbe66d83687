"""`kg serve` under a small bounded loopback load: correct answers, hostile queries cut or refused."""
import pytest

from benchmarks.endpoint_load import normal_queries, run_load, start
from kg.query import run


@pytest.fixture(scope="module")
def loaded(sample_graph, tmp_path_factory):
    graph = tmp_path_factory.mktemp("load") / "graph.nt"
    graph.write_bytes(sample_graph.rdf.serialize(format="nt", encoding="utf-8"))
    expected = {name: len(run(sample_graph.rdf, text).rows) for name, text in normal_queries().items()}
    server = start(graph, timeout=1.0, workers=2)
    try:
        report = run_load(server, requests=150, clients=12, hostile=0.12, expected_rows=expected,
                          deadline=float("inf"), request_timeout=None)  # no clock: the limit is CPU time
        after = run_load(server, requests=10, clients=2, hostile=0.0, expected_rows=expected, seed=1,
                         request_timeout=None)
    finally:
        code = server.stop()
    return report, after, code


def test_every_request_got_its_expected_status_and_normal_answers_are_right(loaded):
    report, _, _ = loaded
    assert report.requests == 150
    assert report.errors == []
    assert report.wrong_answers == []
    assert report.statuses["update"][403] and report.statuses["service"][403]


def test_pathological_queries_are_cut_at_the_limit(loaded):
    report, _, _ = loaded
    assert report.statuses["cross_product"][503] == sum(report.statuses["cross_product"].values()) > 0


def test_the_server_answers_normally_after_the_load_and_memory_stays_bounded(loaded):
    report, after, code = loaded
    assert after.statuses["normal"][200] == 10 and not after.wrong_answers and not after.errors
    assert report.peak_rss_mb < 2048
    assert code == 0
