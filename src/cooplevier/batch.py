"""Batch scoring: find answer files, score them on every core, stream the outcomes in order.

A bad file never stops a batch: it becomes a `Failed` outcome (its `FILE:LINE: message`
lines) in the place the file had, and the batch goes on. Outcomes are produced in the order
of `collect()` and consumed one chunk at a time, so memory stays flat however many files.
"""

from __future__ import annotations

import gc
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from cooplevier.answers import load_answers
from cooplevier.content import Pack, load_pack
from cooplevier.errors import CooplevierError
from cooplevier.fsio import os_reason
from cooplevier.messages import t
from cooplevier.scoring import Result, score, to_dict

if TYPE_CHECKING:
    from concurrent.futures import Future

T = TypeVar("T")
YAML_SUFFIXES = (".yaml", ".yml")
PARALLEL_MIN = 64  # below this, starting worker processes costs more than it saves
MAX_WORKERS = 8

Convert = Callable[[Result, Pack], T]


@dataclass(frozen=True, slots=True)
class Failed:
    """A file (or path) that could not be scored, with its located message lines."""

    file: str
    message: str


@dataclass(frozen=True, slots=True)
class Scored(Generic[T]):
    """A scored file: whatever `convert` made of its result, and the loader's warnings."""

    file: str
    value: T
    warnings: tuple[str, ...] = ()


def collect(paths: Iterable[Path]) -> list[Path | Failed]:
    """Files as given, folders searched recursively for *.yaml/*.yml (sorted), each once.

    Paths keep the order they were given in; inside a folder files are sorted by their path.
    A missing path, an unreadable folder or a folder without answer files is a `Failed`.
    """
    out: list[Path | Failed] = []
    seen: set[str] = set()

    def add(path: Path) -> None:
        key = os.path.normpath(str(path))
        if key not in seen:
            seen.add(key)
            out.append(path)

    for path in paths:
        try:
            is_dir = path.is_dir()
            exists = is_dir or os.path.lexists(path)
        except OSError as exc:  # a name too long, a loop of links…
            out.append(_failed(path, t("file.unreadable", reason=os_reason(exc))))
            continue
        if not exists:
            out.append(_failed(path, t("path.not_found")))
        elif not is_dir:
            add(path)  # named explicitly: scored whatever its extension; the loader judges it
        else:
            found, errors = _walk(path)
            out.extend(errors)
            for file in found:
                add(file)
            if not found and not errors:
                out.append(_failed(path, t("path.no_yaml")))
    return out


def _walk(folder: Path) -> tuple[list[Path], list[Failed]]:
    errors: list[Failed] = []

    def onerror(exc: OSError) -> None:
        errors.append(_failed(Path(exc.filename or folder), t("file.unreadable", reason=os_reason(exc))))

    found: list[tuple[tuple[str, ...], Path]] = []
    # followlinks=False: a link to a parent folder cannot make the walk loop
    for root, dirs, files in os.walk(folder, onerror=onerror):
        dirs.sort()
        base = Path(root)
        for name in files:
            if name.lower().endswith(YAML_SUFFIXES):
                file = base / name
                found.append((file.relative_to(folder).parts, file))
    found.sort(key=lambda item: item[0])
    return [file for _, file in found], errors


def _failed(path: Path, message: str) -> Failed:
    return Failed(str(path), CooplevierError(message, file=path).located())


def as_dict(result: Result, pack: Pack) -> dict[str, Any]:
    """`convert` for JSON and tables: the contract's `score --format json` object."""
    return to_dict(result)


def as_result(result: Result, pack: Pack) -> Result:
    """`convert` for callers that want the full result (the workshop synthesis)."""
    return result


def score_files(
    items: Sequence[Path | Failed],
    *,
    pack: Pack,
    convert: Convert[T],
    content_dir: Path | None = None,
    jobs: int | None = None,
) -> Iterator[Scored[T] | Failed]:
    """Score `items` (from `collect`) in order; in worker processes when the batch is large.

    `convert` turns each result into what the caller keeps (a CSV row, a dict…) inside the
    worker, so that only small values travel between processes. It must be a module-level
    function (or a `functools.partial` of one) so that it can be sent to the workers.
    """
    workers = _workers(jobs, len(items))
    if workers <= 1:
        for item in items:
            yield item if isinstance(item, Failed) else _score_one(str(item), pack, convert)
        return
    yield from _parallel(items, pack, convert, content_dir, workers)


