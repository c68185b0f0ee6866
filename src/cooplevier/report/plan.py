"""The action plan of one territory: a frozen model built from a score, then rendered.

The model holds data only (scores, pack texts, answers); every sentence a reader sees is
written in `templates/plan.*.j2`, so a facilitator can reword the plan without touching code.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Literal

from cooplevier.content import dataclass  # the standard one, faster to create (start-up)
from cooplevier.content.model import Case, Lever, Note, Pack, Question, Renewal, Step, StructureType, Text, Trend
from cooplevier.content.plan.actions import Action, actions_for
from cooplevier.messages import role_label, t
from cooplevier.scoring.engine import LeverScore, Result

DETAILED_PRIORITIES = 3
LeverStatus = Literal["scored", "na", "unknown", "unanswered"]
Reason = Literal["weakest", "target", "next"]


@dataclass(frozen=True)
class LeverRow:
    """One lever in the profile table."""

    lever: Lever
    score: float | None
    step: int | None
    status: LeverStatus
    answered: int
    na: int
    unknown: int
    unanswered: int
    total: int


@dataclass(frozen=True)
class AxisRow:
    id: str
    title: str
    short: str
    score: float | None
    step: int | None
    step_label: str | None
    weakest: bool
    levers: tuple[LeverRow, ...]


@dataclass(frozen=True)
class QuestionLine:
    """A question of a priority lever: where the answer stands and the next choice up."""

    question: Question
    value: int | str | None  # 1..5, "na", "unknown", None (unanswered)
    current: str | None  # label of the chosen level
    next: str | None  # label of the next level (None at 5, or without a level)
    comment: str | None
    line: int | None


@dataclass(frozen=True)
class ProposedCase:
    """A territory that cooplevier links to a lever the deck does not cite it under, and why."""

    case: Case
    note: str | None


@dataclass(frozen=True)
class Priority:
    rank: int
    lever: Lever
    axis_title: str
    score: float | None
    step: int
    target: int
    target_from_file: bool
    reason: Reason
    current_step: Step
    next_step: Step | None
    questions: tuple[QuestionLine, ...]
    practices: tuple[Text, ...]
    vigilance: tuple[Text, ...]
    cases: tuple[Case, ...]  # every territory linked to the lever: `cited`, then `proposed`
    to_verify: tuple[Question, ...]
    na: tuple[Question, ...]
    comments: tuple[QuestionLine, ...]
    cited: tuple[Case, ...] = ()  # the deck cites them under this lever
    proposed: tuple[ProposedCase, ...] = ()  # cooplevier's links (editorial), with their notes
    no_case: Text | None = None  # said where the deck cites no territory for the lever
    trends: tuple[Trend, ...] = ()  # the trends the lever answers (cooplevier's reading)
    notes: tuple[Note, ...] = ()  # what the deck says of the lever's axis (on its first priority)
    anchors: tuple[QuestionLine, ...] = ()  # questions with a next choice, the lowest answer first


@dataclass(frozen=True)
class RoadmapItem:
    kind: Literal["share", "verify", "start", "continue", "evaluate"]
    lever: Lever | None = None
    step: QuestionLine | None = None  # the question whose next choice is the concrete next step
    action: Action | None = None  # the content's action for this step up (actions.yaml), worded for the type


@dataclass(frozen=True)
class Quarter:
    id: str  # T1..T4
    months: str
    items: tuple[RoadmapItem, ...]


@dataclass(frozen=True)
class Plan:
    result: Result
    territory: str
    respondent: str | None
    role: str | None
    role_label: str | None
    date: str | None
    pack_ref: str
    source_title: str
    source_publisher: str
    overall_score: float | None
    overall_step: int | None
    overall_step_label: str | None
    weakest_axis: AxisRow | None
    strongest_axis: AxisRow | None
    balance: str | None
    spread: float | None
    completeness: float
    answered: int
    total: int
    axes: tuple[AxisRow, ...]
    staircase: tuple[Step, ...]
    staircase_intro: tuple[Text, ...]
    wheel_intro: tuple[Text, ...]
    priorities: tuple[Priority, ...]
    other_priorities: tuple[Lever, ...]
    roadmap: tuple[Quarter, ...]
    renewal: Renewal | None
    trends: tuple[Trend, ...]
    to_verify: tuple[Question, ...]
    comments: tuple[tuple[Question, str], ...]
    all_na: tuple[Question, ...]
    short_form: bool = False  # answered with the 10-question form: a coarser picture
    structure: StructureType | None = None
    observed: Text | None = None  # when the deck's cases were observed
    synthesis: tuple[Text, ...] = ()  # the deck's conclusion: no organisational model
    source_event: str | None = None
    sources: tuple[Text, ...] = ()  # the studies and publications behind the deck


def _status(lv: LeverScore) -> LeverStatus:
    if lv.mean is not None:
        return "scored"
    if lv.unknown:
        return "unknown"
    if lv.na:
        return "na"
    return "unanswered"


def _choice_label(question: Question, level: int) -> str | None:
    return next((c.label for c in question.choices if c.level == level), None)


def build_plan(result: Result, pack: Pack) -> Plan:
    """Turn a score into the plan's data: profile, detailed priorities, roadmap, trends."""
    axes: list[AxisRow] = []
    for axis in pack.axes:
        a = result.axes[axis.id]
        rows = []
        for lid in axis.levers:
            lv = result.levers[lid]
            rows.append(
                LeverRow(
                    pack.lever(lid),
                    lv.score,
                    lv.step,
                    _status(lv),
                    lv.answered,
                    lv.na,
                    lv.unknown,
                    lv.unanswered,
                    lv.total,
                )
            )
        axes.append(
            AxisRow(
                axis.id,
                axis.title,
                axis.short,
                a.score,
                a.step,
                pack.step_label(a.step) if a.step else None,
                axis.id == result.weakest_axis,
                tuple(rows),
            )
        )
    scored = [a for a in axes if a.score is not None]
    strongest = max(scored, key=lambda a: a.score or 0.0) if len(scored) > 1 else None
    weakest = next((a for a in axes if a.weakest), None)

    worded = {q.id: q for q in pack.form(result.structure, result.form)}  # as the respondent read them

    def question(qid: str) -> Question:
        return worded.get(qid) or pack.question(qid)

    priorities: list[Priority] = []
    for rank, lid in enumerate(result.priorities[:DETAILED_PRIORITIES], 1):
        axis_id = pack.lever(lid).axis
        first_of_axis = all(p.lever.axis != axis_id for p in priorities)
        priorities.append(_priority(rank, lid, result, pack, question, with_notes=first_of_axis))
    others = tuple(pack.lever(lid) for lid in result.priorities[DETAILED_PRIORITIES:])
    all_na = tuple(question(q.id) for lv in result.levers.values() for q in lv.questions if q.value == "na")
    source = pack.meta.source
    return Plan(
        result=result,
        territory=result.territory,
        respondent=result.name,
        role=result.role,
        role_label=role_label(result.role) if result.role else None,
        date=result.date,
        pack_ref=pack.ref,
        source_title=source.title,
        source_publisher=source.publisher,
        overall_score=result.overall.score,
        overall_step=result.overall.step,
        overall_step_label=pack.step_label(result.overall.step) if result.overall.step else None,
        weakest_axis=weakest,
        strongest_axis=strongest if strongest is not weakest else None,
        balance=result.balance,
        spread=None if result.spread is None else round(float(result.spread), 2),
        completeness=result.completeness,
        answered=result.answered,
        total=result.total,
        axes=tuple(axes),
        staircase=pack.staircase,
        staircase_intro=pack.framework.staircase_intro,
        wheel_intro=pack.framework.wheel_intro,
        priorities=tuple(priorities),
        other_priorities=others,
        roadmap=_roadmap(priorities, result, pack),
        renewal=pack.framework.renewal,
        trends=pack.framework.trends,
        to_verify=tuple(question(q) for q in result.to_verify),
        comments=tuple((question(q), c) for q, c in result.comments),
        all_na=all_na,
        short_form=result.form == "short",
        structure=pack.structure_type(result.structure) if result.structure else None,
        observed=pack.observed,
        synthesis=pack.framework.synthesis,
        source_event=source.event,
        sources=source.studies,
    )


