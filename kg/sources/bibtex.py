"""BibTeX files, parsed with bibtexparser: `@article`, `@inproceedings`, and arXiv's own `@misc`
form (`eprint`, `archivePrefix = {arXiv}`, `primaryClass`).

Kept: title (outer braces that protect capitals dropped), authors as people ("Last, First"
turned to "First Last"), DOI, arXiv id (from `eprint` when the archive is arXiv), the primary
class as a category, and the year. A .bib file is small, so it is parsed whole; the number
in provenance and errors is the entry's position in the file.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import bibtexparser
from bibtexparser.bparser import BibTexParser
from bibtexparser.customization import InvalidName, splitname

from ..errors import InputError
from ..model import PaperRecord, Source
from .identifiers import paper_ids
from .json_records import one_line
from .lines import OnBad, lines, raise_error


def read(path: Path, name: str, on_bad: OnBad = raise_error) -> Iterator[PaperRecord]:
    """One PaperRecord per entry with a title; an entry without one goes to `on_bad`."""
    text = "\n".join(line for _, line in lines(path, name))
    entries = bibtexparser.loads(text, BibTexParser(common_strings=True, ignore_nonstandard_types=False)).entries
    if not entries:
        raise InputError(name, None, "BibTeX entries (@article{key, title = {…}, …})", "none")
    for number, entry in enumerate(entries, start=1):
        title = _unbrace(entry.get("title", ""))
        if not title:
            on_bad(InputError(name, number, f'a "title" in @{entry.get("ENTRYTYPE", "?")}{{{entry.get("ID", "")}}}', "none"))
            continue
        on_arxiv = entry.get("archiveprefix", "").lower() == "arxiv" or entry.get("eprinttype", "").lower() == "arxiv"
        yield PaperRecord(
            title=title,
            abstract=_unbrace(entry.get("abstract", "")),
            source=Source(name, number),
            authors=tuple(_person(a) for a in entry.get("author", "").split(" and ") if a.strip()),
            ids=paper_ids(arxiv=entry.get("eprint") if on_arxiv else None, doi=entry.get("doi")),
            categories=(entry["primaryclass"],) if on_arxiv and entry.get("primaryclass") else (),
            date=entry.get("year") or None,
        )


def _unbrace(value: str) -> str:
    return one_line(value.replace("{", "").replace("}", ""))


def _person(author: str) -> str:
    """"Last, First" or "First Last" as "First von Last, Jr"."""
    try:
        parts = splitname(_unbrace(author), strict_mode=False)
    except InvalidName:  # an odd name: kept as written
        return _unbrace(author)
    return one_line(" ".join(" ".join(parts.get(k, [])) for k in ("first", "von", "last", "jr")))
