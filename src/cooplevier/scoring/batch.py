"""The pipeline over many files: find answer files, score them on every core, stream them in order.

A bad file never stops a batch: it becomes a `Refused` outcome (its `FILE:LINE: message`
lines) in the place the file had, and the batch goes on. `run()` returns a `Batch`: the good
values as they come, and the refusals met on the way; that is the one result of every command
that reads many files. Outcomes are consumed one chunk at a time, so memory stays flat.
"""

from __future__ import annotations

import gc
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeAlias, TypeVar

from cooplevier.content.answers import load_answers
from cooplevier.content.load import load_pack
from cooplevier.content.model import Pack
from cooplevier.errors import CooplevierError, os_reason
from cooplevier.messages import t
from cooplevier.scoring.engine import Result, score, to_dict

if TYPE_CHECKING:
    from concurrent.futures import Future

    from cooplevier.content.grid import GridColumn

T = TypeVar("T")
YAML_SUFFIXES = (".yaml", ".yml")
# content.grid.SUFFIXES, not imported here: reading grids costs start-up only when there is one
GRID_SUFFIXES = (".xlsx", ".ods", ".csv")
PARALLEL_MIN = 64  # below this, starting worker processes costs more than it saves
MAX_WORKERS = 8

Convert = Callable[[Result, Pack], T]


@dataclass(frozen=True, slots=True)
class Refused:
    """A file (or path) that could not be used, with its located message lines."""

    file: str
    message: str


@dataclass(frozen=True, slots=True)
class Scored(Generic[T]):
    """A scored file: whatever `convert` made of its result, and the loader's warnings."""

    file: str
    value: T
    warnings: tuple[str, ...] = ()


Item: TypeAlias = "Path | GridColumn | Refused"


def collect(paths: Iterable[Path], pack: Pack | None = None) -> list[Item]:
    """Files as given, folders searched recursively for *.yaml/*.yml (sorted), each once.

    Paths keep the order they were given in; inside a folder files are sorted by their path.
    A missing path, an unreadable folder or a folder without answer files is a `Refused`.
    With a pack, a grid named explicitly (`.xlsx`, `.ods`, `.csv`) becomes one item per
    respondent column (`expand_grid`).
    """
    out: list[Item] = []
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
        elif not is_dir and pack is not None and path.suffix.lower() in GRID_SUFFIXES:
            if os.path.normpath(str(path)) not in seen:
                seen.add(os.path.normpath(str(path)))
                out.extend(expand_grid(path, pack))
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


def expand_grid(path: Path, pack: Pack) -> list[GridColumn | Refused]:
    """A grid's respondent columns as batch items: the good ones to score, the bad ones refused."""
    from cooplevier.content.grid import GridRefusal, read_grid

    try:
        grid = read_grid(path, pack)
    except CooplevierError as exc:
        return [Refused(str(path), exc.located())]
    items = [Refused(i.label, i.message) if isinstance(i, GridRefusal) else i for i in grid.items]
    return items or [_failed(path, t("import.nothing"))]


def _walk(folder: Path) -> tuple[list[Path], list[Refused]]:
    errors: list[Refused] = []

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


def _failed(path: Path, message: str) -> Refused:
    return Refused(str(path), CooplevierError(message, file=path).located())


def as_dict(result: Result, pack: Pack) -> dict[str, Any]:
    """`convert` for JSON and tables: the contract's `score --format json` object."""
    return to_dict(result)


def as_result(result: Result, pack: Pack) -> Result:
    """`convert` for callers that want the full result (the workshop synthesis)."""
    return result


@dataclass(frozen=True, slots=True)
class Checked:
    """A file that passed `validate`: how much of the questionnaire it answers."""

    file: str
    answered: int
    total: int


def as_checked(result: Result, pack: Pack) -> Checked:
    """`convert` for `validate`."""
    return Checked(result.file or "", result.answered, result.total)


