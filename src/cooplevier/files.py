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
import functools
import os
import re
import stat
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from cooplevier.errors import CooplevierError, os_reason
from cooplevier.messages import t


@dataclass(frozen=True, slots=True)
class Part:
    """One file of a command's result: the document (`name` None: written where the user said)
    or an attachment written beside it under `name` (the wheel's picture of a Markdown report)."""

    data: str | bytes
    name: str | None = None


@dataclass(frozen=True, slots=True)
class Output:
    """What a renderer returns: the document first, then its attachments. Written by `publish`."""

    parts: tuple[Part, ...]

    @classmethod
    def of(cls, document: str | bytes, *attachments: Part) -> Output:
        return cls((Part(document), *attachments))

    @property
    def document(self) -> str | bytes:
        return self.parts[0].data


def beside(target: str | None, ending: str) -> str | None:
    """The name of an attachment beside `target` (`plan.md`, `roue.png` → `plan-roue.png`), or
    None when there is no folder to put it in (standard output, a device, a pipe)."""
    if target in (None, "-"):
        return None
    try:
        mode = os.stat(target).st_mode
    except OSError:  # a new file: the attachment goes beside it
        mode = stat.S_IFREG
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        return None
    return f"{Path(target).stem}-{ending}"


def publish(output: Output, target: str | None, *, inputs: Iterable[Path] = (), force: bool = False) -> None:
    """Write every part of `output`: the document to `target` (None or "-": standard output), each
    attachment beside it. Each file is written atomically, never over one of `inputs` nor (without
    `force`) over an existing file; if the document fails, the attachments it brought are removed.
    """
    document, *attachments = output.parts
    if target in (None, "-") and attachments:  # pragma: no cover - a renderer's mistake
        raise ValueError("attachments need a file to be written beside")
    folder = Path(str(target)).parent
    paths = [folder / str(part.name) for part in attachments]
    inputs = list(inputs) if paths else inputs  # walked once per file written
    for path in paths:
        check_not_input(path, inputs)
    check_not_input(target, inputs)
    made: list[Path] = []
    try:
        for path, part in zip(paths, attachments, strict=True):
            existed = path.exists()
            atomic_write(path, part.data, force=force)
            if not existed:
                made.append(path)
        write_output(target, document.data, force=force)
    except BaseException:
        for path in made:
            with contextlib.suppress(OSError):
                path.unlink()
        raise


TEMP_PREFIX = ".cooplevier-"
TEMP_SUFFIX = ".tmp"
_PENDING: set[str] = set()  # temporary files being written: removed if the process is told to stop


def atomic_write(path: Path, data: str | bytes, *, force: bool = False, inputs: Iterable[Path] = ()) -> None:
    """Write `data` to `path` through a temporary file, fsync and rename; never over one of `inputs`.

    A reader (or a crash at any moment) sees either the old file or the new one, never half.
    """
    check_not_input(path, inputs)
    with open_output(str(path), force=force, binary=True) as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)


def write_output(output: str | None, data: str | bytes, *, force: bool = False, inputs: Iterable[Path] = ()) -> None:
    """Write a command's result: to stdout when `output` is None or "-", else to a file (never
    over one of `inputs`)."""
    check_not_input(output, inputs)
    with open_output(output, force=force, binary=isinstance(data, bytes)) as fh:
        fh.write(data)


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two names are one file (a link, `./x` and `x`, a hard link); False if either is missing."""
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


REMEMBERED = 1000  # kept for callers that bound a walk of inputs (a new output walks none)


def _identity(path: str | Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return info.st_dev, info.st_ino


def check_not_input(output: str | Path | None, inputs: Iterable[Path]) -> None:
    """Refuse to write a result over one of the files it is made from, with or without --force.

    `inputs` are the files the command reads, passed in by the command (the files given, the
    files of its `--content` and `--template` folders…): no registry records them. Compared as
    files, not names: `./a.yaml`, `a.yaml`, a symbolic or a hard link to it are the same file.
    An output that does not exist yet cannot be an input: the inputs are then not walked at all
    (a batch of 50 000 files is never copied or listed again).
    """
    target = None if output in (None, "-") else _identity(str(output))
    if target is None:
        return
    for path in inputs:
        if _identity(path) == target:
            raise CooplevierError(t("file.is_input"), file=str(output))


def check_target(output: str, *, force: bool) -> tuple[Path, int | None]:
    """Where `output` will be written and its current mode (None: a new file).

    Called before long work too, so that a refusal (existing file without `--force`, a folder)
    comes first. A link to a regular file is followed (the file is replaced, the link kept); a
    link to a device or a pipe is written through as it is; a link to nothing is refused (what it
    points to is not what the user sees).
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
        if path.is_symlink():  # a dangling link: refused, never a file made where it points
            raise CooplevierError(t("file.dangling_link", target=os.readlink(path)), file=output)
        return path, None
    if stat.S_ISDIR(info.st_mode):
        raise CooplevierError(t("file.is_dir"), file=output)
    if not stat.S_ISREG(info.st_mode):
        return path, info.st_mode  # a device or a pipe: written through, never replaced
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
        tmp = str(directory / f"{TEMP_PREFIX}{os.urandom(6).hex()}{TEMP_SUFFIX}")
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


@functools.cache
def _umask() -> int:
    """The process's umask, read once: reading it means setting it, which another thread's file
    creation must never see half-done (nothing in cooplevier changes it)."""
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
