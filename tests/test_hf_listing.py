"""The Hugging Face listing reader, case by case: the cases its mutants must not survive."""
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.sources.hf_listing import MAX_TITLE_CHARS, read


def records(tmp_path: Path, text: str) -> list[tuple[str, str, int, str | None]]:
    path = tmp_path / "day.txt"
    path.write_text(text, encoding="utf-8")
    return [(r.title, r.abstract, r.source.line, r.source.listed) for r in read(path, "day.txt")]


@pytest.mark.parametrize("date", ["Aug 6", "Aug 6, 2024", "March 12", "Dec 31, 1999", "Sep 1"])
def test_date_lines_with_or_without_a_year_are_dates(tmp_path, date):
    assert records(tmp_path, f"{date}\n\nA Title\n\nIts abstract.\n") == [("A Title", "Its abstract.", 3, date)]


@pytest.mark.parametrize("title", ["Aug 2024 Results", "Mayhem 12", "Aug 6 and more", "aug 6", "Aug 123"])
def test_lines_that_only_look_like_dates_are_titles(tmp_path, title):
    assert records(tmp_path, f"{title}\n\nIts abstract.\n") == [(title, "Its abstract.", 1, None)]


def test_a_date_line_between_papers_dates_the_papers_after_it(tmp_path):
    text = "Mar 11\n\nFirst\n\nOne.\n\nMar 12\n\nSecond\n\nTwo.\n"
    assert records(tmp_path, text) == [("First", "One.", 3, "Mar 11"), ("Second", "Two.", 9, "Mar 12")]


def test_a_date_line_right_after_a_title_is_its_abstract(tmp_path):
    assert records(tmp_path, "A Title\n\nMar 12\n") == [("A Title", "Mar 12", 1, None)]


def test_header_words_are_skipped_only_before_the_first_paper(tmp_path):
    text = "Subscribe\n\nnew\n\nFirst\n\nOne.\n\nNew\n\nAn abstract that follows the title New.\n"
    assert records(tmp_path, text) == [("First", "One.", 5, None),
                                       ("New", "An abstract that follows the title New.", 9, None)]


def test_a_header_word_as_the_abstract_of_the_first_paper_is_kept(tmp_path):
    assert records(tmp_path, "Daily Papers\n\nA Title\n\nSubscribe\n") == [("A Title", "Subscribe", 3, None)]


def test_titles_up_to_the_limit_are_read_and_longer_lines_refused(tmp_path):
    assert MAX_TITLE_CHARS == 400  # the documented limit: a longer line is an abstract out of place
    longest = "T" * MAX_TITLE_CHARS
    assert records(tmp_path, f"{longest}\n\nIts abstract.\n")[0][0] == longest
    with pytest.raises(InputError) as caught:
        records(tmp_path, f"{longest}T\n\nIts abstract.\n")
    assert str(caught.value) == f"day.txt:1: expected a paper title, found a {MAX_TITLE_CHARS + 1}-character line"


def test_a_long_abstract_is_not_taken_for_a_title(tmp_path):
    abstract = "word " * 200
    assert records(tmp_path, f"A Title\n\n{abstract}\n")[0][1] == abstract.strip()


def test_a_trailing_title_is_reported_and_skipped_when_asked(tmp_path):
    path = tmp_path / "day.txt"
    path.write_text("A Title\n\nIts abstract.\n\nOrphan\n", encoding="utf-8")
    bad: list[InputError] = []
    assert [r.title for r in read(path, "day.txt", bad.append)] == ["A Title"]
    assert [str(e) for e in bad] == ["day.txt:5: expected an abstract after the title, found the end of the file"]


def test_surrounding_spaces_are_trimmed(tmp_path):
    assert records(tmp_path, "  Mar 12  \n\n  A Title \n\n Its abstract. \n") == [("A Title", "Its abstract.", 3, "Mar 12")]
