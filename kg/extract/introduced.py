"""Names the paper itself introduces: "X: title", "we propose X", "dubbed X", "a dataset called X".

A name counts when it looks like a coined name (an inner capital, a digit, or all capitals),
so "we propose a simple method" introduces nothing. The type is guessed from the words
around the name ("dataset", "benchmark" → dataset; "network", "model" → architecture).
"""
from __future__ import annotations

import re

from ..vocabulary import Vocabulary
from .doc import Doc, Mention

EXTRACTOR = "introduced_pattern"
_TOKEN = r"[A-Za-z0-9][\w.+'-]*[\w+]|[A-Z0-9]"
_NAME = rf"(?:{_TOKEN})(?:\s(?:{_TOKEN}))?"  # at most two words
_TITLE_NAME = re.compile(rf"^(?P<name>{_NAME})\s*:\s")
_CUED = re.compile(
    rf"\b(?:called|named|dubbed|termed|coined|denoted(?:\s+as)?|abbreviated\s+as|namely|short\s+for)\s+"
    rf"(?:as\s+)?[\"“'‘]?(?P<name>{_NAME})"
)
_PROPOSE = re.compile(
    rf"\b(?:we|this\s+(?:paper|work|study)|here\s+we)\s+(?:\w+ly\s+)?"
    rf"(?:propose|introduce|present|develop|design|build|release|construct|curate|collect|create|contribute)s?\s+"
    rf"(?P<name>{_NAME})(?=\s*(?:,|\(|:|;|\.|$|\s+(?:a|an|the|which|that|to|for|as)\b))"
)
_ACRONYM_DEFINITION = re.compile(r"(?P<long>(?:[A-Z][\w-]*\s+){1,8}?[A-Z][\w-]*)\s+\((?P<name>[A-Z][\w-]*[A-Z0-9][\w-]*)\)")
_INTRODUCING_SENTENCE = re.compile(r"\b(?:we|this\s+(?:paper|work))\s+(?:\w+ly\s+)?(?:propose|introduce|present|develop|design|call|name|dub)", re.I)
_DATASET_CUE = re.compile(r"\b(?:data\s?set|benchmark|corpus|collection|suite|database|images|videos)s?\b", re.I)
_ARCH_CUE = re.compile(r"\b(?:network|architecture|model|backbone|transformer|detector|encoder|decoder|LLM|net|ViT|CNN)s?\b", re.I)
_ARCH_NAME = re.compile(r"(?:Net|Former|former|ViT|GAN|BERT|GPT|Mamba|LM|Transformer|CNN|MLP)(?:[-\d]|v\d|$)")
_STOP = {"a", "an", "the", "this", "our", "we", "it", "in", "on", "to", "and", "of", "for", "with", "towards"}


def looks_like_name(name: str) -> bool:
    """A coined name has an inner capital, a digit or is all capitals; plain words are not names.

    >>> [looks_like_name(n) for n in ("DAFOSNET", "m2mKD", "ViTamin", "Simple", "a model")]
    [True, True, True, False, False]
    """
    words = name.split()
    if not words or words[0].lower() in _STOP or len(name) < 2:
        return False
    return any(any(c.isupper() for c in w[1:]) or any(c.isdigit() for c in w) for w in words)


def guess_type(name: str, context: str) -> str:
    """dataset, architecture or method, from the name's shape and the words around it."""
    if _DATASET_CUE.search(context) and not _ARCH_NAME.search(name):
        return "dataset"
    if _ARCH_NAME.search(name) or _ARCH_CUE.search(context):
        return "architecture"
    return "method"


def _trim(name: str) -> str:
    words = name.split()
    while len(words) > 1 and not looks_like_name(words[-1]):
        words.pop()
    return " ".join(words).rstrip(".,;:'\"’”")


def run(doc: Doc, vocabulary: Vocabulary) -> None:
    """Add to doc.introduced every coined name the paper introduces (once per name)."""
    found: dict[str, Mention] = {}

    def add(index: int, start: int, name: str) -> None:
        name = _trim(name)
        if not looks_like_name(name) or name.lower() in found:
            return
        sentence = doc.sentences[index]
        context = sentence[max(0, start - 60) : start + len(name) + 60]
        term = vocabulary.lookup(name)
        type_ = term.type if term else guess_type(name, context)
        found[name.lower()] = Mention(
            index, start, start + len(name), sentence[start : start + len(name)], type_,
            canonical=term.label if term else None, extractor=EXTRACTOR,
        )

    title = doc.masked[0]
    match = _TITLE_NAME.match(title)
    if match:
        add(0, 0, match.group("name"))
    for index, text in enumerate(doc.masked):
        for pattern in (_CUED, _PROPOSE):
            for match in pattern.finditer(text):
                add(index, match.start("name"), match.group("name"))
        if index > 0 and _INTRODUCING_SENTENCE.search(text):
            for match in _ACRONYM_DEFINITION.finditer(text):
                add(index, match.start("name"), match.group("name"))
    doc.introduced.extend(found.values())
