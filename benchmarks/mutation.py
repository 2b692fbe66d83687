"""Mutation score of the modules whose bugs lose data or give wrong answers (cosmic-ray).

Each module is mutated one small change at a time (an operator swapped, a comparison flipped,
a constant changed, a `break` turned into `continue` …) and the tests that guard it are run
against every mutant: a mutant the tests do not notice ("survived") is a bug they would not
catch either. Prints, per module, how many mutants the tests killed, and then every survivor
with its line and diff, to be killed by a new test or argued equivalent.

    pip install -e '.[test,mutation]'
    python -m benchmarks.mutation                       # every module in TARGETS
    python -m benchmarks.mutation --module kg/urls.py   # one (repeatable)

cosmic-ray rewrites the module on disk, so the run happens in a copy of the working tree
(files git tracks or would track) in a temporary folder: a kill never leaves a mutated file
in the project. Runs take minutes per module (one pytest start per mutant).
"""
from __future__ import annotations

import argparse
import ast
import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SOURCE_TESTS = ("tests/test_arxiv_reader.py", "tests/test_sources.py", "tests/test_sources_json.py", "tests/test_sources_arxiv.py",
                "tests/test_sources_more.py", "tests/test_sources_identity.py", "tests/test_robustness.py")
TARGETS: dict[str, tuple[str, ...]] = {
    # module: the tests that guard it (its own doctests are always run too). The modules whose
    # bugs lose data or give wrong answers: URL normalisation, every source reader, title and
    # name keys, the commit protocol, parameter binding and the read-only check, counts.
    "kg/urls.py": ("tests/test_urls.py",),
    "kg/sources/lines.py": ("tests/test_lines.py", "tests/test_bad_sources.py", *SOURCE_TESTS),
    "kg/sources/hf_listing.py": ("tests/test_hf_listing.py", *SOURCE_TESTS),
    "kg/sources/jsonl.py": SOURCE_TESTS,
    "kg/sources/json_records.py": SOURCE_TESTS,
    "kg/sources/arxiv.py": SOURCE_TESTS,
    "kg/sources/openalex.py": SOURCE_TESTS,
    "kg/sources/paperswithcode.py": SOURCE_TESTS,
    "kg/sources/semanticscholar.py": SOURCE_TESTS,
    "kg/sources/identifiers.py": ("tests/test_identifiers.py", *SOURCE_TESTS),
    "kg/ids.py": ("tests/test_ids.py", "tests/test_resolve.py", "tests/test_ids_hardening.py"),
    "kg/folder/commit.py": ("tests/test_folder.py", "tests/test_robustness_kill.py"),
    "kg/query.py": ("tests/test_queries.py",),
    "kg/counts.py": ("tests/test_counts.py",),
}


@dataclass
class Score:
    """The outcome of one module's mutants."""

    module: str
    killed: int = 0
    survived: list[dict] = field(default_factory=list)
    incompetent: int = 0  # a mutant the interpreter rejects before any test runs
    equivalent: list[dict] = field(default_factory=list)  # survivors that cannot change behaviour (see below)
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return self.killed + len(self.survived)

    @property
    def score(self) -> float:
        return self.killed / self.total if self.total else 1.0


