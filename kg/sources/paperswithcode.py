"""Papers with Code archive dumps (each one JSON array, often `.json.gz`, streamed item by item).

What each dump adds, as curated facts (extractor `paperswithcode`, kept apart from what is
extracted from text):

- links-between-papers-and-code: the paper `releasesCode` the repository; the evidence says
  whether the link is official and the framework; an official link is confidence 1.0, one
  found by others 0.8 (the dumps are known to mark some links wrongly as official);
- papers-with-abstracts: the paper itself (arXiv id, title, abstract, authors, date) and the
  methods it uses (`buildsOn`, with the method's full name as an alias);
- evaluation-tables: per leaderboard row, the paper `evaluatedOn` the dataset and a Result
  (metric, value, model name). Rows without a paper title are left out (no paper to hold them);
- methods, datasets: the artifact (a Method or a Dataset) with its full name as an alias and,
  when the paper that introduced it is in the graph (known by its Papers with Code page),
  that paper `introduces` it.

Papers are known across dumps by their Papers with Code page (`paper_url`) and arXiv id.
"""
from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from ..model import Evidence, Extraction, PaperRecord, Relation, Result, Source
from ..urls import github_repo
from .identifiers import paper_ids
from .json_records import json_array, mapping, objects, one_line, read_records, text, texts
from .lines import OnBad, raise_error

EXTRACTOR = "paperswithcode"
PAGE_PREFIX = "https://paperswithcode.com/paper/"


def page_id(url: str) -> str | None:
    """The paper's slug on Papers with Code, from its page URL.

    >>> page_id("https://paperswithcode.com/paper/deep-residual-learning-for-image")
    'deep-residual-learning-for-image'
    """
    return url.removeprefix(PAGE_PREFIX).strip("/") or None if url.startswith(PAGE_PREFIX) else None


def looks_like_links(first: dict) -> bool:
    return "repo_url" in first and "paper_title" in first


def looks_like_papers(first: dict) -> bool:
    return "paper_url" in first and "abstract" in first and "repo_url" not in first


def looks_like_evaluations(first: dict) -> bool:
    return "task" in first and "datasets" in first


def looks_like_methods(first: dict) -> bool:
    return {"full_name", "paper", "url", "collections"} <= first.keys()


def looks_like_datasets(first: dict) -> bool:
    return {"full_name", "paper", "url", "modalities"} <= first.keys()


def read_methods(path: Path, name: str, on_bad: OnBad = raise_error) -> Iterator[PaperRecord]:
    """One record per method: the method, introduced by its paper."""
    return read_records(json_array(path, name), name, lambda obj, n, i: _artifact(obj, n, i, "method"), on_bad, unit="record")


def read_datasets(path: Path, name: str, on_bad: OnBad = raise_error) -> Iterator[PaperRecord]:
    """One record per dataset: the dataset, introduced by its paper."""
    return read_records(json_array(path, name), name, lambda obj, n, i: _artifact(obj, n, i, "dataset"), on_bad, unit="record")


def _artifact(obj: dict, name: str, number: int, type_: str) -> tuple[PaperRecord]:
    label = one_line(text(obj, "name", name, number))
    full = one_line(text(obj, "full_name", name, number, required=False))
    paper = mapping(obj, "paper", name, number)
    source = Source(name, number)
    evidence = Evidence(f"Papers with Code {type_}s: {full or label}, introduced by the paper", EXTRACTOR, 1.0, source=source)
    relation = Relation("introduces", label, type_, evidence, aliases=(full,) if full and full != label else ())
    # No title: the record is about the artifact; resolve ties it to the paper if the graph has it.
    return (PaperRecord(title="", abstract="", source=source, ids=paper_ids(pwc=page_id(text(paper, "url", name, number, required=False))),
                        curated=Extraction(relations=(relation,))),)


def read_links(path: Path, name: str, on_bad: OnBad = raise_error) -> Iterator[PaperRecord]:
    """One record per paper–repository link."""
    return read_records(json_array(path, name), name, _link, on_bad, unit="record")


def read_papers(path: Path, name: str, on_bad: OnBad = raise_error) -> Iterator[PaperRecord]:
    """One record per paper of papers-with-abstracts."""
    return read_records(json_array(path, name), name, _paper, on_bad, unit="record")


