"""Progress over time: two assessments of the same territory, step by step."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

from cooplevier.content.answers import AnswerFile
from cooplevier.content.model import Pack
from cooplevier.numbers import score_value
from cooplevier.scoring.engine import Result

ALL_LEVELS = frozenset(range(1, 6))
# A migration status -> the levels of an answer that stay comparable across versions: the one place
# to say it, for a person's comparison and a group's. `kept` and `reworded` carry every level;
# `level5_changed` (levels 1-4 kept, level 5 asked again) carries 1-4: a question of that status
# is compared for a person only where both answers are 1-4, and for a group without the 5s.
COMPARABLE_LEVELS: dict[str, frozenset[int]] = {
    "kept": ALL_LEVELS,
    "reworded": ALL_LEVELS,
    "level5_changed": frozenset(range(1, 5)),
}


@dataclass(frozen=True, slots=True)
class Change:
    """One score before and after; `delta` (after - before) is None when either side is None."""

    before: Fraction | None
    after: Fraction | None
    step_before: int | None
    step_after: int | None

    @property
    def delta(self) -> Fraction | None:
        """after − before on the scores as shown, so that it is the difference of the printed numbers."""
        before, after = score_value(self.before), score_value(self.after)
        if before is None or after is None:
            return None
        return Fraction(str(after)) - Fraction(str(before))

    @property
    def steps(self) -> int | None:
        """Stairs gained (positive) or lost (negative)."""
        if self.step_before is None or self.step_after is None:
            return None
        return self.step_after - self.step_before


@dataclass(frozen=True, slots=True)
class Comparison:
    old: Result
    new: Result
    overall: Change
    axes: Mapping[str, Change]
    levers: Mapping[str, Change]
    scope: Scope | None = None  # set when the two files are of different versions of the questionnaire

    @property
    def gained(self) -> tuple[str, ...]:
        return tuple(lid for lid, c in self.levers.items() if (c.steps or 0) > 0)

    @property
    def lost(self) -> tuple[str, ...]:
        return tuple(lid for lid, c in self.levers.items() if (c.steps or 0) < 0)


@dataclass(frozen=True, slots=True)
class Scope:
    """Files of two versions are compared on the questions the migration map carries, alone."""

    versions: tuple[str, ...]  # the older versions read through the map
    questions: tuple[str, ...]  # the current ids compared
    not_compared: tuple[str, ...] = ()  # the current ids left out
    partial: Mapping[str, frozenset[int]] = field(default_factory=dict)  # compared for these levels only


def common_scope(files: tuple[AnswerFile, AnswerFile], pack: Pack) -> Scope | None:
    """The questions two files can be compared on, or None when both are of the current version.

    An answer of a 1.0 file to a question that 2.0 replaced is not carried; comparing that file's
    lever means with a 2.0 file's would weigh different questions. Both sides are therefore cut to
    the questions the map carries from every older version present.
    """
    versions = tuple(dict.fromkeys(af.migrated.version for af in files if af.migrated is not None))
    if not versions:
        return None
    carried = {q.id for q in pack.questions}
    for version in versions:
        migration = pack.migration(version)
        targets = {e.target(qid) for qid, e in migration.questions.items()} if migration else set()
        carried &= targets
    return Scope(
        versions,
        tuple(q.id for q in pack.questions if q.id in carried),
        tuple(q.id for q in pack.questions if q.id not in carried),
        partial_levels(pack, versions),
    )


def restrict(af: AnswerFile, scope: Scope) -> AnswerFile:
    """The file with its answers outside the scope set aside (they are not compared)."""
    keep = set(scope.questions)
    return replace(af, answers={qid: a for qid, a in af.answers.items() if qid in keep})


def partial_levels(pack: Pack, versions: tuple[str, ...]) -> dict[str, frozenset[int]]:
    """The current questions that a map carries only for some levels, from any of `versions`."""
    out: dict[str, frozenset[int]] = {}
    for version in versions:
        migration = pack.migration(version)
        for qid, entry in migration.questions.items() if migration else ():
            target, levels = entry.target(qid), COMPARABLE_LEVELS.get(str(entry.status), ALL_LEVELS)
            if target is not None and levels != ALL_LEVELS:
                out[target] = out.get(target, ALL_LEVELS) & levels
    return out


def same_levels(pair: tuple[AnswerFile, AnswerFile], scope: Scope) -> tuple[AnswerFile, AnswerFile]:
    """A question carried for some levels only is compared where both answers are of those levels."""
    partial = scope.partial
    if not partial:
        return pair

    def comparable(qid: str) -> bool:
        values = [af.answers[qid].value if qid in af.answers else None for af in pair]
        return all(type(v) is int and v in partial[qid] for v in values)

    drop = {qid for qid in partial if not comparable(qid)}
    return (
        replace(pair[0], answers={q: a for q, a in pair[0].answers.items() if q not in drop}),
        replace(pair[1], answers={q: a for q, a in pair[1].answers.items() if q not in drop}),
    )


def compare(old: Result, new: Result, pack: Pack, scope: Scope | None = None) -> Comparison:
    levers = {
        lv.id: Change(old.levers[lv.id].mean, new.levers[lv.id].mean, old.levers[lv.id].step, new.levers[lv.id].step)
        for lv in pack.levers
    }
    axes: dict[str, Change] = {
        a.id: Change(old.axes[a.id].mean, new.axes[a.id].mean, old.axes[a.id].step, new.axes[a.id].step)
        for a in pack.axes
    }
    overall = Change(old.overall.mean, new.overall.mean, old.overall.step, new.overall.step)
    return Comparison(old, new, overall, axes, levers, scope)


def _change_data(c: Change) -> dict[str, Any]:
    return {
        "before": score_value(c.before),
        "after": score_value(c.after),
        "delta": None if c.delta is None else float(c.delta),
        "step_before": c.step_before,
        "step_after": c.step_after,
        "steps": c.steps,
    }


def _point(result: Result) -> dict[str, Any]:
    """One side as an item of `series` (contracts.md, « Progress »): one respondent."""
    return {
        "label": result.date or result.file,
        "respondents": 1,
        "overall": score_value(result.overall.mean),
        "levers": {lid: score_value(lv.mean) for lid, lv in result.levers.items()},
    }


def comparison_data(cmp: Comparison) -> dict[str, Any]:
    """The `compare --format json` object (contracts.md)."""
    return {
        "old": {"file": cmp.old.file, "territory": cmp.old.territory, "date": cmp.old.date},
        "new": {"file": cmp.new.file, "territory": cmp.new.territory, "date": cmp.new.date},
        "overall": _change_data(cmp.overall),
        "axes": {aid: _change_data(c) for aid, c in cmp.axes.items()},
        "levers": {lid: _change_data(c) for lid, c in cmp.levers.items()},
        "gained": list(cmp.gained),
        "lost": list(cmp.lost),
        "series": [_point(cmp.old), _point(cmp.new)],
        "not_compared": [] if cmp.scope is None else list(cmp.scope.not_compared),
        "scope": None
        if cmp.scope is None
        else {
            "versions": list(cmp.scope.versions),
            "questions": list(cmp.scope.questions),
        },
    }
