"""Acronym definitions, "Long Form (LF)", found with the Schwartz–Hearst algorithm.

Schwartz & Hearst (2003), "A simple algorithm for identifying abbreviation definitions in
biomedical text": the short form is a parenthesised word with a capital letter; its long
form is the shortest run of words just before the parenthesis whose letters contain every
character of the short form in order, the short form's first character starting a word.
Written out here rather than taken from a library: the maintained packages
(`abbreviations`, scispaCy's AbbreviationDetector) pull in spaCy models that cannot be
downloaded here, and the algorithm is a dozen lines.

>>> [(p.short, p.long) for p in pairs("We propose Rapid Sparse Tuning (RaST) for large models.")]
[('RaST', 'Rapid Sparse Tuning')]
>>> [(p.short, p.long) for p in pairs("a novel cross-view token pruning (CVTP) scheme")]
[('CVTP', 'cross-view token pruning')]
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from ..vocabulary import Term, Vocabulary, name_key
from .doc import Doc
from .introduced import _NAME_HEAD

_SHORT = re.compile(r"\(\s*(?P<short>[^()\s,;]{2,12}?)(?:\s+for\s+short)?\s*\)")


@dataclass(frozen=True)
class Pair:
    """One definition: the short form, the long form and where the long form starts and ends."""

    short: str
    long: str
    start: int
    end: int


def _long_form(short: str, before: str) -> int | None:
    """Start offset in `before` of the long form of `short`, or None (Schwartz–Hearst)."""
    chars = [c.lower() for c in short if c.isalnum()]
    if not chars:
        return None
    words = before.split()
    limit = min(len(chars) + 5, len(chars) * 2)
    text = " ".join(words[-limit:])
    offset = len(before.rstrip()) - len(text)
    s, l = len(chars) - 1, len(text) - 1
    while s >= 0:
        while l >= 0 and (text[l].lower() != chars[s] or (s == 0 and l > 0 and text[l - 1].isalnum())):
            l -= 1
        if l < 0:
            return None
        s, l = s - 1, l - 1
    start = text.rfind(" ", 0, l + 1) + 1
    return offset + start


def _initials_matched(short: str, words: list[str]) -> int:
    """How many of the short form's capitals the words' initials spell, in order."""
    capitals, initials, matched = [c for c in short if c.isupper()], [w[0].upper() for w in words if w], 0
    for initial in initials:
        if matched < len(capitals) and initial == capitals[matched]:
            matched += 1
    return matched


def _extend(short: str, before: str, start: int) -> int:
    """Move the long form's start left over capitalised words while that spells more of the short
    form's capitals ("Residual Recurrent Neural Network (RRNet)", not "Recurrent Neural Network")."""
    while True:
        previous = re.search(r"([A-Z][\w-]*)\s+$", before[:start])
        if not previous:
            return start
        if _initials_matched(short, before[previous.start(1) :].split()) <= _initials_matched(short, before[start:].split()):
            return start
        start = previous.start(1)


def pairs(text: str) -> list[Pair]:
    """Every "Long Form (SF)" definition in `text`."""
    found = []
    if "(" not in text:
        return found  # what every _SHORT match opens with: most sentences have none
    for match in _SHORT.finditer(text):
        short = match.group("short")
        if not any(c.isupper() for c in short) or not short[0].isalnum() or " " in short:
            continue
        before = text[: match.start()]
        start = _long_form(short, before)
        if start is None:
            continue
        start = _extend(short, before, start)
        long = before[start:].strip().strip("'\"‘’“”")
        if long and len(long) > len(short) and not long.lower().startswith(("the ", "a ", "an ")):
            lead = len(before[start:]) - len(before[start:].lstrip().lstrip("'\"‘’“”"))  # spaces and an opening quote
            found.append(Pair(short, long, start + lead, match.start()))
    return found


def names_other(term: Term, long: str) -> bool:
    """Whether `long`, the paper's own expansion of one of the term's names, names something else:
    its head word says another type, or the term has a long name and `long` is none of them, even
    loosely (plural, respelling), or the term is a gazetteer's bare acronym.

    >>> from kg.vocabulary import load
    >>> htc = load().lookup("HTC")
    >>> names_other(htc, "hierarchical text classification"), names_other(htc, "Hybrid Task Cascades")
    (True, False)
    """
    head = next((type_ for type_, pattern in _NAME_HEAD if pattern.search(long)), None)
    if head is not None and (head == "dataset") != (term.type == "dataset"):
        return True  # "Grouped Query Attention (GQA)" is no dataset, whatever dataset GQA also names
    expansions = [name_key(n) for n in term.names if len(n) > 8]
    if not expansions:
        return bool(term.package)  # a curated name is trusted; a gazetteer's bare name yields to the paper's definition
    key = name_key(long)
    return not any(key.rstrip("s") == e.rstrip("s") or SequenceMatcher(None, key, e).ratio() >= 0.8 for e in expansions)


def run(doc: Doc, vocabulary: Vocabulary) -> None:
    """Record every acronym definition of the paper: short form → long form, and where each is.

    A definition wins over the vocabulary: where the paper spells out an acronym as something
    other than the vocabulary's term ("hierarchical text classification (HTC)" is not the detector
    HTC, Hybrid Task Cascade), no mention of that acronym is the vocabulary's term."""
    for index, text in enumerate(doc.masked):
        for pair in pairs(text):
            doc.acronyms.setdefault(pair.short, pair.long)
            doc.definitions.append((index, pair))
    if not doc.acronyms:
        return
    other = {short for short, long in doc.acronyms.items()
             if (term := vocabulary.lookup(short)) is not None and names_other(term, long)}
    if other:
        doc.mentions = [m for m in doc.mentions if m.surface not in other and m.surface.rstrip("s") not in other]
