"""Names outside the vocabulary, found by the words around them.

- a coined name right before "dataset(s)", "benchmark(s)", "data-set" or "test sets"
  ("the Nebula7 SkyCams dataset", "on the RDX and PoolSet datasets") is a dataset;
- coined names right after a comparison cue ("outperforms X", "compared with X, Y and Z",
  "than X") are architectures when their shape says so ("…Net", "…Former"), else methods.

A coined name has an inner capital, a digit or is all capitals (see `introduced.looks_like_name`),
so plain words never become entities. Names already found (vocabulary, introduced) are skipped.

>>> from kg.model import PaperRecord, Source
>>> doc = Doc.from_record(PaperRecord("T", "We test on the UrbanCrowd-7 dataset and beat HydraNet and FlowSeg.", Source("x", 1)))
>>> run(doc, None)
>>> [(m.surface, m.type) for m in doc.mentions]
[('UrbanCrowd-7', 'dataset'), ('HydraNet', 'architecture'), ('FlowSeg', 'method')]
"""
from __future__ import annotations

import re

from ..vocabulary import Vocabulary
from .doc import Doc, Mention
from .introduced import _ARCH_NAME, looks_like_name

EXTRACTOR = "name_patterns"
_WORD = r"[A-Za-z0-9][\w+*'-]*[\w+*]|[A-Z0-9]"
_NAME = rf"(?:{_WORD})(?:\s(?:{_WORD})){{0,2}}"
_LIST = rf"(?P<names>{_NAME}(?:\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|/)\s*{_NAME}){{0,6}})"
_DATASET = re.compile(rf"{_LIST}\s+(?:data[- ]?sets?|benchmarks?|test\s+sets?|corpus|challenge)\b")
_COMPARED = re.compile(
    rf"\b(?:outperform\w*|out-perform\w*|surpass\w*|than|compared\s+(?:to|with|against)|over|beat\w*|vs\.?|versus)\s+"
    rf"(?:the\s+)?(?:(?:[a-z][\w-]*|SOTA|state-of-the-art),?\s+){{0,5}}{_LIST}"
)
_SEPARATOR = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|/)\s*")


_FIELD_WORDS = {"SOTA", "SoTA", "AI", "ML", "DL", "NLP", "CV", "GPU", "CPU", "TPU", "FLOPs", "MACs", "LLM", "MLLM", "VLM",
                "LMM", "API", "RGB", "OOD", "ID", "IID", "SSL", "NAS", "KD", "PTQ", "QAT", "TTA", "GFLOPs", "FPS", "SNR"}
"""Acronyms of the field's general vocabulary (tasks, hardware, units): never an artifact's name."""


def _coined(word: str) -> bool:
    """A coined name that starts with a letter and is not a plural acronym ("CNNs"), a quantity ("10x"),
    a variable ("D_B") or a general acronym of the field ("SOTA")."""
    return (word[0].isalpha() and looks_like_name(word) and not word.endswith(("'s", "’s")) and not re.search(r"[A-Z]s$", word) and "_" not in word
            and sum(c.isalpha() for c in word) >= 2 and word not in _FIELD_WORDS)


def _names(doc: Doc, index: int, match: re.Match[str]) -> list[tuple[int, str]]:
    """(start, name) of every coined name in the list a pattern matched, stopping at the first plain word."""
    out, offset, text = [], match.start("names"), match.group("names")
    for part in _SEPARATOR.split(text):
        start = doc.masked[index].find(part, offset)
        words = part.split()
        while out == [] and words and not _coined(words[0]):
            start += len(words.pop(0)) + 1  # "the Nebula7 SkyCams" → "Nebula7 SkyCams"
        cut = next((i for i, w in enumerate(words) if not (_coined(w) or w[0].isupper())), len(words))
        words = words[:cut]  # "GlowNet on ImageNet" → "GlowNet"
        while words and not _coined(words[-1]):
            words.pop()  # "ResNet Models" → "ResNet"
        if not words or not _coined(words[0]):
            break
        name = " ".join(words)
        out.append((start, name))
        offset = start + len(part)
    return out


def run(doc: Doc, vocabulary: Vocabulary | None) -> None:
    """Add a Mention for every unknown coined name in a dataset or comparison pattern."""
    taken = [(m.sentence, m.start, m.end) for m in (*doc.mentions, *doc.introduced)]
    known = {m.surface.lower() for m in (*doc.mentions, *doc.introduced)}
    for index, text in enumerate(doc.masked):
        for pattern, dataset in ((_DATASET, True), (_COMPARED, False)):
            for match in pattern.finditer(text):
                for start, name in _names(doc, index, match):
                    end = start + len(name)
                    if not name.strip() or name.lower() in known or any(s == index and a < end and start < b for s, a, b in taken):
                        continue
                    if vocabulary is not None and vocabulary.lookup(name):
                        continue
                    type_ = "dataset" if dataset else "architecture" if _ARCH_NAME.search(name) else "method"
                    doc.mentions.append(Mention(index, start, end, doc.sentences[index][start:end], type_, extractor=EXTRACTOR))
                    taken.append((index, start, end))
                    known.add(name.lower())
