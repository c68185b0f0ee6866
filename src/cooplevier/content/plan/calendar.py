"""The law's calendar (calendar.yaml): obligations and milestones by structure type, and their dates.

Dates are computed from the general renewal of municipal councils (`DEFAULT_RENEWAL`, the second
round of March 2026, unless told otherwise): « N months after the renewal », or « each year on
this day », the first one on or after a given day. An entry whose date depends on a fact of the
structure (a SCoT's approval, a park's classification) has none.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Literal, cast

from cooplevier.content import dataclass  # the standard one, faster to create (start-up)
from cooplevier.content.model import STRUCTURES, Pack, Structure
from cooplevier.errors import ContentError, CooplevierError
from cooplevier.messages import t

if TYPE_CHECKING:  # the YAML reader is not on the path of a report read from the cached pack
    from cooplevier.content.strict_yaml import YamlDoc

DEFAULT_RENEWAL = dt.date(2026, 3, 22)
Kind = Literal["obligation", "possibilite", "echeance"]


@dataclass(frozen=True, slots=True)
class Rule:
    months_after_renewal: int | None = None
    every_year: str | None = None  # "MM-DD"


@dataclass(frozen=True, slots=True)
class Deadline:
    id: str
    title: str  # short: an agenda's line, a table's cell
    structures: tuple[Structure, ...]
    kind: Kind
    what: str
    when: str
    article: str
    verified: str  # « texte lu … » or « à vérifier … »
    choice: str | None = None  # what the law leaves to the body
    rule: Rule | None = None

    @property
    def to_check(self) -> bool:
        marker = t("calendar.to_check")  # the data's own word for a text not re-read
        return marker in self.verified or marker in self.article


@dataclass(frozen=True, slots=True)
class CalendarFile:
    calendar: tuple[Deadline, ...] = ()


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it has fewer)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, _month_days(year, month)[1]))


def due(entry: Deadline, renewal: dt.date, *, after: dt.date | None = None) -> dt.date | None:
    """The entry's date counted from `renewal`: for a yearly one, the first on or after `after`
    (default: the renewal); None when the law gives no date to compute."""
    rule = entry.rule
    if rule is None:
        return None
    if rule.months_after_renewal is not None:
        return add_months(renewal, rule.months_after_renewal)
    if rule.every_year is not None:
        start = max(renewal, after or renewal)
        month, day = (int(x) for x in rule.every_year.split("-"))
        found = dt.date(start.year, month, day)
        return found if found >= start else dt.date(start.year + 1, month, day)
    return None


def deadlines(pack: Pack, structure: Structure | None = None) -> tuple[Deadline, ...]:
    """The calendar's entries for a structure type (all of them without one), in file order."""
    found = cast(tuple[Deadline, ...], pack.calendar)
    return tuple(d for d in found if structure is None or structure in d.structures)


def upcoming(
    pack: Pack, structure: Structure | None, renewal: dt.date, today: dt.date
) -> list[tuple[Deadline, dt.date]]:
    """The dated entries still ahead of `today`, soonest first."""
    dated = [(d, due(d, renewal, after=today)) for d in deadlines(pack, structure)]
    return sorted(((d, day) for d, day in dated if day is not None and day >= today), key=lambda x: x[1])


_MONTH_DAY = re.compile(r"(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])")


def check_calendar(cf: CalendarFile, doc: YamlDoc) -> list[CooplevierError]:
    errors: list[CooplevierError] = []
    lines: dict[str, int] = {}
    for i, entry in enumerate(cf.calendar):
        path: tuple[str | int, ...] = ("calendar", i)
        if entry.id in lines:
            errors.append(
                doc.error(
                    (*path, "id"), t("content.duplicate_id", id=entry.id, first=lines[entry.id]), cls=ContentError
                )
            )
        lines.setdefault(entry.id, doc.where((*path, "id"))[0])
        if not entry.structures or any(s not in STRUCTURES for s in entry.structures):
            errors.append(doc.error((*path, "structures"), t("calendar.no_structure"), cls=ContentError))
        rule = entry.rule
        if rule is not None:
            if (rule.months_after_renewal is None) == (rule.every_year is None):
                errors.append(doc.error((*path, "rule"), t("calendar.one_rule"), cls=ContentError))
            elif rule.every_year is not None and not _valid_month_day(rule.every_year):
                errors.append(doc.error((*path, "rule", "every_year"), t("calendar.month_day"), cls=ContentError))
    return errors


def _valid_month_day(text: str) -> bool:
    if not _MONTH_DAY.fullmatch(text):
        return False
    month, day = (int(x) for x in text.split("-"))
    return day <= _month_days(2025, month)[1]  # a year without 29 February


def _month_days(year: int, month: int) -> tuple[int, int]:
    """`calendar.monthrange`, imported only when a date is computed (start-up)."""
    import calendar

    return calendar.monthrange(year, month)
