"""One writer per answer file: a lock file beside it, naming who holds it.

Two writers on one file (two `assess` sessions, `assess` and the workshop server, `import
--force`) would each rewrite it from their own memory, and the last one to save would silently
drop the other's answers. The first writer writes `.<file>.lock` (created exclusively) with its
program, machine, process and start time; any other is refused with those facts. Every writer of
answer files takes this one lock: `assess` for its session, the workshop server for each
participant's file while it runs, `import --force` and `migrate --force` for the file they
replace. A lock whose process is gone (killed with `kill -9`, a closed terminal, a zombie not yet
reaped by its parent) is taken over; on another machine, where that cannot be checked, a lock
older than `STALE_ELSEWHERE` is taken over with a warning.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cooplevier.errors import CooplevierError, os_reason
from cooplevier.messages import t

STALE_ELSEWHERE = dt.timedelta(hours=24)


@dataclass(frozen=True)
class Holder:
    host: str
    pid: int
    started: str
    process_start: str | None = None  # Linux: boot id and start time, so a reused pid is not mistaken
    program: str = "cooplevier assess"  # which writer: said to whoever is refused


def lock_path(path: Path) -> Path:
    """The lock of the file itself, whatever name reaches it: through a link, `./`, `..`, the lock
    sits beside the real file (two sessions on one file through two names meet on one lock)."""
    import os

    real = Path(os.path.realpath(path))
    return real.with_name(f".{real.name}.lock")


def _process_start(pid: int) -> str | None:
    """Boot id and start time of a running process; None if it is gone, or dead and not yet
    reaped (a zombie: its `/proc` entry keeps its start time, but it will never write again)."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        if fields[0] in ("Z", "X", "x"):
            return None
        return f"{boot}:{fields[19]}"
    except (OSError, IndexError):
        return None


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X", "x")
    except (OSError, IndexError):
        return False


def _me(program: str) -> Holder:
    now = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    return Holder(socket.gethostname(), os.getpid(), now, _process_start(os.getpid()), program)


def _alive(holder: Holder) -> bool:
    """Whether the process that holds the lock still runs (on this machine)."""
    if holder.process_start is not None:
        return _process_start(holder.pid) == holder.process_start
    if os.name == "nt":  # os.kill(pid, 0) would send Ctrl-C there
        import ctypes

        kernel = ctypes.windll.kernel32  # type: ignore[attr-defined,unused-ignore]
        handle = kernel.OpenProcess(0x100000, False, holder.pid)  # SYNCHRONIZE
        if not handle:
            return False
        try:
            return bool(kernel.WaitForSingleObject(handle, 0) == 0x102)  # WAIT_TIMEOUT: still running
        finally:
            kernel.CloseHandle(handle)
    try:
        os.kill(holder.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return not _zombie(holder.pid)
    return not _zombie(holder.pid)


def _read(lock: Path) -> Holder | None:
    """The holder written in a lock file, or None when it cannot be read (a half-written lock)."""
    try:
        data: Any = json.loads(lock.read_text(encoding="utf-8"))
        program = data.get("program")
        return Holder(
            str(data["host"]),
            int(data["pid"]),
            str(data["started"]),
            data.get("process_start"),
            program if isinstance(program, str) else "cooplevier assess",
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_exclusive(lock: Path, holder: Holder) -> bool:
    try:
        fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(holder.__dict__, fh)
    return True


class Lock:
    """Held while a session runs; `release()` (or leaving the `with` block) removes it."""

    def __init__(self, path: Path, warn: Any, program: str = "cooplevier assess") -> None:
        self.path = lock_path(path)
        self.me = _me(program)
        self._warn = warn
        self.held = False

    def acquire(self) -> None:
        try:
            for _attempt in range(3):
                if _write_exclusive(self.path, self.me):
                    self.held = True
                    return
                holder = _read(self.path)
                if holder is None or self._stale(holder):
                    with contextlib.suppress(FileNotFoundError):
                        self.path.unlink()  # a dead session's lock: taken over
                    continue
                raise CooplevierError(
                    t(
                        "assess.locked",
                        program=holder.program,
                        host=holder.host,
                        pid=holder.pid,
                        started=holder.started,
                        lock=self.path,
                    ),
                    file=self.path.with_name(self.path.name[1:-5]),
                )
        except OSError as exc:  # a read-only folder: the save would fail too, and say so then
            self._warn(t("assess.lock_failed", reason=os_reason(exc)))
            return
        raise CooplevierError(t("assess.lock_race", lock=self.path))

    def _stale(self, holder: Holder) -> bool:
        if holder.host == self.me.host:
            if not _alive(holder):
                self._warn(t("assess.lock_taken_over", pid=holder.pid, started=holder.started))
                return True
            return False
        try:
            age = dt.datetime.now().astimezone() - dt.datetime.fromisoformat(holder.started)
        except ValueError:
            return True
        if age > STALE_ELSEWHERE:
            self._warn(t("assess.lock_old", host=holder.host, started=holder.started))
            return True
        return False

    def release(self) -> None:
        if self.held and _read(self.path) == self.me:
            with contextlib.suppress(OSError):
                self.path.unlink()
        self.held = False

    def __enter__(self) -> Lock:
        self.acquire()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


@contextlib.contextmanager
def writing(path: Path, program: str, warn: Any) -> Iterator[None]:
    """Hold `path`'s lock while a command replaces it (`import --force`, `migrate --force`):
    refused, naming the holder, while `assess` or the workshop server has the file."""
    lock = Lock(path, warn, program=program)
    lock.acquire()
    try:
        yield
    finally:
        lock.release()
