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
