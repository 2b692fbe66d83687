"""Sentence splitting with character offsets, finding a name as a whole word, and cheap tests
for the words a pattern needs.

A small rule-based splitter instead of a library: NLTK's Punkt needs a model download (no
network here) and pysbd is ~100× slower than a regular expression, which matters at a
million abstracts. Abstracts are well-formed prose, so the rules below suffice.

>>> [s for s, _ in sentences("We use ResNet-50, e.g. on ImageNet. It got 84.5% top-1. See Fig. 2 et al. for more")]
['We use ResNet-50, e.g. on ImageNet.', 'It got 84.5% top-1.', 'See Fig. 2 et al. for more']
"""
from __future__ import annotations

import re
from functools import lru_cache

_BOUNDARY = re.compile(r"[.!?][\"')\]]?\s+(?=[\"'(\[]?[A-Z0-9])")
"""The end of a sentence: its punctuation (kept in the sentence), then the space before the next one.
Opening on the punctuation, not a lookbehind, lets the engine skip to the next ".!?" (~30% faster)."""
_ABBREVIATIONS = re.compile(
    r"(?:\b(?:e\.g|i\.e|et al|etc|vs|cf|Fig|Figs|Eq|Eqs|Sec|Tab|No|approx|resp|incl|w\.r\.t|Dr|Mr|Ms|Inc|Ltd|St)\.|\b[A-Z]\.)$"
)


def sentences(text: str) -> list[tuple[str, int]]:
    """(sentence, start offset) pairs covering `text`, in order."""
    out: list[tuple[str, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        candidate = text[start : match.start() + 1]
        before = candidate.rstrip("\"')]")
        # a match is at most 7 characters ("approx.") and ends the text (or a final newline, `$`), so it
        # starts in the last 8; unlike slicing, `pos` lets `\b` see the character before it
        if _ABBREVIATIONS.search(before, max(0, len(before) - 8)):
            continue
        out.append((candidate.strip(), start))
        start = match.end()
    tail = text[start:].strip()
    if tail:
        out.append((tail, start))
    return out


def _joins(char: str) -> bool:
    return char.isalnum() or char in "_-"


def whole_word_spans(name: str, text: str) -> list[tuple[int, int]]:
    """(start, end) of each occurrence of `name` in `text` not inside a longer word or
    hyphenated token: what `re.finditer(rf"(?<![\\w-]){re.escape(name)}(?![\\w-])", text)` finds,
    without compiling a pattern per name (compiling cost more than searching: names are
    mostly new ones, one per paper). A list, not a generator: most texts asked hold no occurrence,
    and a generator costs more to make than the one `find` that says so.

    >>> whole_word_spans("ViT", "ViT-B and ViT, not DeiT or ViTs; ViT")
    [(10, 13), (33, 36)]
    """
    spans: list[tuple[int, int]] = []
    if not name:
        return spans
    at = text.find(name)
    while at >= 0:
        end = at + len(name)
        if (at == 0 or not _joins(text[at - 1])) and (end == len(text) or not _joins(text[end])):
            spans.append((at, end))
            at = text.find(name, end)
        else:
            at = text.find(name, at + 1)
    return spans


@lru_cache(maxsize=64)
def _lowered(text: str) -> str:
    """`text` in lower case, kept for the next pre-tests of the same sentence (a sentence is asked
    about a dozen cues; a string caches its hash, so the lookup costs less than lowering again)."""
    return text.lower()


def may_hold(text: str, *words: str) -> bool:
    """False only when `text` surely holds none of `words` (lower case) in any case: then a
    case-insensitive pattern that cannot match without one of them need not be run. A substring
    test is ~10× cheaper than a pattern tried at every position, and most sentences hold no cue.
    Text that is not all ASCII always may: re.IGNORECASE also equates a few non-ASCII letters with
    ASCII ones ("ſ" with "s", "İ" with "i") that str.lower() leaves apart.

    >>> may_hold("We Propose X", "propose"), may_hold("We use X", "propose"), may_hold("ſome", "some")
    (True, False, True)
    """
    if not text.isascii():
        return True
    low = _lowered(text)
    for word in words:
        if word in low:
            return True
    return False
