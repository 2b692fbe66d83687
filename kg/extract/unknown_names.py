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
from collections.abc import Callable

from ..text import may_hold, whole_word_spans
from ..vocabulary import Vocabulary
from .doc import Doc, Mention
from .results import metrics
from .introduced import _ARCH_NAME, FIELD_ACRONYMS, looks_like_name, may_hold_name

EXTRACTOR = "name_patterns"
_WORD = r"[A-Za-z0-9][\w+*'^-]*[\w+*]|[A-Z0-9]"
_NAME = rf"(?:{_WORD})(?:\s(?:{_WORD})){{0,2}}"
_LIST = rf"(?P<names>{_NAME}(?:\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|/)\s*{_NAME}){{0,6}})"
_DATASET_NOUN = re.compile(r"\s+(?:data[- ]?sets?|databases?|benchmarks?|test\s+sets?|corpus|corpora|challenge|suites?)\b")
_LIST_BEFORE = re.compile(rf"(?<![\w-]){_LIST}$")
_LAST_UNLISTED = re.compile(r"[^\w\s+*'^,/-](?=[\w\s+*'^,/-]*$)")
"""The last character no _LIST match holds (none but word characters, spaces, "+*'^-", "," and "/"): a list
ending at a noun starts after it, and trying every start before it backtracks badly."""
_COMPARE_CUE = re.compile(r"\b(?:outperform\w*|out-perform\w*|surpass\w*|than|compar(?:e|es|ed|ing)\s+(?:(?:it|them|this|ours?|our\s+[\w-]+)\s+)?"
                          r"(?:to|with|against)|over|beat\w*|vs\.?|versus)\s+")
_LIST_AFTER = re.compile(
    rf"(?:the\s+)?(?:(?:(?!(?:on|in|at|for|by|with|across|from|of|to|under|while|and|or|when|where)\b)[a-z][\w-]*|SOTA),?\s+){{0,5}}"
    rf"{_LIST}")
_LIST_NEXT = re.compile(rf"(?:the\s+)?{_LIST}")
"""A list right after its cue, with at most "the" between."""
_AFTER_NOUN = re.compile(
    rf"\s*(?:\(\s*(?:(?:including|such\s+as|e\.g\.,?|i\.e\.,?|namely,?)\s+)?|:\s*|[,;]?\s*(?:including|such\s+as|e\.g\.,?|i\.e\.,?|like|namely,?)\s+)"
    rf"(?:the\s+)?{_LIST}")
_MODEL_NOUN = re.compile(
    r"\b(?:(?P<architecture>models?|architectures?|networks?|backbones?|detectors?|CNNs|LLMs|GANs)|"
    r"(?P<method>methods?|algorithms?|approaches|techniques|baselines?|attacks?|defen[cs]es|optimizers?|augmentations?|"
    r"losses|strategies|frameworks|schedulers?|samplers?|regularizers?))"
    r"(?=\s*[(,;]?\s*(?:such\s+as|like|including|e\.g\.|namely|\())")
"""A noun of models or methods followed by examples: "models like X and Y", "algorithms such as Z", "networks (A, B)"."""
_MODEL_NOUN_NAMES = re.compile(r"\b(?:(?P<architecture>models|architectures?|networks|backbones?|detectors)|(?P<method>methods|baselines))\s+(?=[A-Z])")
"""A plural noun of models right before their names: "diffusion models LDM/DiT", "robust architecture FAN"."""
_METRIC_CUE = re.compile(r"\b(?:accuracy|mAP|AP|mIoU|FID|AUC|F1)\s+(?:on|for)\s+(?:the\s+)?")
"""A dataset a number was measured on: "7.06 mAP for ZetaCars", "accuracy on ZetaSet"."""
_EVAL_CUE = re.compile(r"\b(?:experiments?|evaluat\w*|results?|tested|benchmark(?:ed|ing)?|validated|performance)\s+"
                       r"(?:\w+\s+){0,3}?(?:on|across)\s+(?:the\s+)?", re.I)
