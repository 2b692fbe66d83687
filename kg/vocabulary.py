"""The curated vocabulary of well-known datasets, architectures and methods (`kg/data/vocabulary.tsv`).

It is data, not code: general domain knowledge with aliases and lineage, so that the
extractor recognises names and the graph knows that ResNet-50 is a variant of ResNet.

>>> vocab = load()
>>> vocab.lookup("resnet 50").label, vocab.lookup("ResNet50").variant_of
('ResNet-50', 'ResNet')
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import InputError
from .model import ENTITY_TYPES

VOCABULARY_FILE = Path(__file__).parent / "data" / "vocabulary.tsv"
GENERIC_FILE = Path(__file__).parent / "data" / "generic_families.tsv"
GAZETTEER_FILE = Path(__file__).parent / "data" / "gazetteer.tsv"
"""Names from the name lists of pinned PyPI wheels (`scripts/gazetteers.py` writes it)."""


def name_key(name: str) -> str:
    """The form under which names are the same entity: case, spaces, hyphens and punctuation ignored.

    >>> name_key("ViT-B/16") == name_key("vit b 16")
    True
    """
    return re.sub(r"[^\w+]+|_", "", name.casefold())


@dataclass(frozen=True)
class Term:
    """One vocabulary row."""

    label: str
    type: str
    aliases: tuple[str, ...]
    variant_of: str | None
    builds_on: tuple[str, ...]
    package: str = ""  # the PyPI package a gazetteer name came from; "" for the curated vocabulary

    @property
    def names(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)


class Vocabulary:
    """Terms by canonical label, and a lookup from any name to its term."""

    def __init__(self, terms: list[Term], generic: frozenset[str] = frozenset()):
        self.terms: dict[str, Term] = {t.label: t for t in terms}
        self.generic = generic  # labels whose bare mention means a family, not an artifact
        self._by_key: dict[str, Term] = {}
        for term in terms:
            for name in term.names:
                self._by_key.setdefault(name_key(name), term)

    def lookup(self, name: str) -> Term | None:
        """The term a name (label or alias, any case or hyphenation) refers to."""
        return self._by_key.get(name_key(name))

    def __len__(self) -> int:
        return len(self.terms)


def _rows(text: str, path: str, expected: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, 5 fields) of each row of a TSV, comments and blank lines skipped; InputError
    naming a line without 5 fields."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 5:
            raise InputError(path, number, expected, f"{len(fields)}")
        yield number, fields


def parse(text: str, path: str) -> list[Term]:
    """Rows of a vocabulary TSV; raises InputError naming the bad line."""
    terms: list[Term] = []
    for number, fields in _rows(text, path, "5 tab-separated fields"):
        label, type_, aliases, variant_of, builds_on = (f.strip() for f in fields)
        if type_ not in ENTITY_TYPES:
            raise InputError(path, number, f"a type in {ENTITY_TYPES}", repr(type_))
        terms.append(Term(label, type_, _split(aliases), variant_of or None, _split(builds_on)))
    labels = {t.label for t in terms}
    for term in terms:
        for ref in (term.variant_of, *term.builds_on):
            if ref and ref not in labels:
                raise InputError(path, None, f"'{ref}' (named by '{term.label}') to be a row", "no such row")
    return terms


def _split(field: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in field.split("|") if x.strip())


def parse_generic(text: str, path: str, labels: set[str]) -> frozenset[str]:
    """Labels listed one per line (# comments); InputError for a label that is not a vocabulary row."""
    found = set()
    for number, line in enumerate(text.splitlines(), start=1):
        label = line.strip()
        if label and not label.startswith("#"):
            if label not in labels:
                raise InputError(path, number, "a label of kg/data/vocabulary.tsv", repr(label))
            found.add(label)
    return frozenset(found)


def parse_gazetteer(text: str, path: str) -> list[Term]:
    """Rows of a gazetteer TSV (name, type, package, version, licence) as terms without aliases or
    lineage; InputError naming the bad line."""
    terms: list[Term] = []
    for number, fields in _rows(text, path, "5 tab-separated fields (name, type, package, version, licence)"):
        if fields[1] not in ENTITY_TYPES:
            raise InputError(path, number, f"a type in {ENTITY_TYPES}", repr(fields[1]))
        terms.append(Term(fields[0].strip(), fields[1], (), None, (), fields[2].strip()))
    return terms


@lru_cache(maxsize=4)
def load(path: Path = VOCABULARY_FILE, generic_path: Path = GENERIC_FILE, gazetteer: bool = True) -> Vocabulary:
    """The vocabulary at `path` (the bundled one by default) and, with `gazetteer`, the names of
    GAZETTEER_FILE it lacks, parsed once per process. The curated rows win: a gazetteer name they
    already know is left out."""
    gazetteer_path = GAZETTEER_FILE if gazetteer else None
    terms = parse(path.read_text(encoding="utf-8"), str(path))
    generic = parse_generic(generic_path.read_text(encoding="utf-8"), str(generic_path), {t.label for t in terms})
    if gazetteer_path is not None and gazetteer_path.is_file():
        keys = {name_key(n) for t in terms for n in t.names}
        terms += [t for t in parse_gazetteer(gazetteer_path.read_text(encoding="utf-8"), str(gazetteer_path))
                  if name_key(t.label) not in keys and not keys.add(name_key(t.label))]
    return Vocabulary(terms, generic)
