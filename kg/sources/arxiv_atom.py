"""arXiv API answers (`/api/query?search_query=cat:cs.CV…`): Atom feeds, parsed with feedparser.

Each `<entry>` gives the arXiv id (from its abs URL, version dropped), title, abstract
(`summary`), authors, categories, `arxiv:doi` and the first-version date (`published`).
A feed is one API page (at most a few thousand entries), so it is parsed whole; the number
in provenance and errors is the entry's position in the feed.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import feedparser

from ..errors import InputError
from ..model import PaperRecord, Source
from .identifiers import paper_ids
from .json_records import one_line
from .lines import MAX_LINE_BYTES, OnBad, clean, open_binary, raise_error

MAX_FEED_BYTES = 64 * MAX_LINE_BYTES  # an API page of 2,000 entries is ~5 MB


def read(path: Path, name: str, on_bad: OnBad = raise_error) -> Iterator[PaperRecord]:
    """One PaperRecord per entry; an entry without an arXiv id or title goes to `on_bad`."""
    with open_binary(path, name) as handle:
        data = handle.read(MAX_FEED_BYTES + 1)
    if len(data) > MAX_FEED_BYTES:
        raise InputError(name, None, f"an Atom feed of at most {MAX_FEED_BYTES:,} bytes", "a larger file")
    feed = feedparser.parse(data)
    if not feed.entries:
        found = f"no entries ({feed.bozo_exception})" if feed.get("bozo") else "no entries"
        raise InputError(name, None, "an Atom feed of arXiv entries", found)
    for number, entry in enumerate(feed.entries, start=1):
        ids = paper_ids(arxiv=entry.get("id", "").replace("http://", "https://"), doi=entry.get("arxiv_doi"))
        title = one_line(clean(entry.get("title", "")))
        if not ids or ids[0][0] != "arxiv" or not title:
            on_bad(InputError(name, number, "an entry with an arXiv abs URL as <id> and a <title>", repr(entry.get("id", ""))[:60]))
            continue
        yield PaperRecord(
            title=title,
            abstract=one_line(clean(entry.get("summary", ""))),
            source=Source(name, number),
            authors=tuple(one_line(clean(a.get("name", ""))) for a in entry.get("authors", ()) if a.get("name", "").strip()),
            ids=ids,
            categories=tuple(t["term"] for t in entry.get("tags", ()) if t.get("term")),
            date=(entry.get("published") or "")[:10] or None,
        )
