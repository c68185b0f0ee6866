"""Where the workshop's durable writes run: in the event loop when the folder's disk is quick,
else on writer threads.

Every change the server acknowledges (an answer, a join, a ballot, a facilitator's switch) is on
disk first: written, fsynced, renamed, its folder fsynced. Where that work runs decides how a room
under load feels:

- on writer threads, each write is handed to a thread and back: two more passes through the
  event loop, and threads contending for the interpreter's lock with the pages being rendered.
  With 300 phones answering at once, an answer took twice as long as a static file (1.9×);
- in the event loop, a write costs what the disk takes. On an SSD under Linux or macOS that is a
  fraction of a millisecond, less than the hand-over (0.8× in the same benchmark). But a slow
  disk (Windows' FlushFileBuffers, a USB key, a network share: tens of milliseconds a write)
  would then hold every phone while it writes.

So the folder's disk is measured when the server starts (`probe`: a few durable writes there),
and writes run in the loop only when they took under FAST_S. The loop keeps measuring: when its
writes become slow on average (a backup started, the disk is shared), all later ones go to the
threads. Either way an acknowledgement follows the fsync, never precedes it.

`COOPLEVIER_ATELIER_WRITES=threads` (or `loop`) sets the place instead of measuring it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

WRITERS = 32  # writer threads on a slow disk: their fsync waits overlap, the event loop never waits
FAST_S = 0.002  # a durable write under 2 ms (median of the probe): written in the event loop
SLOW_S = 0.010  # the loop's writes averaging over 10 ms: the threads take over, for good
PROBES = 3
_WEIGHT = 0.1  # of each new write in the running average
PLACES = ("loop", "threads")


class Disk:
    """Runs the workshop's blocking writes, in the event loop or on writer threads (see the module)."""

    def __init__(self, folder: Path, *, place: str | None = None) -> None:
        chosen = place or os.environ.get("COOPLEVIER_ATELIER_WRITES", "").strip().lower()
        self.fixed = chosen in PLACES
        self.inline = chosen == "loop" if self.fixed else probe(folder) < FAST_S
        self.average = 0.0  # seconds, of the writes made in the loop
        self._threads: ThreadPoolExecutor | None = None

    @property
    def place(self) -> str:
        return "loop" if self.inline else "threads"

    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """`fn(*args, **kwargs)` once it has returned; its exception, if it raised."""
        if not self.inline:
            call = functools.partial(fn, *args, **kwargs)
            return await asyncio.get_running_loop().run_in_executor(self._pool(), call)
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            self._measured(time.perf_counter() - started)

    def _measured(self, seconds: float) -> None:
        self.average += _WEIGHT * (seconds - self.average)
        if self.average > SLOW_S and not self.fixed:
            self.inline = False

    def _pool(self) -> ThreadPoolExecutor:
        if self._threads is None:
            self._threads = ThreadPoolExecutor(WRITERS, thread_name_prefix="atelier-write")
        return self._threads

    def close(self) -> None:
        """Wait for the writes under way (the server is stopping)."""
        if self._threads is not None:
            self._threads.shutdown(wait=True)


def probe(folder: Path) -> float:
    """The median time of a durable write in the workshop's state folder, beside its answers
    (seconds); infinite where none can be made. Its file is a `.NAME.tmp` that `state.sweep`
    removes if the server is killed meanwhile."""
    from cooplevier.atelier.state import state_dir, write_private

    target = state_dir(folder) / ".sonde.tmp"
    times: list[float] = []
    try:
        for _ in range(PROBES):
            started = time.perf_counter()
            write_private(target, b"cooplevier\n" * 64)
            times.append(time.perf_counter() - started)
    except OSError:
        return float("inf")
    finally:
        with contextlib.suppress(OSError):
            target.unlink()
    return statistics.median(times)
