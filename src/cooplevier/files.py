"""Writing files safely: atomically, never over an existing file unless asked."""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from cooplevier.errors import CooplevierError, os_reason
from cooplevier.messages import t


def atomic_write(path: Path, data: str | bytes, *, force: bool = False) -> None:
    """Write `data` to `path` through a temporary file, fsync and rename.

    A reader (or a crash at any moment) sees either the old file or the new one, never half.
    """
    with open_output(str(path), force=force, binary=True) as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)


def write_output(output: str | None, data: str | bytes, *, force: bool = False) -> None:
    """Write a command's result: to stdout when `output` is None or "-", else to a file."""
    with open_output(output, force=force, binary=isinstance(data, bytes)) as fh:
        fh.write(data)


def check_not_input(output: str | None, inputs: Iterable[Path]) -> None:
    """Refuse to write a result over one of the files it is made from, with or without --force.

    Compared as files, not names: `./a.yaml`, `a.yaml`, a symbolic or a hard link to it are the
    same file. An output that does not exist yet cannot be an input.
    """
    if output in (None, "-") or not os.path.exists(str(output)):
        return
    for path in inputs:
        with contextlib.suppress(OSError):
            if os.path.samefile(path, str(output)):
                raise CooplevierError(t("file.is_input"), file=output)


def check_target(output: str, *, force: bool) -> tuple[Path, int | None]:
    """Where `output` will be written and its current mode (None: a new file).

    Called before long work too, so that a refusal (existing file without `--force`, a folder)
    comes first. A device or a pipe is written into, never replaced; a link is followed.
    """
    if not output:
        raise CooplevierError(t("file.no_name"))
    path = Path(output)
    if path.is_dir():
        raise CooplevierError(t("file.is_dir"), file=path)
    if path.is_symlink():
        path = path.resolve()
    try:
        mode: int | None = path.stat().st_mode
    except OSError:
        mode = None
    if mode is not None and stat.S_ISREG(mode) and not force:
        raise CooplevierError(t("file.exists"), file=output)
    return path, mode


@contextlib.contextmanager
def open_output(output: str | None, *, force: bool = False, binary: bool = False) -> Iterator[IO[Any]]:
    """Stream a command's result: stdout when `output` is None or "-", else an atomic file.

    The file appears, complete, only when the block ends without error; an error leaves no file
    and no half-written one. A device or a pipe (`/dev/null`, a FIFO) is written into, never
    replaced; a symbolic link is followed.
    """
    if output in (None, "-"):
        stream: IO[Any] = sys.stdout.buffer if binary else sys.stdout
        try:
            yield stream
            stream.flush()
        except OSError as exc:
            raise CooplevierError(t("file.stdout_failed", reason=os_reason(exc))) from None
        return
    path, mode = check_target(output, force=force)
    if mode is not None and not stat.S_ISREG(mode):
        yield from _write_special(path, binary)
        return
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise CooplevierError(t("file.write_failed", reason=os_reason(exc)), file=output) from None
    try:
        # newline="" keeps the CSV module's CRLF as written
        with os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, (mode & 0o777) if mode is not None else 0o666 & ~_umask())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise CooplevierError(t("file.write_failed", reason=os_reason(exc)), file=output) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(directory)


def _write_special(path: Path, binary: bool) -> Iterator[IO[Any]]:
    try:
        with path.open("wb") if binary else path.open("w", encoding="utf-8", newline="") as fh:
            yield fh
    except OSError as exc:
        raise CooplevierError(t("file.write_failed", reason=os_reason(exc)), file=path) from None


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
