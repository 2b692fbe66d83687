"""Hugging Face daily papers, as the API answers (`GET /api/daily_papers`: one JSON array).

Each item's `paper` gives the arXiv id, title, abstract (`summary`), authors, date and, when
the authors linked one, `githubRepo`, kept as curated released code (extractor `huggingface`).
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from ..model import Evidence, Extraction, PaperRecord, Source
from ..urls import github_repo
from .identifiers import paper_ids
from .json_records import json_array, mapping, objects, one_line, read_records, text
from .lines import OnBad, raise_error

EXTRACTOR = "huggingface"


def looks_like(first: dict) -> bool:
    return isinstance(first.get("paper"), dict) and "id" in first["paper"]


def read(path: Path, name: str, on_bad: OnBad = raise_error) -> Iterator[PaperRecord]:
    return read_records(json_array(path, name), name, _record, on_bad, unit="record")


def _record(item: dict, name: str, number: int) -> tuple[PaperRecord]:
    paper = mapping(item, "paper", name, number)
    ids = paper_ids(arxiv=text(paper, "id", name, number))
    if not ids:
        raise InputError(name, number, '"paper.id" as an arXiv id', repr(str(paper.get("id")))[:40])
    source = Source(name, number)
    repo = github_repo(text(paper, "githubRepo", name, number, required=False))
    curated = None
    if repo:
        curated = Extraction(repos=((repo, Evidence("Hugging Face papers: the paper's GitHub repository", EXTRACTOR, 1.0, source=source)),),
                             code_status="released")
    return (PaperRecord(
        title=one_line(text(paper, "title", name, number)),
        abstract=one_line(text(paper, "summary", name, number, required=False)),
        source=source,
        authors=tuple(one_line(a["name"]) for a in objects(paper, "authors", name, number) if isinstance(a.get("name"), str) and a["name"].strip()),
        ids=ids,
        date=text(paper, "publishedAt", name, number, required=False)[:10] or None,
        curated=curated,
    ),)
