"""kg.sources.arxiv case by case: the fields a snapshot line gives, and the lines it refuses."""
import json
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.sources import arxiv

BASE = {"id": "2101.11408", "authors": "A. Author", "title": "T", "abstract": "A.", "categories": "cs.CV", "doi": None,
        "versions": [{"version": "v1", "created": "Mon, 11 Jan 2021 20:31:27 GMT"}]}


def read(tmp_path: Path, *lines: dict, categories: frozenset[str] = frozenset(), on_bad=None):
    path = tmp_path / "snapshot.json"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    kwargs = {"categories": categories} if categories else {}
    return list(arxiv.read(path, "snapshot.json", on_bad, **kwargs) if on_bad else arxiv.read(path, "snapshot.json", **kwargs))


def one(tmp_path: Path, **fields):
    (record,) = read(tmp_path, {**BASE, **fields})
    return record


@pytest.mark.parametrize("first, expected", [
    (BASE, True),
    ({**BASE, "authors": ["A. Author"]}, False),  # a list of authors: another source's shape
    ({k: v for k, v in BASE.items() if k != "categories"}, False),
])
def test_detection_needs_every_snapshot_key_and_an_authors_string(first, expected):
    assert arxiv.looks_like(first) is expected


@pytest.mark.parametrize("authors, people", [
    ("Ada Lovelace, Alan Turing", ("Ada Lovelace", "Alan Turing")),
    ("Ada Lovelace and Alan Turing", ("Ada Lovelace", "Alan Turing")),
    ("A. One, B. Two, and C. Three", ("A. One", "B. Two", "C. Three")),
    ("Ada Lovelace (Analytical Engines Ltd), Alan Turing (Bletchley)", ("Ada Lovelace", "Alan Turing")),
])
def test_the_authors_string_is_split_into_people(tmp_path, authors, people):
    assert one(tmp_path, authors=authors).authors == people


def test_authors_parsed_wins_and_reads_first_last_suffix(tmp_path):
    record = one(tmp_path, authors="ignored", authors_parsed=[["Lovelace", "Ada", ""], ["King", "Martin Luther", "Jr."]])
    assert record.authors == ("Ada Lovelace", "Martin Luther King Jr.")


def test_ids_doi_categories_and_the_first_versions_date(tmp_path):
    record = one(tmp_path, doi="10.1000/X.1", categories="cs.CV  cs.LG",
                 versions=[{"version": "v1", "created": "Tue, 2 Feb 2021 01:00:00 GMT"},
                           {"version": "v2", "created": "Wed, 3 Mar 2021 01:00:00 GMT"}], update_date="2022-01-01")
    assert dict(record.ids) == {"arxiv": "2101.11408", "doi": "10.1000/x.1"}
    assert record.categories == ("cs.CV", "cs.LG")
    assert record.date == "2021-02-02"


@pytest.mark.parametrize("versions", [None, []])
def test_without_versions_the_update_date_is_the_date(tmp_path, versions):
    assert one(tmp_path, versions=versions, update_date="2022-01-01").date == "2022-01-01"


def test_a_bad_version_date_names_the_line(tmp_path):
    with pytest.raises(InputError) as caught:
        one(tmp_path, versions=[{"version": "v1", "created": "yesterday"}])
    assert str(caught.value) == ('snapshot.json:1: expected "versions[0].created" as a date like '
                                 '"Mon, 11 Jan 2021 20:31:27 GMT", found \'yesterday\'')


def test_an_id_that_is_no_arxiv_id_names_the_line(tmp_path):
    with pytest.raises(InputError) as caught:
        one(tmp_path, id="not-an-id")
    assert str(caught.value) == "snapshot.json:1: expected \"id\" as an arXiv id (2101.11408 or math/0406001), found 'not-an-id'"


def test_categories_select_lines_and_a_line_without_categories_is_kept(tmp_path):
    lines = [{**BASE, "id": "2101.00001", "categories": "cs.CV"}, {**BASE, "id": "2101.00002", "categories": "math.PR"},
             {**BASE, "id": "2101.00003", "categories": None}]
    kept = read(tmp_path, *lines, categories=frozenset({"cs.CV"}))
    assert [dict(r.ids)["arxiv"] for r in kept] == ["2101.00001", "2101.00003"]
    assert len(read(tmp_path, *lines)) == 3


def test_lines_of_other_categories_are_not_checked(tmp_path):
    lines = [{**BASE, "id": "bad id", "categories": "math.PR"}, {**BASE, "categories": "cs.CV"}]
    assert len(read(tmp_path, *lines, categories=frozenset({"cs.CV"}))) == 1


def test_a_first_record_with_exactly_the_snapshot_keys_is_a_snapshot():
    assert arxiv.looks_like({key: BASE[key] for key in arxiv.SHAPE})


@pytest.mark.parametrize("parsed", [[], [["Lovelace", 5]], "Lovelace, Ada"])
def test_authors_parsed_that_is_empty_or_not_strings_falls_back_to_the_string(tmp_path, parsed):
    assert one(tmp_path, authors="Ada Lovelace, Alan Turing", authors_parsed=parsed).authors == ("Ada Lovelace", "Alan Turing")


def test_authors_parsed_reads_three_fields_and_ignores_more(tmp_path):
    assert one(tmp_path, authors_parsed=[["Lovelace", "Ada", "", "Analytical Engines Ltd"]]).authors == ("Ada Lovelace",)


def test_without_versions_or_update_date_there_is_no_date(tmp_path):
    assert one(tmp_path, versions=[]).date is None


def test_long_bad_values_are_quoted_up_to_forty_characters(tmp_path):
    with pytest.raises(InputError) as caught:
        one(tmp_path, id="x" * 45)
    assert str(caught.value).endswith(f"found '{'x' * 40}'")
    with pytest.raises(InputError) as caught:
        one(tmp_path, versions=[{"version": "v1", "created": "y" * 45}])
    assert str(caught.value).endswith(f"found '{'y' * 40}'")
