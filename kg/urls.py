"""Finding links in free text and normalising GitHub repository URLs.

Abstracts hold URLs as authors typed them: trailing `.`/`)`/`}`, two URLs glued together,
`/tree/main/...` paths, `.git` suffixes. Repositories become one canonical IRI each.

>>> find_urls("Code: https://github.com/a/b.https://github.com/a/b. See (https://x.github.io/p).")
['https://github.com/a/b', 'https://github.com/a/b', 'https://x.github.io/p']
>>> github_repo("https://GitHub.com/Owner/Repo.git/tree/main/sub")
'https://github.com/Owner/Repo'
>>> github_repo("https://github.com/Owner") is None
True
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

_URL = re.compile(r"(?:https?://|(?<![\w./-])(?:www\.)?github\.com/)[^\s<>\"'{}\[\]|\\^`]+", re.I)
_GLUED = re.compile(r"(?<=.)(?=https?://)", re.I)
_TRAILING = ".,;:!?)]}>'\"*"
_NAME = r"[A-Za-z0-9_.-]+"
_GITHUB = re.compile(rf"^(?:https?://)?(?:www\.)?github\.com/({_NAME})/({_NAME})(?:[/?#].*)?$", re.I)
_NOT_OWNERS = {"orgs", "topics", "features", "marketplace", "sponsors", "settings", "about", "pricing"}


def _clean(url: str) -> str:
    """Strip punctuation that ends the sentence rather than the URL; keep balanced parentheses."""
    while url and url[-1] in _TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def find_urls(text: str) -> list[str]:
    """Every URL in `text`, cleaned, in order of appearance (glued URLs split apart)."""
    found: list[str] = []
    if "://" not in text and "github.com/" not in text.lower():
        return found  # what every match needs: most sentences hold no link, and this test is ~10× cheaper than the pattern
    for match in _URL.finditer(text):
        for part in _GLUED.split(match.group(0)):
            url = _clean(part)
            if not url.lower().startswith("http"):
                url = "https://" + url
            if urlsplit(url).netloc:
                found.append(url)
    return found


def github_repo(url: str) -> str | None:
    """The canonical `https://github.com/owner/repo` of a GitHub URL, or None if it names no repository."""
    match = _GITHUB.match(url.strip())
    if not match:
        return None
    owner, repo = match.group(1), match.group(2)
    repo = re.sub(r"(\.git)+$", "", repo.rstrip("."), flags=re.I).rstrip(".")
    if not repo or owner.lower() in _NOT_OWNERS or owner.startswith("."):
        return None
    return f"https://github.com/{owner}/{repo}"
