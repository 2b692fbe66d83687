"""One commit protocol for every graph folder: a new generation replaces the old all together, crash-safely.

Renaming each file into place is atomic, but a set of files is not: a kill between two
renames would leave a new `graph.ttl` beside an old `nodes.csv`, or a new `store/` beside an
old index. So every writer (`kg build` of any size, `kg add`) writes a generation in named
steps, under the folder's writer lock (one writer at a time):

1. `written`: every file (or folder: a large graph's `store/`) is written into
   `DIR/.kg/pending/` and flushed, with a token naming this generation;
2. `recorded`: `DIR/.kg/state.json`, naming each file with its fingerprint and the token, is
   renamed into place: the commit point. Killed before it, the pending generation's token
   is not the record's and it is thrown away; after it, the new generation wins;
3. `installed NAME`: the pending files are moved over the old ones, one by one;
4. `cleaned`: files of the previous generation that the new one lacks (kg wrote them: the
   old record names them) are removed, and `pending/` with them.

`recover` finishes steps 3–4 after a crash (or throws away an uncommitted step 1); every
writer runs it first, and readers too (kg.folder.recover: it costs one `stat` when there is
nothing to do). It is the same code as the commit's own steps 3–4. The files stay real files
at their documented paths (`exports/graph.ttl`), readable by anything.

kg never deletes or overwrites a file it did not write: before writing, every name the new
generation would take is checked against the old record, and a folder holding other files
there is refused with one line naming them (`refuse_foreign`).

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> commit(folder, {"a.txt": lambda: "one\\n", "b.txt": lambda: "two\\n"}, {"note": "first"})
>>> (folder / "a.txt").read_text(), read_record(folder)["note"], sorted(read_record(folder)["files"])
('one\\n', 'first', ['a.txt', 'b.txt'])
>>> commit(folder, {"a.txt": lambda: "uno\\n"}, {"note": "second"})  # b.txt was kg's: it goes with its generation
>>> sorted(p.name for p in folder.iterdir())
['.kg', 'a.txt']
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from ..errors import KGError
from .layout import LOCK, PENDING, RECORD, meta

TOKEN = ".generation"  # in pending/: the token of the generation being written, matched against the record's
REPLACED = ".replaced"  # in pending/: folders moved aside while their new version moves in
DIRECTORY = "directory"  # the fingerprint of a folder (a store): its generation's token says it is this one
GROWS = "grows"  # the fingerprint of a file `kg add` appends to (a large graph's graph.nt and index): kg's, whatever its bytes
STORE_FILES = re.compile(r"(CURRENT|IDENTITY|LOCK|LOG(\.old\.\d+)?|MANIFEST-\d+|OPTIONS-\d+|\d+\.(sst|log|blob))$")
"""The files RocksDB keeps in a store folder: anything else there is not the store's."""


def checkpoint(step: str) -> None:
    """Called after each named step of the protocol; the kill tests stop the process here."""


def read_record(folder: str | Path) -> dict | None:
    """The commit record of the folder's current generation, or None if kg never wrote there."""
    path = meta(folder) / RECORD
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as err:
        raise KGError(f"{path}: unreadable build state ({err}); run `kg build` again") from None


@contextmanager
def locked(folder: str | Path) -> Iterator[None]:
    """Hold the folder's writer lock (after finishing any interrupted commit)."""
    folder = Path(folder)
    try:
        meta(folder).mkdir(parents=True, exist_ok=True)
        lock = FileLock(meta(folder) / LOCK, timeout=0)
        lock.acquire()
    except Timeout:
        raise KGError(f"{folder}: another kg process is writing this graph; try again when it is done") from None
    except OSError as err:
        raise KGError(f"{folder}: cannot write the graph folder ({err.strerror})") from None
    try:
        _finish(folder)
        yield
    finally:
        lock.release()


def pending(folder: str | Path) -> Path:
    """`DIR/.kg/pending/`, created empty: where a writer puts files it makes itself (a large build's store)."""
    path = meta(folder) / PENDING
    path.mkdir()
    return path


