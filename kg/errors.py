"""Errors a user can act on: they name the file, the line and what was expected."""
from __future__ import annotations

import re

_CONTROL = re.compile("[\x00-\x1f\x7f]")


class KGError(Exception):
    """Base class of every error `kg` reports to a user instead of a traceback."""


class InputError(KGError):
    """An input file cannot be read as a listing.

    >>> str(InputError("a.txt", 12, "an abstract after the title"))
    'a.txt:12: expected an abstract after the title'
    >>> str(InputError("two\\nlines.txt", None, "a listing"))
    'two\\\\nlines.txt: expected a listing'
    """

    def __init__(self, path: str, line: int | None, expected: str, found: str | None = None):
        self.path, self.line, self.expected, self.found = path, line, expected, found
        path = _CONTROL.sub(lambda m: repr(m.group())[1:-1], path)  # a file name may hold a newline
        where = f"{path}:{line}" if line else path
        message = f"{where}: expected {expected}"
        if found:
            message += f", found {found}"
        super().__init__(message)
