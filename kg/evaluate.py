"""Score a built graph against gold annotations, and show what goes wrong.

The gold is JSONL in the annotation guidelines' format (one paper per line: `title`,
entity lists `introduces`, `evaluated_on`, `trained_on`, `builds_on`, `compares_with` of
{name, aliases, type}, and `repos`). Matching follows the maintainers' scorer so the
numbers agree with it: a paper is found by its title (letters and digits only, lower case);
a gold entity is matched by a predicted edge of the same relation whose target has a label
or alias equal to the gold name or one of its aliases after the same normalisation
(strict), or, leniently, when one form is a prefix of the other (≥ 3 characters).
Each predicted edge matches at most one gold entity.

`score(load_gold(path), kg.open("exports"))` gives a Report; `format_table` and
`format_errors` print it (tests/test_eval.py checks the counts by hand).
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .knowledge_graph import KnowledgeGraph
from .model import ENTITY_RELATIONS

RELATIONS = {re.sub(r"([A-Z])", r"_\1", name).lower(): name for name in ENTITY_RELATIONS}
"""Gold key (the relation in snake case: evaluated_on) → graph predicate (kg.model.ENTITY_RELATIONS)."""
MODES = ("strict", "lenient")
_GITHUB = re.compile(r"github\.com/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+)", re.I)


def key(text: str) -> str:
    """The scorer's normal form of a name or title: lower-case letters and digits only.

    >>> key("HydraNet-B/16"), key("Storm Former")
    ('hydranetb16', 'stormformer')
    """
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def repo_key(url: str) -> str | None:
    """owner/repo of a GitHub URL, lower case, without `.git`; None if it is not one."""
    match = _GITHUB.search(url)
    if not match:
        return None
    return f"{match.group(1).lower()}/{re.sub(r'[.]git$', '', match.group(2).rstrip('.')).lower()}"


@dataclass
class Counts:
    """True positives, false positives and false negatives of one relation."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else (0.0 if self.fn else 1.0)

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: "Counts") -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn


@dataclass(frozen=True)
class Error:
    """One strict-mode mistake: a gold edge the graph misses, a graph edge the gold lacks, or a wrong type."""

    kind: str  # missed | spurious | mistyped
    relation: str  # gold key, e.g. "evaluated_on"
    title: str
    name: str
    sentence: str  # where the name occurs (missed) or the edge's evidence (spurious)
    detail: str = ""  # for mistyped: "gold type → graph type"


@dataclass
class Report:
    """Scores in both modes (per relation, plus repos and the micro average over entity relations)."""

    papers: int = 0
    papers_found: int = 0
    typed: int = 0
    typed_right: int = 0
    strict: dict[str, Counts] = field(default_factory=lambda: {r: Counts() for r in (*RELATIONS, "repos")})
    lenient: dict[str, Counts] = field(default_factory=lambda: {r: Counts() for r in (*RELATIONS, "repos")})
    errors: list[Error] = field(default_factory=list)

    @property
    def type_accuracy(self) -> float | None:
        return self.typed_right / self.typed if self.typed else None

    def micro(self, mode: str) -> Counts:
        total = Counts()
        for relation in RELATIONS:
            total.add(getattr(self, mode)[relation])
        return total


def load_gold(path: str | Path) -> list[dict]:
    """Gold rows of a JSONL file; InputError naming the line if one is not a gold row."""
    rows = []
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(str(path), None, "a readable UTF-8 JSONL gold file", type(err).__name__) from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            raise InputError(str(path), number, "one JSON object per line", f"invalid JSON ({err.msg})") from None
        missing = [k for k in ("title", *RELATIONS) if not isinstance(row, dict) or k not in row]
        if missing:
            raise InputError(str(path), number, "a gold row with title and " + ", ".join(RELATIONS), "no " + ", ".join(missing))
        rows.append(row)
    return rows


def _forms(names: list[str]) -> set[str]:
    return {k for k in map(key, names) if k}


def _matches(gold: set[str], predicted: set[str], lenient: bool) -> bool:
    if gold & predicted:
        return True
    return lenient and any(min(len(a), len(b)) >= 3 and (a.startswith(b) or b.startswith(a)) for a in gold for b in predicted)


def _sentence(text: str, names: list[str]) -> str:
    """The first sentence of `text` (title first) that mentions one of `names`."""
    from .text import sentences

    lowered = [n.lower() for n in names if n]
    for sentence in text.split("\n"):
        for part, _ in sentences(sentence):
            if any(n in part.lower() for n in lowered):
                return part
    return ""


