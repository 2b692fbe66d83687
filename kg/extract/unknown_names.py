"""Names outside the vocabulary, found by the words around them.

- a coined name right before "dataset(s)", "benchmark(s)", "data-set" or "test sets"
  ("the Nebula7 SkyCams dataset", "on the RDX and PoolSet datasets"), listed right after
  such a noun ("three datasets, including RDX, PoolSet and Nebula7") or after an evaluation
  cue ("experiments on RDX and PoolSet") is a dataset;
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

from ..text import may_hold
from ..vocabulary import Vocabulary
from .doc import Doc, Mention
from .introduced import _ARCH_NAME, FIELD_ACRONYMS, looks_like_name

EXTRACTOR = "name_patterns"
_WORD = r"[A-Za-z0-9][\w+*'^-]*[\w+*]|[A-Z0-9]"
_NAME = rf"(?:{_WORD})(?:\s(?:{_WORD})){{0,2}}"
_LIST = rf"(?P<names>{_NAME}(?:\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|/)\s*{_NAME}){{0,6}})"
_DATASET_NOUN = re.compile(r"\s+(?:data[- ]?sets?|benchmarks?|test\s+sets?|corpus|challenge)\b")
_LIST_BEFORE = re.compile(rf"(?<![\w-]){_LIST}$")
_COMPARE_CUE = re.compile(r"\b(?:outperform\w*|out-perform\w*|surpass\w*|than|compared\s+(?:to|with|against)|over|beat\w*|vs\.?|versus)\s+")
_LIST_AFTER = re.compile(
    rf"(?:the\s+)?(?:(?:(?!(?:on|in|at|for|by|with|across|from|of|to|under|while|and|or|when|where)\b)[a-z][\w-]*|SOTA),?\s+){{0,5}}"
    rf"{_LIST}")
_AFTER_NOUN = re.compile(
    rf"\s*(?:\(\s*(?:(?:including|such\s+as|e\.g\.,?|i\.e\.,?|namely)\s+)?|:\s*|,?\s*(?:including|such\s+as|e\.g\.,?|i\.e\.,?|like|namely)\s+)"
    rf"(?:the\s+)?{_LIST}")
_EVAL_CUE = re.compile(r"\b(?:experiments?|evaluat\w*|results?|tested|benchmark(?:ed|ing)?|validated|performance)\s+"
                       r"(?:\w+\s+){0,3}?(?:on|across)\s+(?:the\s+)?", re.I)
_WINDOW = 120  # characters before a dataset noun searched for the list of names
# Patterns are applied only at cue words (a noun, a comparison verb), never slid over the
# whole sentence: a list pattern tried at every position backtracks badly.
_SEPARATOR = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|/)\s*")




def _coined(word: str) -> bool:
    """A coined name that starts with a letter and is not a plural acronym ("CNNs"), a quantity ("10x"),
    a variable ("D_B") or a general acronym of the field ("SOTA")."""
    return (word[0].isalpha() and looks_like_name(word) and not word.endswith(("'s", "’s")) and not re.search(r"[A-Z]s$", word) and "_" not in word
            and sum(c.isalpha() for c in word) >= 2 and word not in FIELD_ACRONYMS)


def _may_name_dataset(text: str) -> bool:
    """False when `text` cannot hold a _DATASET_NOUN match (case-sensitive): it has none of its nouns."""
    return "data" in text or "benchmark" in text or "test" in text or "corpus" in text or "challenge" in text


def _may_cue_eval(text: str) -> bool:
    """False when `text` cannot hold an _EVAL_CUE match: it has none of its cue words."""
    return may_hold(text, "experiment", "evaluat", "result", "tested", "benchmark", "validated", "performance")


def _may_compare(text: str) -> bool:
    """False when `text` cannot hold a _COMPARE_CUE match (case-sensitive): it has none of its cue words."""
    return ("outperform" in text or "out-perform" in text or "surpass" in text or "than" in text or "compared" in text
            or "over" in text or "beat" in text or "vs" in text or "versus" in text)


def _lists(text: str) -> list[tuple[int, str, bool, bool]]:
    """(start, text, is_dataset, before_noun) of each list of names before a dataset noun or after a comparison cue."""
    found = []
    # pre-tests (~10× cheaper than a pattern tried at every position) skip the patterns `text` cannot match
    nouns = list(_DATASET_NOUN.finditer(text)) if _may_name_dataset(text) else []
    for noun in nouns:
        start = max(0, noun.start() - _WINDOW)
        match = _LIST_BEFORE.search(text, start, noun.start())
        if match:
            found.append((match.start("names"), match.group("names"), True, True))
    for noun in nouns:
        match = _AFTER_NOUN.match(text, noun.end())
        if match:
            found.append((match.start("names"), match.group("names"), True, False))  # "datasets, including A, B and C"
    for cue in _EVAL_CUE.finditer(text) if _may_cue_eval(text) else ():
        match = _LIST_AFTER.match(text, cue.end())
        if match:
            found.append((match.start("names"), match.group("names"), True, False))  # "experiments on A, B and C"
    for cue in _COMPARE_CUE.finditer(text) if _may_compare(text) else ():
        match = _LIST_AFTER.match(text, cue.end())
        if match:
            found.append((match.start("names"), match.group("names"), False, False))
    return found


_LEADING = {"the", "a", "an", "our", "their", "its", "this", "these", "two", "three", "four", "five", "several", "multiple",
            "various"}


def _names(doc: Doc, index: int, offset: int, text: str, before_noun: bool) -> list[tuple[int, str]]:
    """(start, name) of every coined name in a list, stopping at the first item that is not one.

    A list found before a noun may start with any plain words ("results on the X"); one found
    after a cue only with a determiner ("outperforms the X"), so "… methods on CIFAR" stops."""
    sentence, out = doc.masked[index], []
    for part in _SEPARATOR.split(text):
        position = sentence.find(part, offset)
        if position < 0:
            break
        offset = position + len(part)
        words = [(position + m.start(), m.group()) for m in re.finditer(r"\S+", part)]
        while not out and words and (words[0][1].lower() in _LEADING or before_noun and not _coined(words[0][1])):
            words.pop(0)  # "the Nebula7 SkyCams" → "Nebula7 SkyCams"
        cut = next((i for i, (_, w) in enumerate(words) if not (_coined(w) or w[0].isupper())), len(words))
        words = words[:cut]  # "HydraNet on ImageNet" → "HydraNet"
        while words and not _coined(words[-1][1]):
            words.pop()  # "HydraNet Models" → "HydraNet"
        if not words or not _coined(words[0][1]):
            break
        start, end = words[0][0], words[-1][0] + len(words[-1][1])
        if re.match(r"[- ]based\b", sentence[end : end + 7]):
            break  # "LiRPA based defense" names a technique, not the list's kind of thing
        out.append((start, sentence[start:end]))
    return out


def run(doc: Doc, vocabulary: Vocabulary | None) -> None:
    """Add a Mention for every unknown coined name in a dataset or comparison pattern."""
    taken = [(m.sentence, m.start, m.end) for m in (*doc.mentions, *doc.introduced)]
    known = {m.surface.lower() for m in (*doc.mentions, *doc.introduced)}
    for index, text in enumerate(doc.masked):
        for offset, names, dataset, before_noun in _lists(text):
            for start, name in _names(doc, index, offset, names, before_noun):
                end = start + len(name)
                if not name.strip() or name.lower() in known or any(s == index and a < end and start < b for s, a, b in taken):
                    continue
                if vocabulary is not None and vocabulary.lookup(name):
                    continue
                type_ = "dataset" if dataset else "architecture" if _ARCH_NAME.search(name) else "method"
                doc.mentions.append(Mention(index, start, end, doc.sentences[index][start:end], type_, extractor=EXTRACTOR))
                taken.append((index, start, end))
                known.add(name.lower())
