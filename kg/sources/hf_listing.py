"""The text of a Hugging Face paper-listing page: header lines, a date, then title/abstract pairs.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "day.txt"
>>> _ = p.write_text("new\\n\\nSubscribe\\n\\nMar 12\\n\\nA Title\\n\\nIts abstract.\\n")
>>> [(r.title, r.abstract, r.source.line, r.source.listed) for r in read(p, "day.txt")]
[('A Title', 'Its abstract.', 7, 'Mar 12')]
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from ..model import PaperRecord, Source

HEADER_LINES = {
    "new",
    "get trending papers in your email inbox!",
    "subscribe",
    "daily papers",
    "byak and the research community",
}
DATE_LINE = re.compile(r"^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{1,2}(, \d{4})?$")
MAX_TITLE_CHARS = 400  # a longer "title" is an abstract out of place


def read_text(path: Path, name: str) -> str:
    """The file's text as UTF-8, or an InputError saying why it is not a text listing."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(name, None, "a readable file", err.strerror) from None
    if not data.strip():
        raise InputError(name, None, "a listing with at least one paper", "an empty file")
    if b"\0" in data[:8192]:
        raise InputError(name, None, "a UTF-8 text file", "binary data")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise InputError(name, line, "UTF-8 text", f"byte 0x{data[err.start]:02x}") from None


def read(path: Path, name: str) -> Iterator[PaperRecord]:
    """Title/abstract pairs with their line numbers; header lines skipped, date line kept."""
    listed: str | None = None
    title: tuple[int, str] | None = None
    seen_paper = False
    for number, raw in enumerate(read_text(path, name).splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if title is None and not seen_paper and line.lower() in HEADER_LINES:
            continue
        if title is None and DATE_LINE.match(line):
            listed = line
            continue
        if title is None:
            if len(line) > MAX_TITLE_CHARS:
                raise InputError(name, number, "a paper title", f"a {len(line)}-character line")
            title = (number, line)
            continue
        seen_paper = True
        yield PaperRecord(title=title[1], abstract=line, source=Source(name, title[0], listed))
        title = None
    if title is not None:
        raise InputError(name, title[0], "an abstract after the title", "the end of the file")
    if not seen_paper:
        raise InputError(name, None, "at least one title/abstract pair", "none")
