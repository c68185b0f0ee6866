"""One error type for everything a user can get wrong; the CLI turns it into exit code 1."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


class CooplevierError(Exception):
    """A user-facing error: a French message, optionally located in a file."""

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        col: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.col = col

    def located(self) -> str:
        """`FILE:LINE:COL: message`, dropping the parts that are unknown."""
        parts = [p for p in (self.file, self.line, self.col) if p is not None]
        if self.line is None:
            parts = parts[:1]
        prefix = ":".join(str(p) for p in parts)
        return f"{prefix}: {self.message}" if prefix else self.message

    def __str__(self) -> str:
        return self.located()


class ContentError(CooplevierError):
    """A content pack (levers, cases, questions) is invalid."""


class AnswersError(CooplevierError):
    """An answer file is invalid."""


class ErrorGroup(CooplevierError):
    """Several errors found in one pass, reported together."""

    def __init__(self, errors: Iterable[CooplevierError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(e.located() for e in self.errors))

    def located(self) -> str:
        return "\n".join(e.located() for e in self.errors)
