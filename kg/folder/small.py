"""The build state behind `kg add`: every listing file's records and extractions, kept with the exports.

`kg build --out DIR` and `kg add ... --graph DIR` both keep, in `DIR/.kg/`:

- `records/<hash>.jsonl.gz`: one file per listing file, one line per entry holding the record
  and its extraction; written once, never changed (named by a hash of its content's origin);
- the `state` part of the commit record `state.json` (see kg.folder.commit): for each listing file
  its name, SHA-256 and records file, plus a hash of kg's own code.

`kg add` reads and extracts only files it has not seen, then re-runs the cheap resolve step
over stored and new extractions and rewrites the exports. `resolve` sorts its input, so the
result is the graph `kg build` makes of all the files at once, whatever the order of adding.

A listing file is known by its name in the graph (the path as given, or
`folder/relative/path` for a file inside a folder, as kg.sources.expand names it) and by its
content: the same name with the same bytes is already there (nothing to do); the same name
with new bytes replaces that file's entries; the same bytes under another name are skipped
(the same listing saved twice must not count twice). When kg's code changed since the state
was written, every stored entry is extracted again (from the stored text: no file needed).

>>> import tempfile, pathlib
>>> tmp = pathlib.Path(tempfile.mkdtemp())
>>> for day in ("mon", "tue"):
...     _ = (tmp / f"{day}.txt").write_text(f"{day.title()}Net\\n\\nWe propose {day.title()}Net. Experiments on ImageNet.\\n")
>>> names = lambda files: [pathlib.Path(f).name for f in files]
>>> from kg.folder import build
>>> names(build([tmp / "mon.txt"], tmp / "graph", progress=False).changed)
['mon.txt']
>>> result = add([tmp / "mon.txt", tmp / "tue.txt"], tmp / "graph", progress=False)
>>> names(result.changed), names(result.unchanged), result.written
(['tue.txt'], ['mon.txt'], True)
>>> add([tmp / "tue.txt"], tmp / "graph", progress=False).written
False
"""
from __future__ import annotations

from typing import Any

import gzip
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import msgspec

from .. import exports, rdf as rdf_module
from ..errors import InputError, KGError
from ..knowledge_graph import KnowledgeGraph
from ..model import Extraction, PaperRecord
from ..pipeline import extract_records
from ..resolve import resolve
from ..sources import expand, read_file
from ..vocabulary import load
from . import commit
from .layout import META, RECORD, RECORDS, meta

FORMAT = 1


@dataclass(frozen=True)
class Entry:
    """One listing entry and what was extracted from it: a line of a records file."""

    record: PaperRecord
    extraction: Extraction


class StoredFile(msgspec.Struct, frozen=True):
    """A listing file in the graph: its name, its bytes' SHA-256, its records file, its entry count."""

    name: str
    sha256: str
    records: str
    entries: int


class State(msgspec.Struct, frozen=True):
    """What the graph was built from: stored under "state" in the commit record (kg.folder.commit)."""

    format: int
    code: str
    sources: tuple[StoredFile, ...] = ()


@dataclass
class Result:
    """What a build or an add did: file names by outcome, and the graph if it was rewritten."""

    changed: list[str] = field(default_factory=list)  # files added, or replaced by new content
    unchanged: list[str] = field(default_factory=list)  # same name and content: already there
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (skipped file, file with its content)
    bad: list[InputError] = field(default_factory=list)  # entries skipped under --skip-bad
    graph: KnowledgeGraph | None = None
    written: bool = False


def build(todo: Sequence[tuple[Path, str, str]], records: dict[str, list[PaperRecord]], out_dir: str | Path,
          result: Result, progress: bool = True, **where: Any) -> Result:
    """Build the graph of the listing files `todo` (as `triage` chose them, read by `read_listings`)
    into `out_dir`, with the state `add` extends (kg.folder.build reads them and calls this).

    `where`: where extraction runs (`workers`, `executor`, `scheduler` of
    `pipeline.extract_records`); it never changes the result.
    """
    _write(Path(out_dir), None, extract_new(todo, records, result, progress, where), {}, False, result, progress)
    return result


def add(paths: Iterable[str | Path], graph_dir: str | Path, progress: bool = True, skip_bad: bool = False,
        **where: Any) -> Result:
    """Add the listings under `paths` to the graph in `graph_dir` (written by `build`) and rewrite its exports.

    Nothing is written when every file is already there, or when any input is bad.
    """
    folder = Path(graph_dir)
    commit.recover(folder)
    record, state = _state_of(folder)
    result = Result()
    new = read_new(triage(expand(paths), state.sources, result), result, skip_bad, progress, where)
    stale = state.code != code_hash()
    if new or stale:
        _write(folder, record, new, {s.name: s for s in state.sources if s.name not in new}, stale, result, progress)
    return result


