"""Progress of a group over time: `compare A B C …` over folders, grids or files (docs/batch.md).

Each PATH is one point of a series, in chronological order. Each point is a workshop synthesis,
masked with the anonymity rule (`scoring.circulate`): a role too small at a point shows no figure
there. Points of different questionnaire versions are compared on the questions the migration
map carries from every older version present (`scope`), on every point alike; the others are
`not_compared`. What a map status lets through is said in one place, `COMPARABLE_LEVELS`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from cooplevier.content.model import ROLES, Pack
from cooplevier.numbers import score_value
from cooplevier.scoring.compare import ALL_LEVELS, COMPARABLE_LEVELS, Change
from cooplevier.scoring.engine import Result
from cooplevier.scoring.synthesis import Contribution, Synthesis, as_contribution, exact

Scope = Mapping[str, frozenset[int]]  # a current question id -> the levels compared


def scope_of(pack: Pack, versions: Sequence[str]) -> Scope | None:
    """The questions (and levels) every version present can be compared on; None: all current."""
    older = [v for v in dict.fromkeys(versions) if v != pack.meta.version]
    if not older:
        return None
    scope: dict[str, frozenset[int]] = {q.id: ALL_LEVELS for q in pack.questions}
    for version in older:
        migration = pack.migration(version)
        carried: dict[str, frozenset[int]] = {}
        for qid, entry in migration.questions.items() if migration else ():
            target = entry.target(qid)
            levels = COMPARABLE_LEVELS.get(str(entry.status))
            if target is not None and levels is not None:
                carried[target] = levels
        scope = {qid: scope[qid] & carried[qid] for qid in scope if qid in carried}
    return scope


def contribution_in(result: Result, pack: Pack, *, scope: Scope | None) -> Contribution:
    """`as_contribution`, with the scores recomputed on the questions (and levels) of `scope`."""
    if scope is None:
        return as_contribution(result, pack)
    levers: list[Fraction | None] = []
    steps: dict[str, int] = {}
    for lever in pack.levers:
        kept = [
            int(q.value)
            for q in result.levers[lever.id].questions
            if type(q.value) is int and int(q.value) in scope.get(q.id, frozenset())
        ]
        steps.update(
            (q.id, int(q.value))
            for q in result.levers[lever.id].questions
            if type(q.value) is int and int(q.value) in scope.get(q.id, frozenset())
        )
        levers.append(Fraction(sum(kept), len(kept)) if kept else None)
    by_lever = dict(zip((lv.id for lv in pack.levers), levers, strict=True))
    axes: list[Fraction | None] = []
    for axis in pack.axes:
        scored = [m for lid in axis.levers if (m := by_lever[lid]) is not None]
        axes.append(sum(scored, Fraction(0)) / len(scored) if scored else None)
    scored_axes = [a for a in axes if a is not None]
    overall = sum(scored_axes, Fraction(0)) / len(scored_axes) if scored_axes else None
    base = as_contribution(result, pack)
    return Contribution(
        file=base.file,
        territory=base.territory,
        role=base.role,
        version=base.version,
        form=base.form,
        overall=exact(overall),
        axes=tuple(exact(a) for a in axes),
        levers=tuple(exact(m) for m in levers),
        steps=bytes(steps.get(q.id, 0) for q in pack.questions),
        date=base.date,
        structure=base.structure,
        comments=(),
    )


@dataclass(frozen=True, slots=True)
class Point:
    label: str
    syn: Synthesis  # masked


@dataclass(frozen=True, slots=True)
class Series:
    points: tuple[Point, ...]
    not_compared: tuple[str, ...]
    min_group: int

    @property
    def first(self) -> Synthesis:
        return self.points[0].syn

    @property
    def last(self) -> Synthesis:
        return self.points[-1].syn

    def lever(self, lid: str) -> Change:
        a, b = self.first.levers[lid].stats, self.last.levers[lid].stats
        return Change(a.mean, b.mean, _step(a.mean), _step(b.mean))

    def axis(self, aid: str) -> Change:
        a, b = self.first.axes[aid], self.last.axes[aid]
        return Change(a.mean, b.mean, _step(a.mean), _step(b.mean))

    @property
    def overall(self) -> Change:
        a, b = self.first.overall, self.last.overall
        return Change(a.mean, b.mean, _step(a.mean), _step(b.mean))

    @property
    def roles(self) -> tuple[str, ...]:
        """The roles shown apart on the first point and on the last (a role too small in either is masked)."""

        def shown(syn: Synthesis) -> set[str]:
            return {r for lv in syn.levers.values() for r in lv.stats.by_role if r in ROLES}

        both = shown(self.first) & shown(self.last)
        return tuple(r for r in ROLES if r in both)

    def role_lever(self, role: str, lid: str) -> Change:
        a = self.first.levers[lid].stats.by_role.get(role)
        b = self.last.levers[lid].stats.by_role.get(role)
        return Change(a, b, _step(a), _step(b))


def _step(value: Fraction | None) -> int | None:
    import math

    return None if value is None else max(1, min(5, math.floor(value)))


def _change(c: Change) -> dict[str, Any]:
    return {
        "before": score_value(c.before),
        "after": score_value(c.after),
        "delta": None if c.delta is None else float(c.delta),
    }


def series_data(s: Series) -> dict[str, Any]:
    """`compare --format json` over groups (contracts.md, « Progress »)."""
    return {
        "min_group": s.min_group,
        "overall": _change(s.overall),
        "axes": {aid: _change(s.axis(aid)) for aid in s.first.axes},
        "levers": {lid: _change(s.lever(lid)) for lid in s.first.levers},
        "roles": {
            role: {"levers": {lid: _change(s.role_lever(role, lid)) for lid in s.first.levers}} for role in s.roles
        },
        "series": [
            {
                "label": p.label,
                "respondents": p.syn.respondents,
                "dates": {"first": p.syn.dates[0], "last": p.syn.dates[-1]} if p.syn.dates else None,
                "attendance": p.syn.attendance,
                "overall": score_value(p.syn.overall.mean),
                "levers": {lid: score_value(lv.stats.mean) for lid, lv in p.syn.levers.items()},
                "by_role": {
                    role: {lid: score_value(lv.stats.by_role.get(role)) for lid, lv in p.syn.levers.items()}
                    for role in s.roles
                },
            }
            for p in s.points
        ],
        "not_compared": list(s.not_compared),
    }


def build_series(
    paths: Sequence[Any],
    pack: Pack,
    *,
    min_group: int | None,
    content_dir: Any = None,
    on_refused: Any = None,
    on_warning: Any = None,
) -> Series:
    """Each PATH a point (its files, folders or grids), synthesised, cut to the common questions
    when versions differ, and masked: K is `min_group`, else the largest of the points' own (a
    workshop folder's K, else 3), or 1 when every point is one answer file (a person's own series)."""
    import functools

    from cooplevier.scoring import batch
    from cooplevier.scoring.circulate import default_min_group, mask
    from cooplevier.scoring.synthesis import synthesize_batch

    def points(convert: Any) -> list[Synthesis]:
        out = []
        for path in paths:
            results = batch.run(
                [path],
                pack=pack,
                convert=convert,
                content_dir=content_dir,
                on_refused=on_refused,
                on_warning=on_warning,
            )
            out.append(synthesize_batch(results, pack))
        return out

    syns = points(as_contribution)
    scope = scope_of(pack, [v for syn in syns for v in syn.versions])
    if scope is not None:
        syns = points(functools.partial(contribution_in, scope=scope))
    if min_group is not None:
        k = min_group
    elif all(p.is_file() and p.suffix.lower() in (".yaml", ".yml") for p in paths):
        k = 1
    else:
        k = max(default_min_group([p]) for p in paths)
    not_compared = () if scope is None else tuple(q.id for q in pack.questions if q.id not in scope)
    return Series(
        tuple(Point(p.name or str(p), mask(syn, k)) for p, syn in zip(paths, syns, strict=True)), not_compared, k
    )
