"""Reported results: "84.5% top-1 accuracy on ImageNet" → (model, dataset, metric, value).

A result is a number (with its unit as written) next to a metric name from
`kg/data/metrics.tsv` ("84.5% top-1 accuracy", "an FID of 1.78", "51.2 box AP") and a
dataset mention in the same sentence ("on ImageNet", "ImageNet-1K accuracy"). The metric is
normalised ("APbox" → "box AP", "top-1 acc" → "top-1 accuracy"); the value is kept as
written. The model is a name the paper introduces, or a known architecture, mentioned in the
sentence before the number, else empty. Results with no named dataset are skipped, as the
annotation guidelines ask.

>>> from kg.model import PaperRecord, Source
>>> from kg.extract import extract
>>> ex = extract(PaperRecord("T", "We propose FooNet. FooNet reaches 84.5% top-1 accuracy on ImageNet "
...                                "and 51.2 APbox on COCO.", Source("x", 1)))
>>> [(r.model, r.dataset, r.metric, r.value) for r in ex.results]
[('FooNet', 'ImageNet', 'top-1 accuracy', '84.5%'), ('FooNet', 'COCO', 'box AP', '51.2')]
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import ahocorasick

from ..errors import InputError
from ..model import Evidence, Result
from ..vocabulary import Vocabulary
from .doc import Doc, Mention

EXTRACTOR = "results"
METRICS_FILE = Path(__file__).resolve().parents[1] / "data" / "metrics.tsv"
_DIGIT = re.compile(r"\d")
_VALUE = r"(?<![-/^])(?P<value>\d+(?:\.\d+)?\s?(?:\\?%|\s?points?)?)"
_LEADING_ON = re.compile(r"^\W*(?:on|for|across|in)\s+(?:the\s+)?(?:challenging\s+|popular\s+)?$", re.I)
"""A sentence that opens with the dataset: "On ImageNet-1K, X reaches 81.2% top-1"."""
_GAP = 40  # characters between the number/metric and the dataset name


@lru_cache(maxsize=2)
def metrics(path: Path = METRICS_FILE) -> dict[str, str]:
    """Spelling (lower case) → canonical metric name."""
    table: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 2:
            raise InputError(str(path), number, "2 tab-separated fields", str(len(fields)))
        for spelling in fields[1].split("|"):
            table[spelling.strip().lower()] = fields[0].strip()
    return table


@lru_cache(maxsize=2)
def _patterns(path: Path = METRICS_FILE) -> tuple[re.Pattern[str], re.Pattern[str]]:
    names = "|".join(re.escape(s) for s in sorted(metrics(path), key=len, reverse=True))
    metric = rf"(?P<metric>(?<![\w-])(?:{names})(?![\w-]))"
    after = re.compile(rf"(?<![\w.]){_VALUE}\s*(?:[\w-]+\s+){{0,2}}?{metric}", re.I)  # "84.5% top-1 accuracy"
    before = re.compile(rf"{metric}\s*(?:of|=|:|score\s+of)?\s*(?:about\s+|up\s+to\s+|only\s+)?{_VALUE}(?![\w.])", re.I)  # "FID of 1.78"
    return after, before


@lru_cache(maxsize=2)
def _spelling_finder(path: Path = METRICS_FILE) -> ahocorasick.Automaton | None:
    """The metric spellings an ASCII sentence can hold, to skip at a glance the sentences (most of
    those with a number) that name no metric, which every result pattern needs. None (skip nothing)
    if a non-ASCII spelling could match ASCII text under re.IGNORECASE ("ſ" matches "s");
    "fréchet" cannot, so it is left out."""
    automaton = ahocorasick.Automaton()
    for spelling in metrics(path):  # lower case
        if spelling.isascii():
            automaton.add_word(spelling, spelling)
        elif all(any(re.fullmatch(re.escape(c), chr(a), re.I) for a in range(128)) for c in spelling if not c.isascii()):
            return None
    if len(automaton) == 0:
        return None
    automaton.make_automaton()
    return automaton


def _dataset(doc: Doc, index: int, start: int, end: int) -> Mention | None:
    """The dataset named right after the result ("… on X"), inside it ("88.2% ImageNet accuracy") or
    right before it ("ImageNet top-1 accuracy of 80%")."""
    datasets = [m for m in doc.mentions if m.sentence == index and m.type == "dataset"]
    following = [m for m in datasets if 0 <= m.start - end <= _GAP]
    if following:
        return min(following, key=lambda m: m.start)
    preceding = [m for m in datasets if m.end <= start and not doc.masked[index][m.end : start].strip()]
    inside = [m for m in datasets if start <= m.start and m.end <= end]
    leading = [m for m in datasets if m.end <= start and _LEADING_ON.match(doc.masked[index][: m.start])
               and "," in doc.masked[index][m.end : start]]
    return (inside or preceding or leading[:1] or [None])[-1]


def _model(doc: Doc, index: int, start: int) -> str:
    """The paper's own model named before the number in the sentence, else a known architecture."""
    own = [m for m in doc.introduced if m.sentence == index and m.start < start]
    own += [m for m in doc.mentions if m.sentence == index and m.start < start and m.extractor == "introduced_pattern"]
    if own:
        return max(own, key=lambda m: m.start).surface
    models = [m for m in doc.mentions if m.sentence == index and m.start < start and m.type == "architecture"]
    return max(models, key=lambda m: m.start).surface if models else ""


def run(doc: Doc, vocabulary: Vocabulary) -> None:
    """Add every (model, dataset, metric, value) the abstract reports."""
    table = metrics()
    seen: set[tuple[str, str, str]] = set()
    for index, text in enumerate(doc.masked):
        digit = _DIGIT.search(text)
        if not digit:
            continue  # every result has a number: most sentences are skipped without running the long patterns
        finder = _spelling_finder()
        # ASCII text lowered matches an ASCII spelling exactly where re.IGNORECASE does
        if finder is not None and text.isascii() and next(finder.iter(text.lower()), None) is None:
            continue
        after, before = _patterns()
        # an `after` match opens with its value: none starts before the first digit (`pos`, unlike slicing, keeps the lookbehinds)
        matches = sorted([*after.finditer(text, digit.start()), *before.finditer(text)], key=lambda m: m.start())
        for match in matches:
            dataset = _dataset(doc, index, match.start(), match.end())
            if dataset is None:
                continue
            value = doc.sentences[index][match.start("value") : match.end("value")].strip()
            metric = table[match.group("metric").lower()]
            name = dataset.canonical or dataset.surface
            if (name, metric, value) in seen:
                continue
            seen.add((name, metric, value))
            evidence = Evidence(doc.sentences[index], EXTRACTOR, 0.7, match.start(), match.end())
            doc.results.append(Result(_model(doc, index, match.start()), dataset.surface, metric, value, evidence,
                                      dataset.canonical))
