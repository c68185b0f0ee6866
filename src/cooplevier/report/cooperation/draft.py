"""Drafting a cooperation plan from a diagnosis: one person's answers, a group's, or the room's vote.

`Standing` is what the plan says of the diagnosis (who answered, where the territory stands,
where the group disagrees, its priorities); `draft()` turns it into a `plan/1` file: for each
priority lever, the content's actions for its next step up, worded for the structure type, with
a due date on the law's calendar (the entry an action is tied to, else six months per rank).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

from cooplevier.content.model import Pack, Structure
from cooplevier.content.plan.actions import Action, actions_for, all_actions, find
from cooplevier.content.plan.calendar import add_months, deadlines, due
from cooplevier.content.plan.planfile import Diagnosis, PlanAction, PlanFile
from cooplevier.content.plan.votes import Vote
from cooplevier.numbers import step_of
from cooplevier.scoring.engine import Result
from cooplevier.scoring.synthesis import Synthesis

PRIORITIES = 3  # levers the note puts before the bureau
MIN_GROUP = 3  # a role's attendance is said only from this many people (the workshop's default K)
MONTHS_PER_RANK = 6
MAX_VOTED = 6  # proposals of the room's vote taken into the plan, most tokens first


@dataclass(frozen=True)
class Standing:
    kind: Literal["person", "group", "vote"]
    territory: str
    structure: Structure | None
    respondents: int
    levers: Mapping[str, Fraction | None]  # the lever scores (a group's mean)
    axes: Mapping[str, Fraction | None]
    overall: Fraction | None
    overall_step: int | None  # the step of the weakest axis: the wheel turns only if all four hold
    priorities: tuple[str, ...]  # most urgent first
    divergent: tuple[str, ...] = ()  # levers on which the group does not agree
    name: str | None = None
    role: str | None = None
    answered: int = 0
    total: int = 0
    attendance: Mapping[str, int] = field(default_factory=dict)  # roles of MIN_GROUP people or more
    date: dt.date | None = None
    vote: Vote | None = None

    @property
    def completeness(self) -> float | None:
        return self.answered / self.total if self.kind == "person" and self.total else None

    def step(self, lever: str) -> int | None:
        return step_of(self.levers.get(lever))


def from_result(result: Result, structure: Structure | None = None) -> Standing:
    """One person's diagnosis: never the territory's profile, and said as such."""
    day = None
    if result.date:
        try:
            day = dt.date.fromisoformat(result.date)
        except ValueError:
            day = None
    return Standing(
        kind="person",
        territory=result.territory,
        structure=structure or result.structure,
        respondents=1,
        levers={lid: lv.mean for lid, lv in result.levers.items()},
        axes={aid: a.mean for aid, a in result.axes.items()},
        overall=result.overall.mean,
        overall_step=result.overall.step,
        priorities=result.priorities,
        name=result.name,
        role=result.role,
        answered=result.answered,
        total=result.total,
        date=day,
    )


def from_group(syn: Synthesis, pack: Pack, structure: Structure | None, *, vote: Vote | None = None) -> Standing:
    """A group's diagnosis (a folder, several files, a grid), and the room's vote when there is one."""
    return Standing(
        kind="vote" if vote is not None and vote.counted else "group",
        territory=syn.territories[0] if syn.territories else "",
        structure=structure,
        respondents=syn.respondents,
        levers={lid: lv.stats.mean for lid, lv in syn.levers.items()},
        axes={aid: s.mean for aid, s in syn.axes.items()},
        overall=syn.overall.mean,
        overall_step=min((step_of(s.mean) or 1 for s in syn.axes.values() if s.mean is not None), default=None),
        priorities=group_priorities(syn, pack),
        divergent=tuple(syn.divergent),
        attendance={role: n for role, n in syn.roles.items() if n >= MIN_GROUP and role != "sans-role"},
        vote=vote,
    )


def group_priorities(syn: Synthesis, pack: Pack) -> tuple[str, ...]:
    """The group's levers in the order to discuss them: the synthesis's own « à discuter en premier »
    when it has one, else the levers the group disagrees on, then the weakest (weakest axis first)."""
    first = getattr(syn, "discuss_first", None)
    if first:  # every lever, in the synthesis's order: keep those with a step still to climb

        def climbable(lid: str) -> bool:
            found = syn.levers.get(lid)
            return found is None or (found.stats.mean is not None and (step_of(found.stats.mean) or 1) < 5)

        return tuple(str(x) for x in first if climbable(str(x)))
    axis_mean = {aid: s.mean for aid, s in syn.axes.items()}
    ranked = sorted((a for a in pack.axes if axis_mean.get(a.id) is not None), key=lambda a: axis_mean[a.id] or 0)
    rank = {a.id: i for i, a in enumerate(ranked)}
    scored = [lv for lv in pack.levers if syn.levers[lv.id].stats.mean is not None]
    weakest = sorted(scored, key=lambda lv: (rank.get(lv.axis, 99), syn.levers[lv.id].stats.mean or 0, lv.number))
    out = [lid for lid in syn.divergent if lid in syn.levers]
    out += [lv.id for lv in weakest if lv.id not in out and (step_of(syn.levers[lv.id].stats.mean) or 5) < 5]
    return tuple(out)


def draft(standing: Standing, pack: Pack, *, renewal: dt.date, today: dt.date) -> PlanFile:
    """The plan/1 file a bureau starts from: the actions, each with a proposed date, all « à venir »."""
    chosen: list[tuple[int, Action | None, str, str]] = []  # (rank, content action, lever, title)
    if standing.vote is not None and standing.vote.counted:
        for rank, proposal in enumerate(standing.vote.counted[:MAX_VOTED], 1):
            action = find(pack, proposal.action) if proposal.action else None
            worded = action.worded_for(standing.structure) if action else None
            chosen.append((min(rank, PRIORITIES), worded, proposal.lever, worded.text if worded else proposal.text))
    else:
        for rank, lever in enumerate(standing.priorities[:PRIORITIES], 1):
            step = standing.step(lever)
            if step is None or step >= 5:
                continue
            for action in actions_for(pack, lever, standing.structure):
                if action.from_step == step:
                    chosen.append((rank, action, lever, action.text))
    chosen += _legal(pack, standing.structure, renewal, today, {a.id for _, a, _, _ in chosen if a is not None})
    start = max(today, renewal)
    actions = []
    for n, (rank, action, lever, title) in enumerate(chosen, 1):
        actions.append(
            PlanAction(
                id=f"A{n}",
                lever=lever,
                title=title,
                from_=action.id if action else None,
                leads=action.leads if action else None,
                body=action.body if action else None,
                due=_due(action, pack, standing.structure, renewal, today)
                or (
                    None
                    if action is not None and action.legal
                    else _month_end(add_months(start, MONTHS_PER_RANK * rank))
                ),
                deliverable=action.deliverable if action else None,
                indicator=action.indicator if action else None,
            )
        )
    return PlanFile(
        cooplevier="plan/1",
        territory=standing.territory,
        actions=tuple(actions),
        structure=standing.structure,
        renewal=renewal,
        diagnosis=_diagnosis(standing),
    )


def _legal(
    pack: Pack, structure: Structure | None, renewal: dt.date, today: dt.date, taken: set[str]
) -> list[tuple[int, Action | None, str, str]]:
    """The actions that carry out an obligation of the law for the structure type, whatever the
    lever's step: the pacte debate of an EPCI, a SCoT's six-year analysis… (one whose date has
    passed is left out: the plan cannot meet it any more)."""
    if structure is None:
        return []
    entries = {d.id: d for d in deadlines(pack, structure)}
    out: list[tuple[int, Action | None, str, str]] = []
    for action in all_actions(pack):
        entry = entries.get(action.calendar or "")
        if not action.legal or entry is None or action.id in taken or structure not in action.structures:
            continue
        day = due(entry, renewal, after=today)
        if day is not None and day < today:
            continue
        worded = action.worded_for(structure)
        out.append((1, worded, worded.lever, worded.text))
    return out


def _due(
    action: Action | None, pack: Pack, structure: Structure | None, renewal: dt.date, today: dt.date
) -> dt.date | None:
    """The date of the calendar entry the action is tied to, when it applies to the structure."""
    if action is None or action.calendar is None:
        return None
    entry = next((d for d in deadlines(pack, structure) if d.id == action.calendar), None)
    return due(entry, renewal, after=today) if entry is not None else None


def _month_end(day: dt.date) -> dt.date:
    return add_months(day.replace(day=1), 1) - dt.timedelta(days=1)


def _diagnosis(s: Standing) -> Diagnosis:
    return Diagnosis(
        kind=s.kind,
        respondents=s.respondents,
        name=s.name,
        role=s.role,
        completeness=f"{s.completeness:.2f}" if s.completeness is not None else None,
        attendance={role: str(n) for role, n in s.attendance.items()},
        date=s.date,
        priorities=s.priorities[:PRIORITIES] if s.vote is None or not s.vote.counted else _voted_levers(s.vote),
        votes=str(s.vote.voters) if s.vote is not None and s.vote.counted else None,
    )


def _voted_levers(vote: Vote) -> tuple[str, ...]:
    out: list[str] = []
    for p in vote.counted:
        if p.lever not in out:
            out.append(p.lever)
    return tuple(out[:PRIORITIES])


def structures_of(results: Sequence[Any]) -> Structure | None:
    """The structure type the files share, or None when they say none or differ."""
    kinds = {getattr(r, "structure", None) for r in results}
    return kinds.pop() if len(kinds) == 1 else None
