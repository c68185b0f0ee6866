"""The law's calendar as data (the contract's JSON) and as agenda events."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cooplevier.content.model import Pack, Structure
from cooplevier.content.plan.calendar import Deadline, deadlines, due
from cooplevier.messages import t
from cooplevier.report.cooperation.ics import Event


def deadline_dict(entry: Deadline, renewal: dt.date, *, after: dt.date | None = None) -> dict[str, Any]:
    day = due(entry, renewal, after=after)
    return {
        "id": entry.id,
        "title": entry.title,
        "structures": list(entry.structures),
        "what": entry.what,
        "when": entry.when,
        "due": day.isoformat() if day else None,
        "article": entry.article,
        "kind": entry.kind,
        "choice": entry.choice,
        "verified": entry.verified,
        "to_check": entry.to_check,
    }


def calendar_data(pack: Pack, structure: Structure | None, renewal: dt.date) -> list[dict[str, Any]]:
    """Every entry for the structure type, dated from the renewal (a yearly one: its first date)."""
    return [deadline_dict(d, renewal) for d in deadlines(pack, structure)]


def calendar_events(pack: Pack, structure: Structure | None, renewal: dt.date, *, years: int = 6) -> list[Event]:
    """The dated entries as all-day events; a yearly one once a year over the mandate (`years`)."""
    events: list[Event] = []
    for entry in deadlines(pack, structure):
        first = due(entry, renewal)
        if first is None:
            continue
        days = [first]
        if entry.rule is not None and entry.rule.every_year is not None:
            days = [first.replace(year=first.year + n) for n in range(years)]
        for day in days:
            events.append(
                Event(
                    uid=f"{entry.id}-{day.isoformat()}@cooplevier",
                    day=day,
                    summary=entry.title,
                    description=f"{entry.what}\n{entry.when}\n{entry.article}",
                    categories=("cooplevier", t("calendar.category")),
                )
            )
    return sorted(events, key=lambda e: e.day)