def read_evaluations(path: Path, name: str, on_bad: OnBad = raise_error) -> Iterator[PaperRecord]:
    """One record per leaderboard row of the task trees of evaluation-tables (numbered by row)."""
    rows = itertools.count(1)
    return read_records(json_array(path, name), name, lambda task, n, i: _task_rows(task, n, i, rows), on_bad, unit="record")


def _ids(obj: dict, name: str, number: int, arxiv_key: str, url_key: str) -> tuple[tuple[str, str], ...]:
    return paper_ids(arxiv=text(obj, arxiv_key, name, number, required=False) or None,
                     pwc=page_id(text(obj, url_key, name, number, required=False)))


def _link(obj: dict, name: str, number: int) -> tuple[PaperRecord, ...]:
    url = text(obj, "repo_url", name, number)
    repo = github_repo(url)
    if repo is None:
        return ()  # a GitLab or Bitbucket link: not a repository node of this graph
    source = Source(name, number)
    official = obj.get("is_official") is True
    framework = text(obj, "framework", name, number, required=False) or "unknown"
    how = "official" if official else "unofficial"
    mentioned = ", mentioned in the paper" if obj.get("mentioned_in_paper") is True else ""
    evidence = Evidence(f"Papers with Code: {how} code ({framework}{mentioned})", EXTRACTOR, 1.0 if official else 0.8,
                        source=source)
    return (PaperRecord(
        title=one_line(text(obj, "paper_title", name, number)),
        abstract="",
        source=source,
        ids=_ids(obj, name, number, "paper_arxiv_id", "paper_url"),
        curated=Extraction(repos=((repo, evidence),), code_status="released"),
    ),)


def _paper(obj: dict, name: str, number: int) -> tuple[PaperRecord]:
    source = Source(name, number)
    evidence = Evidence("Papers with Code: method used by the paper", EXTRACTOR, 0.9, source=source)
    relations = tuple(
        Relation("buildsOn", one_line(text(m, "name", name, number)), "method", evidence,
                 aliases=tuple(a for a in (one_line(text(m, "full_name", name, number, required=False)),) if a))
        for m in objects(obj, "methods", name, number))
    date = text(obj, "date", name, number, required=False)
    return (PaperRecord(
        title=one_line(text(obj, "title", name, number)),
        abstract=one_line(text(obj, "abstract", name, number, required=False)),
        source=source,
        authors=texts(obj, "authors", name, number),
        ids=_ids(obj, name, number, "arxiv_id", "paper_url"),
        date=date[:10] or None,
        curated=Extraction(relations=relations) if relations else None,
    ),)


def _task_rows(task: dict, name: str, number: int, rows: Iterator[int]) -> Iterator[PaperRecord]:
    """The leaderboard rows of a task and, recursively, of its subtasks."""
    task_name = text(task, "task", name, number)
    for table in objects(task, "datasets", name, number):
        dataset = one_line(text(table, "dataset", name, number))
        sota = table.get("sota") if isinstance(table.get("sota"), dict) else {}
        for row in objects(sota, "rows", name, number):
            row_number = next(rows)
            title = one_line(text(row, "paper_title", name, number, required=False))
            if not title:
                continue
            yield _row(row, title, task_name, dataset, Source(name, row_number), name, number)
    for subtask in objects(task, "subtasks", name, number):
        yield from _task_rows(subtask, name, number, rows)


def _row(row: dict, title: str, task: str, dataset: str, source: Source, name: str, number: int) -> PaperRecord:
    model = one_line(text(row, "model_name", name, number, required=False))
    metrics = row.get("metrics") or {}
    if not isinstance(metrics, dict):
        raise InputError(name, number, '"metrics" as a JSON object of name: value', repr(str(metrics)[:40]))
    evidence = Evidence(f"Papers with Code leaderboard: {task} on {dataset}", EXTRACTOR, 1.0, source=source)
    results = tuple(Result(model, dataset, one_line(str(metric)), one_line(str(value)), evidence)
                    for metric, value in sorted(metrics.items()) if value not in (None, ""))
    return PaperRecord(
        title=title,
        abstract="",
        source=source,
        ids=_ids(row, name, number, "paper_arxiv_id", "paper_url"),
        curated=Extraction(relations=(Relation("evaluatedOn", dataset, "dataset", evidence),), results=results),
    )
