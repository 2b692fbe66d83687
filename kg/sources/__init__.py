"""Input formats, registered by name: a new format is one module and one line in FORMATS.

>>> from kg.sources import read_sources
>>> from kg.sample import SAMPLE_DIR
>>> records = list(read_sources([SAMPLE_DIR]))
>>> len(records)
414
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..errors import InputError
from ..model import PaperRecord
from . import hf_listing

Reader = Callable[[Path, str], Iterator[PaperRecord]]

FORMATS: dict[str, tuple[tuple[str, ...], Reader]] = {
    # name: (file suffixes, reader(path, display_name))
    "hf-listing": ((".txt",), hf_listing.read),
}


def format_of(path: Path) -> str:
    """The registered format whose suffix the file has."""
    for name, (suffixes, _) in FORMATS.items():
        if path.suffix.lower() in suffixes:
            return name
    known = ", ".join(s for suffixes, _ in FORMATS.values() for s in suffixes)
    raise InputError(str(path), None, f"a listing file ({known})", f"'{path.suffix or 'no suffix'}'")


def expand(paths: Iterable[str | Path]) -> list[tuple[Path, str]]:
    """(file, display name) for files named and listing files inside folders named, in a stable order.

    A file inside a folder is shown as `folder-name/relative/path`, so provenance does not
    depend on where the folder sits on this machine.
    """
    files: list[tuple[Path, str]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            try:
                inside = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
            except OSError as err:
                raise InputError(str(path), None, "a readable folder", err.strerror) from None
            if not inside and not _listable(path):
                raise InputError(str(path), None, "a readable folder", "permission denied")
            files.extend((p, f"{path.resolve().name}/{p.relative_to(path).as_posix()}") for p in inside if _has_known_suffix(p))
        elif path.exists():
            files.append((path, path.as_posix()))
        else:
            raise InputError(str(path), None, "an existing file or folder", "nothing there")
    return files


def _listable(path: Path) -> bool:
    try:
        next(path.iterdir(), None)
        return True
    except OSError:
        return False


def _has_known_suffix(path: Path) -> bool:
    return any(path.suffix.lower() in suffixes for suffixes, _ in FORMATS.values())


def read_sources(paths: Iterable[str | Path]) -> Iterator[PaperRecord]:
    """Every record of every listing under `paths`; raises InputError on the first bad one."""
    for path, name in expand(paths):
        _, reader = FORMATS[format_of(path)]
        yield from reader(path, name)
