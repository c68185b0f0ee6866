"""The plan's follow-up (`suivi`): where each action stands, late ones first (computed from the due
date, never typed), the yearly notes, the law's next deadlines, and each lever's scores over the
diagnostics given (files or folders of several years and questionnaire versions) beside the
actions meant to move it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from cooplevier.content.model import Pack
from cooplevier.content.plan.calendar import Deadline, upcoming
from cooplevier.content.plan.planfile import PlanAction, PlanFile
from cooplevier.numbers import score_value
from cooplevier.report.cooperation.ics import Event

ORDER = {"en-retard": 0, "en-cours": 1, "a-venir": 2, "fait": 3, "abandonne": 4}
DEADLINES = 8


@dataclass(frozen=True)
class Point:
    """One diagnosis of the series: a file (one person) or a folder (a group)."""

    label: str
    respondents: int
    overall: Fraction | None
    levers: dict[str, Fraction | None]


@dataclass(frozen=True)
class Followup:
    plan: PlanFile
    today: dt.date
    renewal: dt.date
    actions: tuple[tuple[PlanAction, str], ...]  # (action, shown status), late first
    deadlines: tuple[tuple[Deadline, dt.date], ...]
    series: tuple[Point, ...]

    def count(self, status: str) -> int:
        return sum(1 for _, shown in self.actions if shown == status)


def shown_status(action: PlanAction, today: dt.date) -> str:
    return "en-retard" if action.late(today) else action.status


def follow(plan: PlanFile, pack: Pack, *, today: dt.date, renewal: dt.date, series: tuple[Point, ...] = ()) -> Followup:
    rows = [(a, shown_status(a, today)) for a in plan.actions]
    far = dt.date.max
    rows.sort(key=lambda r: (ORDER[r[1]], r[0].due or far))
    return Followup(
        plan=plan,
        today=today,
        renewal=renewal,
        actions=tuple(rows),
        deadlines=tuple(upcoming(pack, plan.structure, renewal, today)[:DEADLINES]) if plan.structure else (),
        series=series,
    )


def followup_data(f: Followup, pack: Pack) -> dict[str, Any]:
    """`suivi --format json`."""
    levers = sorted({a.lever for a in f.plan.actions}, key=lambda lid: pack.lever(lid).number)
    return {
        "territory": f.plan.territory,
        "structure": f.plan.structure,
        "today": f.today.isoformat(),
        "renewal": f.renewal.isoformat(),
        "adopted": f.plan.adopted.isoformat() if f.plan.adopted else None,
        "counts": {status: f.count(status) for status in ORDER},
        "actions": [
            {
                "id": a.id,
                "lever": a.lever,
                "from": a.from_,
                "title": a.title,
                "leads": a.leads,
                "body": a.body,
                "due": a.due.isoformat() if a.due else None,
                "deliverable": a.deliverable,
                "indicator": a.indicator,
                "status": a.status,
                "shown_status": shown,
                "late": shown == "en-retard",
                "notes": dict(sorted(a.notes.items())),
            }
            for a, shown in f.actions
        ],
        "deadlines": [
            {"id": d.id, "title": d.title, "due": day.isoformat(), "when": d.when, "article": d.article}
            for d, day in f.deadlines
        ],
        "series": [
            {
                "label": p.label,
                "respondents": p.respondents,
                "overall": score_value(p.overall),
                "levers": {lid: score_value(v) for lid, v in p.levers.items()},
            }
            for p in f.series
        ],
        "levers": [
            {
                "id": lid,
                "title": pack.lever(lid).title,
                "scores": [score_value(p.levers.get(lid)) for p in f.series],
                "actions": [a.id for a in f.plan.actions if a.lever == lid],
            }
            for lid in levers
        ],
    }


def followup_events(f: Followup, pack: Pack, *, years: int = 6) -> list[Event]:
    """The open actions' due dates and the law's dated deadlines, for an agenda."""
    from cooplevier.report.cooperation.calendar_view import calendar_events

    events = [
        Event(
            uid=f"plan-{_slug(f.plan.territory)}-{a.id}@cooplevier",
            day=a.due,
            summary=f"{a.id} · {a.title}",
            description="\n".join(x for x in (a.leads, a.body, a.deliverable, a.indicator) if x),
            categories=("cooplevier",),
        )
        for a, shown in f.actions
        if a.due is not None and shown not in ("fait", "abandonne")
    ]
    legal = [e for e in calendar_events(pack, f.plan.structure, f.renewal, years=years) if e.day >= f.today]
    legal = legal if f.plan.structure else []  # the law's calendar depends on the structure type
    return sorted(events + legal, key=lambda e: e.day)


def _slug(text: str) -> str:
    import re
    import unicodedata

    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:40] or "plan"


def diagnosis_point(path: Any, pack: Pack, *, on_refused: Any = None, on_warning: Any = None) -> Point | None:
    """One diagnosis of the series: a person's file, or a group's folder or grid, read through the
    migration map when it answered an older questionnaire. None when nothing in it could be scored."""
    from pathlib import Path

    from cooplevier.scoring import batch
    from cooplevier.scoring.synthesis import synthesize

    results = list(
        batch.run([Path(path)], pack=pack, convert=batch.as_result, on_refused=on_refused, on_warning=on_warning)
    )
    if not results:
        return None
    label = Path(path).stem if Path(path).is_file() else Path(path).name
    if len(results) == 1:
        r = results[0]
        return Point(label, 1, r.overall.mean, {lid: lv.mean for lid, lv in r.levers.items()})
    syn = synthesize(results, pack)
    return Point(label, syn.respondents, syn.overall.mean, {lid: lv.stats.mean for lid, lv in syn.levers.items()})
