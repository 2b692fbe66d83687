"""The arXiv metadata snapshot (Kaggle `arxiv-metadata-oai-snapshot.json`): JSON Lines, one paper a line.

Kept: the arXiv id, the DOI, the categories, the date of the first version, and the authors as
people (from `authors_parsed` when given, else the `authors` string split at commas and "and").
The abstract's hard line breaks are unwrapped. A 4 GB snapshot is streamed line by line (and
decompressed on the fly when named `.gz`).

>>> import json, tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "arxiv-metadata-oai-snapshot.json"
>>> _ = p.write_text(json.dumps({"id": "2101.11408", "authors": "Ada Lovelace, C. Babbage and A. N. Other",
...     "title": "A  Title", "abstract": "  One line\\nwrapped.\\n", "categories": "cs.CV cs.LG", "doi": None,
...     "versions": [{"version": "v1", "created": "Mon, 11 Jan 2021 20:31:27 GMT"}]}) + "\\n")
>>> (r,) = read(p, p.name)
>>> r.title, r.abstract, r.authors, r.ids, r.categories, r.date
('A Title', 'One line wrapped.', ('Ada Lovelace', 'C. Babbage', 'A. N. Other'), (('arxiv', '2101.11408'),), ('cs.CV', 'cs.LG'), '2021-01-11')
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from pathlib import Path

from ..errors import InputError
from ..model import PaperRecord, Source
from .identifiers import arxiv_id, paper_ids
from .json_records import json_lines, objects, one_line, read_records, text
from .lines import OnBad, raise_error

SHAPE = frozenset({"id", "authors", "title", "abstract", "categories"})
"""Keys every snapshot line has: what detection looks for in a file's first record."""
_AUTHOR_SEPARATOR = re.compile(r",\s*(?:and\s+)?|\s+and\s+")
_PARENTHESES = re.compile(r"\([^()]*\)")  # affiliations written inside the authors string


def looks_like(first: dict) -> bool:
    return SHAPE <= first.keys() and isinstance(first.get("authors"), str)


def read(path: Path, name: str, on_bad: OnBad = raise_error, categories: frozenset[str] = frozenset()) -> Iterator[PaperRecord]:
    """One PaperRecord per snapshot line in one of `categories` (any, if none); a bad line goes to
    `on_bad` (raises unless skipping). Lines of other categories are passed over before a record
    is made of them: most of a snapshot is outside the categories a user wants."""
    def selected(obj: dict, name: str, number: int) -> tuple[PaperRecord, ...]:
        listed = obj.get("categories")
        return _record(obj, name, number) if not isinstance(listed, str) or not categories.isdisjoint(listed.split()) else ()

    return read_records(json_lines(path, name, on_bad), name, selected if categories else _record, on_bad)


def _record(obj: dict, name: str, number: int) -> tuple[PaperRecord]:
    raw_id = text(obj, "id", name, number)
    if arxiv_id(raw_id) is None:
        raise InputError(name, number, '"id" as an arXiv id (2101.11408 or math/0406001)', repr(raw_id[:40]))
    return (PaperRecord(
        title=one_line(text(obj, "title", name, number)),
        abstract=one_line(text(obj, "abstract", name, number)),
        source=Source(name, number),
        authors=_authors(obj, name, number),
        ids=paper_ids(arxiv=raw_id, doi=text(obj, "doi", name, number, required=False)),
        categories=tuple(text(obj, "categories", name, number, required=False).split()),
        date=_first_version_date(obj, name, number),
    ),)


def _authors(obj: dict, name: str, number: int) -> tuple[str, ...]:
    """People's names, "First Last Suffix" from `authors_parsed` ([last, first, suffix]), else split from `authors`."""
    parsed = obj.get("authors_parsed")
    if isinstance(parsed, list) and parsed and all(isinstance(p, list) and all(isinstance(x, str) for x in p) for p in parsed):
        return tuple(n for n in (one_line(" ".join((*p[1:2], *p[:1], *p[2:3]))) for p in parsed) if n)
    people = _PARENTHESES.sub(" ", text(obj, "authors", name, number))
    return tuple(n for n in (one_line(part) for part in _AUTHOR_SEPARATOR.split(people)) if n)


def _first_version_date(obj: dict, name: str, number: int) -> str | None:
    """YYYY-MM-DD of version 1 (`versions[0].created`, an RFC 2822 date), else `update_date`."""
    for version in objects(obj, "versions", name, number)[:1]:
        try:
            return parsedate_to_datetime(str(version.get("created"))).date().isoformat()
        except (TypeError, ValueError):
            raise InputError(name, number, '"versions[0].created" as a date like "Mon, 11 Jan 2021 20:31:27 GMT"',
                             repr(str(version.get("created"))[:40])) from None
    return text(obj, "update_date", name, number, required=False) or None
