"""OpenAlex works (snapshot partitions: gzipped JSON Lines; the API's `results` items have the same shape).

Kept: the OpenAlex id, the DOI (an arXiv DOI 10.48550/arXiv.NNNN also gives the arXiv id, which
OpenAlex does not list), title, authors, publication date, the abstract rebuilt from
`abstract_inverted_index` (OpenAlex ships no plain abstract), and `referenced_works` as the
paper's citations.

>>> rebuild_abstract({"deep": [1], "We": [0], "nets.": [2]})
'We deep nets.'
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from ..model import Evidence, PaperRecord, Reference, Source
from .identifiers import paper_ids
from .json_records import json_lines, mapping, objects, one_line, read_records, text, valid_unicode
from .lines import OnBad, clean, raise_error

EXTRACTOR = "openalex"
WORK_PREFIX = "https://openalex.org/"


def looks_like(first: dict) -> bool:
    return str(first.get("id", "")).startswith(WORK_PREFIX) or "abstract_inverted_index" in first


def read(path: Path, name: str, on_bad: OnBad = raise_error) -> Iterator[PaperRecord]:
    """One PaperRecord per work; a bad line goes to `on_bad` (raises unless skipping)."""
    return read_records(json_lines(path, name, on_bad), name, _record, on_bad)


def work_id(value: object) -> str | None:
    """W… of an OpenAlex work URL or id.

    >>> work_id("https://openalex.org/W2194775991")
    'W2194775991'
    """
    short = str(value or "").removeprefix(WORK_PREFIX)
    return short if short[:1] == "W" and short[1:].isdigit() else None


def _record(obj: dict, name: str, number: int) -> tuple[PaperRecord]:
    wid = work_id(obj.get("id"))
    if wid is None:
        raise InputError(name, number, '"id" as an OpenAlex work (https://openalex.org/W…)', repr(str(obj.get("id"))[:40]))
    title = text(obj, "title", name, number, required=False) or text(obj, "display_name", name, number)
    source = Source(name, number)
    cites = Evidence(f"OpenAlex {wid} referenced_works", EXTRACTOR, 1.0, source=source)
    references = []
    for cited in obj.get("referenced_works") or ():
        cited_id = work_id(cited)
        if cited_id is None:
            raise InputError(name, number, '"referenced_works" as OpenAlex work ids', repr(str(cited)[:40]))
        references.append(Reference("openalex", cited_id, cites))
    authors = (mapping(a, "author", name, number).get("display_name") for a in objects(obj, "authorships", name, number))
    return (PaperRecord(
        title=one_line(title),
        abstract=valid_unicode(clean(rebuild_abstract(mapping(obj, "abstract_inverted_index", name, number))),
                               "abstract_inverted_index", name, number),
        source=source,
        authors=tuple(one_line(clean(a)) for a in authors if isinstance(a, str) and a.strip()),
        ids=paper_ids(doi=text(obj, "doi", name, number, required=False), openalex=wid),
        date=text(obj, "publication_date", name, number, required=False) or None,
        references=tuple(references),
    ),)


def rebuild_abstract(index: dict) -> str:
    """The abstract from an inverted index {word: [positions]}: each word put back at its positions."""
    placed = sorted((position, word) for word, positions in index.items() if isinstance(positions, list)
                    for position in positions if isinstance(position, int))
    return one_line(" ".join(word for _, word in placed))