def score_all(
    items: Sequence[Path | Failed], pack: Pack, *, on_error: Callable[[Failed], None] | None = None
) -> list[Result]:
    """Score every file of `items` (from `collect`), in order, for a view of the whole group.

    Each refused file goes to `on_error` and the others are still scored; without `on_error`,
    every refusal is raised at once. No valid file at all is an error either way.
    """
    from cooplevier.errors import CooplevierError, ErrorGroup

    results: list[Result] = []
    errors: list[CooplevierError] = []
    for outcome in score_files(items, pack=pack, convert=as_result):
        if isinstance(outcome, Failed):
            errors.append(CooplevierError(outcome.message))
            if on_error is not None:
                on_error(outcome)
        else:
            results.append(outcome.value)
    if errors and on_error is None:
        raise ErrorGroup(errors)
    if not results:  # refusals already went to on_error, if any: say them once
        raise ErrorGroup([*([] if on_error else errors), CooplevierError(t("batch.no_valid_file"))])
    return results


def _workers(jobs: int | None, count: int) -> int:
    if jobs is not None:
        return max(1, jobs)
    if count < PARALLEL_MIN:
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        cpus = os.cpu_count() or 1
    return min(cpus, MAX_WORKERS)


def _score_one(file: str, pack: Pack, convert: Convert[T]) -> Scored[T] | Failed:
    try:
        af = load_answers(Path(file), pack)
        return Scored(file, convert(score(af, pack), pack), af.warnings)
    except CooplevierError as exc:
        return Failed(file, exc.located())
    except (RecursionError, MemoryError, ValueError, TypeError, KeyError, AttributeError) as exc:
        # A bug must not sink a batch of ten thousand files: name the file and go on.
        return Failed(file, CooplevierError(t("cli.internal", kind=type(exc).__name__), file=file).located())


# Per worker process: the pack is loaded once (inherited from the parent when forked).
_WORKER_PACK: tuple[str | None, Pack] | None = None


def _init_worker(content_dir: str | None, pack: Pack | None) -> None:
    global _WORKER_PACK
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if pack is None:
        pack = load_pack(Path(content_dir) if content_dir else None)
    _WORKER_PACK = (content_dir, pack)
    # What the worker inherited (modules, the pack) lives as long as it does: keep the cyclic
    # garbage collector from walking it again and again (and from copying forked pages).
    gc.freeze()


def _score_chunk(files: list[str], convert: Convert[T]) -> list[Scored[T] | Failed]:
    assert _WORKER_PACK is not None
    pack = _WORKER_PACK[1]
    return [_score_one(file, pack, convert) for file in files]


def _chunk_size(count: int, workers: int) -> int:
    return max(16, min(256, count // (workers * 8) or 1))


def _parallel(
    items: Sequence[Path | Failed], pack: Pack, convert: Convert[T], content_dir: Path | None, workers: int
) -> Iterator[Scored[T] | Failed]:
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor  # only for large batches: not at import

    size = _chunk_size(len(items), workers)
    chunks = (items[i : i + size] for i in range(0, len(items), size))
    fork = "fork" in mp.get_all_start_methods()
    context = mp.get_context("fork" if fork else None)
    # Forked workers inherit the parent's pack; spawned ones load it once each.
    initargs = (str(content_dir) if content_dir else None, pack if fork else None)
    pending: deque[tuple[Sequence[Path | Failed], Future[list[Scored[T] | Failed]]]] = deque()
    executor = ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker, initargs=initargs)
    try:

        def submit() -> bool:
            chunk = next(chunks, None)
            if chunk is None:
                return False
            files = [str(item) for item in chunk if not isinstance(item, Failed)]
            pending.append((chunk, executor.submit(_score_chunk, files, convert)))
            return True

        for _ in range(workers * 3):  # a bounded window: results never pile up in memory
            if not submit():
                break
        while pending:
            chunk, future = pending.popleft()
            done = iter(future.result())
            submit()
            for item in chunk:
                yield item if isinstance(item, Failed) else next(done)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