def _priority(
    rank: int, lever_id: str, result: Result, pack: Pack, question: Callable[[str], Question], *, with_notes: bool
) -> Priority:
    lv = result.levers[lever_id]
    assert lv.step is not None and lv.target is not None  # priorities are scored levers
    lines = []
    for qs in lv.questions:
        q = question(qs.id)
        level = qs.value if isinstance(qs.value, int) else None
        lines.append(
            QuestionLine(
                q,
                qs.value,
                _choice_label(q, level) if level else None,
                _choice_label(q, level + 1) if level and level < 5 else None,
                qs.comment,
                qs.line,
            )
        )
    rank_reason: Reason
    if rank == 1 and lv.axis == result.weakest_axis:
        rank_reason = "weakest"
    elif lever_id in result.file_targets:
        rank_reason = "target"
    else:
        rank_reason = "next"
    next_level = min(lv.step + 1, 5) if lv.step < 5 else None
    lever = pack.lever(lever_id)
    cited: list[Case] = []
    proposed: list[ProposedCase] = []
    for case in pack.cases_for(lever_id):
        link = next(ln for ln in case.levers if ln.lever == lever_id)
        if link.source == "seed":
            cited.append(dataclasses.replace(case, summary=pack.cited_as(case, lever_id)))
        else:
            proposed.append(ProposedCase(case, link.note))
    # the next steps of the roadmap: the lowest answers first, in questionnaire order among equals
    anchors = sorted((ql for ql in lines if ql.next), key=lambda ql: int(ql.value or 0))
    return Priority(
        rank=rank,
        lever=lever,
        axis_title=pack.axis(lv.axis).title,
        score=lv.score,
        step=lv.step,
        target=lv.target,
        target_from_file=lever_id in result.file_targets,
        reason=rank_reason,
        current_step=pack.staircase[lv.step - 1],
        next_step=pack.staircase[next_level - 1] if next_level else None,
        questions=tuple(lines),
        practices=lever.practices,
        vigilance=lever.vigilance,
        cases=(*cited, *(p.case for p in proposed)),
        to_verify=tuple(ql.question for ql in lines if ql.value == "unknown"),
        na=tuple(ql.question for ql in lines if ql.value == "na"),
        comments=tuple(ql for ql in lines if ql.comment),
        cited=tuple(cited),
        proposed=tuple(proposed),
        no_case=lever.no_case,
        trends=tuple(tr for tr in pack.framework.trends if lever_id in tr.levers),
        notes=pack.axis(lv.axis).notes if with_notes else (),
        anchors=tuple(anchors),
    )


