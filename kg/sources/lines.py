"""Reading a listing file as UTF-8 text, one line at a time, with every check a hostile file needs.

Every format reads its file through `lines`, so they all fail the same way: one InputError
naming the file, the line and what was expected (an empty file, binary data, UTF-16, Latin-1
bytes, a line longer than MAX_LINE_BYTES). Lines are read in binary with a length cap, so a
50 MB file with no newline fails after reading one MiB, in bounded memory. A file named `.gz`
is decompressed as it is read (`open_binary`), never whole.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
>>> _ = p.write_bytes(b"\\xef\\xbb\\xbfTitle\\r\\n\\nAbstract\\x07 text\\n")
>>> list(lines(p, "a.txt"))
[(1, 'Title'), (2, ''), (3, 'Abstract  text')]
>>> _ = p.write_bytes("Title\\n".encode("utf-16"))
>>> list(lines(p, "a.txt"))
Traceback (most recent call last):
kg.errors.InputError: a.txt:1: expected UTF-8 text, found UTF-16 (byte-order mark FF FE); re-save the file as UTF-8
"""
from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from ..errors import InputError

MAX_LINE_BYTES = 1 << 20  # an abstract is a few KB; a longer "line" is not a listing
HEAD_BYTES = 8192  # how much of the file's start is inspected for binary data and UTF-16
_BOMS = {b"\xff\xfe": "UTF-16 (byte-order mark FF FE)", b"\xfe\xff": "UTF-16 (byte-order mark FE FF)"}
# C0/C1 control characters (except tab) and the two XML non-characters: they have no place in a
# title or abstract and would make the GraphML and HTML exports invalid, so they become spaces.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")


OnBad = Callable[[InputError], None]
"""What a reader does with one bad entry: raise it (the default) or note it and go on (--skip-bad)."""


def raise_error(error: InputError) -> None:
    raise error


def clean(text: str) -> str:
    """`text` with control characters other than tab and newline replaced by spaces.

    >>> clean("a\\x0cb\\x00c\\nd")
    'a b c\\nd'
    """
    return _CONTROL.sub(" ", text)


def plain_name(path: Path) -> str:
    """The file's name without a `.gz` ending: what says its format."""
    return path.name.lower().removesuffix(".gz")


@contextmanager
def open_binary(path: Path, name: str) -> Iterator[IO[bytes]]:
    """The file's bytes, decompressed if it is named `.gz`; a broken or truncated gzip stream
    read inside the block becomes an InputError naming the file."""
    try:
        handle = gzip.open(path, "rb") if path.name.lower().endswith(".gz") else path.open("rb")
    except OSError as err:
        raise InputError(name, None, "a readable file", err.strerror) from None
    with handle:
        try:
            yield handle
        except (gzip.BadGzipFile, EOFError, zlib.error) as err:
            raise InputError(name, None, "a complete gzip file", str(err) or type(err).__name__) from None


def lines(path: Path, name: str) -> Iterator[tuple[int, str]]:
    """(line number, cleaned text without the line break) for every line of a UTF-8 file."""
    with open_binary(path, name) as handle:
        _check_head(handle.read(HEAD_BYTES), name)
        handle.seek(0)
        blank = True
        for number, raw in enumerate(iter(lambda: handle.readline(MAX_LINE_BYTES + 1), b""), start=1):
            if len(raw) > MAX_LINE_BYTES:
                raise InputError(name, number, f"a line of at most {MAX_LINE_BYTES:,} bytes", "a longer one")
            if b"\0" in raw:
                raise InputError(name, number, "a UTF-8 text file", "binary data (a NUL byte)")
            if number == 1:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                raise InputError(name, number, "UTF-8 text",
                                 f"byte 0x{raw[err.start]:02x} in column {err.start + 1} "
                                 "(Latin-1 or Windows-1252?); re-save the file as UTF-8") from None
            text = clean(text.rstrip("\r\n"))
            blank = blank and not text.strip()
            yield number, text
        if blank:
            raise InputError(name, None, "a listing with at least one paper", "an empty file")


def _check_head(head: bytes, name: str) -> None:
    """Fail on a UTF-16 file (with or without a byte-order mark) or a binary one."""
    for bom, found in _BOMS.items():
        if head.startswith(bom):
            raise InputError(name, 1, "UTF-8 text", f"{found}; re-save the file as UTF-8")
    if b"\0" not in head:
        return
    even, odd = head[0::2], head[1::2]
    if len(head) >= 4 and (odd.count(0) > 0.9 * len(odd) or even.count(0) > 0.9 * len(even)):
        raise InputError(name, 1, "UTF-8 text", "UTF-16 (no byte-order mark); re-save the file as UTF-8")
    raise InputError(name, None, "a UTF-8 text file", "binary data")
