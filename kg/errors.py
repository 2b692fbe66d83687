"""Errors a user can act on: they name the file, the line and what was expected."""
from __future__ import annotations


class KGError(Exception):
    """Base class of every error `kg` reports to a user instead of a traceback."""


class InputError(KGError):
    """An input file cannot be read as a listing.

    >>> str(InputError("a.txt", 12, "an abstract after the title"))
    'a.txt:12: expected an abstract after the title'
    """

    def __init__(self, path: str, line: int | None, expected: str, found: str | None = None):
        self.path, self.line, self.expected, self.found = path, line, expected, found
        where = f"{path}:{line}" if line else path
        message = f"{where}: expected {expected}"
        if found:
            message += f", found {found}"
        super().__init__(message)