def _roadmap(priorities: Sequence[Priority], result: Result, pack: Pack) -> tuple[Quarter, ...]:
    """Four quarters: share and check, then one priority started per quarter, then evaluate.

    Each lever's concrete step is the next choice of its lowest-answered question (the one the
    plan shows under « Pour monter d'une marche »), then of the next lowest: the deck's lists of
    practices are not ranked, so their order says nothing of what to do first.
    """

    def step(p: Priority, index: int) -> QuestionLine | None:
        return p.anchors[index] if len(p.anchors) > index else None

    def action(p: Priority, up: int) -> Action | None:
        """The content's first action from the lever's step (`up` = 0) or the next one (`up` = 1)."""
        found = [a for a in actions_for(pack, p.lever.id, result.structure) if a.from_step == p.step + up]
        return found[0] if found else None

    q1: list[RoadmapItem] = [RoadmapItem("share")]
    if result.to_verify:
        q1.append(RoadmapItem("verify"))
    q2: list[RoadmapItem] = []
    q3: list[RoadmapItem] = []
    q4: list[RoadmapItem] = []
    slots = (q1, q2, q3)
    for i, p in enumerate(priorities):
        slots[i].append(RoadmapItem("start", p.lever, step(p, 0), action(p, 0)))
        later = slots[i + 1] if i + 1 < len(slots) else q4
        later.append(RoadmapItem("continue", p.lever, step(p, 1), action(p, 1)))
    q4.append(RoadmapItem("evaluate"))
    months = (t("plan.months_1"), t("plan.months_2"), t("plan.months_3"), t("plan.months_4"))
    return tuple(Quarter(f"T{i}", months[i - 1], tuple(items)) for i, items in enumerate((q1, q2, q3, q4), 1))


def marked(plan: Plan, mark: Callable[[str], str]) -> Plan:
    """The plan with every text the respondent typed passed through `mark`.

    The documents mark it with `typography.protect`, so that typesetting never touches it.
    """

    def line(ql: QuestionLine) -> QuestionLine:
        return dataclasses.replace(ql, comment=mark(ql.comment)) if ql.comment else ql

    priorities = tuple(
        dataclasses.replace(p, questions=tuple(map(line, p.questions)), comments=tuple(map(line, p.comments)))
        for p in plan.priorities
    )
    return dataclasses.replace(
        plan,
        territory=mark(plan.territory),
        respondent=mark(plan.respondent) if plan.respondent else None,
        priorities=priorities,
        comments=tuple((q, mark(c)) for q, c in plan.comments),
    )
