"""Scoring a large batch on every core: forked worker processes, chunks in a bounded window,
results in order; workers that never outlive the parent; a dead worker never sinks the batch."""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cooplevier.content.load import load_pack
from cooplevier.content.model import Pack
from cooplevier.messages import t
from cooplevier.scoring.outcomes import Convert, Notice, Refused, Scored, T, Work, score_one

if TYPE_CHECKING:
    from concurrent.futures import Future

MAX_WORKERS = 8
PARALLEL_MIN = 64  # below this, starting worker processes costs more than it saves


def workers(jobs: int | None, count: int) -> int:
    if jobs is not None:
        return max(1, jobs)
    if count < PARALLEL_MIN:
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        cpus = os.cpu_count() or 1
    return min(cpus, MAX_WORKERS)


# Per worker process: the pack is loaded once (inherited from the parent when forked).
_WORKER_PACK: tuple[str | None, Pack] | None = None


def _init_worker(content_dir: str | None, pack: Pack | None) -> None:
    global _WORKER_PACK
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    for name in ("SIGTERM", "SIGHUP"):  # a worker told to stop simply stops: it writes no file
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    _end_with_parent()
    if pack is None:
        pack = load_pack(Path(content_dir) if content_dir else None)
    _WORKER_PACK = (content_dir, pack)
    # What the worker inherited (modules, the pack) lives as long as it does: keep the cyclic
    # garbage collector from walking it again and again (and from copying forked pages).
    gc.freeze()


def _end_with_parent() -> None:
    """A worker never outlives its parent, even one killed with SIGKILL.

    On Linux the kernel is asked to send SIGTERM when the parent dies; everywhere, a thread
    watches the parent and ends the worker when it is gone.
    """
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
            if os.getppid() != parent:  # the parent died before the request took effect
                os.kill(os.getpid(), signal.SIGTERM)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="cooplevier-parent-watch", daemon=True).start()


def _score_chunk(files: list[Work], convert: Convert[T]) -> list[Scored[T] | Refused]:
    assert _WORKER_PACK is not None
    pack = _WORKER_PACK[1]
    return [score_one(file, pack, convert) for file in files]


def _chunk_size(count: int, workers: int) -> int:
    return max(16, min(256, count // (workers * 8) or 1))


def parallel(
    items: Sequence[Work | Refused], pack: Pack, convert: Convert[T], content_dir: Path | None, workers: int
) -> Iterator[Scored[T] | Refused | Notice]:
    """Chunks scored by worker processes, yielded in order; if a worker dies (killed, out of
    memory), the rest of the batch is scored in this process instead of failing."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor  # only for large batches: not at import
    from concurrent.futures.process import BrokenProcessPool

    size = _chunk_size(len(items), workers)
    chunks = (items[i : i + size] for i in range(0, len(items), size))
    fork = "fork" in mp.get_all_start_methods()
    context = mp.get_context("fork" if fork else None)
    # Forked workers inherit the parent's pack; spawned ones load it once each.
    initargs = (str(content_dir) if content_dir else None, pack if fork else None)
    pending: deque[tuple[Sequence[Work | Refused], Future[list[Scored[T] | Refused]] | None]] = deque()
    broken = False
    executor = ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker, initargs=initargs)
    try:

        def submit() -> bool:
            """Send the next chunk to the workers (or, once they are broken, keep it for here)."""
            chunk = next(chunks, None)
            if chunk is None:
                return False
            files = [item for item in chunk if not isinstance(item, Refused)]
            future = None
            if not broken:  # a worker that died since the last answer makes submit raise: scored here then
                with contextlib.suppress(BrokenProcessPool):
                    future = executor.submit(_score_chunk, files, convert)
            pending.append((chunk, future))
            return True

        for _ in range(workers * 3):  # a bounded window: results never pile up in memory
            if not submit():
                break
        while pending:
            chunk, future = pending.popleft()
            done: Iterator[Scored[T] | Refused] | None = None
            if future is not None:
                try:
                    done = iter(future.result())
                except BrokenProcessPool:
                    future = None
            if future is None:  # its worker died (killed, out of memory): this chunk and the rest here
                if not broken:
                    broken = True
                    yield Notice(t("batch.worker_died"))
                done = (score_one(item, pack, convert) for item in chunk if not isinstance(item, Refused))
            submit()
            assert done is not None
            for item in chunk:
                yield item if isinstance(item, Refused) else next(done)
    finally:
        executor.shutdown(wait=not broken, cancel_futures=True)
