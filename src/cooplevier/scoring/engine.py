"""The scoring engine: pure functions from an answer file and a pack to a frozen result.

Rules (docs/scoring.md): a lever's score is the mean of its answered steps; an axis's score
the mean of its scored levers; the overall score the mean of the scored axes. A step is the
stair fully reached (the integer part of the score), except the overall step, which is the
step of the weakest axis: the wheel turns only as well as its weakest axis. `na`, `unknown`
and unanswered questions never enter a score.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Literal

from cooplevier.content import dataclass  # the standard one, faster to create (start-up)
from cooplevier.content.answers import AnswerFile, Value
from cooplevier.content.model import Form, Pack, Structure
from cooplevier.numbers import score_value

Balance = Literal["equilibree", "fragile", "desequilibree"]
BALANCE_THRESHOLDS: tuple[tuple[Fraction, Balance], ...] = (
    (Fraction(1), "equilibree"),
    (Fraction(2), "fragile"),
)


@dataclass(frozen=True, slots=True)
class QuestionScore:
    id: str
    lever: str
    value: Value | None  # None: unanswered
    comment: str | None
    line: int | None


@dataclass(frozen=True, slots=True)
class LeverScore:
    id: str
    axis: str
    mean: Fraction | None
    step: int | None
    target: int | None
    answered: int
    na: int
    unknown: int
    unanswered: int
    total: int
    questions: tuple[QuestionScore, ...]

    @property
    def score(self) -> float | None:
        return score_value(self.mean)


@dataclass(frozen=True, slots=True)
class AxisScore:
    id: str
    mean: Fraction | None
    step: int | None
    levers: tuple[str, ...]  # the levers that made the mean

    @property
    def score(self) -> float | None:
        return score_value(self.mean)


@dataclass(frozen=True, slots=True)
class Overall:
    mean: Fraction | None
    step: int | None

    @property
    def score(self) -> float | None:
        return score_value(self.mean)


@dataclass(frozen=True, slots=True)
class Result:
    file: str | None
    territory: str
    name: str | None
    role: str | None
    date: str | None
    content: str | None
    overall: Overall
    axes: dict[str, AxisScore]
    levers: dict[str, LeverScore]
    weakest_axis: str | None
    spread: Fraction | None  # highest axis mean minus lowest
    balance: Balance | None
    priorities: tuple[str, ...]
    to_verify: tuple[str, ...]  # questions answered "unknown"
    comments: tuple[tuple[str, str], ...]  # (question id, comment)
    answered: int  # questions with a step, na or unknown
    total: int
    file_targets: tuple[str, ...] = ()  # levers whose target the answer file sets
    structure: Structure | None = None  # the file's structure type: the questions worded for it
    form: Form | None = None  # "short": a coarser picture, one question per lever
    migrated_from: str | None = None  # the older pack version the file was read from

    @property
    def completeness(self) -> float:
        return round(self.answered / self.total, 3) if self.total else 0.0


def _mean(values: list[Fraction]) -> Fraction | None:
    if not values:
        return None
    # Exact, with one normalisation instead of one per addition (batch scoring is hot).
    den = math.lcm(*(v.denominator for v in values))
    return Fraction(sum(v.numerator * (den // v.denominator) for v in values), den * len(values))


def _step(mean: Fraction | None) -> int | None:
    return None if mean is None else int(mean)  # floor: the stair fully reached (mean >= 1)


def score(af: AnswerFile, pack: Pack) -> Result:
    """Score one answer file against the pack it was checked with."""
    levers: dict[str, LeverScore] = {}
    to_verify: list[str] = []
    comments: list[tuple[str, str]] = []
    answered_total = 0
    total = 0
    answers = af.answers
    asked = pack.asked(af.structure, af.form)
    for axis in pack.axes:
        for lever_id in axis.levers:
            qs: list[QuestionScore] = []
            levels: list[int] = []
            na = unknown = 0
            for q in asked[lever_id]:
                qid = q.id
                a = answers.get(qid)
                if a is None:
                    qs.append(QuestionScore(qid, lever_id, None, None, None))
                    continue
                value = a.value
                qs.append(QuestionScore(qid, lever_id, value, a.comment, a.line))
                if a.comment:
                    comments.append((qid, a.comment))
                if type(value) is int:
                    levels.append(value)
                elif value == "na":
                    na += 1
                else:
                    unknown += 1
                    to_verify.append(qid)
            mean = Fraction(sum(levels), len(levels)) if levels else None
            step = _step(mean)
            target = af.targets.get(lever_id, min(step + 1, 5)) if step is not None else af.targets.get(lever_id)
            n = len(qs)
            answered_total += len(levels) + na + unknown
            total += n
            levers[lever_id] = LeverScore(
                lever_id,
                axis.id,
                mean,
                step,
                target,
                len(levels),
                na,
                unknown,
                n - len(levels) - na - unknown,
                n,
                tuple(qs),
            )

    axes: dict[str, AxisScore] = {}
    for axis in pack.axes:
        scored = [lid for lid in axis.levers if levers[lid].mean is not None]
        mean = _mean([levers[lid].mean for lid in scored])  # type: ignore[misc]
        axes[axis.id] = AxisScore(axis.id, mean, _step(mean), tuple(scored))

    scored_axes = [a for a in axes.values() if a.mean is not None]
    overall_mean = _mean([a.mean for a in scored_axes])  # type: ignore[misc]
    overall_step = min(a.step for a in scored_axes) if scored_axes else None  # type: ignore[type-var]
    order: dict[str, int] = {a.id: i for i, a in enumerate(pack.axes)}
    # float() keeps the order of these small fractions exactly and compares much faster
    ranked = sorted(scored_axes, key=lambda a: (float(a.mean), order[a.id]))  # type: ignore[arg-type]
    weakest = ranked[0].id if ranked else None
    spread = (ranked[-1].mean - ranked[0].mean) if ranked else None  # type: ignore[operator]
    balance = _balance(spread)

    return Result(
        file=af.path,
        territory=af.territory,
        name=af.name,
        role=af.role,
        date=af.date.isoformat() if af.date else None,
        content=af.content,
        overall=Overall(overall_mean, overall_step),
        axes=axes,
        levers=levers,
        weakest_axis=weakest,
        spread=spread,
        balance=balance,
        priorities=_priorities(levers, ranked, pack),
        to_verify=tuple(to_verify),
        comments=tuple(comments),
        answered=answered_total,
        total=total,
        file_targets=tuple(lid for lid in levers if lid in af.targets),
        structure=af.structure,
        form=af.form,
        migrated_from=af.migrated.version if af.migrated else None,
    )


def _balance(spread: Fraction | None) -> Balance | None:
    if spread is None:
        return None
    for limit, label in BALANCE_THRESHOLDS:
        if spread < limit:
            return label
    return "desequilibree"


def _priorities(levers: dict[str, LeverScore], ranked_axes: list[AxisScore], pack: Pack) -> tuple[str, ...]:
    """Weakest axis's weakest lever first, then every lever below its target, weakest axes first."""
    if not ranked_axes:
        return ()
    axis_rank = {a.id: i for i, a in enumerate(ranked_axes)}
    number = {lv.id: lv.number for lv in pack.levers}

    def key(lv: LeverScore) -> tuple[Any, ...]:
        return (axis_rank[lv.axis], float(lv.mean) if lv.mean is not None else 0.0, number[lv.id])

    weakest_axis = ranked_axes[0]
    first = min((levers[lid] for lid in weakest_axis.levers), key=key)
    out: list[str] = []
    if first.step is not None and (first.step < 5 or (first.target or 0) > first.step):
        out.append(first.id)
    rest = [
        lv
        for lv in levers.values()
        if lv.id != first.id and lv.step is not None and lv.target is not None and lv.step < lv.target
    ]
    out.extend(lv.id for lv in sorted(rest, key=key))
    return tuple(out)


def to_dict(result: Result) -> dict[str, Any]:
    """The `score --format json` object of the contract (more keys are allowed)."""

    def pair(mean: Fraction | None, step: int | None) -> dict[str, Any]:
        return {"score": score_value(mean), "step": step}

    return {
        "file": result.file,
        "territory": result.territory,
        "name": result.name,
        "role": result.role,
        "date": result.date,
        "content": result.content,
        "overall": pair(result.overall.mean, result.overall.step),
        "axes": {a.id: pair(a.mean, a.step) for a in result.axes.values()},
        "levers": {
            lv.id: {
                **pair(lv.mean, lv.step),
                "axis": lv.axis,
                "answered": lv.answered,
                "na": lv.na,
                "unknown": lv.unknown,
                "unanswered": lv.unanswered,
                "total": lv.total,
                "target": lv.target,
            }
            for lv in result.levers.values()
        },
        "weakest_axis": result.weakest_axis,
        "balance": {"label": result.balance, "spread": score_value(result.spread)},
        "priorities": list(result.priorities),
        "to_verify": list(result.to_verify),
        "completeness": result.completeness,
    }
