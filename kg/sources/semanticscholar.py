"""Semantic Scholar bulk datasets (ODC-BY): `papers` and `citations`, JSON Lines (the release's files are gzipped).

- papers: the paper with its Semantic Scholar corpus id, arXiv id and DOI (`externalids`),
  title, authors and date (the dataset has no abstracts: they are a separate dataset); and,
  in what `kg enrich --from semanticscholar` saves, `references` ({corpusid, title}) as citations;
- citations: one citing → cited pair per line, by corpus id, with `intents` (background,
  methodology, result) and `isinfluential`, kept in the evidence sentence. A citation adds a
  reference to the citing paper, if the graph has it (from any source, matched by corpus id);
  a citation whose citing paper is not in the graph is left out, since it is about neither.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from ..model import Evidence, PaperRecord, Reference, Source
from .identifiers import paper_ids
from .json_records import json_lines, mapping, objects, one_line, read_records, text
from .lines import OnBad, raise_error

EXTRACTOR = "semanticscholar"


def looks_like_papers(first: dict) -> bool:
    return "corpusid" in first and "title" in first


def looks_like_citations(first: dict) -> bool:
    return "citingcorpusid" in first and "citedcorpusid" in first


def read_papers(path: Path, name: str, on_bad: OnBad = raise_error) -> Iterator[PaperRecord]:
    return read_records(json_lines(path, name, on_bad), name, _paper, on_bad)


def read_citations(path: Path, name: str, on_bad: OnBad = raise_error) -> Iterator[PaperRecord]:
    return read_records(json_lines(path, name, on_bad), name, _citation, on_bad)


def _corpus_id(obj: dict, key: str, name: str, number: int) -> str:
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).isdigit():
        raise InputError(name, number, f'"{key}" as a Semantic Scholar corpus id (a number)', repr(value)[:40])
    return str(value)


def _paper(obj: dict, name: str, number: int) -> tuple[PaperRecord]:
    external = mapping(obj, "externalids", name, number)
    date = text(obj, "publicationdate", name, number, required=False)
    source = Source(name, number)
    listed = Evidence("Semantic Scholar reference list", EXTRACTOR, 1.0, source=source)
    references = tuple(Reference("s2", _corpus_id(r, "corpusid", name, number), listed,
                                 one_line(text(r, "title", name, number, required=False)))
                       for r in objects(obj, "references", name, number))
    return (PaperRecord(
        title=one_line(text(obj, "title", name, number)),
        abstract="",
        source=source,
        authors=tuple(one_line(a["name"]) for a in objects(obj, "authors", name, number) if isinstance(a.get("name"), str) and a["name"].strip()),
        ids=paper_ids(arxiv=_string(external.get("ArXiv")), doi=_string(external.get("DOI")), s2=_corpus_id(obj, "corpusid", name, number)),
        date=date or None,
        references=references,
    ),)


def _string(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _citation(obj: dict, name: str, number: int) -> tuple[PaperRecord]:
    citing, cited = _corpus_id(obj, "citingcorpusid", name, number), _corpus_id(obj, "citedcorpusid", name, number)
    intents = sorted({i for i in obj.get("intents") or () if isinstance(i, str)})
    how = f"intents: {', '.join(intents)}" if intents else "no intent given"
    influential = "; influential" if obj.get("isinfluential") is True else ""
    source = Source(name, number)
    evidence = Evidence(f"Semantic Scholar citation ({how}{influential})", EXTRACTOR, 1.0, source=source)
    # No title: a record that only adds a reference to a paper the graph knows by its corpus id (kg.resolve).
    return (PaperRecord(title="", abstract="", source=source, ids=(("s2", citing),), references=(Reference("s2", cited, evidence),)),)
