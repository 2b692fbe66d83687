"""The role of each mention in its paper, from cue words before it in the same sentence.

Introduced names become `introduces`. A dataset is `trainedOn` after a training cue
("pre-trained on"), else `evaluatedOn`. An architecture or method is `comparesWith` after
a comparison cue ("outperforms", "compared with"), else `buildsOn`; the confidence says
whether a cue was seen or the default was taken.
"""
from __future__ import annotations

import re

from ..model import Relation
from ..vocabulary import Vocabulary
from .doc import Doc, Mention

EXTRACTOR = "relation_cues"
WINDOW = 100  # characters before a mention searched for a cue
_CLAUSE_BREAK = re.compile(r"[;]|\bwhile\b|\bwhereas\b|\bbut\b")
_TRAIN = re.compile(r"\b(?:pre-?train\w*|train\w*|fine-?tun\w*|learn\w*\s+from|distill\w*\s+from)\b", re.I)
_EVAL = re.compile(r"\b(?:evaluat\w*|experiment\w*|benchmark\w*|test\w*|results?|accuracy|achiev\w*|validat\w*|outperform\w*)\b", re.I)
_COMPARE = re.compile(
    r"\b(?:outperform\w*|surpass\w*|better\s+than|superior\s+to|compared?\s+(?:to|with|against)|comparison\s+(?:to|with)|"
    r"against|over|than|beat\w*|exceed\w*|vs\.?|versus|rival\w*|competitive\s+with|on\s+par\s+with)\b",
    re.I,
)
_BUILD = re.compile(
    r"\b(?:based\s+on|built\s+(?:up)?on|builds?\s+(?:up)?on|backbones?|extend\w*|upon|us(?:e|es|ed|ing)|adopt\w*|leverag\w*|"
    r"integrat\w*|plug\w*|incorporat\w*|appl(?:y|ies|ied)|distill\w*|initiali[sz]\w*|modif\w*|inspired|follow\w*|inherit\w*|"
    r"replac\w*|combin\w*|equipp?\w*|on\s+top\s+of|variant\s+of|version\s+of|into|such\s+as|like|including)\b",
    re.I,
)


def _before(doc: Doc, mention: Mention) -> str:
    text = doc.sentences[mention.sentence][max(0, mention.start - WINDOW) : mention.start]
    parts = _CLAUSE_BREAK.split(text)
    return parts[-1]


def _last(pattern: re.Pattern[str], text: str) -> int:
    """End offset of the last match of `pattern` in `text`, -1 if none."""
    return max((m.end() for m in pattern.finditer(text)), default=-1)


def _role(doc: Doc, mention: Mention) -> list[tuple[str, float]]:
    before = _before(doc, mention)
    if mention.type == "dataset":
        train, evaluate = _last(_TRAIN, before), _last(_EVAL, before)
        if train > evaluate:
            return [("trainedOn", 0.7)]
        return [("evaluatedOn", 0.75 if evaluate >= 0 else 0.5)]
    compare, build = _COMPARE.search(before), _BUILD.search(before)
    if compare and (not build or compare.end() > build.end()):
        return [("comparesWith", 0.7)]
    return [("buildsOn", 0.7 if build else 0.4)]


def run(doc: Doc, vocabulary: Vocabulary) -> None:
    """Turn introduced names and vocabulary mentions into relations, one per (predicate, name)."""
    seen: set[tuple[str, str]] = set()
    introduced = {m.surface.lower() for m in doc.introduced} | {m.canonical for m in doc.introduced if m.canonical}

    def add(predicate: str, mention: Mention, extractor: str, confidence: float) -> None:
        key = (predicate, (mention.canonical or mention.surface).lower())
        if key not in seen:
            seen.add(key)
            doc.relations.append(
                Relation(predicate, mention.surface, mention.type, doc.evidence(mention, extractor, confidence),
                         mention.canonical, mention.variant_of)
            )

    for mention in doc.introduced:
        add("introduces", mention, mention.extractor, 0.8 if mention.sentence else 0.9)
    for mention in doc.mentions:
        if mention.surface.lower() in introduced or mention.canonical in introduced:
            continue
        for predicate, confidence in _role(doc, mention):
            add(predicate, mention, EXTRACTOR, confidence)