class Batch(Generic[T]):
    """The good values of work over many files, as they come, and the files refused on the way.

    Iterate once to get the values. Each refusal is kept in `refused` and passed at once to
    `on_refused` (so a command can say it where it happened); each loader warning goes to
    `on_warning`. After the run, `count` and `refused` say how it went.
    """

    def __init__(
        self,
        items: Sequence[Item],
        outcomes: Iterable[Scored[T] | Refused],
        *,
        on_refused: Callable[[Refused], None] | None = None,
        on_warning: Callable[[str], None] | None = None,
    ) -> None:
        self.items = items
        self._outcomes = outcomes
        self._on_refused = on_refused
        self._on_warning = on_warning
        self.refused: list[Refused] = []
        self.count = 0

    def __iter__(self) -> Iterator[T]:
        for outcome in self._outcomes:
            if isinstance(outcome, Refused):
                self.refused.append(outcome)
                if self._on_refused is not None:
                    self._on_refused(outcome)
                continue
            if self._on_warning is not None:
                for warning in outcome.warnings:
                    self._on_warning(warning)
            self.count += 1
            yield outcome.value

    @property
    def files(self) -> int:
        """Every file met: the good ones and the refused ones."""
        return self.count + len(self.refused)

    @property
    def inputs(self) -> list[Path]:
        """The files this batch reads (a result must never be written over one of them)."""
        paths = [item if isinstance(item, Path) else Path(item.file) for item in self.items
                 if not isinstance(item, Refused)]
        return list(dict.fromkeys(paths))


def run(
    paths: Iterable[Path],
    *,
    pack: Pack,
    convert: Convert[T],
    content_dir: Path | None = None,
    on_refused: Callable[[Refused], None] | None = None,
    on_warning: Callable[[str], None] | None = None,
) -> Batch[T]:
    """The batch of `paths` (files, or folders searched recursively), scored and converted."""
    items = collect(paths, pack)
    return Batch(
        items,
        score_files(items, pack=pack, convert=convert, content_dir=content_dir),
        on_refused=on_refused,
        on_warning=on_warning,
    )


def score_files(
    items: Sequence[Item],
    *,
    pack: Pack,
    convert: Convert[T],
    content_dir: Path | None = None,
    jobs: int | None = None,
) -> Iterator[Scored[T] | Refused]:
    """Score `items` (from `collect`) in order; in worker processes when the batch is large.

    `convert` turns each result into what the caller keeps (a CSV row, a dict…) inside the
    worker, so that only small values travel between processes. It must be a module-level
    function (or a `functools.partial` of one) so that it can be sent to the workers.
    """
    workers = _workers(jobs, len(items))
    if workers <= 1:
        for item in items:
            yield item if isinstance(item, Refused) else _score_one(_sendable(item), pack, convert)
        return
    yield from _parallel(items, pack, convert, content_dir, workers)


def score_file(path: Path, pack: Pack, *, on_warning: Callable[[str], None] | None = None) -> Result:
    """One answer file, loaded strictly and scored; its loader warnings go to `on_warning`."""
    af = load_answers(path, pack)
    if on_warning is not None:
        for warning in af.warnings:
            on_warning(warning)
    return score(af, pack)


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


def _sendable(item: Path | GridColumn) -> str | GridColumn:
    """What a worker gets for an item: a file's name, or a grid column already read."""
    return str(item) if isinstance(item, Path) else item


def _score_one(item: str | GridColumn, pack: Pack, convert: Convert[T]) -> Scored[T] | Refused:
    file = str(item)
    try:
        af = load_answers(Path(item), pack) if isinstance(item, str) else item.answers
        return Scored(file, convert(score(af, pack), pack), af.warnings)
    except CooplevierError as exc:
        return Refused(file, exc.located())
    except (RecursionError, MemoryError, ValueError, TypeError, KeyError, AttributeError) as exc:
        # A bug must not sink a batch of ten thousand files: name the file and go on.
        return Refused(file, CooplevierError(t("cli.internal", kind=type(exc).__name__), file=file).located())


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


def _score_chunk(files: list[str | GridColumn], convert: Convert[T]) -> list[Scored[T] | Refused]:
    assert _WORKER_PACK is not None
    pack = _WORKER_PACK[1]
    return [_score_one(file, pack, convert) for file in files]


def _chunk_size(count: int, workers: int) -> int:
    return max(16, min(256, count // (workers * 8) or 1))


def _parallel(
    items: Sequence[Item], pack: Pack, convert: Convert[T], content_dir: Path | None, workers: int
) -> Iterator[Scored[T] | Refused]:
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor  # only for large batches: not at import

    size = _chunk_size(len(items), workers)
    chunks = (items[i : i + size] for i in range(0, len(items), size))
    fork = "fork" in mp.get_all_start_methods()
    context = mp.get_context("fork" if fork else None)
    # Forked workers inherit the parent's pack; spawned ones load it once each.
    initargs = (str(content_dir) if content_dir else None, pack if fork else None)
    pending: deque[tuple[Sequence[Item], Future[list[Scored[T] | Refused]]]] = deque()
    executor = ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker, initargs=initargs)
    try:

        def submit() -> bool:
            chunk = next(chunks, None)
            if chunk is None:
                return False
            files = [_sendable(item) for item in chunk if not isinstance(item, Refused)]
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
                yield item if isinstance(item, Refused) else next(done)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
