"""JSON-array dumps streamed safely: gzipped, broken, truncated, hostile nesting, a wrong top level."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.sources import format_of, read_sources
from kg.sources.json_records import MAX_DEPTH, json_array

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
LINKS = FIXTURES / "pwc-links-between-papers-and-code.json"


def test_gzipped_dump_is_detected_and_streamed(tmp_path):
    path = tmp_path / "links-between-papers-and-code.json.gz"
    path.write_bytes(gzip.compress(LINKS.read_bytes()))
    assert format_of(path) == "pwc-links"
    assert [r.curated.repos[0][0] for r in read_sources([path])] == [
        "https://github.com/example-lab/lattice-attention", "https://github.com/someone-else/graphprior-tf"]


@pytest.mark.parametrize("content, message", [
    (b'[{"a": 1}, {"a": ', "dump.json:2: expected a JSON array of records, found invalid JSON"),
    (b'[{"a": 1}, }', "dump.json:2: expected a JSON array of records, found invalid JSON"),
    (b"[" * 100_000, f"dump.json:1: expected a JSON array of records, found JSON nested more than {MAX_DEPTH} deep"),
    (b'{"a": 1}', "dump.json: expected a JSON array of records, found a JSON map"),
    (b"[]", "dump.json: expected a JSON array with at least one record, found none"),
])
def test_broken_arrays_fail_in_one_line(tmp_path, content, message):
    path = tmp_path / "dump.json"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        list(json_array(path, "dump.json"))
    assert str(err.value).startswith(message)


def test_a_bad_record_is_skipped_with_its_position(tmp_path):
    links = json.loads(LINKS.read_text())
    broken = [links[0], {**links[1], "paper_title": None}, "not a record"]
    path = tmp_path / "links.json"
    path.write_text(json.dumps(broken))
    skipped: list[InputError] = []
    assert len(list(read_sources([path], on_bad=skipped.append))) == 1
    assert [str(e) for e in skipped] == [
        f'{path}:2: expected "paper_title" as a non-empty string, found no "paper_title"',
        f"{path}:3: expected a JSON object (one paper per record), found a JSON str"]


def test_unknown_array_shape_names_its_keys(tmp_path):
    path = tmp_path / "other.json"
    path.write_text('[{"zebra": 1, "apple": 2}]')
    with pytest.raises(InputError, match=r"other.json: expected records of a known format \(.*; or give --format\), found a record with keys apple, zebra"):
        list(read_sources([path]))


def test_a_dump_whose_first_record_cannot_be_read_says_so(tmp_path):
    path = tmp_path / "deep.json"
    path.write_bytes(b"[" * 100_000)
    with pytest.raises(InputError, match=r"deep.json: expected records of a known format \(.*\), found no JSON record in the array"):
        list(read_sources([path]))