def copy_tree(dest: Path) -> None:
    """Copy the files git tracks or would track (not ignored) into `dest`."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, check=True,
                            capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)


def run_module(tree: Path, module: str, tests: tuple[str, ...], timeout: float) -> Score:
    """Mutate `module` inside `tree` and run its tests against every mutant."""
    present = [t for t in tests if (tree / t).exists()]
    command = " ".join([sys.executable, "-m", "pytest", "-x", "-q", "-n", "0", "-p", "no:cacheprovider", *present, module])
    config, session = tree / ".mutation.toml", tree / ".mutation.sqlite"
    config.write_text(f'[cosmic-ray]\nmodule-path = "{module}"\ntimeout = {timeout}\nexcluded-modules = []\n'
                      f'test-command = "{command}"\n\n[cosmic-ray.distributor]\nname = "local"\n')
    session.unlink(missing_ok=True)
    started = time.perf_counter()
    cosmic = [sys.executable, "-m", "cosmic_ray.cli"]
    subprocess.run([*cosmic, "init", str(config), str(session)], cwd=tree, check=True, capture_output=True)
    subprocess.run([*cosmic, "exec", str(config), str(session)], cwd=tree, check=True, capture_output=True)
    dump = subprocess.run([*cosmic, "dump", str(session)], cwd=tree, check=True, capture_output=True, text=True).stdout
    score = Score(module, seconds=time.perf_counter() - started)
    annotations = annotation_spans((tree / module).read_text(encoding="utf-8"))
    for line in dump.splitlines():
        job, result = json.loads(line)
        outcome = (result or {}).get("test_outcome")
        mutation = {**job["mutations"][0], "diff": (result or {}).get("diff", "")}
        if outcome == "survived" and inside(mutation["start_pos"], annotations):
            score.equivalent.append(mutation)
        elif outcome == "survived":
            score.survived.append(mutation)
        elif outcome == "incompetent":
            score.incompetent += 1
        else:  # killed, or a timeout (a mutant that hangs is caught too)
            score.killed += 1
    return score


def annotation_spans(source: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """(start, end) positions of every type annotation in a module.

    kg's modules use `from __future__ import annotations`, so annotations are never
    evaluated: a mutant inside one (`str | None` → `str + None`) is equivalent by
    construction and is reported apart, not counted against the tests.
    """
    tree = ast.parse(source)
    nodes = [n.annotation for n in ast.walk(tree) if isinstance(n, (ast.arg, ast.AnnAssign)) and n.annotation]
    nodes += [n.returns for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.returns]
    return [((n.lineno, n.col_offset), (n.end_lineno, n.end_col_offset)) for n in nodes]


def inside(position: list[int], spans: list[tuple[tuple[int, int], tuple[int, int]]]) -> bool:
    return any(start <= tuple(position) < end for start, end in spans)


def changed_lines(diff: str) -> str:
    """The removed and added lines of a mutant's diff, on one line."""
    lines = [line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("---", "+++")]
    return "  ⟶  ".join(" ".join(line[1:].split()) for line in lines)


def report(scores: list[Score]) -> str:
    out = ["| module | mutants | killed | survived | score | in annotations (equivalent) | seconds |",
           "|---|---:|---:|---:|---:|---:|---:|"]
    for s in scores:
        out.append(f"| {s.module} | {s.total} | {s.killed} | {len(s.survived)} | {s.score:.0%} | {len(s.equivalent)} "
                   f"| {s.seconds:.0f} |")
    for s in scores:
        if s.survived:
            out.append(f"\nSurvivors in {s.module}:")
            for m in sorted(s.survived, key=lambda m: (m["start_pos"], m["operator_name"], m["occurrence"])):
                out.append(f"- line {m['start_pos'][0]} ({m['definition_name']}) {m['operator_name']}: "
                           f"{changed_lines(m['diff'])}")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", action="append", choices=sorted(TARGETS), help="Module to mutate (repeatable; default: all).")
    parser.add_argument("--timeout", type=float, default=60.0, help="Seconds one mutant's tests may take (then it counts as killed).")
    args = parser.parse_args()
    scores = []
    with tempfile.TemporaryDirectory(prefix="kg-mutation.") as tmp:
        tree = Path(tmp)
        copy_tree(tree)
        for module in args.module or sorted(TARGETS):
            scores.append(run_module(tree, module, TARGETS[module], args.timeout))
            print(f"{module}: {scores[-1].score:.0%} of {scores[-1].total}", file=sys.stderr, flush=True)
    print(report(scores))


if __name__ == "__main__":
    main()
