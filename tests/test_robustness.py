"""Hostile input at every entry point: one clear line, exit code 2, nothing written; parameters stay values."""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import tracemalloc
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg
from kg.folder import build
from kg.cli import main
from kg.errors import InputError
from kg.sources import read_sources
from kg.sources.lines import MAX_LINE_BYTES

GOOD = "Mar 1\n\nFooNet: Faster Nets\n\nWe propose FooNet. Experiments on ImageNet. Code: https://github.com/a/foonet.\n"
NOBODY = 65534


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (but the lock, which is empty) by relative path."""
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "lock"}


@pytest.fixture(scope="module")
def base_graph(tmp_path_factory) -> Path:
    """A small built graph, to add bad input to."""
    root = tmp_path_factory.mktemp("base")
    (root / "good.txt").write_text(GOOD, encoding="utf-8")
    build([root / "good.txt"], root / "graph", progress=False)
    return root / "graph"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def utf16(text: str, bom: bool) -> bytes:
    return text.encode("utf-16" if bom else "utf-16-le")


BAD_INPUTS = {
    # case: (file name, content, expected text of the one-line error)
    "empty file": ("bad.txt", b"", "bad.txt: expected a listing with at least one paper, found an empty file"),
    "only blank lines": ("bad.txt", b"\n \n\t\n", "bad.txt: expected a listing with at least one paper, found an empty file"),
    "binary file": ("bad.txt", bytes(range(256)) * 4, "bad.txt: expected a UTF-8 text file, found binary data"),
    "UTF-16 with BOM": ("bad.txt", utf16(GOOD, True), "bad.txt:1: expected UTF-8 text, found UTF-16 (byte-order mark FF FE)"),
    "UTF-16 without BOM": ("bad.txt", utf16(GOOD, False), "bad.txt:1: expected UTF-8 text, found UTF-16 (no byte-order mark)"),
    "Latin-1": ("bad.txt", GOOD.replace("Faster", "Fäster").encode("latin-1"),
                "bad.txt:3: expected UTF-8 text, found byte 0xe4 in column 10 (Latin-1 or Windows-1252?)"),
    "NUL byte after the first 8 KiB": ("bad.txt", GOOD.encode() * 200 + b"Title\0\n", "bad.txt:1001: expected a UTF-8 text file, found binary data"),
    "listing ends on a title": ("bad.txt", (GOOD + "\nA dangling title\n").encode(), "bad.txt:7: expected an abstract after the title, found the end of the file"),
    "title too long": ("bad.txt", ("x" * 500 + "\n\nabstract\n").encode(), "bad.txt:1: expected a paper title, found a 500-character line"),
    "JSONL broken line": ("bad.jsonl", b'{"title": "A", "abstract": "B"}\n{"title": "C", "abstract": \n',
                          "bad.jsonl:2: expected a JSON object (one paper per line), found invalid JSON (Expecting value at column 28)"),
    "JSONL without abstract": ("bad.jsonl", b'{"title": "A"}\n', 'bad.jsonl:1: expected "abstract" as a non-empty string, found no "abstract"'),
    "JSONL not an object": ("bad.jsonl", b'["A", "B"]\n', "bad.jsonl:1: expected a JSON object (one paper per line), found a JSON list"),
    "JSONL wrong authors": ("bad.jsonl", b'{"title": "A", "abstract": "B", "authors": "Ada"}\n', 'bad.jsonl:1: expected "authors" as a list of strings'),
    "JSONL lone surrogate": ("bad.jsonl", b'{"title": "A\\ud800", "abstract": "B"}\n', 'bad.jsonl:1: expected valid Unicode in "title", found a lone surrogate \\ud800'),
    "JSONL nested too deeply": ("bad.jsonl", b"[" * 100_000 + b"\n", "bad.jsonl:1: expected a JSON object (one paper per line), found JSON nested too deeply"),
    "unknown format": ("bad.pdf", b"%PDF-1.4", "bad.pdf: expected a listing file (.atom, .bib, .gz, .json, .jsonl, .txt, .xml), found '.pdf'"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_fails_in_one_line_and_writes_nothing(tmp_path, base_graph, case):
    name, content, expected = BAD_INPUTS[case]
    bad = tmp_path / name
    bad.write_bytes(content)
    out = tmp_path / "new"
    result = run("build", str(bad), "--out", str(out), "-q")
    lines = result.output.strip().splitlines()
    assert result.exit_code == 2 and len(lines) == 1, result.output
    assert lines[0].startswith(f"kg: error: {tmp_path}/{expected}" if name != "bad.pdf" else f"kg: error: {tmp_path}/"), lines[0]
    assert expected.split(": ", 1)[1] in lines[0]
    assert not out.exists()

    graph = tmp_path / "graph"
    shutil.copytree(base_graph, graph)
    before = snapshot(graph)
    result = run("add", str(bad), "--graph", str(graph), "-q")
    assert result.exit_code == 2 and result.output.strip().splitlines() == lines
    assert snapshot(graph) == before


def test_a_50_mb_line_fails_fast_in_bounded_memory(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        for _ in range(50):
            handle.write(b"a" * (1 << 20))
    tracemalloc.start()
    with pytest.raises(InputError) as caught:
        list(read_sources([path]))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert str(caught.value) == f"{path}:1: expected a line of at most {MAX_LINE_BYTES:,} bytes, found a longer one"
    assert peak < 4 * MAX_LINE_BYTES, peak  # it stopped after about one MiB: no clock needed to show it
    result = run("build", str(path), "--out", str(tmp_path / "out"), "-q")
    assert result.exit_code == 2 and "expected a line of at most" in result.output and not (tmp_path / "out").exists()


def test_skip_bad_skips_broken_jsonl_lines_and_reports_the_count(tmp_path, base_graph):
    lines = [json.dumps({"title": f"Paper {i}", "abstract": f"We propose Net{i}. Experiments on ImageNet."}) for i in range(5)]
    lines[1] = '{"title": "broken'
    lines[3] = '{"title": "no abstract"}'
    path = tmp_path / "papers.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = run("build", str(path), "--out", str(tmp_path / "out"), "-q")
    assert result.exit_code == 2 and f"{path}:2: expected a JSON object" in result.output

    result = run("build", str(path), "--out", str(tmp_path / "out"), "-q", "--skip-bad")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (f"kg: skipped 2 bad entries (first: {path}:2: expected a JSON object (one paper per line), "
                                     "found invalid JSON (Unterminated string starting at column 11))")
    titles = kg.open(tmp_path / "out").query("SELECT ?t WHERE { ?p dcterms:title ?t } ORDER BY ?t")
    assert [r[0] for r in titles.rows] == ["Paper 0", "Paper 2", "Paper 4"]

    graph = tmp_path / "graph"
    shutil.copytree(base_graph, graph)
    result = run("add", str(path), "--graph", str(graph), "-q", "--skip-bad")
    assert result.exit_code == 0 and "skipped 2 bad entries" in result.output
    assert len(kg.open(graph).query("SELECT ?t WHERE { ?p dcterms:title ?t }").rows) == 4


@contextmanager
def as_nobody():
    """Run as an unprivileged user: root reads every folder whatever its mode."""
    if os.geteuid() != 0:
        yield
        return
    try:
        os.seteuid(NOBODY)
    except OSError as err:
        pytest.skip(f"running as root and cannot drop to an unprivileged user to test permissions ({err})")
    try:
        yield
    finally:
        os.seteuid(0)


@pytest.mark.parametrize("what", ["folder", "file"])
def test_unreadable_folder_or_file(what):
    root = Path(tempfile.mkdtemp())
    try:
        root.chmod(0o777)
        folder = root / "listings"
        folder.mkdir()
        (folder / "day.txt").write_text(GOOD, encoding="utf-8")
        target = folder if what == "folder" else folder / "day.txt"
        target.chmod(0)
        out = root / "out"
        with as_nobody():
            result = run("build", str(target), "--out", str(out), "-q")
        expected = "expected a readable folder, found permission denied" if what == "folder" else \
            "expected a readable file, found Permission denied"
        assert result.exit_code == 2 and result.output.strip() == f"kg: error: {target}: {expected}"
        assert not out.exists()
    finally:
        folder.chmod(0o755)
        (folder / "day.txt").chmod(0o644)
        shutil.rmtree(root)


HOSTILE = ['"} ; DROP ALL ; {', "x' } INSERT DATA { <a> <b> <c> } #", '<script>alert(1)</script>', "\\\" \\u0022 }}}", ""]


@pytest.mark.parametrize("value", HOSTILE)
def test_query_parameters_are_values_never_sparql(tmp_path, base_graph, value):
    graph = tmp_path / "graph"
    shutil.copytree(base_graph, graph)
    before = snapshot(graph)
    loaded = kg.open(graph)
    triples = len(loaded.rdf)
    query = "SELECT ?p WHERE { ?p dcterms:title ?title }"
    assert loaded.query(query, title=value).rows == []
    assert loaded.query(query, title="FooNet: Faster Nets").rows == [["https://w3id.org/mlkg/id/paper/foonet-faster-nets"]]
    assert len(loaded.rdf) == triples
    result = run("query", query, "--graph", str(graph), "--param", f"title={value}", "--format", "csv")
    assert result.exit_code == 0 and result.output == "p\n"
    assert snapshot(graph) == before


def test_skip_bad_skips_a_final_title_without_abstract(tmp_path):
    path = tmp_path / "day.txt"
    path.write_text(GOOD + "\nA dangling title\n", encoding="utf-8")
    result = run("build", str(path), "--out", str(tmp_path / "out"), "-q", "--skip-bad")
    assert result.exit_code == 0 and result.output.strip() == (
        f"kg: skipped 1 bad entry (first: {path}:7: expected an abstract after the title, found the end of the file)")


def test_tampered_build_state_is_one_line(tmp_path, base_graph):
    graph = tmp_path / "graph"
    shutil.copytree(base_graph, graph)
    (graph / ".kg" / "state.json").write_text('{"files": {}, "state": {"format": 1, "code": 3}}')
    result = run("add", str(tmp_path), "--graph", str(graph))
    assert result.exit_code == 2 and result.output.startswith(f"kg: error: {graph}: unreadable build state (Expected `str`, got `int`")
    for records in (graph / ".kg" / "records").iterdir():
        records.write_bytes(b"not gzip")
    shutil.copy(base_graph / ".kg" / "state.json", graph / ".kg" / "state.json")
    (tmp_path / "more.txt").write_text(GOOD.replace("FooNet", "BarNet"), encoding="utf-8")
    result = run("add", str(tmp_path / "more.txt"), "--graph", str(graph), "-q")
    assert result.exit_code == 2 and "the stored entries of" in result.output and "are unreadable" in result.output
