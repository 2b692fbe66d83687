"""GitHub repository facts, one GitHub REST API repository object (`GET /repos/{owner}/{repo}`) per
line, as `kg enrich --from github` saves them: stars, licence, last push and archived flag,
kept on the repository's node when the graph has it.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from ..model import PaperRecord, RepoFacts, Source
from ..urls import github_repo
from .json_records import json_lines, mapping, read_records, text
from .lines import OnBad, raise_error


def looks_like(first: dict) -> bool:
    return "full_name" in first and "stargazers_count" in first


def read(path: Path, name: str, on_bad: OnBad = raise_error) -> Iterator[PaperRecord]:
    return read_records(json_lines(path, name, on_bad), name, _record, on_bad)


def _record(obj: dict, name: str, number: int) -> tuple[PaperRecord]:
    url = github_repo(text(obj, "html_url", name, number))
    if url is None:
        raise InputError(name, number, '"html_url" as a GitHub repository URL', repr(str(obj.get("html_url")))[:60])
    stars = obj.get("stargazers_count")
    archived = obj.get("archived")
    source = Source(name, number)
    facts = RepoFacts(url, source, stars=stars if isinstance(stars, int) and not isinstance(stars, bool) else None,
                      license=mapping(obj, "license", name, number).get("spdx_id") or None,
                      pushed=text(obj, "pushed_at", name, number, required=False) or None,
                      archived=archived if isinstance(archived, bool) else None)
    return (PaperRecord(title="", abstract="", source=source, repository=facts),)
