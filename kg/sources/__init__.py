"""Input formats, registered by name: a new format is one module and one line in FORMATS.

Every reader streams its file through `kg.sources.lines` (UTF-8, bounded line length) and
reports a bad file or entry as an InputError naming the file and line.

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
from . import hf_listing, jsonl
from .lines import OnBad, raise_error

Reader = Callable[[Path, str, OnBad], Iterator[PaperRecord]]

FORMATS: dict[str, tuple[tuple[str, ...], Reader]] = {
    # name: (file suffixes, reader(path, display_name, on_bad))
    "hf-listing": ((".txt",), hf_listing.read),
    "jsonl": ((".jsonl",), jsonl.read),
}


def format_of(path: Path) -> str:
    """The registered format whose suffix the file has."""
    for name, (suffixes, _) in FORMATS.items():
        if path.suffix.lower() in suffixes:
            return name
    raise InputError(str(path), None, f"a listing file ({_known()})", f"'{path.suffix or 'no suffix'}'")


def _known() -> str:
    return ", ".join(s for suffixes, _ in FORMATS.values() for s in suffixes)


def expand(paths: Iterable[str | Path]) -> list[tuple[Path, str]]:
    """(file, display name) for files named and listing files inside folders named, in a stable order.

    A file named directly is shown as the path given; a file inside a folder as
    `folder-name/relative/path`, so provenance does not depend on where the folder sits on
    this machine. The display name is also what identifies a file to `kg add`.
    """
    files: list[tuple[Path, str]] = []
    for raw in paths:
        path = Path(raw)
        try:
            is_dir, exists = path.is_dir(), path.exists()
        except OSError as err:  # e.g. a parent folder that cannot be searched
            raise InputError(str(path), None, "a readable file or folder", err.strerror) from None
        if is_dir:
            try:
                inside = sorted(p for p in path.rglob("*") if p.is_file() and not _hidden(p.relative_to(path)))
            except OSError as err:
                raise InputError(str(path), None, "a readable folder", err.strerror) from None
            if not inside and not _listable(path):
                raise InputError(str(path), None, "a readable folder", "permission denied")
            listings = [p for p in inside if _has_known_suffix(p)]
            if not listings:
                raise InputError(str(path), None, f"listing files ({_known()}) in the folder", "none")
            files.extend((p, _utf8_name(p, f"{path.resolve().name}/{p.relative_to(path).as_posix()}"))
                         for p in listings)
        elif exists:
            _check_regular(path)
            files.append((path, _utf8_name(path, path.as_posix())))
        else:
            raise InputError(str(path), None, "an existing file or folder", "nothing there")
    return files


def _check_regular(path: Path) -> None:
    """Refuse a FIFO, a device or a socket named as a source, without opening it: reading one
    hung (a FIFO with no writer) or never ended (/dev/zero) while the file was hashed."""
    if not path.is_file():
        kind = "a FIFO" if path.is_fifo() else "a device" if path.is_char_device() or path.is_block_device() else "not a regular file"
        raise InputError(_printable(str(path)), None, "a regular listing file", kind)


def _utf8_name(path: Path, name: str) -> str:
    """The display name, if it is UTF-8: it is written into every export as provenance.

    >>> _utf8_name(Path("a.txt"), "a.txt")
    'a.txt'
    """
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(_printable(name), None, "a file name in UTF-8", "other bytes; rename the file") from None
    return name


def _printable(name: str) -> str:
    r"""A name as it can be printed: bytes that are not UTF-8 as \xNN escapes."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _hidden(relative: Path) -> bool:
    """Inside a hidden folder or hidden itself (`.git/`, a graph's `.kg/`, editor swap files)."""
    return any(part.startswith(".") for part in relative.parts)


def _listable(path: Path) -> bool:
    try:
        next(path.iterdir(), None)
        return True
    except OSError:
        return False


def _has_known_suffix(path: Path) -> bool:
    return any(path.suffix.lower() in suffixes for suffixes, _ in FORMATS.values())


def read_file(path: Path, name: str, on_bad: OnBad = raise_error) -> Iterator[PaperRecord]:
    """Every record of one listing file, in the format its suffix names."""
    _, reader = FORMATS[format_of(path)]
    return reader(path, name, on_bad)


def read_sources(paths: Iterable[str | Path], on_bad: OnBad = raise_error) -> Iterator[PaperRecord]:
    """Every record of every listing under `paths`; raises InputError on the first bad one.

    With `on_bad` (e.g. `skipped.append`), a bad entry inside a file is handed to it and
    reading goes on; a bad file (unreadable, binary, not UTF-8, empty) still raises.
    """
    for path, name in expand(paths):
        yield from read_file(path, name, on_bad)
