"""Input formats, registered by name: a new format is one module and one line in FORMATS.

Every reader streams its file (UTF-8, bounded line length, `.gz` decompressed as it is read)
and reports a bad file or entry as an InputError naming the file and line (or record).

A file's format is found from its name and, for JSON, its first record: `.txt` is a listing
page; `.json`/`.jsonl` (optionally `.gz`) holding JSON Lines or one JSON array is the format
whose `looks_like` accepts the first record (an arXiv snapshot line, an OpenAlex work, a
Papers with Code dump…), plain title/abstract JSON Lines when none does. `ReadOptions.format`
(`kg build --format NAME`) overrides detection; `ReadOptions.categories` (`--category`) keeps
only records whose source lists one of those arXiv categories (records of sources that list
none are kept).

>>> from kg.sources import read_sources
>>> from kg.sample import SAMPLE_DIR
>>> records = list(read_sources([SAMPLE_DIR]))
>>> len(records)
414
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from ..errors import InputError, KGError
from ..model import PaperRecord
from . import arxiv, arxiv_atom, bibtex, github_repos, hf_listing, huggingface, jsonl, openalex, paperswithcode, semanticscholar
from .json_records import first_value
from .lines import OnBad, plain_name, raise_error

Reader = Callable[[Path, str, OnBad], Iterator[PaperRecord]]
JSON_SUFFIXES = (".json", ".jsonl")


class Format(NamedTuple):
    suffixes: tuple[str, ...]  # of the file name without `.gz`
    read: Reader
    looks_like: Callable[[dict], bool] | None = None  # for JSON: whether a first record has this format's shape
    selects: bool = False  # `read` takes `categories` and selects while reading, before making records
    array: bool = False  # the file is one JSON array (else JSON Lines)


FORMATS: dict[str, Format] = {
    "hf-listing": Format((".txt",), hf_listing.read),
    "arxiv": Format(JSON_SUFFIXES, arxiv.read, arxiv.looks_like, selects=True),
    "openalex": Format(JSON_SUFFIXES, openalex.read, openalex.looks_like),
    "pwc-links": Format((".json",), paperswithcode.read_links, paperswithcode.looks_like_links, array=True),
    "pwc-papers": Format((".json",), paperswithcode.read_papers, paperswithcode.looks_like_papers, array=True),
    "pwc-evaluations": Format((".json",), paperswithcode.read_evaluations, paperswithcode.looks_like_evaluations, array=True),
    "pwc-methods": Format((".json",), paperswithcode.read_methods, paperswithcode.looks_like_methods, array=True),
    "pwc-datasets": Format((".json",), paperswithcode.read_datasets, paperswithcode.looks_like_datasets, array=True),
    "s2-papers": Format(JSON_SUFFIXES, semanticscholar.read_papers, semanticscholar.looks_like_papers),
    "s2-citations": Format(JSON_SUFFIXES, semanticscholar.read_citations, semanticscholar.looks_like_citations),
    "hf-daily": Format((".json",), huggingface.read, huggingface.looks_like, array=True),
    "github-repos": Format(JSON_SUFFIXES, github_repos.read, github_repos.looks_like),
    "arxiv-atom": Format((".atom", ".xml"), arxiv_atom.read),
    "bibtex": Format((".bib",), bibtex.read),
    "jsonl": Format(JSON_SUFFIXES, jsonl.read, lambda first: True),  # title/abstract JSON Lines: what no other shape claims
}


@dataclass(frozen=True)
class ReadOptions:
    """How to read: a format forced on every file (None: detect), and the arXiv categories to keep (empty: all)."""

    format: str | None = None
    categories: frozenset[str] = frozenset()


_OPTIONS: ContextVar[ReadOptions] = ContextVar("kg_read_options", default=ReadOptions())


@contextmanager
def reading_with(options: ReadOptions) -> Iterator[None]:
    """Read every file inside the block with `options` (how `kg build --format/--category` reach the readers
    without every layer between the command and the readers passing them on)."""
    if options.format is not None and options.format not in FORMATS:
        raise KGError(f"--format {options.format}: expected one of {', '.join(FORMATS)}")
    token = _OPTIONS.set(options)
    try:
        yield
    finally:
        _OPTIONS.reset(token)


def format_of(path: Path, name: str | None = None) -> str:
    """The registered format of the file: the one its name allows and, for JSON, its first record has."""
    name = name or str(path)
    suffix = Path(plain_name(path)).suffix
    candidates = [fmt for fmt, f in FORMATS.items() if suffix in f.suffixes]
    if not candidates:
        raise InputError(name, None, f"a listing file ({_known()})", f"'{path.suffix or 'no suffix'}'")
    if len(candidates) == 1:
        return candidates[0]
    array, first = first_value(path, name)
    shape = first if isinstance(first, dict) else {}  # not a record: the catch-all format's reader says what is wrong
    for fmt in candidates:
        if FORMATS[fmt].array == array and FORMATS[fmt].looks_like(shape):
            return fmt
    found = f"a record with keys {', '.join(sorted(shape)[:8])}" if shape else f"no JSON record{' in the array' * array}"
    raise InputError(name, None, f"records of a known format ({', '.join(candidates)}; or give --format)", found)


def _known() -> str:
    return ", ".join(sorted({s for f in FORMATS.values() for s in f.suffixes} | {".gz"}))


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
    return any(Path(plain_name(path)).suffix in f.suffixes for f in FORMATS.values())


def read_file(path: Path, name: str, on_bad: OnBad = raise_error, options: ReadOptions | None = None) -> Iterator[PaperRecord]:
    """Every record of one listing file, in its format (detected, or `options.format`), selected by `options.categories`.

    `options` defaults to those of the enclosing `reading_with` block (none: detect, keep all)."""
    options = options or _OPTIONS.get()
    fmt = FORMATS[options.format or format_of(path, name)]
    if not options.categories:
        return fmt.read(path, name, on_bad)
    if fmt.selects:
        return fmt.read(path, name, on_bad, categories=options.categories)
    records = fmt.read(path, name, on_bad)
    return (r for r in records if not r.categories or not options.categories.isdisjoint(r.categories))


def read_sources(paths: Iterable[str | Path], on_bad: OnBad = raise_error, options: ReadOptions | None = None) -> Iterator[PaperRecord]:
    """Every record of every listing under `paths`; raises InputError on the first bad one.

    With `on_bad` (e.g. `skipped.append`), a bad entry inside a file is handed to it and
    reading goes on; a bad file (unreadable, binary, not UTF-8, empty) still raises.
    """
    for path, name in expand(paths):
        yield from read_file(path, name, on_bad, options)
