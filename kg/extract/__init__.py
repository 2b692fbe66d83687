"""Extraction: one paper's title and abstract → relations with evidence.

A pipeline of named components run in the declared order of `PIPELINE` (spaCy-style): each
reads and extends a `Doc`, and each can be run and tested alone.

>>> from kg.model import PaperRecord, Source
>>> record = PaperRecord("FooNet: Faster Nets", "We propose FooNet, a network based on ResNet-50. "
...     "Experiments on ImageNet show it outperforms ViT. Code: https://github.com/a/foonet.", Source("x", 1))
>>> ex = extract(record)
>>> sorted((r.predicate, r.surface) for r in ex.relations)
[('buildsOn', 'ResNet-50'), ('comparesWith', 'ViT'), ('evaluatedOn', 'ImageNet'), ('introduces', 'FooNet')]
>>> ex.repos[0][0], ex.code_status
('https://github.com/a/foonet', 'released')
"""
from __future__ import annotations

from collections.abc import Callable

from ..model import Extraction, PaperRecord
from ..vocabulary import Vocabulary, load
from . import acronyms, code_links, introduced, relations, results, unknown_names, vocabulary_matcher
from .doc import Doc

Component = Callable[[Doc, Vocabulary], None]

PIPELINE: tuple[tuple[str, Component], ...] = (
    ("code_links", code_links.run),  # GitHub repos, other links, code status
    ("vocabulary", vocabulary_matcher.run),  # mentions of names in the curated vocabulary
    ("acronyms", acronyms.run),  # "Long Form (LF)" definitions (Schwartz–Hearst)
    ("introduced", introduced.run),  # names the paper itself introduces, and their later mentions
    ("unknown_names", unknown_names.run),  # other names set off by "X dataset", "outperforms X"
    ("relations", relations.run),  # the role of every other mention, from cue words
    ("results", results.run),  # "84.5% top-1 accuracy on ImageNet" → model, dataset, metric, value
)


def extract(record: PaperRecord, vocabulary: Vocabulary | None = None) -> Extraction:
    """Run every pipeline component over one paper and return what they found."""
    vocab = vocabulary or load()
    doc = Doc.from_record(record)
    for _, component in PIPELINE:
        component(doc, vocab)
    return doc.to_extraction()
