"""Counts kept in the graph, so that ranking queries read one number per node instead of counting edges.

`most-built-on`, `datasets-by-papers` and `repos-per-family` rank nodes by how many papers
or repositories reach them. Counted when asked, that aggregates every `buildsOn`,
`evaluatedOn`/`trainedOn` or code link of the graph: 0.5 s, 24 s and 60 s on Oxigraph at a
million papers, where even a bare scan of the `buildsOn` edges takes 0.45 s. Counted once
when the graph is written, it is one pass over edges held anyway, and the queries read a
number per node in milliseconds. The counts (kg/ontology.ttl):

- `kg:papersBuildingOn`: on a node, the papers that build on it (`kg:buildsOn` from a paper);
- `kg:papersUsing`: on a node, the papers that evaluate or train on it;
- `kg:familyRepositories`, `kg:familyPapersWithCode`: on a family root, an architecture that
  is a variant of nothing, the repositories released by the papers that build on or
  introduce it or any of its variants (`kg:variantOf`, transitively), and how many papers
  those are.

A node no paper reaches gets no count. A count only grows with the graph (`kg add` only
adds), and an add to a large graph appends the new value beside the old one, since graph.nt
is never rewritten: the largest value is the current one, and the queries read MAX.

>>> from kg.pipeline import build_corpus
>>> from kg.sample import SAMPLE_DIR
>>> counts = count(build_corpus([SAMPLE_DIR], progress=False))
>>> counts[("dataset/imagenet", USING)] > counts.get(("dataset/imagenet", BUILDING), 0)
True
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from itertools import groupby
from typing import Protocol

from .model import Corpus

BUILDING, USING, FAMILY_REPOS, FAMILY_PAPERS = "papersBuildingOn", "papersUsing", "familyRepositories", "familyPapersWithCode"
USES = frozenset({"evaluatedOn", "trainedOn"})
REACHES_FAMILY = frozenset({"buildsOn", "introduces"})  # a paper with one of these edges to a family member is in the family

Counts = dict[tuple[str, str], int]
"""(node id, count name) → value."""


class Families:
    """The family roots of each node: its ancestors (itself included) over `variantOf` that are
    architectures and variants of nothing, as `repos-per-family` finds them.

    `parents` and `type_of` answer for one node id (`type_of` None for a node that is no entity).
    """

    def __init__(self, parents: Callable[[str], Iterable[str]], type_of: Callable[[str], str | None]):
        self.parents, self.type_of = parents, type_of
        self.known: dict[str, frozenset[str]] = {}  # not functools.lru_cache: its cycle would keep an add's store open

    def roots(self, node: str) -> frozenset[str]:
        """Walked with a stack and a seen set, not recursion: a `variantOf` cycle (or a lineage
        deeper than Python's stack) ended a build in RecursionError."""
        if node not in self.known:
            found: set[str] = set()
            seen, stack = {node}, [node]
            while stack:
                current = stack.pop()
                if current != node and current in self.known:
                    found |= self.known[current]
                    continue
                parents = set(self.parents(current))
                if not parents and self.type_of(current) == "architecture":
                    found.add(current)
                stack.extend(parents - seen)
                seen |= parents
            self.known[node] = frozenset(found)
        return self.known[node]

    def of(self, targets: Iterable[str]) -> set[str]:
        """The families a paper with these `buildsOn`/`introduces` targets belongs to."""
        return set().union(*(self.roots(target) for target in targets))


def count(corpus: Corpus) -> Counts:
    """Every count of `corpus`, from its edges (sorted by subject, as kg.resolve leaves them)."""
    papers = corpus.papers
    parents: dict[str, set[str]] = defaultdict(set)
    for edge in corpus.edges:
        if edge.predicate == "variantOf":
            parents[edge.subject].add(edge.object)
    types = {eid: entity.type for eid, entity in corpus.entities.items()}
    families = Families(lambda node: parents.get(node, ()), types.get)
    counts: Counter[tuple[str, str]] = Counter()
    family_repos: dict[str, set[str]] = defaultdict(set)
    for paper, edges in groupby((e for e in corpus.edges if e.subject in papers), key=lambda e: e.subject):
        targets, repos, used = set(), set(), set()
        for edge in edges:
            if edge.predicate == "buildsOn":
                counts[(edge.object, BUILDING)] += 1
            if edge.predicate in REACHES_FAMILY:
                targets.add(edge.object)
            elif edge.predicate in USES:
                used.add(edge.object)
            elif edge.predicate == "releasesCode":
                repos.add(edge.object)
        counts.update((node, USING) for node in used)
        if repos:
            for root in families.of(targets):
                counts[(root, FAMILY_PAPERS)] += 1
                family_repos[root] |= repos
    counts.update({(root, FAMILY_REPOS): len(repos) for root, repos in family_repos.items()})
    return dict(counts)


class Before(Protocol):
    """A graph as it was before an add (kg.folder.append answers from its store); predicates and counts by local name."""

    def objects(self, node: str, predicate: str) -> set[str]: ...
    def subjects(self, predicate: str, node: str) -> set[str]: ...
    def count(self, node: str, name: str) -> int: ...  # the current (largest) value, 0 if none
    def has(self, node: str) -> bool: ...


def grown(new: Iterable[tuple[str, str, str]], before: Before, type_of: Callable[[str], str | None]) -> Counts:
    """The counts that adding the `new` edges (subject, predicate, object; none of them in `before`)
    changes, with their new values: what an add appends. It costs per new edge, not per edge
    of the graph, except where an entity already in the graph becomes a variant of another:
    the families it joins are counted again whole.
    """
    added: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))  # predicate → subject → objects
    for subject, predicate, object_ in new:
        added[predicate][subject].add(object_)
    changed: Counter[tuple[str, str]] = Counter()
    for paper, nodes in added["buildsOn"].items():
        if is_paper(paper):
            changed.update((node, BUILDING) for node in nodes)
    for paper in added["evaluatedOn"].keys() | added["trainedOn"].keys():
        used = added["evaluatedOn"].get(paper, set()) | added["trainedOn"].get(paper, set())
        changed.update((node, USING) for node in used - _objects(before, paper, USES))
    new_parents = added["variantOf"]
    families = Families(lambda node: before.objects(node, "variantOf") | new_parents.get(node, set()), type_of)
    recounted = set().union(*(families.of(parents) for child, parents in new_parents.items() if before.has(child)))
    targets = {paper: added["buildsOn"].get(paper, set()) | added["introduces"].get(paper, set())
               for paper in added["buildsOn"].keys() | added["introduces"].keys() | added["releasesCode"].keys()
               if is_paper(paper)}
    counted_repos: dict[str, set[str]] = defaultdict(set)  # family → repositories this add counts
    counted_before: dict[str, set[str]] = {}  # repository → the families it counted for before the add

    def families_before(repo: str) -> set[str]:
        if repo not in counted_before:
            counted_before[repo] = set().union(*(families.of(_objects(before, other, REACHES_FAMILY))
                                                 for other in before.subjects("releasesCode", repo)))
        return counted_before[repo]

    for paper in sorted(targets):
        old_code = before.objects(paper, "releasesCode")
        code = old_code | added["releasesCode"].get(paper, set())
        if not code:
            continue
        old_families = families.of(_objects(before, paper, REACHES_FAMILY)) - recounted
        for root in (old_families | families.of(targets[paper])) - recounted:
            was_in = root in old_families
            if not (was_in and old_code):
                changed[(root, FAMILY_PAPERS)] += 1
            for repo in code - old_code if was_in else code:
                if repo not in counted_repos[root] and root not in families_before(repo):
                    counted_repos[root].add(repo)
                    changed[(root, FAMILY_REPOS)] += 1
    values = {key: before.count(*key) + n for key, n in changed.items()}
    for root in recounted:
        for key, value in _family(root, families, added, before).items():
            if value > before.count(*key):
                values[key] = value
    return values


