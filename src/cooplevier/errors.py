"""One error type for everything a user can get wrong, and the exit codes the CLI maps them to."""

from __future__ import annotations

import errno
from collections.abc import Iterable
from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    """The process exit codes of the contract; only `cli.app` turns them into an exit."""

    OK = 0
    FAILED = 1  # invalid input or a failed check (a batch still does every good file)
    USAGE = 2  # wrong usage: an option or argument that cannot work
    INTERRUPTED = 130  # Ctrl-C


def shown(path: str | Path) -> str:
    """A file name as it can be printed: bytes that are not UTF-8 (a Linux name from another
    system) become U+FFFD instead of making every later write fail."""
    text = str(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return text


class CooplevierError(Exception):
    """A user-facing error: a French message, optionally located in a file."""

    exit_code = ExitCode.FAILED

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
        self.file = shown(file) if file is not None else None
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


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP: unwound like Ctrl-C (files closed, temporary files removed, answers kept)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class UsageError(CooplevierError):
    """Options or arguments that cannot work together (exit code 2), said before any work."""

    exit_code = ExitCode.USAGE


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


def os_reason(exc: OSError) -> str:
    """The French for an operating-system error (the system's own words are often English)."""
    from cooplevier.messages import t

    reasons = {
        errno.ENOENT: t("os.enoent"),
        errno.EACCES: t("os.eacces"),
        errno.EPERM: t("os.eacces"),
        errno.ENOSPC: t("os.enospc"),
        errno.EDQUOT: t("os.enospc"),
        errno.EROFS: t("os.erofs"),
        errno.ELOOP: t("os.eloop"),
        errno.EISDIR: t("os.eisdir"),
        errno.ENOTDIR: t("os.enotdir"),
        errno.ENAMETOOLONG: t("os.enametoolong"),
    }
    return reasons.get(exc.errno or -1) or str(exc.strerror or exc)