def score(gold: list[dict], graph: KnowledgeGraph) -> Report:
    """Compare the graph's paper → entity edges and repositories with the gold rows."""
    nx_graph = graph.nx
    by_title: dict[str, str] = {}
    for node, data in sorted(nx_graph.nodes(data=True)):
        if data.get("type") == "Paper":
            by_title.setdefault(key(data.get("title", "")), node)
    report = Report(papers=len(gold))
    for row in gold:
        paper = by_title.get(key(row["title"]))
        report.papers_found += paper is not None
        text = row["title"] + "\n" + (nx_graph.nodes[paper].get("abstract", "") if paper else "")
        out = [] if paper is None else list(nx_graph.out_edges(paper, keys=True, data=True))
        for relation, predicate in RELATIONS.items():
            edges = [(target, data) for _, target, k, data in out if k == predicate]
            forms = [_forms([nx_graph.nodes[t].get("label", ""), *nx_graph.nodes[t].get("aliases", [])]) for t, _ in edges]
            for mode in MODES:
                used: set[int] = set()
                done: set[int] = set()
                for lenient in (False, True) if mode == "lenient" else (False,):
                    for j, entity in enumerate(row[relation]):
                        if j in done:
                            continue
                        gold_forms = _forms([entity["name"], *entity.get("aliases", [])])
                        hit = next((i for i, f in enumerate(forms) if i not in used and _matches(gold_forms, f, lenient)), None)
                        if hit is None:
                            continue
                        used.add(hit)
                        done.add(j)
                        if mode == "strict":
                            found_type = nx_graph.nodes[edges[hit][0]].get("type", "").lower()
                            report.typed += 1
                            report.typed_right += entity.get("type") == found_type
                            if entity.get("type") != found_type:
                                report.errors.append(Error("mistyped", relation, row["title"], entity["name"],
                                                           _sentence(text, [entity["name"]]), f"{entity.get('type')} → {found_type}"))
                counts = getattr(report, mode)[relation]
                counts.tp += len(done)
                counts.fp += len(edges) - len(used)
                counts.fn += len(row[relation]) - len(done)
                if mode == "strict":
                    for j, entity in enumerate(row[relation]):
                        if j not in done:
                            names = [entity["name"], *entity.get("aliases", [])]
                            report.errors.append(Error("missed", relation, row["title"], entity["name"], _sentence(text, names)))
                    for i, (target, data) in enumerate(edges):
                        if i not in used:
                            evidence = data.get("evidence") or [{"sentence": ""}]
                            report.errors.append(Error("spurious", relation, row["title"],
                                                       nx_graph.nodes[target].get("label", target), evidence[0]["sentence"]))
        predicted = {repo_key(t) or t for _, t, k, _ in out if k == "releasesCode"}
        expected = {k for k in map(repo_key, row.get("repos", [])) if k}
        for mode in MODES:
            counts = getattr(report, mode)["repos"]
            counts.tp += len(predicted & expected)
            counts.fp += len(predicted - expected)
            counts.fn += len(expected - predicted)
    return report


def format_table(report: Report) -> str:
    """The per-relation table, laid out like the maintainers' scorer prints it."""
    accuracy = "n/a" if report.type_accuracy is None else f"{report.type_accuracy:.3f}"
    lines = [f"papers found {report.papers_found}/{report.papers}   type accuracy (strict matches) {accuracy}",
             f"{'relation':24} {'strict P':>8} {'R':>6} {'F1':>6}   {'lenient P':>9} {'R':>6} {'F1':>6}"]
    for relation in (*RELATIONS, "repos", "entity_relations_micro"):
        s, l = ((report.micro(m) if relation == "entity_relations_micro" else getattr(report, m)[relation]) for m in MODES)
        lines.append(f"{relation:24} {s.precision:8.3f} {s.recall:6.3f} {s.f1:6.3f}   {l.precision:9.3f} {l.recall:6.3f} {l.f1:6.3f}")
    return "\n".join(lines)


def format_errors(report: Report, limit: int) -> str:
    """The most frequent mistakes per kind and relation (by name), each with an example sentence."""
    lines = []
    for kind in ("missed", "spurious", "mistyped"):
        errors = [e for e in report.errors if e.kind == kind]
        if not errors:
            continue
        counted = Counter((e.relation, e.name, e.detail) for e in errors)
        lines.append(f"\n{kind} ({len(errors)}), most frequent first:")
        first = {}
        for e in errors:
            first.setdefault((e.relation, e.name, e.detail), e)
        for (relation, name, detail), n in sorted(counted.items(), key=lambda item: (-item[1], item[0]))[:limit]:
            e = first[(relation, name, detail)]
            extra = f" [{detail}]" if detail else ""
            lines.append(f"  {n:3d}× {relation:13} {name}{extra}\n        {e.title[:70]}\n        “{e.sentence[:200]}”")
    return "\n".join(lines)


def cross_validate(chunks: dict[str, list[dict]], graph: KnowledgeGraph, tuned_on: str | None = None) -> str:
    """Score the graph on each gold chunk apart and on all of them, and say which chunk the rules
    were tuned on: the honest number is the one on the chunks that were not looked at. The gap
    (tuned-on micro F1 minus held-out micro F1) says how much the rules fit the text they were tuned on.

    Rules have nothing to fit, so one graph serves every chunk; a learned component is trained on
    one chunk and scored on the other (both ways) by its own caller.
    """
    out, micro = [], {}
    for name, rows in [*chunks.items(), ("all", [r for rows in chunks.values() for r in rows])]:
        report = score(rows, graph)
        role = "tuned on" if name == tuned_on else "all chunks" if name == "all" else "held out"
        out += [f"== {name} ({role}, {len(rows)} papers)", format_table(report), ""]
        micro[name] = report.micro("strict").f1
    held = [f for n, f in micro.items() if n not in (tuned_on, "all")]
    if tuned_on in micro and held:
        gap = micro[tuned_on] - sum(held) / len(held)
        out.append(f"strict micro F1: tuned on {micro[tuned_on]:.3f}, held out {sum(held) / len(held):.3f}, gap {gap:+.3f}")
    return "\n".join(out)