def _state_of(folder: Path) -> tuple[dict, State]:
    """The folder's commit record and build state, if it holds a graph `add` can extend, exports as written."""
    record = commit.read_record(folder)
    if record is None:
        raise KGError(f"{folder}: no graph built by `kg build` there (expected {META}/{RECORD}); "
                      f"create it with `kg build SOURCE... --out {folder}`")
    if record.get("state") is None:
        raise KGError(f"{folder}: written by KnowledgeGraph.export(), which keeps no build state; "
                      f"rebuild it with `kg build SOURCE... --out {folder}` to add to it")
    try:
        state = msgspec.convert(record["state"], State)
        files = msgspec.convert(record["files"], dict[str, str])
    except (KeyError, msgspec.ValidationError) as err:
        raise KGError(f"{folder}: unreadable build state ({err}); rebuild it with `kg build SOURCE... --out {folder}`") from None
    if state.format != FORMAT:
        raise KGError(f"{folder}: build state of another kg version; rebuild it with `kg build SOURCE... --out {folder}`")
    for name, sha in sorted(files.items()):
        path = folder / name
        if not path.is_file() or commit.file_sha256(path) != sha:
            raise KGError(f"{path}: changed since kg wrote it (adding would overwrite that change); "
                          f"rebuild with `kg build SOURCE... --out {folder}`")
    return record, state


def triage(files: Sequence[tuple[Path, str]], sources: Sequence[StoredFile], result: Result) -> list[tuple[Path, str, str]]:
    """(path, name, SHA-256) of the files to read: those not among `sources` (the graph's files) yet.

    A file with a known name and content is noted in `result.unchanged`, a copy of another
    file's content in `result.duplicates`; a known name with new content is to be read.
    """
    known = {s.name: s.sha256 for s in sources}
    by_content = {s.sha256: s.name for s in sources}
    todo: list[tuple[Path, str, str]] = []
    for path, name in files:
        try:
            sha = commit.file_sha256(path)
        except OSError as err:
            raise InputError(name, None, "a readable file", err.strerror) from None
        if known.get(name) == sha:
            result.unchanged.append(name)
        elif sha in by_content and by_content[sha] != name:
            result.duplicates.append((name, by_content[sha]))
        else:
            by_content[sha] = name
            todo.append((path, name, sha))
    return todo


def read_listings(todo: Sequence[tuple[Path, str, str]], result: Result, skip_bad: bool) -> dict[str, list[PaperRecord]]:
    """The records of each file `triage` chose, by name: every file is read (once) before any extraction.

    `skip_bad`: skip bad entries inside a file (listed in `result.bad`) instead of stopping.
    """

    def skip(error: InputError) -> None:
        if not skip_bad:
            raise error
        result.bad.append(error)

    return {name: list(read_file(path, name, skip)) for path, name, _ in todo}


def extract_new(todo: Sequence[tuple[Path, str, str]], records: dict[str, list[PaperRecord]], result: Result,
                progress: bool, where: dict[str, Any]) -> dict[str, tuple[StoredFile, list[Entry]]]:
    """Extract from the records of the files `todo`: name → (source, entries)."""
    flat = [r for rs in records.values() for r in rs]
    extractions = iter(extract_records(flat, progress, **where) if flat else [])
    new: dict[str, tuple[StoredFile, list[Entry]]] = {}
    for path, name, sha in todo:
        entries = [Entry(r, next(extractions)) for r in records[name]]
        new[name] = (StoredFile(name, sha, _records_name(name, sha), len(entries)), entries)
        result.changed.append(name)
    return new


def read_new(todo: Sequence[tuple[Path, str, str]], result: Result, skip_bad: bool, progress: bool,
             where: dict[str, Any]) -> dict[str, tuple[StoredFile, list[Entry]]]:
    """Read and extract the files `triage` chose (what `add` does to new files, of any graph)."""
    return extract_new(todo, read_listings(todo, result, skip_bad), result, progress, where)


def _records_name(name: str, sha: str) -> str:
    key = hashlib.sha256(f"{name}\0{sha}\0{code_hash()}".encode("utf-8")).hexdigest()[:32]
    return f"{RECORDS}/{key}.jsonl.gz"


