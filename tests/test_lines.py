"""kg.sources.lines at its edges: the exact limits and the UTF-16 / binary decisions every reader relies on."""
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.sources.lines import MAX_LINE_BYTES, lines


def read(tmp_path: Path, data: bytes) -> list[tuple[int, str]]:
    path = tmp_path / "a.txt"
    path.write_bytes(data)
    return list(lines(path, "a.txt"))


def error(tmp_path: Path, data: bytes) -> str:
    with pytest.raises(InputError) as caught:
        read(tmp_path, data)
    return str(caught.value)


def test_the_line_limit_is_one_mebibyte_with_or_without_its_line_break(tmp_path):
    assert MAX_LINE_BYTES == 1 << 20  # the documented limit (README: "a line longer than 1 MiB")
    longest = b"x" * MAX_LINE_BYTES
    assert read(tmp_path, longest) == [(1, "x" * MAX_LINE_BYTES)]
    assert read(tmp_path, b"t\n" + longest[:-1] + b"\n") == [(1, "t"), (2, "x" * (MAX_LINE_BYTES - 1))]
    assert error(tmp_path, longest + b"x") == "a.txt:1: expected a line of at most 1,048,576 bytes, found a longer one"
    assert error(tmp_path, b"t\n" + longest + b"\n").startswith("a.txt:2: expected a line of at most")


def test_a_byte_order_mark_is_dropped_only_where_it_marks_the_file(tmp_path):
    assert read(tmp_path, b"\xef\xbb\xbfTitle\n\xef\xbb\xbfAbstract\n") == [(1, "Title"), (2, "\ufeffAbstract")]


@pytest.mark.parametrize("data", [b"", b"\n\n", b"  \n\t\n \r\n"])
def test_a_file_of_blank_lines_is_empty(tmp_path, data):
    assert error(tmp_path, data) == "a.txt: expected a listing with at least one paper, found an empty file"


def test_a_folder_is_not_a_readable_file(tmp_path):
    with pytest.raises(InputError) as caught:
        list(lines(tmp_path, "listings"))
    assert str(caught.value) == "listings: expected a readable file, found Is a directory"


UTF16 = "UTF-8 text, found UTF-16 (no byte-order mark); re-save the file as UTF-8"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_named(tmp_path, encoding):
    assert error(tmp_path, "Title\n\nAbstract\n".encode(encoding)) == f"a.txt:1: expected {UTF16}"


@pytest.mark.parametrize("data, found", [
    (b"a\0b\0", "a.txt:1: expected " + UTF16),  # four bytes are enough to tell
    (b"a\0b", "a.txt: expected a UTF-8 text file, found binary data"),  # three are not
    # more than nine in ten zero bytes on one side is UTF-16; nine in ten exactly is not
    (b"".join(b"x\0" for _ in range(10)), "a.txt:1: expected " + UTF16),
    (b"".join(b"x\0" for _ in range(9)) + b"xy", "a.txt: expected a UTF-8 text file, found binary data"),
    (b"".join(b"\0x" for _ in range(9)) + b"yx", "a.txt: expected a UTF-8 text file, found binary data"),
    (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "a.txt: expected a UTF-8 text file, found binary data"),
])
def test_zero_bytes_at_the_start_are_utf16_or_binary(tmp_path, data, found):
    assert error(tmp_path, data) == found


def test_only_the_first_8_kib_are_inspected_before_reading(tmp_path):
    assert error(tmp_path, b"x" * 8191 + b"\0\n").startswith("a.txt: expected a UTF-8 text file")
    assert error(tmp_path, b"x" * 8192 + b"\0\n") == "a.txt:1: expected a UTF-8 text file, found binary data (a NUL byte)"
