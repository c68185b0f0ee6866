"""What batch work produces per file — scored, refused, met twice — and the scoring of one file.

Shared by the serial path (`batch`) and the worker processes (`workers`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeAlias, TypeVar

from cooplevier.content import dataclass  # the standard one, faster to create (start-up)
from cooplevier.content.answers import load_answers
from cooplevier.content.model import Pack
from cooplevier.errors import CooplevierError, shown
from cooplevier.messages import t
from cooplevier.scoring.engine import Result, score

if TYPE_CHECKING:
    from cooplevier.content.grid import GridColumn

T = TypeVar("T")

Convert = Callable[[Result, Pack], T]


@dataclass(frozen=True, slots=True)
class Refused:
    """A file (or path) that could not be used, with its located message lines."""

    file: str
    message: str


@dataclass(frozen=True, slots=True)
class Duplicate:
    """A file reached a second time (a link, `./x` and `x`): counted once, with a warning."""

    file: str
    first: str


# A file to score (its path), a grid's respondent column already read, or why not
Item: TypeAlias = "str | GridColumn | Refused | Duplicate"
Work: TypeAlias = "str | GridColumn"  # what is scored, in this process or a worker


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the user should know about the run itself (not about one file)."""

    message: str


@dataclass(frozen=True, slots=True)
class Scored(Generic[T]):
    """A scored file: whatever `convert` made of its result, and the loader's warnings."""

    file: str
    value: T
    warnings: tuple[str, ...] = ()


def serial(items: Iterable[Work | Refused], pack: Pack, convert: Convert[T]) -> Iterator[Scored[T] | Refused | Notice]:
    for item in items:
        yield item if isinstance(item, Refused) else score_one(item, pack, convert)


def score_one(item: Work, pack: Pack, convert: Convert[T]) -> Scored[T] | Refused:
    """One answer file (by its path) or grid column, scored and converted, or refused."""
    file = shown(item) if isinstance(item, str) else item.label
    try:
        af = load_answers(Path(item), pack) if isinstance(item, str) else item.answers
        return Scored(file, convert(score(af, pack), pack), af.warnings)
    except CooplevierError as exc:
        return Refused(file, exc.located())
    except (RecursionError, MemoryError, ValueError, TypeError, KeyError, AttributeError) as exc:
        # A bug must not sink a batch of ten thousand files: name the file and go on.
        return Refused(file, CooplevierError(t("cli.internal", kind=type(exc).__name__), file=file).located())
