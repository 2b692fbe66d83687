import pytest

from kg.urls import find_urls, github_repo


@pytest.mark.parametrize(
    "text, repos",
    [
        ("Code is at https://github.com/owner/repo.", ["https://github.com/owner/repo"]),
        ("see https://github.com/owner/repo.git.", ["https://github.com/owner/repo"]),
        ("at https://github.com/o/r/tree/main/sub/dir.", ["https://github.com/o/r"]),
        ("at https://github.com/o/r/blob/master/README.md", ["https://github.com/o/r"]),
        ("glued https://github.com/o/r.https://github.com/o/r.", ["https://github.com/o/r", "https://github.com/o/r"]),
        ("braced https://github.com/o/R{https://github.com/o/R}.", ["https://github.com/o/R", "https://github.com/o/R"]),
        ("(code: https://github.com/o/r)", ["https://github.com/o/r"]),
        ("comma https://github.com/o/r/tree/x/y, and more", ["https://github.com/o/r"]),
        ("bare github.com/o/r here", ["https://github.com/o/r"]),
        ("query https://github.com/o/r?tab=readme#top", ["https://github.com/o/r"]),
    ],
)
def test_github_repos_are_normalised(text, repos):
    assert [github_repo(u) for u in find_urls(text)] == repos


@pytest.mark.parametrize(
    "url",
    ["https://gitee.com/mindspore/models/tree/master/x", "https://owner.github.io/project", "https://huggingface.co/o/m",
     "https://github.com/owner", "https://github.com/orgs/owner"],
)
def test_other_hosts_and_non_repos_are_not_repositories(url):
    assert github_repo(url) is None


def test_trailing_punctuation_is_stripped_from_other_links():
    assert find_urls("Project page: https://a.github.io/p/. Data at https://x.org/d}.") == [
        "https://a.github.io/p/", "https://x.org/d"]


@pytest.mark.parametrize(
    "text, url",
    [
        # a closing parenthesis that balances one inside the URL belongs to it ...
        ("see https://en.wikipedia.org/wiki/Foo_(bar) for more", "https://en.wikipedia.org/wiki/Foo_(bar)"),
        ("(https://en.wikipedia.org/wiki/Foo_(bar))", "https://en.wikipedia.org/wiki/Foo_(bar)"),
        # ... and so does one that leaves an opened one still open
        ("https://x.org/a_((b)", "https://x.org/a_((b)"),
        # one with no partner inside the URL ends the sentence's parenthesis
        ("(code: https://x.org/a)", "https://x.org/a"),
        # sentence punctuation that sorts below ")" is stripped too
        ("wow https://x.org/a!", "https://x.org/a"),
        ("quoted 'https://x.org/a'", "https://x.org/a"),
    ],
)
def test_parentheses_are_kept_only_when_balanced_inside_the_url(text, url):
    assert find_urls(text) == [url]


@pytest.mark.parametrize("text", ["www.github.com/a/b", "https://www.github.com/a/b", "at www.GitHub.com/a/b."])
def test_www_github_links_are_repositories(text):
    assert [github_repo(u) for u in find_urls(text)] == ["https://github.com/a/b"]


def test_text_without_links_has_none():
    assert find_urls("A sentence with github and http but no link.") == []
