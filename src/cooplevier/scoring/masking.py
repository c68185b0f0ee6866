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
"""

from __future__ import annotations

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
        return _figure(values, keys, min_group)

    levers: dict[str, LeverRow] = {}
    for lever in pack.levers:
        row = figure([(g, r.levers[lever.id].mean) for g, r in counted])
        discuss: tuple[QuestionRow, ...] = ()
        if row.divergent:
            questions = []
            for q in pack.questions_for(lever.id):
                values = [(g, _level(r, lever.id, q.id)) for g, r in counted]
                questions.append(QuestionRow(q.id, q.text, figure(values)))
            questions.sort(key=lambda q: (-(q.figure.gap or 0), -(q.figure.spread or 0), q.id))
            top = questions[:TOP_QUESTIONS]
            discuss = tuple(q for q in top if q.figure.mean is not None and (q.figure.spread or 0))
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


def _figure(values: Sequence[tuple[str, Fraction | int | None]], keys: Sequence[str], k: int) -> Figure:
    by: dict[str, list[Fraction]] = {}
    for key, value in values:
        if value is not None:
            by.setdefault(key, []).append(Fraction(value))
    scored = [x for xs in by.values() for x in xs]
    n = len(scored)
    if n < k:
        return Figure(n, None, {}, bool(n), None)
    mean = sum(scored, Fraction(0)) / n
    spread = max(scored) - min(scored)
    verdict = agreement.divergent(agreement.counts_of(scored))
    eligible = [key for key in keys if len(by.get(key, ())) >= k]
    hidden = n - sum(len(by[key]) for key in eligible)
    if len(keys) < 2:
        return Figure(n, mean, {}, False, spread, verdict)
    if 0 < hidden < k:
        return Figure(n, mean, {}, True, spread, verdict)
    cells = {key: sum(by[key], Fraction(0)) / len(by[key]) for key in eligible}
    return Figure(n, mean, cells, hidden > 0, spread, verdict)


def _level(result: Result, lever: str, question: str) -> int | None:
    for q in result.levers[lever].questions:
        if q.id == question:
            return q.value if isinstance(q.value, int) else None
    return None