def refuse_foreign(folder: str | Path, names: Iterable[str]) -> None:
    """Refuse to write `names` into `folder` where a file kg did not write is in the way.

    kg wrote what the current record names (a store folder: only RocksDB's own files in it).
    """
    folder = Path(folder)
    ours = set((read_record(folder) or {}).get("files", {}))
    foreign: list[str] = []
    for name in sorted(set(names)):
        path = folder / name
        if not (path.exists() or path.is_symlink()):
            continue
        if name not in ours:
            inside = sorted(p.relative_to(folder).as_posix() for p in path.rglob("*") if not p.is_dir()) if path.is_dir() else []
            foreign.extend(inside or [name + ("/" if path.is_dir() else "")])
        elif path.is_dir():
            foreign.extend(p.relative_to(folder).as_posix() for p in sorted(path.rglob("*"))
                           if not p.is_dir() and not STORE_FILES.fullmatch(p.name))
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        raise KGError(f"{folder}: holds files kg did not write where it would write: {shown}; "
                      f"move them away or choose another folder")


def commit(folder: str | Path, files: Mapping[str, Callable[[], str | bytes]], record: dict) -> None:
    """Replace the folder's generation with `files` (name → function making its text) all together.

    `record` (JSON-able) is stored in the commit record beside the files' fingerprints, and is
    read back with `read_record`: it commits together with the files it describes.
    """
    folder = Path(folder)
    with locked(folder):
        commit_locked(folder, files, record)


def commit_locked(folder: Path, files: Mapping[str, Callable[[], str | bytes]], record: dict,
                  staged: Mapping[str, str] | None = None, drop: Iterable[str] = ()) -> None:
    """`commit`, for a caller already holding `locked(folder)` (to read, decide and write as one).

    `staged`: files the caller already wrote into `pending(folder)` (name → fingerprint:
    GROWS for a file later appended to, DIRECTORY for a store). `drop`: more of kg's own files of the
    previous generation to remove once this one is committed.
    """
    staged = dict(staged or {})
    refuse_foreign(folder, [*files, *staged])
    previous = (read_record(folder) or {}).get("files", {})
    where = meta(folder) / PENDING
    try:
        where.mkdir(exist_ok=bool(staged))
        prints = {name: _write(where / name, make()) for name, make in files.items()} | staged
        token = hashlib.sha256(json.dumps([record, prints], sort_keys=True).encode("utf-8")).hexdigest()[:32]
        if staged:  # GROWS or DIRECTORY does not tell two generations apart
            token = hashlib.sha256(token.encode() + os.urandom(16)).hexdigest()[:32]
        _write(where / TOKEN, token)
        _fsync_dir(where)
        checkpoint("written")
        stale = sorted((set(previous) - set(prints)) | (set(drop) - set(prints)))
        write_file(meta(folder) / RECORD, json.dumps({**record, "files": prints, "generation": token, "stale": stale},
                                                     indent=1, sort_keys=True) + "\n")
    except OSError as err:  # a full disk, a quota: nothing committed, so the previous generation stands
        shutil.rmtree(where, ignore_errors=True)
        raise KGError(f"{folder}: cannot write the graph ({err.strerror}); the previous one is unchanged") from None
    checkpoint("recorded")
    _finish(folder)


def recover(folder: str | Path) -> None:
    """Finish or discard a commit that was killed; a no-op when none was (or one is running)."""
    folder = Path(folder)
    if not (meta(folder) / PENDING).exists():
        return
    try:
        with locked(folder):
            pass
    except KGError:
        pass  # a live writer holds the lock (it will finish), or the folder is read-only


def _finish(folder: Path) -> None:
    """Steps 3 and 4: install the pending generation if the record commits it, else throw it away."""
    for stray in meta(folder).rglob(".*.tmp"):  # a `write_file` that was killed
        stray.unlink()
    where = meta(folder) / PENDING
    if not where.exists():
        return
    record = read_record(folder) or {}
    token = where / TOKEN
    if token.is_file() and token.read_text(encoding="utf-8") == record.get("generation"):
        for name in sorted(record["files"]):
            source = where / name
            if source.exists():
                _install(source, folder / name, where / REPLACED / name)
                checkpoint(f"installed {name}")
        for name in record.get("stale", []):
            _remove(folder / name)
        _fsync_dir(folder)
    shutil.rmtree(where)
    checkpoint("cleaned")


def _install(source: Path, target: Path, aside: Path) -> None:
    """Move `source` over `target`; a folder in the way is first moved `aside` (inside pending/, removed with it)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir() and target.is_dir():
        aside.parent.mkdir(parents=True, exist_ok=True)
        target.rename(aside)
    os.replace(source, target)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def write_file(path: Path, text: str | bytes) -> None:
    """Write one file crash-safely: to a temporary name beside it, flushed, then renamed over it."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8") if isinstance(text, str) else text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _write(path: Path, text: str | bytes) -> str:
    """Write `text` (as UTF-8), flushed to disk; return its SHA-256."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(path, 0o666 & ~_umask())
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
