"""The synthesis as it may be projected: only figures that stand for at least K people.

The live synthesis is shown to the room, so it must never let anyone read one person's answers
(docs/atelier.md, "Ce que l'écran ne montre pas"):

1. Groups. Roles with at least K respondents are shown apart. Smaller roles are merged into
   « autres rôles », shown if it reaches K. If that leaves fewer than two groups, nobody is split
   (one group, everyone counted); otherwise a remainder of fewer than K people is held back from
   every projected figure (and the page says how many), since the group's mean minus the shown
   roles' would give their answers away.
2. Figures. On each lever, axis or question, a group's figure is shown only when at least K of
   its members scored it; the whole group's figure only when K people did. If the members left
   out of the shown cells are between 1 and K-1, no cell is shown on that row, only the group's:
   subtracting the cells from it would give those few away.
3. Never minimum, maximum or any single answer. Divergence is a flag, computed on the people
   counted, with the project's rule (`scoring.agreement`: a quarter of the group, at least two
   people, 1.5 steps or more from another quarter; None, « on ne juge pas », under 4 scorers).
4. With fewer than K respondents in all, only counts are shown.
5. Over time. The screen refreshes while people answer: it is drawn from a published copy of
   the answers that moves only in batches of K people (`atelier.publish`), never from the
   answers as they are.
6. Homogeneity. Scores are whole numbers from 1 to 5: three élus shown at 1 all answered 1.
   Figures are shown on levers only, as the mean of the answers given to the lever's questions
   (each answer weighs the same); the questions to discuss are named without any figure. The
   published copy never holds a batch, nor leaves a role on a question, whose scores all say the
   same (`atelier.publish`), so no sum the screen lets one compute is that of a unanimous set.
   The promise this supports, and the viewer it is tested against, are in docs/atelier.md.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from cooplevier.content.model import ROLES, Pack
from cooplevier.scoring import agreement
from cooplevier.scoring.engine import Result
from cooplevier.scoring.synthesis import NO_ROLE, TOP_QUESTIONS

OTHERS = "autres"  # the group of merged small roles
EVERYONE = "groupe"  # the one group when nobody is split


@dataclass(frozen=True, slots=True)
class Figure:
    """One row: the group's mean (None: masked or nobody scored), and the cells shown by group."""

    n: int  # how many people scored it (among those counted)
    mean: Fraction | None
    cells: Mapping[str, Fraction]
    detail_masked: bool  # some group's cell is held back on this row
    spread: Fraction | None  # only used for the divergence flag and its ordering, never shown alone
    verdict: bool | None = None  # the divergence rule (scoring.agreement) on the people counted
    roles_differ: bool = False  # rule 2 between roles shown apart (K people or more): a flag, never a figure

    @property
    def gap(self) -> Fraction | None:
        values = list(self.cells.values())
        return max(values) - min(values) if len(values) >= 2 else None

    @property
    def divergent(self) -> bool | None:
        """The group does not agree (True), agrees (False), or is too small to judge or masked (None)."""
        return self.verdict if self.mean is not None else None


@dataclass(frozen=True, slots=True)
class QuestionRow:
    id: str
    text: str
    figure: Figure


@dataclass(frozen=True, slots=True)
class LeverRow:
    id: str
    figure: Figure
    discuss: tuple[QuestionRow, ...]  # where views differ most, for a divergent lever


@dataclass(frozen=True, slots=True)
class Group:
    key: str  # a role id, OTHERS or EVERYONE
    count: int
    roles: tuple[str, ...]  # the roles it holds


@dataclass(frozen=True, slots=True)
class Projection:
    min_group: int
    respondents: int  # people who answered at least one question
    roles: Mapping[str, int]  # respondents by role (counts are never answers)
    enough: bool  # respondents >= min_group: figures may be shown at all
    groups: tuple[Group, ...]
    split: bool  # several groups are compared
    held_back: int  # people left out of every figure (see rule 1)
    held_roles: tuple[str, ...]
    overall: Figure
    axes: Mapping[str, Figure]
    levers: Mapping[str, LeverRow]
    divergent: tuple[str, ...]

    @property
    def discuss_first(self) -> tuple[str, ...]:
        """« À discuter en premier », by the report's rule (`agreement.discuss_first`) on what is shown."""
        rows = [(lid, lv.figure.divergent, lv.figure.roles_differ, lv.figure.mean) for lid, lv in self.levers.items()]
        return agreement.discuss_first(rows)


