"""The state the extraction components read and extend, one paper at a time."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..model import Evidence, Extraction, PaperRecord, Relation, Result
from ..text import sentences
from ..urls import find_urls


@dataclass
class Mention:
    """A name found in one sentence: a vocabulary term, or a name the paper introduces."""

    sentence: int
    start: int
    end: int
    surface: str
    type: str
    canonical: str | None = None  # vocabulary label
    variant_of: str | None = None  # vocabulary label of the family, for unlisted variants
    extractor: str = ""
    aliases: tuple[str, ...] = ()  # other names of the same thing in this paper (acronym ↔ long form)


@dataclass
class Doc:
    """One paper split into sentences (sentence 0 is the title), plus what was found so far."""

    sentences: list[str]
    masked: list[str]  # the same sentences with URLs blanked out, for name matching
    mentions: list[Mention] = field(default_factory=list)
    introduced: list[Mention] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    repos: list[tuple[str, Evidence]] = field(default_factory=list)
    other_links: list[str] = field(default_factory=list)
    code_status: str = "none"
    results: list[Result] = field(default_factory=list)
    acronyms: dict[str, str] = field(default_factory=dict)  # short form → long form
    definitions: list[tuple[int, Any]] = field(default_factory=list)  # (sentence, acronyms.Pair)
    links: tuple[str, ...] = ()  # URLs the source gave beside the text (a JSONL record's "urls")

    @classmethod
    def from_record(cls, record: PaperRecord) -> "Doc":
        r"""Split the title and abstract into sentences. Hard line breaks (arXiv wraps abstracts at
        ~80 characters) are spaces, so no evidence sentence keeps one.

        >>> Doc.from_record(PaperRecord("T", "We train on\n  ImageNet. It\nworks.", None)).sentences
        ['T', 'We train on ImageNet.', 'It works.']
        """
        abstract = _LINE_BREAK.sub(" ", record.abstract) if "\n" in record.abstract else record.abstract
        texts = [_LINE_BREAK.sub(" ", record.title)] + [s for s, _ in sentences(abstract)]
        return cls(sentences=texts, masked=[_mask_urls(t) for t in texts], links=tuple(record.urls))

    def evidence(self, mention: Mention, extractor: str, confidence: float) -> Evidence:
        return Evidence(self.sentences[mention.sentence], extractor, confidence, mention.start, mention.end)

    def to_extraction(self) -> Extraction:
        return Extraction(tuple(self.relations), tuple(self.repos), tuple(self.other_links), self.code_status,
                          tuple(self.results))


_LINE_BREAK = re.compile(r"[ \t]*[\r\n]+[ \t]*")


def _mask_urls(text: str) -> str:
    for url in find_urls(text):
        raw = url.split("://", 1)[-1]
        index = text.find(raw)
        if index >= 0:
            text = text[:index] + " " * len(raw) + text[index + len(raw) :]
    return text