def _write(folder: Path, before: dict | None, new: dict[str, tuple[StoredFile, list[Entry]]],
           kept: dict[str, StoredFile], stale: bool, result: Result, progress: bool) -> None:
    """Resolve kept and new entries into a graph and commit its exports with the new state.

    `stale`: kg's code changed since the kept entries were extracted, so extract them again.
    """
    stored = {name: _load_entries(folder, source) for name, source in sorted(kept.items())}
    if stale:
        stored = _re_extract(stored, progress)
    sources = {name: (StoredFile(name, kept[name].sha256, _records_name(name, kept[name].sha256), len(entries)), entries)
               for name, entries in stored.items()} | new
    entries = [e for _, es in sources.values() for e in es]
    graph = KnowledgeGraph(rdf_module.to_graph(resolve(((e.record, e.extraction) for e in entries), load())))
    state = State(FORMAT, code_hash(), tuple(source for _, (source, _) in sorted(sources.items())))
    with commit.locked(folder):
        if before is not None and commit.read_record(folder) != before:
            raise KGError(f"{folder}: the graph changed while adding (another kg process?); run the command again")
        created: list[Path] = []
        try:
            for source, source_entries in sources.values():
                path = meta(folder) / source.records
                if not path.exists():
                    _write_records(path, source_entries, folder)
                    created.append(path)
            commit.commit_locked(folder, exports.makers(graph.rdf, graph.nx), {"state": msgspec.to_builtins(state)})
        except KGError:  # raised before the commit point: the new records files are garbage
            for path in created:
                path.unlink()
            raise
        _collect_garbage(folder, {s.records for s in state.sources})
    result.graph, result.written = graph, True


def _write_records(path: Path, entries: list[Entry], folder: Path) -> None:
    """Store one listing file's entries; a write error becomes a KGError (nothing is committed yet)."""
    try:
        path.parent.mkdir(exist_ok=True)
        commit.write_file(path, _encode(entries))
    except OSError as err:
        raise KGError(f"{folder}: cannot write the graph ({err.strerror}); the previous one is unchanged") from None


def _re_extract(stored: dict[str, list[Entry]], progress: bool) -> dict[str, list[Entry]]:
    """The stored records with fresh extractions (after kg's code changed), in one progress bar."""
    flat = [e.record for es in stored.values() for e in es]
    extractions = iter(extract_records(flat, progress))
    return {name: [Entry(e.record, next(extractions)) for e in es] for name, es in stored.items()}


_ENCODER = msgspec.json.Encoder()
_DECODER = msgspec.json.Decoder(Entry)


def _encode(entries: list[Entry]) -> bytes:
    return gzip.compress(b"".join(_ENCODER.encode(e) + b"\n" for e in entries), mtime=0)


def _load_entries(folder: Path, source: StoredFile) -> list[Entry]:
    """One listing file's stored entries, checked against the count the state promises."""
    path = meta(folder) / source.records
    try:
        lines = gzip.decompress(path.read_bytes()).splitlines()
        entries = [_DECODER.decode(line) for line in lines]
    except (OSError, EOFError, msgspec.DecodeError) as err:
        raise KGError(f"{path}: the stored entries of {source.name} are unreadable ({err}); "
                      f"rebuild with `kg build SOURCE... --out {folder}`") from None
    if len(entries) != source.entries:
        raise KGError(f"{path}: expected {source.entries} stored entries of {source.name}, found {len(entries)}; "
                      f"rebuild with `kg build SOURCE... --out {folder}`")
    return entries


def _collect_garbage(folder: Path, referenced: set[str]) -> None:
    """Delete records files no state refers to (replaced files, or left by a killed build)."""
    directory = meta(folder) / RECORDS
    for path in directory.glob("*.jsonl.gz") if directory.exists() else ():
        if f"{RECORDS}/{path.name}" not in referenced:
            path.unlink()


EXTRACTION_CODE = ("extract", "sources", "data", "ontology.ttl", "vocabulary.py", "text.py", "urls.py", "ids.py",
                   "model.py", "resolve.py", "rdf.py", "counts.py")
"""The parts of kg (under kg/) whose change changes what a listing gives: its records, extractions,
resolution and triples. The rest (the CLI, queries, views, the folder's own code) changes nothing
a graph holds, so editing it must not make a graph refuse `kg add`."""


@lru_cache(maxsize=1)
def code_hash() -> str:
    """A hash of the code and data in EXTRACTION_CODE: stored extractions are redone when it changes
    (a large graph, which cannot redo them, refuses `kg add`)."""
    return hash_of_code(Path(__file__).parents[1])


def hash_of_code(package: Path) -> str:
    """The hash `code_hash` gives for the kg package at `package`."""
    digest = hashlib.sha256()
    files = (p for part in EXTRACTION_CODE for p in ([package / part] if (package / part).is_file() else (package / part).rglob("*")))
    for path in sorted(p for p in files if p.suffix in {".py", ".tsv", ".ttl"}):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]
