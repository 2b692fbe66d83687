"""Code links: GitHub repositories, other code/project URLs, and whether code is released."""
from __future__ import annotations

import re

from ..model import Evidence
from ..text import may_hold
from ..urls import find_urls, github_repo
from ..vocabulary import Vocabulary
from .doc import Doc

EXTRACTOR = "code_links"
_PROMISE = re.compile(
    r"\b(?:will|shall|to)\s+be\s+(?:made\s+)?(?:publicly\s+|open[- ]?sourced?\s+|freely\s+)?"
    r"(?:released|available|public|open[- ]?sourced?|published|shared)"
    r"|\bwe\s+will\s+(?:release|open[- ]?source|publish|make)\b|\bupon\s+(?:acceptance|publication)\b",
    re.I,
)
_CODE_WORDS = re.compile(r"\b(?:code|codes|models?|implementation|weights|checkpoints|dataset|data|benchmark)\b", re.I)
_CLAIM = re.compile(
    r"\b(?:code|codes|implementation)\b.{0,60}\b(?:available|released|open-?sourced?|public)\b|"
    r"\b(?:open-?sourced?|release[sd]?|provide[sd]?|share[sd]?)\s+(?:\w+\s+){0,3}?(?:code|codes|implementation)\b", re.I)
"""Code said to be available without a link: promised, as the annotation guidelines read it."""


def _may_promise(text: str) -> bool:
    """False when `text` cannot hold a _PROMISE match: no "will", "upon" or word it ends with."""
    return may_hold(text, "will", "upon", "released", "available", "public", "open", "published", "shared")


def _may_claim(text: str) -> bool:
    """False when `text` cannot hold a _CLAIM match: no "code" or "implementation"."""
    return may_hold(text, "code", "implementation")


def run(doc: Doc, vocabulary: Vocabulary) -> None:
    """Fill doc.repos, doc.other_links and doc.code_status. A GitHub repository the source gives
    beside the text (a JSONL record's "urls") is released code too, with the URL as its evidence;
    other such links stay the source's (the resolver keeps them as links)."""
    promised = released = False
    for url in doc.links:
        repo = github_repo(url)
        if repo is not None and repo not in (r for r, _ in doc.repos):
            doc.repos.append((repo, Evidence(url, EXTRACTOR, 0.9, 0, len(url))))
            released = True
    for sentence in doc.sentences[1:]:
        urls = find_urls(sentence)
        promise = (_may_promise(sentence) and bool(_PROMISE.search(sentence))
                   and (bool(urls) or bool(_CODE_WORDS.search(sentence)) or bool(re.search(r"\b(?:will|shall)\s+be\b", sentence))))
        promise |= not urls and _may_claim(sentence) and bool(_CLAIM.search(sentence))
        for url in urls:
            repo = github_repo(url)
            if repo is None:
                if url not in doc.other_links:
                    doc.other_links.append(url)
            elif repo not in (r for r, _ in doc.repos):
                start = sentence.find(url.split("://", 1)[-1])
                doc.repos.append((repo, Evidence(sentence, EXTRACTOR, 0.99, max(start, 0), max(start, 0) + len(url))))
        promised |= promise
        released |= bool(urls) and not promise
    doc.code_status = "released" if released else "promised" if promised else "none"
