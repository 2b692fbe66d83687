"""Mentions of vocabulary names, found with one Aho-Corasick automaton over all names.

Names of five characters or fewer, and single capitalised words ("Whisper", "Falcon", "Glow"),
must match case exactly ("MAE" the method, not "mae"; "Whisper" the model, not "whisper");
an all-capitals short name also matches a mixed-case spelling with two capitals ("LViS").
Other names match in any case. A name glued to a word before it by a hyphen ("Hydra-RCNN")
is part of a longer name, not a mention. Overlaps keep the longest match. A known family
name followed by a variant suffix ("ResNet-101", "ViT-B/16", "YOLOv9", "PVT-Tiny")
becomes that variant; a longer suffix ("YOLO-Hydra") is a different name, not a variant. In a
slash list of numbers ("ResNet34/101", "Places-205/365") the first, written one is the mention;
a slash list of size letters ("PVT-T/S/M") names the family. A plural ("BERTs") is the same artifact.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

import ahocorasick

from ..vocabulary import Term, Vocabulary
from .doc import Doc, Mention

EXTRACTOR = "vocabulary"
CASE_SENSITIVE_MAX = 5
_SIZE_WORDS = r"(?:Tiny|Small|Base|Large|Huge|Giant|Nano|Mini|Micro|Medium|Lite|Plus)"
_SIZE_LIST = re.compile(r"/[A-Z]{1,3}\b")
_VARIANT_SUFFIX = re.compile(
    rf"(?:(?:-(?:[A-Z]{{1,3}}\d*|{_SIZE_WORDS})(?:/\d+)?(?:-\d+[A-Za-z]?)?|[- ]\d+(?:\.\d+)?(?!\d|\.\d)(?!\s*(?:x|×|times)\s*\d)[A-Za-z]?"
    r"|[vV]?\d+(?:\.\d+)?[A-Za-z]?|-v\d+(?:\.\d+)?)){1,2}"
)


@lru_cache(maxsize=4)
def _automaton(vocabulary: Vocabulary) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for term in vocabulary.terms.values():
        for name in term.names:
            key = name.lower()
            if len(key) == len(name) and key not in automaton:
                automaton.add_word(key, (name, term.label))
    automaton.make_automaton()
    return automaton


def _lower(text: str) -> str:
    """Lower case with offsets kept (a few characters change length when lowered)."""
    low = text.lower()
    return low if len(low) == len(text) else "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _case_sensitive(name: str) -> bool:
    return len(name) <= CASE_SENSITIVE_MAX or (name.isalpha() and name[0].isupper() and name[1:].islower())


def _mixed_case_acronym(name: str, surface: str) -> bool:
    """"LViS" for "LVIS": an all-capitals name written with at least two capitals."""
    return name.isupper() and surface.upper() == name and sum(c.isupper() for c in surface) >= 2


def _names_in(texts: list[str], vocabulary: Vocabulary) -> list[list[tuple[int, tuple[str, str]]]]:
    """The automaton's (last offset, (name, label)) in each text, from one pass over them all joined by
    line breaks, which no name holds (a vocabulary row is one line): a pass per sentence cost more than
    the scan, and most sentences hold no name."""
    found: list[list[tuple[int, tuple[str, str]]]] = [[] for _ in texts]
    automaton = _automaton(vocabulary)
    if len(automaton) == 0:
        return found
    starts, at = [], 0
    for text in texts:
        starts.append(at)
        at += len(text) + 1
    for last, value in automaton.iter("\n".join(map(_lower, texts))):
        index = bisect_right(starts, last) - 1
        found[index].append((last - starts[index], value))
    return found


def find(text: str, vocabulary: Vocabulary, names: list[tuple[int, tuple[str, str]]]) -> list[tuple[int, int, Term, bool]]:
    """(start, end, term, is_variant) of every non-overlapping name in `text`, longest first, from the
    automaton's `names` in it (`_names_in`).

    `is_variant` is True when a variant suffix was added to the matched family name.
    """
    hits: list[tuple[int, int, Term, bool]] = []
    for last, (name, label) in names:
        start, end = last - len(name) + 1, last + 1
        if start > 0 and text[start - 1].isalnum():
            continue
        if start > 1 and text[start - 1] == "-" and text[start - 2].isalnum():
            continue
        if _case_sensitive(name) and text[start:end] != name and not _mixed_case_acronym(name, text[start:end]):
            continue
        variant = False
        if _SIZE_LIST.match(text, end) and name[-1].isupper() and not name.isupper():
            continue  # "PVT-T/S/M" is the family "PVT" in three sizes, not the size "PVT-T"
        suffix = _VARIANT_SUFFIX.match(text, end)
        if suffix and _SIZE_LIST.match(text, suffix.end()):
            pass  # "PVT-T/S/M": the family, in several sizes
        elif suffix and (suffix.end() == len(text) or not text[suffix.end()].isalnum() or text[suffix.end() - 1].isdigit() and text[suffix.end()] == "/"):
            end, variant = suffix.end(), True
        elif text[end : end + 1] == "s" and name[-1].isalpha() and not text[end + 1 : end + 2].isalnum():
            end += 1  # a plural ("BERTs", "U-Nets"): the same artifact
        elif end < len(text) and text[end].isalnum():
            continue
        hits.append((start, end, vocabulary.terms[label], variant))
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    kept: list[tuple[int, int, Term, bool]] = []
    for hit in hits:
        if not kept or hit[0] >= kept[-1][1]:
            kept.append(hit)
    return kept


_HYPHENATED = re.compile(r"(?<![\w-])[A-Za-z][\w.+]*-[\w.+-]*[\w+](?![\w-])")  # a token with a hyphen inside
_CAPITAL_HYPHEN = re.compile(r"[A-Z][\w.+]*-|-[\w.+-]*[A-Z]")
"""In ASCII text, what a _HYPHENATED token with a capital holds: a capital before its first hyphen, or one after it."""


def _respelled(text: str, hits: list[tuple[int, int, Term, bool]], vocabulary: Vocabulary) -> list[tuple[int, int, Term, bool]]:
    """Hyphenated tokens the automaton missed (none of its `hits` overlaps them) that are a vocabulary
    name spelled another way ("Mask-RCNN" for "Mask R-CNN", "MobileNet-V2" for "MobileNetV2"): same name key."""
    out: list[tuple[int, int, Term, bool]] = []
    if "-" not in text or text.isascii() and not _CAPITAL_HYPHEN.search(text):
        return out  # every token _HYPHENATED matches has a hyphen, and only one with a capital is kept
    for match in _HYPHENATED.finditer(text):
        token = match.group().rstrip(".")
        if not any(c.isupper() for c in token):
            continue
        start, end = match.start(), match.start() + len(token)
        if any(a < end and start < b for a, b, _, _ in hits):
            continue
        term = vocabulary.lookup(token)
        if term is not None:
            out.append((start, end, term, False))
    return out


def run(doc: Doc, vocabulary: Vocabulary) -> None:
    """Add a Mention for every vocabulary name in every sentence, except names written as plain
    lower-case words ("dropout", "graph neural network"), which name a technique or family
    generically, not an artifact."""
    for index, (text, names) in enumerate(zip(doc.masked, _names_in(doc.masked, vocabulary))):
        hits = find(text, vocabulary, names) if names else []
        hits += _respelled(text, hits, vocabulary)
        for start, end, term, variant in sorted(hits, key=lambda h: h[0]) if hits else ():
            surface = doc.sentences[index][start:end]
            if surface.islower() and not any(c.isdigit() for c in surface):
                continue
            known = vocabulary.lookup(surface) if variant else term
            mention = Mention(index, start, end, surface, term.type, extractor=EXTRACTOR)
            mention.canonical = known.label if known else None
            mention.variant_of = None if known else term.label
            doc.mentions.append(mention)
