"""JSON Lines listings: one paper per line, as an object with at least "title" and "abstract".

Optional keys: "date" (the listing date as written), "authors" and "urls" (lists of
strings); other keys are ignored. Blank lines are skipped. A broken line is reported with its
number and what was wrong, and `--skip-bad` skips it instead of stopping.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "papers.jsonl"
>>> _ = p.write_text('{"title": "A Title", "abstract": "Its abstract.", "date": "Mar 12", "authors": ["Ada"]}\\n')
>>> [(r.title, r.abstract, r.source.line, r.source.listed, r.authors) for r in read(p, "papers.jsonl")]
[('A Title', 'Its abstract.', 1, 'Mar 12', ('Ada',))]
>>> _ = p.write_text('{"title": "A Title"}\\n')
>>> list(read(p, "papers.jsonl"))
Traceback (most recent call last):
kg.errors.InputError: papers.jsonl:1: expected "abstract" as a non-empty string, found no "abstract"
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from ..model import PaperRecord, Source
from .hf_listing import MAX_TITLE_CHARS
from .json_records import json_lines, one_line, read_records, text, texts
from .lines import OnBad, raise_error


def read(path: Path, name: str, on_bad: OnBad = raise_error) -> Iterator[PaperRecord]:
    """One PaperRecord per non-blank line; a bad line goes to `on_bad` (raises unless skipping)."""
    return read_records(json_lines(path, name, on_bad), name, _record, on_bad)


def _record(obj: dict, name: str, number: int) -> tuple[PaperRecord]:
    title = one_line(text(obj, "title", name, number))
    if len(title) > MAX_TITLE_CHARS:
        raise InputError(name, number, f'a "title" of at most {MAX_TITLE_CHARS} characters', f"{len(title)}")
    date = text(obj, "date", name, number) if obj.get("date") is not None else None
    return (PaperRecord(
        title=title,
        abstract=text(obj, "abstract", name, number),
        source=Source(name, number, date),
        authors=texts(obj, "authors", name, number),
        urls=texts(obj, "urls", name, number),
    ),)
