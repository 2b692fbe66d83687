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
from .lines import OnBad, lines, raise_error

HEADER_LINES = {
    "new",
    "get trending papers in your email inbox!",
    "subscribe",
    "daily papers",
    "byak and the research community",
}
DATE_LINE = re.compile(r"^(Jan(uary)?|Feb(ruary)?|Mar(ch)?|Apr(il)?|May|June?|July?|Aug(ust)?|Sep(t(ember)?)?"
                       r"|Oct(ober)?|Nov(ember)?|Dec(ember)?) \d{1,2}(, \d{4})?$")
"""A listing's date as the page shows it ("Mar 12", "Aug 6, 2024"): a month's name or its abbreviation,
exactly, so that a title such as "Mayhem 12" is not taken for a date."""
MAX_TITLE_CHARS = 400  # a longer "title" is an abstract out of place


def read(path: Path, name: str, on_bad: OnBad = raise_error) -> Iterator[PaperRecord]:
    """Title/abstract pairs with their line numbers; header lines skipped, date line kept.

    A title left without an abstract at the end of the file goes to `on_bad` (which raises
    unless told to skip); every other problem desynchronises titles and abstracts, so it raises.
    """
    listed: str | None = None
    title: tuple[int, str] | None = None
    seen_paper = False
    for number, raw in lines(path, name):
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
        on_bad(InputError(name, title[0], "an abstract after the title", "the end of the file"))
    if not seen_paper:
        raise InputError(name, None, "at least one title/abstract pair", "none")