_TRAIN_CUE = re.compile(r"\b(?:(?:pre-?)?train(?:ed|ing)|fine-?tun(?:ed|ing))\s+(?:\w+\s+){0,3}?(?:on|from)\s+(?:the\s+)?", re.I)
"""Training data: "pre-trained on A", "trained from scratch on A and B", "fine-tuned on A"."""
_BUILD_CUE = re.compile(r"\b(?:based\s+on|(?:built|builds?|building)\s+(?:up)?on(?:\s+top\s+of)?|extends?|extending|"
                        r"on\s+top\s+of|initiali[sz]ed\s+(?:with|from))\s+(?:the\s+)?", re.I)
"""What the paper builds on: "based on A", "we extend A", "on top of A and B"."""
_HARDWARE = re.compile(r"\s*(?:GPUs?|TPUs?|cards?|chips?|cores?|nodes?|devices?|machines?|hours?|days?|clusters?)\b", re.I)
"""After "trained on": "A100 GPUs" is hardware, not data."""
_WINDOW = 120  # characters before a dataset noun searched for the list of names
# Patterns are applied only at cue words (a noun, a comparison verb), never slid over the
# whole sentence: a list pattern tried at every position backtracks badly.
_SEPARATOR = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|/)\s*")




_COMPOUND = re.compile(r"-(?:based|curated|generated|style|like|aware|free|specific|guided|driven|trained|pretrained|"
                       r"level|wise|only|centric|agnostic|conditioned|inspired|powered|scale|sized?|affected|related|dependent|"
                       r"invariant|oriented|enhanced|augmented|friendly|efficient|optimi[sz]ed|compatible|equivalent)$", re.I)


_WORD_INSIDE = re.compile(r"(?<!-)[A-Z][a-z]")  # a capital starting a word inside a token ("3DMatch")
_CAPITAL_PLURAL = re.compile(r"[A-Z]s$")  # "CNNs"
_SPACELESS_RUN = re.compile(r"\S+")


def _coined(word: str) -> bool:
    """A coined name that is not a plural acronym ("CNNs"), a quantity ("10x", "8B-parameter"), a
    variable ("D_B") or a general acronym of the field ("SOTA"). It starts with a letter, or with a
    digit when a capital starts a word inside it ("3DMatch")."""
    first = word[0].isalpha() or _WORD_INSIDE.search(word) is not None
    if _COMPOUND.search(word):
        return False  # "IT-curated", "VQ-based": an adjective made from a name, not the name
    return (first and looks_like_name(word) and not word.endswith(("'s", "’s")) and not _CAPITAL_PLURAL.search(word) and "_" not in word
            and sum(c.isalpha() for c in word) >= 2 and word not in FIELD_ACRONYMS)


def _plain_name(words: list[str]) -> bool:
    """Capitalised words ("Indian Pines", "University of Pavia", "Weibo"): a name only where a
    dataset noun sets it off, never a word that is capitalised because it starts the sentence."""
    return (bool(words) and words[0][0].isupper() and words[-1][0].isupper() and words[0].lower() not in _LEADING
            and len(words[0]) >= 3  # "ImageNet-C,R,S,A": single letters are variants, not names
            and all((w[0].isupper() or w in ("of", "and")) and w.isalnum() for w in words)
            and words[0].lower() not in _GENERIC_CAPITALISED)


def _may_name_dataset(text: str) -> bool:
    """False when `text` cannot hold a _DATASET_NOUN match (case-sensitive): it has none of its nouns."""
    return "data" in text or "benchmark" in text or "test" in text or "corp" in text or "challenge" in text or "suite" in text


def _may_cue_eval(text: str) -> bool:
    """False when `text` cannot hold an _EVAL_CUE match: it has none of its cue words."""
    return may_hold(text, "experiment", "evaluat", "result", "tested", "benchmark", "validated", "performance")


def _may_name_models_directly(text: str) -> bool:
    """False when `text` cannot hold a _MODEL_NOUN_NAMES match: none of its nouns."""
    return ("models" in text or "architecture" in text or "networks" in text or "backbone" in text or "detectors" in text
            or "methods" in text or "baselines" in text)


def _may_cue_metric(text: str) -> bool:
    """False when `text` cannot hold a _METRIC_CUE match: none of its metric names."""
    return "accuracy" in text or "AP" in text or "mIoU" in text or "FID" in text or "AUC" in text or "F1" in text


def _may_cue_training(text: str) -> bool:
    """False when `text` cannot hold a _TRAIN_CUE match: no "train" or "tun"."""
    return may_hold(text, "train", "tun")


