"""The arXiv metadata snapshot as shipped: `.json` JSON Lines, optionally gzipped, detected, filtered by category."""
from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg
from kg.cli import main
from kg.errors import InputError
from kg.sources import ReadOptions, format_of, read_sources

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
SNAPSHOT = FIXTURES / "arxiv-metadata-oai-snapshot.json"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def line(**fields) -> str:
    record = {"id": "2201.00001", "authors": "A. Author", "title": "T", "abstract": "A.", "categories": "cs.CV",
              "doi": None, "versions": [{"version": "v1", "created": "Mon, 3 Jan 2022 10:00:00 GMT"}]}
    return json.dumps({**record, **fields}) + "\n"


def test_snapshot_records_keep_ids_people_categories_and_first_version_date():
    records = list(read_sources([SNAPSHOT]))
    assert [r.ids for r in records] == [(("arxiv", "2101.00001"),), (("arxiv", "2102.00002"), ("doi", "10.1000/j.seg.2021.2")),
                                        (("arxiv", "math/0406001"),)]
    assert [r.authors for r in records] == [("Ada Lovelace", "Alan Turing"), ("Grace Hopper", "Edsger Dijkstra"), ("Karl Gauss",)]
    assert [r.categories for r in records] == [("cs.CV",), ("cs.CV", "cs.LG"), ("math.PR",)]
    assert [r.date for r in records] == ["2021-01-02", "2021-02-02", "2004-06-01"]  # v1, not update_date
    assert records[0].title == "Lattice Attention for Image Denoising"
    assert records[0].abstract == ("We propose LatticeNet, a lattice attention network for image denoising. "
                                   "Experiments on CIFAR-10 show that LatticeNet outperforms ResNet.")


def test_detected_from_first_record_under_any_name_and_gzipped(tmp_path):
    renamed = tmp_path / "dump.jsonl.gz"
    renamed.write_bytes(gzip.compress(SNAPSHOT.read_bytes()))
    assert format_of(SNAPSHOT) == format_of(renamed) == "arxiv"
    assert [r.ids for r in read_sources([renamed])] == [r.ids for r in read_sources([SNAPSHOT])]
    assert [r.source.path for r in read_sources([renamed])] == [str(renamed)] * 3


def test_truncated_gzip_is_one_clear_error(tmp_path):
    broken = tmp_path / "snapshot.json.gz"
    broken.write_bytes(gzip.compress(SNAPSHOT.read_bytes() * 50)[:300])
    with pytest.raises(InputError, match=r"snapshot.json.gz: expected a complete gzip file"):
        list(read_sources([broken]))


def test_category_selects_and_is_repeatable(tmp_path):
    def titles(*categories: str) -> list[str]:
        return [r.title for r in read_sources([SNAPSHOT], options=ReadOptions(categories=frozenset(categories)))]
    assert titles("cs.LG") == ["Graph Priors for Few-Shot Segmentation"]
    assert titles("cs.CV") == ["Lattice Attention for Image Denoising", "Graph Priors for Few-Shot Segmentation"]
    assert titles("math.PR", "cs.LG") == ["Graph Priors for Few-Shot Segmentation", "Random Walks on Lattices"]

    result = run("build", str(SNAPSHOT), "--category", "cs.LG", "--category", "math.PR", "--out", str(tmp_path / "out"), "-q")
    assert result.exit_code == 0, result.output
    rows = kg.open(tmp_path / "out").query("SELECT ?a WHERE { ?p kg:arxivId ?a } ORDER BY ?a").rows
    assert [r[0] for r in rows] == ["2102.00002", "math/0406001"]


def test_add_selects_by_category_too(tmp_path):
    listing = tmp_path / "day.txt"
    listing.write_text("Mar 12\n\nA Listed Paper\n\nWe propose ListNet. Experiments on CIFAR-10.\n", encoding="utf-8")
    assert run("build", str(listing), "--out", str(tmp_path / "out"), "-q").exit_code == 0
    result = run("add", str(SNAPSHOT), "--category", "math.PR", "--graph", str(tmp_path / "out"), "-q")
    assert result.exit_code == 0, result.output
    rows = kg.open(tmp_path / "out").query("SELECT ?a WHERE { ?p kg:arxivId ?a } ORDER BY ?a").rows
    assert [r[0] for r in rows] == ["math/0406001"]


def test_authors_string_split_when_authors_parsed_is_absent(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(line(authors="Ada Lovelace (Analytical Engines Ltd), Alan Turing and  Grace Hopper"))
    assert next(read_sources([path])).authors == ("Ada Lovelace", "Alan Turing", "Grace Hopper")


def test_format_option_overrides_detection(tmp_path):
    path = tmp_path / "papers.jsonl"
    path.write_text(line(title="Only Title And Abstract Keys Matter Here", id="2201.00009"))
    assert format_of(path) == "arxiv"
    with pytest.raises(InputError, match='papers.jsonl:1: expected "id" as an OpenAlex work'):
        list(read_sources([path], options=ReadOptions(format="openalex")))
    result = run("build", str(path), "--format", "jsonl", "--out", str(tmp_path / "out"), "-q")
    assert result.exit_code == 2  # read as plain title/abstract lines, whose authors are a list
    assert result.output.strip() == f'kg: error: {path}:1: expected "authors" as a list of strings, found "A. Author"'
    assert not (tmp_path / "out").exists()


def test_bad_line_names_file_and_line_and_writes_nothing(tmp_path):
    path = tmp_path / "snapshot.json"
    path.write_text(SNAPSHOT.read_text() + line(id="not an id") + line(title=None))
    out = tmp_path / "out"
    result = run("build", str(path), "--out", str(out), "-q")
    assert result.exit_code == 2
    assert result.output.strip() == (f"kg: error: {path}:4: expected \"id\" as an arXiv id (2101.11408 or math/0406001), "
                                     "found 'not an id'")
    assert not out.exists()

    result = run("build", str(path), "--out", str(out), "-q", "--skip-bad")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"kg: skipped 2 bad entries (first: {path}:4: expected \"id\" as an arXiv id (2101.11408 or math/0406001), found 'not an id')"
    assert len(kg.open(out).query("SELECT ?p WHERE { ?p a kg:Paper }").rows) == 3


def test_skip_bad_over_only_bad_lines_still_says_why(tmp_path):
    path = tmp_path / "snapshot.json"
    path.write_text(line(title=None))
    result = run("build", str(path), "--out", str(tmp_path / "out"), "-q", "--skip-bad")
    assert result.exit_code == 2
    assert 'expected at least one paper, found none (first bad entry: ' in result.output
    assert f'{path}:1: expected "title" as a non-empty string' in result.output


def test_snapshot_in_a_folder_is_found(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SNAPSHOT, folder / SNAPSHOT.name)
    assert {r.source.path for r in read_sources([folder])} == {f"in/{SNAPSHOT.name}"}
