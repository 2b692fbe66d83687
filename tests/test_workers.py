"""With no --workers, extraction uses the cores only when the input is large enough to repay a pool,
and the graph is the same whatever the number of processes."""
from contextlib import contextmanager

import pytest
from click.testing import CliRunner

import kg.cli
from kg import pipeline
from kg.pipeline import available_cores, build_corpus, default_workers
from kg.sample import SAMPLE_DIR


@pytest.fixture
def chosen(monkeypatch):
    """The number of processes each extraction ran in."""
    seen: list[int] = []
    real = pipeline._executor

    @contextmanager
    def recording(kind, workers, scheduler):
        seen.append(workers)
        with real(kind, workers, scheduler) as pool:
            yield pool

    monkeypatch.setattr(pipeline, "_executor", recording)
    return seen


def test_small_inputs_stay_in_one_process_and_large_ones_use_every_core():
    per = pipeline.TEXTS_PER_WORKER
    assert default_workers(310, 2) == 1
    assert default_workers(2 * per - 1, 2) == 1
    assert default_workers(2 * per, 2) == 2
    assert default_workers(100 * per, 2) == 2  # never more than the cores
    assert default_workers(100 * per, 1) == 1
    assert default_workers(3 * per, 64) == 3  # one per TEXTS_PER_WORKER texts, not one per core
    assert default_workers(0, 4) == 1


def test_available_cores_is_what_this_process_may_use():
    assert 1 <= available_cores()


def test_the_sample_builds_in_one_process_by_default(tmp_path, chosen):
    result = CliRunner().invoke(kg.cli.main, ["build", "--out", str(tmp_path / "out"), "--quiet"], catch_exceptions=False)
    assert result.exit_code == 0
    assert chosen == [1]


def test_the_automatic_pool_gives_the_graph_of_one_process(monkeypatch, chosen):
    monkeypatch.setattr(pipeline, "TEXTS_PER_WORKER", 100)  # the sample's texts count as large
    monkeypatch.setattr(pipeline, "available_cores", lambda: 2)
    automatic = build_corpus([SAMPLE_DIR], progress=False)
    assert chosen == [2]
    assert automatic == build_corpus([SAMPLE_DIR], progress=False, workers=1)
    assert chosen == [2, 1]


def test_workers_forces_the_number_of_processes(tmp_path, chosen):
    result = CliRunner().invoke(kg.cli.main, ["build", "--out", str(tmp_path / "out"), "--quiet", "-j", "2"], catch_exceptions=False)
    assert result.exit_code == 0
    assert chosen == [2]