def _may_cue_building(text: str) -> bool:
    """False when `text` cannot hold a _BUILD_CUE match: none of its cue words."""
    return may_hold(text, "based", "buil", "extend", "top", "initiali")


def _may_compare(text: str) -> bool:
    """False when `text` cannot hold a _COMPARE_CUE match (case-sensitive): it has none of its cue words."""
    return ("outperform" in text or "out-perform" in text or "surpass" in text or "than" in text or "compar" in text
            or "over" in text or "beat" in text or "vs" in text or "versus" in text)


def _may_name_models(text: str) -> bool:
    """False when `text` cannot hold a _MODEL_NOUN match: no word that introduces examples."""
    return "such" in text or "like" in text or "including" in text or "e.g." in text or "namely" in text or "(" in text


def _lists(text: str) -> list[tuple[int, str, str, bool]]:
    """(start, text, kind, plain) of each list of names: before a dataset noun or after one ("datasets,
    namely A and B"), after an evaluation or comparison cue, or as examples of a noun of models or
    methods ("models like A and B"). kind is a type, or "" for the names' own shape to decide it;
    `plain`: capitalised plain words count as names (a dataset noun sets the list off)."""
    found = []
    # pre-tests (~10× cheaper than a pattern tried at every position) skip the patterns `text` cannot match
    nouns = list(_DATASET_NOUN.finditer(text)) if _may_name_dataset(text) else []
    for noun in nouns:
        start = max(0, noun.start() - _WINDOW)
        unlisted = _LAST_UNLISTED.search(text, start, noun.start())
        match = _LIST_BEFORE.search(text, unlisted.end() if unlisted else start, noun.start())
        if match:
            found.append((match.start("names"), match.group("names"), "dataset", True))
    for noun in nouns:
        match = _AFTER_NOUN.match(text, noun.end())
        if match:
            found.append((match.start("names"), match.group("names"), "dataset", True))  # "datasets, including A, B and C"
    for cue_pattern, pretest, list_pattern, kind in _CUED_LISTS:
        for cue in cue_pattern.finditer(text) if pretest(text) else ():
            match = list_pattern.match(text, cue.end())
            if match:
                found.append((match.start("names"), match.group("names"), cue.lastgroup or kind, False))
    return found


_CUED_LISTS: tuple[tuple[re.Pattern[str], Callable[[str], bool], re.Pattern[str], str], ...] = (
    (_EVAL_CUE, _may_cue_eval, _LIST_AFTER, "dataset"),  # "experiments on A, B and C"
    (_MODEL_NOUN, _may_name_models, _AFTER_NOUN, ""),  # "models like A and B": the noun types a name before its shape does
    (_MODEL_NOUN_NAMES, _may_name_models_directly, _LIST_NEXT, ""),  # "diffusion models A/B"
    (_METRIC_CUE, _may_cue_metric, _LIST_NEXT, "dataset"),  # "7.06 mAP for A"
    (_TRAIN_CUE, _may_cue_training, _LIST_AFTER, "dataset"),  # "pre-trained on A and B"
    (_BUILD_CUE, _may_cue_building, _LIST_AFTER, ""),  # "based on A"
    (_COMPARE_CUE, _may_compare, _LIST_AFTER, ""),  # "outperforms A and B"
)
"""(cue, its pre-test, the list after it, the names' type: the cue's named group, else this, else "" for
the names' shape to decide), in order: a name found by an earlier one keeps that one's type."""

_LEADING = {"the", "a", "an", "our", "their", "its", "this", "these", "two", "three", "four", "five", "several", "multiple",
            "various"}
_GENERIC_CAPITALISED = {"new", "large", "small", "public", "standard", "benchmark", "synthetic", "real", "proposed", "original",
                        "existing", "popular", "common", "widely", "challenging", "diverse", "other", "all", "both", "each",
                        "extensive", "experiments", "results", "we", "in", "on", "for", "with", "from", "to", "and", "using",
                        "training", "test", "testing", "validation", "evaluation", "data", "dataset", "datasets", "additionally",
                        "moreover", "furthermore", "finally", "first", "second", "third", "however", "specifically", "notably",
                        "then", "thus", "therefore", "here", "these", "those", "such", "several", "many", "most", "some"}