def project(people: Sequence[Result], pack: Pack, *, min_group: int) -> Projection:
    """The projectable synthesis of scored answer files (one per respondent), at one moment.

    The live screen passes the published copy of the answers (rule 5), not the answers as they are.
    """
    roles = [r.role or NO_ROLE for r in people]
    counts = {role: roles.count(role) for role in [*ROLES, NO_ROLE] if role in roles}
    groups, held_roles = _groups(counts, min_group)
    group_of = {role: g.key for g in groups for role in g.roles}
    counted = [(group_of[role], r) for role, r in zip(roles, people, strict=True) if role in group_of]
    keys = [g.key for g in groups]

    def figure(values: Sequence[tuple[str, Fraction | int | None]]) -> Figure:
        return _figure([(g, () if v is None else (v,)) for g, v in values], keys, min_group)

    levers: dict[str, LeverRow] = {}
    for lever in pack.levers:
        # rule 6: a lever's figure is the mean of the answers given to its questions, each answer
        # weighing the same (not the mean of people's lever means, where someone who answered
        # one question would weigh as much as all another's answers: near the bounds, that
        # weight gives their answer away)
        answers = [
            (g, tuple(q.value for q in r.levers[lever.id].questions if isinstance(q.value, int))) for g, r in counted
        ]
        row = _figure(answers, keys, min_group)
        if row.mean is not None:
            row = dataclasses.replace(row, roles_differ=_roles_differ(counted, lever.id))
        discuss: tuple[QuestionRow, ...] = ()
        if row.divergent:
            questions = []
            for q in pack.questions_for(lever.id):
                values = [(g, _level(r, lever.id, q.id)) for g, r in counted]
                questions.append(QuestionRow(q.id, q.text, figure(values)))
            questions.sort(key=lambda q: (-(q.figure.gap or 0), -(q.figure.spread or 0), q.id))
            top = questions[:TOP_QUESTIONS]
            discuss = tuple(_unfigured(q) for q in top if q.figure.mean is not None and (q.figure.spread or 0))
        levers[lever.id] = LeverRow(lever.id, row, discuss)
    enough = len(people) >= min_group
    divergent = tuple(
        lid for lid, lv in sorted(levers.items(), key=lambda kv: -(kv[1].figure.gap or 0)) if lv.figure.divergent
    )
    return Projection(
        min_group=min_group,
        respondents=len(people),
        roles=counts,
        enough=enough,
        groups=groups,
        split=len(groups) >= 2,
        held_back=sum(counts[r] for r in held_roles),
        held_roles=held_roles,
        overall=figure([(g, r.overall.mean) for g, r in counted]),
        axes={a.id: figure([(g, r.axes[a.id].mean) for g, r in counted]) for a in pack.axes},
        levers=levers,
        divergent=divergent if enough else (),
    )


def admissible(people: Mapping[str, tuple[str | None, Mapping[str, object]]], k: int) -> dict[str, dict[str, object]]:
    """The answers a static synthesis may draw its figures from (rules 5 and 6 at one moment):
    person id -> (role, answers by question) in, the same with some answers left out.

    For one question and one role, the answers are kept only if at least K people of that role
    answered it and their scores (1 to 5) do not all say the same: the workshop's published copy
    (`atelier.publish`) with everyone in one batch. `project()` of what is kept, scored, is what a
    masked synthesis of a folder may show (the live screen uses the published copy instead).
    """
    by: dict[tuple[str, str | None], list[tuple[str, object]]] = {}
    for who, (role, answers) in people.items():
        for question, value in answers.items():
            by.setdefault((question, role), []).append((who, value))
    kept: dict[str, dict[str, object]] = {who: {} for who in people}
    for (question, _role), given in by.items():
        scores = {v for _w, v in given if isinstance(v, int) and not isinstance(v, bool)}
        if len(given) >= k and len(scores) != 1:
            for who, value in given:
                kept[who][question] = value
    return kept


def _groups(counts: Mapping[str, int], k: int) -> tuple[tuple[Group, ...], tuple[str, ...]]:
    big = [r for r in ROLES if counts.get(r, 0) >= k]
    small = tuple(r for r in counts if r not in big)
    groups = [Group(r, counts[r], (r,)) for r in big]
    rest = sum(counts[r] for r in small)
    if rest >= k:
        groups.append(Group(OTHERS, rest, small))
        small = ()
    if len(groups) < 2:  # nothing to compare: one group, everyone in it
        return (Group(EVERYONE, sum(counts.values()), tuple(counts)),), ()
    return tuple(groups), small


def _figure(values: Sequence[tuple[str, Sequence[Fraction | int]]], keys: Sequence[str], k: int) -> Figure:
    """One row from each person's values (none: they did not score it); K counts people, and a
    figure is the mean of all the values it stands for."""
    by: dict[str, list[list[Fraction]]] = {}
    for key, person in values:
        if person:
            by.setdefault(key, []).append([Fraction(v) for v in person])
    scored = [p for ps in by.values() for p in ps]
    n = len(scored)
    if n < k:
        return Figure(n, None, {}, bool(n), None)
    mean = _pooled(scored)
    means = [sum(p, Fraction(0)) / len(p) for p in scored]
    spread = max(means) - min(means)
    verdict = agreement.divergent(agreement.counts_of(means))
    eligible = [key for key in keys if len(by.get(key, ())) >= k]
    hidden = n - sum(len(by[key]) for key in eligible)
    if len(keys) < 2:
        return Figure(n, mean, {}, False, spread, verdict)
    if 0 < hidden < k:
        return Figure(n, mean, {}, True, spread, verdict)
    cells = {key: _pooled(by[key]) for key in eligible}
    return Figure(n, mean, cells, hidden > 0, spread, verdict)


def _roles_differ(counted: Sequence[tuple[str, Result]], lever: str) -> bool:
    """Rule 2 on a lever, between the roles shown apart, on each person's lever score: what the
    circulated synthesis flags (`circulate`), so that the screen orders its slides as the report."""
    by_role: dict[str, list[Fraction]] = {}
    for key, person in counted:
        mean = person.levers[lever].mean
        if key not in (OTHERS, EVERYONE) and mean is not None:
            by_role.setdefault(key, []).append(Fraction(mean))
    counts = {key: agreement.counts_of(means) for key, means in by_role.items()}
    return bool(agreement.roles_differ(counts, list(counts)))


def _pooled(people: Sequence[Sequence[Fraction]]) -> Fraction:
    values = [v for p in people for v in p]
    return sum(values, Fraction(0)) / len(values)


def _unfigured(row: QuestionRow) -> QuestionRow:
    """A question to discuss, named without any figure (rule 6): a question's scores are single
    whole numbers, the easiest to pin down."""
    f = row.figure
    return QuestionRow(row.id, row.text, Figure(f.n, None, {}, bool(f.cells) or f.detail_masked, None))


def _level(result: Result, lever: str, question: str) -> int | None:
    for q in result.levers[lever].questions:
        if q.id == question:
            return q.value if isinstance(q.value, int) else None
    return None
