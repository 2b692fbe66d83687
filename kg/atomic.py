"""Replacing a folder's files all together, so that a process killed at any instant loses nothing.

Renaming each file into place is atomic, but a set of files is not: a kill between two
renames would leave a new `graph.ttl` beside an old `nodes.csv`. So a new generation is
written in three steps, under a lock (one writer at a time):

1. every file is written into `FOLDER/.kg/pending/` and flushed to disk;
2. `FOLDER/.kg/state.json`, naming each file with its SHA-256, is renamed into place: the
   commit point. Killed before it, the old generation is untouched; after it, the new one wins;
3. the pending files are renamed over the old ones.

`recover` finishes step 3 after a crash (or throws away an uncommitted step 1); every writer
runs it first, and readers should too (it costs one `stat` when there is nothing to do). The
files stay real files at their documented paths (`exports/graph.ttl`), readable by anything.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> commit(folder, {"a.txt": lambda: "one\\n", "b.txt": lambda: "two\\n"}, {"note": "first"})
>>> (folder / "a.txt").read_text(), read_record(folder)["note"], sorted(read_record(folder)["files"])
('one\\n', 'first', ['a.txt', 'b.txt'])
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from .errors import KGError

META = ".kg"  # the folder, inside the output folder, that holds the commit record and build state
RECORD = "state.json"
PENDING = "pending"
LOCK = "lock"


def meta(folder: str | Path) -> Path:
    return Path(folder) / META


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
    """Hold the folder's writer lock (after finishing any interrupted write)."""
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
        _recover_locked(folder)
        yield
    finally:
        lock.release()


def recover(folder: str | Path) -> None:
    """Finish or discard a write that was killed; a no-op when none was (or one is running)."""
    folder = Path(folder)
    if not (meta(folder) / PENDING).exists():
        return
    try:
        with locked(folder):
            pass
    except KGError:
        pass  # a live writer holds the lock (it will finish), or the folder is read-only


def _recover_locked(folder: Path) -> None:
    for stray in meta(folder).rglob(".*.tmp"):  # a `write_file` that was killed
        stray.unlink()
    pending = meta(folder) / PENDING
    if not pending.exists():
        return
    expected = (read_record(folder) or {}).get("files", {})
    for path in sorted(pending.iterdir()):
        if expected.get(path.name) == file_sha256(path):
            os.replace(path, folder / path.name)
        else:
            path.unlink()
    _fsync_dir(folder)
    pending.rmdir()


def commit(folder: str | Path, files: Mapping[str, Callable[[], str]], record: dict) -> None:
    """Replace `files` (name → function making its text) in `folder` all together.

    `record` (JSON-able) is stored in the commit record beside the files' hashes, and is read
    back with `read_record`: it commits together with the files it describes.
    """
    folder = Path(folder)
    with locked(folder):
        commit_locked(folder, files, record)


def commit_locked(folder: Path, files: Mapping[str, Callable[[], str]], record: dict) -> None:
    """`commit`, for a caller already holding `locked(folder)` (to read, decide and write as one)."""
    pending = meta(folder) / PENDING
    try:
        pending.mkdir()
        hashes = {name: _write(pending / name, make()) for name, make in files.items()}
        _fsync_dir(pending)
        write_file(meta(folder) / RECORD, json.dumps({**record, "files": hashes}, indent=1, sort_keys=True) + "\n")
    except OSError as err:  # a full disk, a quota: nothing committed, so the previous generation stands
        shutil.rmtree(pending, ignore_errors=True)
        raise KGError(f"{folder}: cannot write the graph ({err.strerror}); the previous one is unchanged") from None
    for name in files:
        os.replace(pending / name, folder / name)
    _fsync_dir(folder)
    pending.rmdir()


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


def _write(path: Path, text: str) -> str:
    """Write `text` as UTF-8, flushed to disk; return its SHA-256."""
    data = text.encode("utf-8")
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
