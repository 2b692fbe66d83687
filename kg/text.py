"""Sentence splitting with character offsets.

A small rule-based splitter instead of a library: NLTK's Punkt needs a model download (no
network here) and pysbd is ~100× slower than a regular expression, which matters at a
million abstracts. Abstracts are well-formed prose, so the rules below suffice.

>>> [s for s, _ in sentences("We use ResNet-50, e.g. on ImageNet. It got 84.5% top-1. See Fig. 2 et al. for more")]
['We use ResNet-50, e.g. on ImageNet.', 'It got 84.5% top-1.', 'See Fig. 2 et al. for more']
"""
from __future__ import annotations

import re

_BOUNDARY = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'(\[]?[A-Z0-9])")
_ABBREVIATIONS = re.compile(
    r"(?:\b(?:e\.g|i\.e|et al|etc|vs|cf|Fig|Figs|Eq|Eqs|Sec|Tab|No|approx|resp|incl|w\.r\.t|Dr|Mr|Ms|Inc|Ltd|St)\.|\b[A-Z]\.)$"
)


def sentences(text: str) -> list[tuple[str, int]]:
    """(sentence, start offset) pairs covering `text`, in order."""
    out: list[tuple[str, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        candidate = text[start : match.start()]
        if _ABBREVIATIONS.search(candidate.rstrip("\"')]")):
            continue
        out.append((candidate.strip(), start))
        start = match.end()
    tail = text[start:].strip()
    if tail:
        out.append((tail, start))
    return out