"""Capitalised words that begin a noun phrase or a heading rather than a dataset's name."""


def _names(doc: Doc, index: int, offset: int, text: str, before_noun: bool, plain: bool) -> list[tuple[int, str]]:
    """(start, name) of every name in a list, stopping at the first item that is not one: a coined
    name, or with `plain` capitalised words. An item already found (a vocabulary name) is passed over.

    A list found before a noun may start with any plain words ("results on the X"); one found
    after a cue only with a determiner ("outperforms the X"), so "… methods on CIFAR" stops."""
    sentence, out, plain_items = doc.masked[index], [], []
    taken = [(m.start, m.end) for m in doc.mentions if m.sentence == index]
    complete = False
    for part in _SEPARATOR.split(text):
        position = sentence.find(part, offset)
        if position < 0:
            break
        offset = position + len(part)
        words = [(position + m.start(), m.group()) for m in _SPACELESS_RUN.finditer(part)]
        if not words:
            break
        if any(a <= words[0][0] < b for a, b in taken):
            continue  # "ImageNet-100/200, X": a known name, maybe with a slash list of sizes
        if any(words[0][0] <= a <= offset + 1 for a, _ in taken):
            plain = False  # "the Hard ImageNet dataset": a known name's own qualifier, not a plain name
        slashed = sentence[position - 1 : position] == "/" or sentence[offset : offset + 1] == "/"
        plain = plain and not slashed  # "Baby/Papa/Granpa-ImageNet" is one name
        if plain and (len(out) or not before_noun) and _plain_name([w for _, w in words]) and words[0][0] > 0:
            plain_items.append((words[0][0], sentence[words[0][0] : words[-1][0] + len(words[-1][1])]))
            out.append(plain_items[-1])
            continue  # "namely Indian Pines, University of Pavia, and Salinas"
        while not out and words and (words[0][1].lower() in _LEADING or before_noun and not _coined(words[0][1])):
            if plain and before_noun and _plain_name([w for _, w in words]) and words[0][0] > 0 and len(words) <= 3:
                break  # "on the Weibo dataset"
            words.pop(0)  # "the Nebula7 SkyCams" → "Nebula7 SkyCams"
        if plain and words and _plain_name([w for _, w in words]) and words[0][0] > 0 and not _coined(words[0][1]):
            plain_items.append((words[0][0], sentence[words[0][0] : words[-1][0] + len(words[-1][1])]))
            out.append(plain_items[-1])
            continue
        cut = next((i for i, (_, w) in enumerate(words) if not (_coined(w) or w[0].isupper())), len(words))
        words = words[:cut]  # "HydraNet on ImageNet" → "HydraNet"
        while words and not _coined(words[-1][1]):
            words.pop()  # "HydraNet Models" → "HydraNet"
        if not words or not _coined(words[0][1]):
            break
        start, end = words[0][0], words[-1][0] + len(words[-1][1])
        if re.match(r"[- ]based\b|\s?%", sentence[end : end + 7]) or _HARDWARE.match(sentence, end):
            break  # "LiRPA based defense" names a technique, "A100 GPUs" hardware, "approx78%" a number
        out.append((start, sentence[start:end]))
    else:
        complete = True
    if before_noun and not complete:
        out = [item for item in out if item not in plain_items]  # plain words count only in a list that reaches its noun
    return out


def _concept(doc: Doc, name: str) -> bool:
    """An acronym the paper defines as a plain phrase ("presentation attack detection (PAD)",
    "Vision-and-language (VL)"): a task or an idea, not a named artifact, even in "face PAD databases"."""
    long = doc.acronyms.get(name)
    return long is not None and not any(c.isupper() for c in long[1:])


_NEXT_ITEM = re.compile(rf"(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+)(?:the\s+)?(?P<name>{_WORD})(?=\s*(?:,|\.|\)|;|\s+and\b|\s+or\b|$))")


