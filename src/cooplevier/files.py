"""Writing results safely: atomically, never over an existing file unless asked, never over an input.

A result is written to a temporary file beside its target, flushed to disk, then moved into
place in one step. Without `--force` that last step is a create-if-absent (a hard link, or an
exclusive create where links do not exist): two commands racing for the same new file cannot
both succeed. The temporary name is short (a target near the file system's name limit still
works) and random (a file left by a killed process never blocks a later run); temporary files
are removed on every error and on every signal the program can catch (`cli.app` turns SIGTERM
and SIGHUP into an orderly exit). A device or a pipe (`/dev/null`, `/dev/stdout`, a FIFO) is
written into, never replaced.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from cooplevier.errors import CooplevierError, os_reason
from cooplevier.messages import t

TEMP_PREFIX = ".cooplevier-"
TEMP_SUFFIX = ".tmp"
_PENDING: set[str] = set()  # temporary files being written: removed if the process is told to stop


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


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two names are one file (a link, `./x` and `x`, a hard link); False if either is missing."""
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


# The inputs of a command that makes results from files (device, inode): every file it was given
# and every file it has read since (a content pack, a template, a grid). Whatever writes a result
# (a report, the picture beside it, an imported answer file) refuses to land on one. Commands that
# edit a file in place (assess, atelier) do not guard: they read and rewrite their own file.
_INPUTS: set[tuple[int, int]] = set()
_GUARDING = False
REMEMBERED = 1000  # inputs kept by identity; beyond, a batch's files are compared one by one


def mark_input(path: str | Path) -> None:
    """Remember that `path` is an input of this command."""
    with contextlib.suppress(OSError, ValueError):
        info = os.stat(path)
        _INPUTS.add((info.st_dev, info.st_ino))


def forget_inputs() -> None:
    """Start a command with no input known and no guard (see `check_not_input`)."""
    global _GUARDING
    _INPUTS.clear()
    _GUARDING = False


def note_read(path: str | Path) -> None:
    """A reader opened `path`: an input, if this command guards its inputs (see `check_not_input`).
    A batch's own files are compared as they are listed, so the registry stays small."""
    if _GUARDING and len(_INPUTS) < REMEMBERED:
        mark_input(path)


def check_not_input(output: str | None, inputs: Iterable[Path]) -> None:
    """Refuse to write a result over one of the files it is made from, with or without --force.

    Compared as files, not names: `./a.yaml`, `a.yaml`, a symbolic or a hard link to it are the
    same file. An output that does not exist yet cannot be an input.
    """
    global _GUARDING
    _GUARDING = True  # from now on, every file read is an input too
    target = None
    if output not in (None, "-"):
        with contextlib.suppress(OSError, ValueError):
            info = os.stat(output)
            target = (info.st_dev, info.st_ino)
    for count, path in enumerate(inputs):
        if count < REMEMBERED:
            mark_input(path)
        elif target is None:  # a batch of 50 000: a new output can be none of them, stat no more
            break
        else:  # an existing output: compared with every input, without keeping them all
            with contextlib.suppress(OSError, ValueError):
                info = os.stat(path)
                if (info.st_dev, info.st_ino) == target:
                    raise CooplevierError(t("file.is_input"), file=output)
    if target is not None and target in _INPUTS:
        raise CooplevierError(t("file.is_input"), file=output)


def check_target(output: str, *, force: bool) -> tuple[Path, int | None]:
    """Where `output` will be written and its current mode (None: a new file).

    Called before long work too, so that a refusal (existing file without `--force`, a folder)
    comes first. A link to a regular file is followed (the file is replaced, the link kept); a
    link to a device or a pipe is written through as it is.
    """
    if not output:
        raise CooplevierError(t("file.no_name"))
    path = Path(output)
    try:
        info = os.stat(path)  # follows links
    except FileNotFoundError:
        info = None
    except OSError as exc:  # a loop of links, a name too long, a component that is a file…
        raise CooplevierError(t("file.write_failed", reason=os_reason(exc)), file=output) from None
    if info is None:
        if path.is_symlink():  # a dangling link: write where it points
            path = Path(os.path.realpath(path))
        return path, None
    if stat.S_ISDIR(info.st_mode):
        raise CooplevierError(t("file.is_dir"), file=output)
    if not stat.S_ISREG(info.st_mode):
        return path, info.st_mode  # a device or a pipe: written through, never replaced
    if (info.st_dev, info.st_ino) in _INPUTS:  # through any name or link, with or without --force
        raise CooplevierError(t("file.is_input"), file=output)
    if not force:
        raise CooplevierError(t("file.exists"), file=output)
    return Path(os.path.realpath(path)), info.st_mode


