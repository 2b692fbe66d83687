from pathlib import Path

import pytest

from kg.errors import InputError
from kg.sample import SAMPLE_DIR
from kg.sources import read_sources
from kg.sources.hf_listing import read


def write(tmp_path: Path, text: str | bytes, name: str = "listing.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_sample_corpus_has_every_entry_and_distinct_title():
    records = list(read_sources([SAMPLE_DIR]))
    assert len(records) == 414
    assert len({r.title for r in records}) == 310
    assert all(r.source.listed for r in records)
    assert not any(r.title in {"new", "Subscribe", "Daily Papers"} for r in records)


def test_header_skipped_date_kept_and_lines_numbered(tmp_path):
    path = write(tmp_path, "new\n\nSubscribe\n\nDaily Papers\n\nbyAK and the research community\n\nAug 6\n\n"
                           "First Paper\n\nAbstract one.\n\nSecond: Paper\n\nAbstract two.\n")
    records = list(read(path, "listing.txt"))
    assert [(r.title, r.abstract, r.source.line, r.source.listed) for r in records] == [
        ("First Paper", "Abstract one.", 11, "Aug 6"),
        ("Second: Paper", "Abstract two.", 15, "Aug 6"),
    ]


@pytest.mark.parametrize(
    "content, message",
    [
        ("Aug 6\n\nA title\n\nAn abstract.\n\nA title with no abstract\n", "listing.txt:7: expected an abstract after the title, found the end of the file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "listing.txt: expected a UTF-8 text file, found binary data"),
        ("", "listing.txt: expected a listing with at least one paper, found an empty file"),
        (b"Aug 6\n\nA title\n\nCaf\xe9 abstract\n", "listing.txt:5: expected UTF-8 text, found byte 0xe9 in column 4 (Latin-1 or Windows-1252?); re-save the file as UTF-8"),
        ("new\n\nSubscribe\n", "listing.txt: expected at least one title/abstract pair, found none"),
    ],
)
def test_bad_listing_names_file_and_line(tmp_path, content, message):
    path = write(tmp_path, content)
    with pytest.raises(InputError) as caught:
        list(read(path, "listing.txt"))
    assert str(caught.value) == message


def test_missing_file_and_unknown_format(tmp_path):
    with pytest.raises(InputError, match="expected an existing file or folder"):
        list(read_sources([tmp_path / "nope.txt"]))
    with pytest.raises(InputError, match="expected a listing file"):
        list(read_sources([write(tmp_path, "x", "data.xyz")]))


def test_folder_sources_are_named_relative_to_the_folder(tmp_path):
    folder = tmp_path / "listings"
    folder.mkdir()
    write(folder, "A title\n\nAn abstract.\n", "b.txt")
    write(folder, "Another title\n\nAnother abstract.\n", "a.txt")
    assert [r.source.path for r in read_sources([folder])] == ["listings/a.txt", "listings/b.txt"]


def test_hidden_files_and_folders_inside_a_folder_are_skipped(tmp_path):
    folder = tmp_path / "listings"
    (folder / ".git").mkdir(parents=True)
    write(folder, "A title\n\nAn abstract.\n", "a.txt")
    write(folder / ".git", "Not a listing\n", "notes.txt")
    write(folder, "x", ".swap.txt")
    assert [r.source.path for r in read_sources([folder])] == ["listings/a.txt"]
