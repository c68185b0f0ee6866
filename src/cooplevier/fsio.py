"""Writing files safely: atomically, never over an existing file unless asked."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from cooplevier.errors import CooplevierError
from cooplevier.messages import t


def atomic_write(path: Path, data: str | bytes, *, force: bool = False) -> None:
    """Write `data` to `path` through a temporary file, fsync and rename.

    A reader (or a crash at any moment) sees either the old file or the new one, never half.
    """
    if path.exists() and not force:
        raise CooplevierError(t("file.exists"), file=path)
    if path.is_dir():
        raise CooplevierError(t("file.is_dir"), file=path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(payload)
                fh.flush()
                os.fsync(fh.fileno())
            if path.exists():
                with contextlib.suppress(OSError):
                    os.chmod(tmp, path.stat().st_mode & 0o777)
            else:
                os.chmod(tmp, 0o666 & ~_umask())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        _fsync_dir(directory)
    except OSError as exc:
        raise CooplevierError(t("file.write_failed", reason=exc.strerror or exc), file=path) from None


def write_output(output: str | None, data: str | bytes, *, force: bool = False) -> None:
    """Write a command's result: to stdout when `output` is None or "-", else to a file."""
    if output in (None, "-"):
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(data)
            sys.stdout.flush()
        return
    atomic_write(Path(output), data, force=force)


@contextlib.contextmanager
def open_output(output: str | None, *, force: bool = False, binary: bool = False) -> Iterator[IO[Any]]:
    """Stream a command's result: stdout when `output` is None or "-", else an atomic file.

    For results too big to hold in memory (batch CSV/JSON): the file appears, complete, only
    when the block ends without error; an error leaves no file and no half-written one.
    """
    if output in (None, "-"):
        stream: IO[Any] = sys.stdout.buffer if binary else sys.stdout
        yield stream
        stream.flush()
        return
    path = Path(output)
    if path.exists() and not force:
        raise CooplevierError(t("file.exists"), file=path)
    if path.is_dir():
        raise CooplevierError(t("file.is_dir"), file=path)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise CooplevierError(t("file.write_failed", reason=exc.strerror or exc), file=path) from None
    try:
        # newline="" keeps the CSV module's CRLF as written
        with os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise CooplevierError(t("file.write_failed", reason=exc.strerror or exc), file=path) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(directory)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_dir(directory: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