@contextlib.contextmanager
def open_output(output: str | None, *, force: bool = False, binary: bool = False) -> Iterator[IO[Any]]:
    """Stream a command's result: stdout when `output` is None or "-", else an atomic file.

    The file appears, complete, only when the block ends without error; an error leaves no file
    and no half-written one.
    """
    if output in (None, "-"):
        yield from _write_stdout(binary)
        return
    path, mode = check_target(output, force=force)
    if mode is not None and not stat.S_ISREG(mode):
        yield from _write_special(path, binary)
        return
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = _temporary(directory, output)
    try:
        # newline="" keeps the CSV module's CRLF as written
        with os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, (mode & 0o777) if mode is not None else 0o666 & ~_umask())
        _publish(tmp, path, force=force, output=output)
    except OSError as exc:
        raise CooplevierError(t("file.write_failed", reason=os_reason(exc)), file=output) from None
    finally:
        _discard(tmp)
    fsync_dir(directory)


def sweep_temporaries(directory: Path, *, older_than: float = 60.0) -> int:
    """Remove the temporary files a killed writer left in `directory` (ours only: the exact
    `.cooplevier-<12 hex>.tmp` shape, and older than `older_than` seconds, so that a write under
    way in another process is never taken). Returns how many went."""
    pattern = re.compile(re.escape(TEMP_PREFIX) + r"[0-9a-f]{12}" + re.escape(TEMP_SUFFIX))
    gone = 0
    with contextlib.suppress(OSError):
        for entry in os.scandir(directory):
            if pattern.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    if time.time() - entry.stat(follow_symlinks=False).st_mtime > older_than:
                        os.unlink(entry.path)
                        gone += 1
    return gone


def _temporary(directory: Path, output: str) -> tuple[int, str]:
    """A new temporary file beside the target, with a short random name, registered for cleanup."""
    for _attempt in range(100):
        tmp = str(directory / f"{TEMP_PREFIX}{secrets.token_hex(6)}{TEMP_SUFFIX}")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        except FileExistsError:
            continue
        except OSError as exc:
            raise CooplevierError(t("file.write_failed", reason=os_reason(exc)), file=output) from None
        _PENDING.add(tmp)
        return fd, tmp
    raise CooplevierError(t("file.write_failed", reason=os_reason(FileExistsError(errno.EEXIST, ""))), file=output)


def _publish(tmp: str, path: Path, *, force: bool, output: str) -> None:
    """Move the finished temporary file into place: replace (`--force`) or create only if absent."""
    if force:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)  # atomic create-if-absent: fails if another process created it meanwhile
    except FileExistsError:
        raise CooplevierError(t("file.exists"), file=output) from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK, errno.ENOSYS):
            raise
        # no hard links here (FAT, some network shares): reserve the name exclusively, then replace
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            raise CooplevierError(t("file.exists"), file=output) from None
        os.replace(tmp, path)


def _discard(tmp: str) -> None:
    _PENDING.discard(tmp)
    with contextlib.suppress(OSError):
        os.unlink(tmp)


@contextlib.contextmanager
def temporary_work() -> Iterator[None]:
    """Work that fills the temporary folder (openpyxl streams rows there): when it is full or
    unwritable, say which folder, in French, instead of a library's error."""
    try:
        yield
    except OSError as exc:
        import tempfile

        raise CooplevierError(t("file.temp_failed", folder=tempfile.gettempdir(), reason=os_reason(exc))) from None


def remove_pending() -> None:
    """Remove every temporary file still being written (on SIGTERM, SIGHUP, exit)."""
    for tmp in list(_PENDING):
        _discard(tmp)


def _write_stdout(binary: bool) -> Iterator[IO[Any]]:
    if sys.stdout is None:  # started with stdout closed (`>&-`)
        raise CooplevierError(t("file.no_stdout"))
    stream: IO[Any] = sys.stdout.buffer if binary else sys.stdout
    try:
        yield stream
        stream.flush()
    except BrokenPipeError:
        raise  # the reader has all it wanted (`| head`): the CLI ends quietly
    except OSError as exc:
        raise CooplevierError(t("file.stdout_failed", reason=os_reason(exc))) from None


def _write_special(path: Path, binary: bool) -> Iterator[IO[Any]]:
    try:
        with path.open("wb") if binary else path.open("w", encoding="utf-8", newline="") as fh:
            yield fh
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise CooplevierError(t("file.write_failed", reason=os_reason(exc)), file=path) from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def fsync_dir(directory: Path) -> None:
    """Make a rename durable: without it a power cut may bring the old file back."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_with_picture(
    output: str | None, data: str | bytes, image: Path | None, png: bytes | None, *, force: bool
) -> None:
    """A report, and the wheel picture beside a Markdown file: both written, or neither left behind."""
    if png is None or image is None:
        write_output(output, data, force=force)
        return
    import contextlib

    existed = image.exists()
    atomic_write(image, png, force=force)
    try:
        write_output(output, data, force=force)
    except BaseException:
        if not existed:
            with contextlib.suppress(OSError):
                image.unlink()
        raise
