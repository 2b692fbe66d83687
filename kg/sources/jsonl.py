"""JSON Lines listings: one paper per line, as an object with at least "title" and "abstract".

Optional keys: "date" (the listing date as written), "authors" and "urls" (lists of
strings); other keys are ignored. Blank lines are skipped. A broken line is reported with its
number and what was wrong, and `--skip-bad` skips it instead of stopping.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "papers.jsonl"
>>> _ = p.write_text('{"title": "A Title", "abstract": "Its abstract.", "date": "Mar 12", "authors": ["Ada"]}\\n')
>>> [(r.title, r.abstract, r.source.line, r.source.listed, r.authors) for r in read(p, "papers.jsonl")]
[('A Title', 'Its abstract.', 1, 'Mar 12', ('Ada',))]
>>> _ = p.write_text('{"title": "A Title"}\\n')
>>> list(read(p, "papers.jsonl"))
Traceback (most recent call last):
kg.errors.InputError: papers.jsonl:1: expected "abstract" as a non-empty string, found no "abstract"
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from ..model import PaperRecord, Source
from .hf_listing import MAX_TITLE_CHARS
from .lines import OnBad, clean, lines, raise_error


def read(path: Path, name: str, on_bad: OnBad = raise_error) -> Iterator[PaperRecord]:
    """One PaperRecord per non-blank line; a bad line goes to `on_bad` (raises unless skipping)."""
    seen_paper = False
    for number, text in lines(path, name):
        if not text.strip():
            continue
        try:
            yield _record(json.loads(text), name, number)
            seen_paper = True
        except InputError as err:
            on_bad(err)
        except ValueError as err:  # json.JSONDecodeError
            on_bad(InputError(name, number, "a JSON object (one paper per line)", f"invalid JSON ({_reason(err)})"))
        except RecursionError:
            on_bad(InputError(name, number, "a JSON object (one paper per line)", "JSON nested too deeply"))
    if not seen_paper:
        raise InputError(name, None, "at least one paper", "none")


def _reason(err: ValueError) -> str:
    if not isinstance(err, json.JSONDecodeError):
        return str(err)
    return f"{err.msg.removesuffix(' at')} at column {err.colno}"


def _record(obj: object, name: str, number: int) -> PaperRecord:
    if not isinstance(obj, dict):
        raise InputError(name, number, "a JSON object (one paper per line)", f"a JSON {type(obj).__name__}")
    title = " ".join(_string(obj, "title", name, number).split())
    if len(title) > MAX_TITLE_CHARS:
        raise InputError(name, number, f'a "title" of at most {MAX_TITLE_CHARS} characters', f"{len(title)}")
    date = _string(obj, "date", name, number) if obj.get("date") is not None else None
    return PaperRecord(
        title=title,
        abstract=_string(obj, "abstract", name, number),
        source=Source(name, number, date),
        authors=_strings(obj, "authors", name, number),
        urls=_strings(obj, "urls", name, number),
    )


def _string(obj: dict, key: str, name: str, number: int) -> str:
    """The stripped, cleaned, non-empty string under `key`."""
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        found = f'no "{key}"' if value is None else f"{json.dumps(value)[:40]}"
        raise InputError(name, number, f'"{key}" as a non-empty string', found)
    return _valid_unicode(clean(value).strip(), key, name, number)


def _strings(obj: dict, key: str, name: str, number: int) -> tuple[str, ...]:
    value = obj.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(name, number, f'"{key}" as a list of strings', json.dumps(value)[:40])
    return tuple(_valid_unicode(clean(v).strip(), key, name, number) for v in value if v.strip())


def _valid_unicode(text: str, key: str, name: str, number: int) -> str:
    """`text`, unless a JSON escape like \\ud800 left half a surrogate pair in it (not encodable)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        raise InputError(name, number, f'valid Unicode in "{key}"', f"a lone surrogate \\u{ord(text[err.start]):04x}") from None
    return text
