"""The main job: listing files → records → extractions → a resolved Corpus.

>>> from kg.sample import SAMPLE_DIR
>>> corpus = build_corpus([SAMPLE_DIR], progress=False)
>>> len(corpus.papers)
310
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from tqdm import tqdm

from .extract import extract
from .model import Corpus, Extraction, PaperRecord
from .resolve import resolve
from .sources import read_sources
from .vocabulary import load


def build_corpus(paths: Iterable[str | Path], progress: bool = True) -> Corpus:
    """Read every listing under `paths`, extract from each paper, and resolve the corpus.

    Input errors (kg.errors.InputError) surface before anything is extracted, so a bad file
    never leaves a half-built graph behind.
    """
    records = list(read_sources(paths))
    return resolve(zip(records, extract_records(records, progress)), load())


def extract_records(records: Sequence[PaperRecord], progress: bool = True) -> list[Extraction]:
    """The extraction of each record, in order: the step `kg add` runs on new listings only."""
    vocabulary = load()
    bar = tqdm(records, desc="extract", unit="paper", disable=not progress, leave=False)
    return [extract(record, vocabulary) for record in bar]