def _family(root: str, families: Families, added: dict[str, dict[str, set[str]]], before: Before) -> Counts:
    """The family counts of `root`, counted whole from the graph before and the `added` edges."""
    children: dict[str, set[str]] = defaultdict(set)
    for child, parents in added["variantOf"].items():
        for parent in parents:
            children[parent].add(child)
    members, todo = {root}, [root]
    while todo:
        node = todo.pop()
        for child in (before.subjects("variantOf", node) | children[node]) - members:
            members.add(child)
            todo.append(child)
    papers = {paper for member in members for paper in _subjects(before, REACHES_FAMILY, member) if is_paper(paper)}
    papers |= {paper for predicate in REACHES_FAMILY for paper, nodes in added[predicate].items()
               if is_paper(paper) and nodes & members}
    code = [before.objects(paper, "releasesCode") | added["releasesCode"].get(paper, set()) for paper in papers]
    with_code = [repos for repos in code if repos]
    if not with_code:
        return {}
    return {(root, FAMILY_PAPERS): len(with_code), (root, FAMILY_REPOS): len(set().union(*with_code))}


def _objects(before: Before, node: str, predicates: Iterable[str]) -> set[str]:
    return set().union(*(before.objects(node, predicate) for predicate in predicates))


def _subjects(before: Before, predicates: Iterable[str], node: str) -> set[str]:
    return set().union(*(before.subjects(predicate, node) for predicate in predicates))


def is_paper(node: str) -> bool:
    """Whether a node id is a paper's (kg.ids.paper_id)."""
    return node.startswith("paper/")
