"""Paper identifiers as every source writes them → one normalised form, so that the same paper read
from arXiv, OpenAlex, Papers with Code or Semantic Scholar gets the same keys (kg.resolve).

arXiv registers a DOI for every paper (10.48550/arXiv.NNNN); a source that gives only that DOI
(OpenAlex) is given the arXiv id it stands for, since arXiv ids come first in identity.

>>> arxiv_id("arXiv:2101.11408v3"), arxiv_id("https://arxiv.org/abs/math/0406001v1")
('2101.11408', 'math/0406001')
>>> normal_doi("https://doi.org/10.1109/CVPR.2016.90")
'10.1109/cvpr.2016.90'
>>> paper_ids(doi="https://doi.org/10.48550/arXiv.2101.11408")
(('arxiv', '2101.11408'), ('doi', '10.48550/arxiv.2101.11408'))
"""
from __future__ import annotations

import re

_ARXIV = re.compile(r"(?:arxiv:|https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/)?"
                    r"(\d{4}\.\d{4,5}|[a-z][a-z.-]*/\d{7})(?:v\d+)?(?:\.pdf)?", re.IGNORECASE)
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", re.IGNORECASE)
_ARXIV_DOI = "10.48550/arxiv."


def arxiv_id(text: str | None) -> str | None:
    """The bare arXiv id (no version, no URL) in `text`, or None if it is not one."""
    match = _ARXIV.fullmatch((text or "").strip())
    return match.group(1) if match else None


def normal_doi(text: str | None) -> str | None:
    """The DOI, lower case (DOIs are case-insensitive) without resolver prefix, or None."""
    value = _DOI_PREFIX.sub("", (text or "").strip().split(" ")[0]).lower()
    return value if value.startswith("10.") and "/" in value else None


def paper_ids(arxiv: str | None = None, doi: str | None = None, **others: object) -> tuple[tuple[str, str], ...]:
    """The (scheme, id) pairs of a record, normalised, in kg.model.ID_SCHEMES order; empty values left out."""
    found_doi = normal_doi(doi)
    found_arxiv = arxiv_id(arxiv) or (arxiv_id(found_doi[len(_ARXIV_DOI):]) if found_doi and found_doi.startswith(_ARXIV_DOI) else None)
    pairs = [("arxiv", found_arxiv), ("doi", found_doi), *((k, str(v).strip()) for k, v in others.items() if v is not None)]
    return tuple((scheme, value) for scheme, value in pairs if value)