def _listed_with_known(doc: Doc, vocabulary: Vocabulary | None, taken: list[tuple[int, int, int]], known: set[str]) -> None:
    """A coined name listed right after a known one is of its kind ("ResNet-18, MobileNetV2, SqueezeNext
    and InceptionV3": SqueezeNext is an architecture too). Only a whole item that is one coined word
    counts, so "ResNet-50 and FPN features" adds nothing."""
    for mention in sorted(doc.mentions, key=lambda m: (m.sentence, m.start)):
        text, at = doc.masked[mention.sentence], mention.end
        while (match := _NEXT_ITEM.match(text, at)) is not None:
            start, end, name = match.start("name"), match.end("name"), match.group("name")
            at = end
            if any(s == mention.sentence and a < end and start < b for s, a, b in taken):
                continue  # a known name: the list goes on
            if (not _coined(name) or name.lower() in known or _concept(doc, name) or name.lower() in metrics()
                    or (vocabulary is not None and vocabulary.lookup(name))):
                break
            doc.mentions.append(Mention(mention.sentence, start, end, doc.sentences[mention.sentence][start:end], mention.type,
                                        extractor=EXTRACTOR))
            taken.append((mention.sentence, start, end))
            known.add(name.lower())


def run(doc: Doc, vocabulary: Vocabulary | None) -> None:
    """Add a Mention for every unknown coined name in a dataset or comparison pattern, or listed with known names."""
    taken = [(m.sentence, m.start, m.end) for m in (*doc.mentions, *doc.introduced)]
    known = {m.surface.lower() for m in (*doc.mentions, *doc.introduced)}
    _defined_datasets(doc, vocabulary, taken, known)
    for index, text in enumerate(doc.masked):
        if not may_hold_name(text):
            continue  # most sentences of prose: no list pattern needs to run
        for offset, names, kind, plain in _lists(text):
            for start, name in _names(doc, index, offset, names, kind == "dataset" and offset > 0, plain):
                end = start + len(name)
                if not name.strip() or name.lower() in known or any(s == index and a < end and start < b for s, a, b in taken):
                    continue
                if vocabulary is not None and vocabulary.lookup(name) or _concept(doc, name):
                    continue
                type_ = kind or ("architecture" if _ARCH_NAME.search(name) else "method")
                doc.mentions.append(Mention(index, start, end, doc.sentences[index][start:end], type_, extractor=EXTRACTOR))
                taken.append((index, start, end))
                known.add(name.lower())
    _listed_with_known(doc, vocabulary, taken, known)
    _other_occurrences(doc, taken)


_DATA_HEAD = re.compile(r"(?:Data\s?set|Benchmark|Corpus|Database|Bank|Archive|Atlas|Collection)s?$")


def _defined_datasets(doc: Doc, vocabulary: Vocabulary | None, taken: list[tuple[int, int, int]], known: set[str]) -> None:
    """A capitalised long form whose head says dataset, defined with an acronym: "structures from the
    Protein Data Bank (PDB)" names a dataset, with the acronym as its alias."""
    for index, pair in doc.definitions:
        long, end = pair.long, pair.start + len(pair.long)
        if (not _DATA_HEAD.search(long) or not all(w[0].isupper() or w in ("of", "for", "and") for w in long.split())
                or {long.lower(), pair.short.lower()} & known or any(s == index and a < end and pair.start < b for s, a, b in taken)
                or vocabulary is not None and (vocabulary.lookup(long) or vocabulary.lookup(pair.short))):
            continue
        doc.mentions.append(Mention(index, pair.start, end, doc.sentences[index][pair.start : end], "dataset",
                                    extractor=EXTRACTOR, aliases=(pair.short,)))
        taken.append((index, pair.start, end))
        known.update((long.lower(), pair.short.lower()))


def _other_occurrences(doc: Doc, taken: list[tuple[int, int, int]]) -> None:
    """Every other occurrence of a name found here is a mention too, so that its role can come from
    any sentence ("recent methods like TiTok…" in the background, "outperforming TiTok" later)."""
    found = [m for m in doc.mentions if m.extractor == EXTRACTOR]
    for name, type_ in dict((n, m.type) for m in found for n in (m.surface, *m.aliases)).items():
        for index, text in enumerate(doc.masked):
            if name not in text:
                continue
            for start, end in whole_word_spans(name, text):
                if not any(s == index and a < end and start < b for s, a, b in taken):
                    doc.mentions.append(Mention(index, start, end, name, type_, extractor=EXTRACTOR))
                    taken.append((index, start, end))
