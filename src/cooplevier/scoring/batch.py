"""The pipeline over many files: find answer files, score them on every core, stream them in order.

A bad file never stops a batch: it becomes a `Refused` outcome (its `FILE:LINE: message`
lines) in the place the file had, and the batch goes on. `run()` returns a `Batch`: the good
values as they come, and the refusals met on the way; that is the one result of every command
that reads many files. Outcomes are consumed one chunk at a time, so memory stays flat.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Generic

from cooplevier.content import dataclass  # the standard one, faster to create (start-up)
from cooplevier.content.answers import GRID_SUFFIXES, load_answers
from cooplevier.content.model import Pack
from cooplevier.errors import CooplevierError, os_reason, shown
from cooplevier.messages import t
from cooplevier.scoring.engine import Result, score, to_dict
from cooplevier.scoring.outcomes import (
    Convert,
    Duplicate,
    Item,
    Notice,
    Refused,
    Scored,
    T,
    Work,
    serial,
)

__all__ = ["Batch", "Checked", "Duplicate", "Item", "Notice", "Refused", "Scored", "collect", "run", "score_file"]

YAML_SUFFIXES = (".yaml", ".yml")


def collect(paths: Iterable[Path], pack: Pack | None = None) -> list[Item]:
    """Files as given, folders searched recursively for *.yaml/*.yml (sorted), each file once.

    Paths keep the order they were given in; inside a folder files are sorted by their path.
    A missing path, an unreadable folder or a folder without answer files is a `Refused`; a file
    met again under another name (a link, `./x` and `x`, a hard link) is a `Duplicate`. Files are
    kept as plain strings: fifty thousand of them cost a few megabytes, not tens. With a pack, a
    grid named explicitly (`.xlsx`, `.ods`, `.csv`) becomes one item per respondent column.
    """
    out: list[Item] = []
    seen: set[int | str] = set()  # file identities (device and inode) met so far

    def identity(name: str) -> int | str:
        try:
            info = os.stat(name)
        except OSError:  # judged by the loader, which says why in French
            return os.path.normpath(name)
        return (info.st_dev << 64) | info.st_ino

    def add(name: str) -> None:
        key = identity(name)
        if key not in seen:
            seen.add(key)
            out.append(name)
            return
        first = next(i for i in out if isinstance(i, str) and identity(i) == key)  # rare: look it up
        out.append(Duplicate(shown(name), shown(first)))

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
            key = identity(str(path))
            if key not in seen:
                seen.add(key)
                out.extend(expand_grid(path, pack))
        elif not is_dir:
            add(str(path))  # named explicitly: scored whatever its extension; the loader judges it
        else:
            found = refused = False
            for entry in _walk(str(path)):
                if isinstance(entry, Refused):
                    out.append(entry)
                    refused = True
                else:
                    found = True
                    add(entry)
            if not found and not refused:
                out.append(_failed(path, t("path.no_yaml")))
    return out


def inputs(items: Iterable[Item]) -> Iterator[Path]:
    """The files that `items` read, one at a time: answer files, and grids (once each). A
    generator, kept so: a batch of 50 000 files is compared as it is listed, never copied."""
    grids: set[str] = set()
    for item in items:
        if isinstance(item, str):
            yield Path(item)
        elif not isinstance(item, Refused | Duplicate) and item.file not in grids:  # a grid's column
            grids.add(item.file)
            yield Path(item.file)


def expand_grid(path: Path, pack: Pack) -> list[Item]:
    """A grid's respondent columns as batch items: the good ones to score, the bad ones refused."""
    from cooplevier.content.grid import GridRefusal, read_grid

    try:
        grid = read_grid(path, pack)
    except CooplevierError as exc:
        return [Refused(shown(path), exc.located())]
    items: list[Item] = [Refused(i.label, i.message) if isinstance(i, GridRefusal) else i for i in grid.items]
    return items or [_failed(path, t("import.nothing"))]


def _walk(folder: str) -> Iterator[str | Refused]:
    """The answer files under `folder`, ordered by their path's components (files and folders
    interleaved by name), one folder listed at a time; links to folders are not followed."""
    stack = [iter(_listing(folder))]
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
        elif isinstance(entry, Refused):
            yield entry
        elif entry[1]:
            stack.append(iter(_listing(entry[2])))
        elif entry[0].lower().endswith(YAML_SUFFIXES):
            yield entry[2]


def _listing(folder: str) -> Sequence[tuple[str, bool, str] | Refused]:
    try:
        with os.scandir(folder) as found:
            return sorted((e.name, e.is_dir(follow_symlinks=False), e.path) for e in found)
    except OSError as exc:
        return [_failed(Path(folder), t("file.unreadable", reason=os_reason(exc)))]


def _failed(path: Path, message: str) -> Refused:
    return Refused(shown(path), CooplevierError(message, file=path).located())


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
        outcomes: Iterable[Scored[T] | Refused | Notice],
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
        for item in self.items:
            if isinstance(item, Duplicate) and self._on_warning is not None:
                if item.file == item.first:  # `x` and `./x`, or one name given twice
                    self._on_warning(t("batch.named_twice", file=item.file))
                else:
                    self._on_warning(t("batch.duplicate", file=item.file, first=item.first))
        for outcome in self._outcomes:
            if isinstance(outcome, Notice):
                if self._on_warning is not None:
                    self._on_warning(outcome.message)
                continue
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
    def inputs(self) -> Iterator[Path]:
        """The files this batch reads (a result must never be written over one of them)."""
        return inputs(self.items)


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
    return start(
        items, pack=pack, convert=convert, content_dir=content_dir, on_refused=on_refused, on_warning=on_warning
    )


def start(
    items: Sequence[Item],
    *,
    pack: Pack,
    convert: Convert[T],
    content_dir: Path | None = None,
    on_refused: Callable[[Refused], None] | None = None,
    on_warning: Callable[[str], None] | None = None,
) -> Batch[T]:
    """The batch of already collected `items` (see `collect`)."""
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
) -> Iterator[Scored[T] | Refused | Notice]:
    """Score `items` (from `collect`) in order; in worker processes when the batch is large.

    `convert` turns each result into what the caller keeps (a CSV row, a dict…) inside the
    worker, so that only small values travel between processes. It must be a module-level
    function (or a `functools.partial` of one) so that it can be sent to the workers.
    """
    work: list[Work | Refused] = [item for item in items if not isinstance(item, Duplicate)]
    from cooplevier.scoring import workers as pool

    count = pool.workers(jobs, len(work))
    if count <= 1:
        yield from serial(work, pack, convert)
        return
    yield from pool.parallel(work, pack, convert, content_dir, count)


def score_file(path: Path, pack: Pack, *, on_warning: Callable[[str], None] | None = None) -> Result:
    """One answer file, loaded strictly and scored; its loader warnings go to `on_warning`."""
    af = load_answers(path, pack)
    if on_warning is not None:
        for warning in af.warnings:
            on_warning(warning)
    return score(af, pack)
