"""The JSON side shared by every JSON source: records streamed from JSON Lines or from one big
JSON array, typed field access that fails with one clear line, and the loop that turns records
into PaperRecords, handing bad ones to `on_bad`.

A JSON array (the Papers with Code dumps, the Hugging Face API) is streamed item by item with
ijson, so a 1 GB dump is never held whole; there, the number in an error and in provenance is
the record's position in the array (1-based), since the line says nothing in a one-line dump.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "dump.json"
>>> _ = p.write_text('[{"a": 1}, {"a": 2}]')
>>> list(json_array(p, "dump.json"))
[(1, {'a': 1}), (2, {'a': 2})]
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

import ijson

from ..errors import InputError
from ..model import PaperRecord
from .lines import MAX_LINE_BYTES, OnBad, clean, lines, open_binary, plain_name

Make = Callable[[dict, str, int], Iterable[PaperRecord]]
"""Records of one source record (decoded object, file name, record number); raises InputError."""


def json_lines(path: Path, name: str, on_bad: OnBad) -> Iterator[tuple[int, object]]:
    """(line number, decoded value) of each non-blank line; a line that is not JSON goes to `on_bad`."""
    for number, text in lines(path, name):
        if not text.strip():
            continue
        try:
            yield number, json.loads(text)
        except ValueError as err:  # json.JSONDecodeError
            on_bad(InputError(name, number, "a JSON object (one paper per line)", f"invalid JSON ({_reason(err)})"))
        except RecursionError:
            on_bad(InputError(name, number, "a JSON object (one paper per line)", "JSON nested too deeply"))


def _reason(err: ValueError) -> str:
    if not isinstance(err, json.JSONDecodeError):
        return str(err)
    return f"{err.msg.removesuffix(' at')} at column {err.colno}"


def json_array(path: Path, name: str) -> Iterator[tuple[int, object]]:
    """(position, item) of each item of the JSON array the file holds, streamed.

    Broken JSON stops the file (the array's remaining items cannot be found reliably)."""
    number = 0
    with open_binary(path, name) as handle:
        for number, item in enumerate(_items(handle, name), start=1):
            yield number, item
    if number == 0:
        raise InputError(name, None, "a JSON array with at least one record", "none")


MAX_DEPTH = 64  # a record of any of these dumps nests a few levels; ijson's own builder would take any depth


def _items(handle: IO[bytes], name: str) -> Iterator[object]:
    """The items of the top-level JSON array, built from ijson's basic events with nesting bounded
    (a file of 100,000 `[` would otherwise exhaust memory)."""
    depth, builder, number = 0, None, 1
    try:
        for event, value in ijson.basic_parse(handle, use_float=True):
            if depth == 0:
                if event != "start_array":
                    raise InputError(name, None, "a JSON array of records", f"a JSON {event.removeprefix('start_')}")
                depth = 1
                continue
            if depth == 1 and event == "end_array":
                depth = 0
                continue
            builder = builder or ijson.ObjectBuilder()
            builder.event(event, value)
            depth += event in _STARTS
            depth -= event in _ENDS
            if depth > MAX_DEPTH:
                raise InputError(name, number, "a JSON array of records", f"JSON nested more than {MAX_DEPTH} deep")
            if depth == 1:
                yield builder.value
                builder, number = None, number + 1
    except ijson.JSONError as err:
        raise InputError(name, number, "a JSON array of records", f"invalid JSON ({err})") from None


_STARTS, _ENDS = frozenset({"start_map", "start_array"}), frozenset({"end_map", "end_array"})


def first_value(path: Path, name: str) -> tuple[bool, object]:
    """Whether the file is one JSON array (only a `.json` file may be), and its first record: the
    array's first item or the first line's value (None when there is none to read). What format
    detection looks at."""
    with open_binary(path, name) as handle:
        head = handle.read(MAX_LINE_BYTES).lstrip(b"\xef\xbb\xbf \t\r\n")
        if head.startswith(b"[") and plain_name(path).endswith(".json"):
            handle.seek(0)
            try:
                return True, next(_items(handle, name), None)
            except InputError:
                return True, None
    try:
        return False, json.loads(head.split(b"\n", 1)[0])
    except (ValueError, RecursionError):
        return False, None


def read_records(items: Iterable[tuple[int, object]], name: str, make: Make, on_bad: OnBad,
                 unit: str = "line") -> Iterator[PaperRecord]:
    """The PaperRecords `make` gives for each object of `items`; a bad one goes to `on_bad`.

    A file without a single good record fails, naming the first bad entry, so `--skip-bad`
    over a file of nothing but bad lines still says why."""
    first_bad: list[InputError] = []

    def bad(err: InputError) -> None:
        first_bad[:] = first_bad or [err]
        on_bad(err)

    seen = False
    for number, obj in items:
        try:
            if not isinstance(obj, dict):
                raise InputError(name, number, f"a JSON object (one paper per {unit})", f"a JSON {type(obj).__name__}")
            yield from make(obj, name, number)
            seen = True  # a good record, even one that gives no paper (a paper outside --category, a GitLab link)
        except InputError as err:
            bad(err)
    if not seen:
        raise InputError(name, None, "at least one paper", f"none (first bad entry: {first_bad[0]})" if first_bad else "none")


def text(obj: dict, key: str, name: str, number: int, required: bool = True) -> str:
    """The cleaned, stripped string under `key` ("" when absent, null or blank and not `required`)."""
    value = obj.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        found = f'no "{key}"' if value is None else f"{json.dumps(value)[:40]}"
        raise InputError(name, number, f'"{key}" as a non-empty string', found)
    return valid_unicode(clean(value).strip(), key, name, number)


def texts(obj: dict, key: str, name: str, number: int) -> tuple[str, ...]:
    """The non-blank strings of the list under `key` (() when absent or null)."""
    value = obj.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(name, number, f'"{key}" as a list of strings', json.dumps(value)[:40])
    return tuple(valid_unicode(clean(v).strip(), key, name, number) for v in value if v.strip())


def mapping(obj: dict, key: str, name: str, number: int) -> dict:
    """The object under `key` ({} when absent or null)."""
    value = obj.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InputError(name, number, f'"{key}" as a JSON object', json.dumps(value)[:40])
    return value


def objects(obj: dict, key: str, name: str, number: int) -> list[dict]:
    """The list of objects under `key` ([] when absent or null)."""
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise InputError(name, number, f'"{key}" as a list of objects', json.dumps(value)[:40])
    return value


def one_line(value: str) -> str:
    """Hard line breaks and runs of spaces collapsed (arXiv abstracts are wrapped at ~80 columns)."""
    return " ".join(value.split())


def valid_unicode(value: str, key: str, name: str, number: int) -> str:
    """`value`, unless a JSON escape like \\ud800 left half a surrogate pair in it (not encodable)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as err:
        raise InputError(name, number, f'valid Unicode in "{key}"', f"a lone surrogate \\u{ord(value[err.start]):04x}") from None
    return value
