"""Workshop synthesis: where élus, technicians and civil society agree, and where they diverge.

Divergence rule (docs/batch.md): a lever is divergent when the means of two roles (each with at
least one respondent who scored it) are `ROLE_GAP` steps apart or more, or when the individual
scores span `SPREAD` steps or more. Random noise of ±1 around a shared view stays below both.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from cooplevier.content.model import ROLES, Pack
from cooplevier.errors import CooplevierError
from cooplevier.messages import t
from cooplevier.numbers import score_value
from cooplevier.scoring.batch import Batch
from cooplevier.scoring.engine import Result

ROLE_GAP = 1.5
SPREAD = 2.5
TOP_QUESTIONS = 3
NO_ROLE = "sans-role"  # respondents who gave no role: counted, never compared as a group


@dataclass(frozen=True, slots=True)
class Stats:
    """Scores of one lever, axis or question across respondents (None where nobody scored it)."""

    n: int
    mean: Fraction | None
    min: Fraction | None
    max: Fraction | None
    spread: Fraction | None
    by_role: Mapping[str, Fraction]
    role_gap: Fraction | None  # highest role mean minus lowest, over roles (not NO_ROLE)
    divergent: bool = False


@dataclass(frozen=True, slots=True)
class QuestionStats:
    id: str
    text: str
    stats: Stats


@dataclass(frozen=True, slots=True)
class LeverSynthesis:
    id: str
    number: int
    title: str
    axis: str
    stats: Stats
    divergent: bool
    questions: tuple[QuestionStats, ...]  # most divergent first

    @property
    def discuss(self) -> tuple[QuestionStats, ...]:
        """The questions to discuss first: where views differ at all, most first."""
        return tuple(q for q in self.questions[:TOP_QUESTIONS] if (q.stats.spread or 0) > 0)


@dataclass(frozen=True, slots=True)
class Synthesis:
    respondents: int
    roles: Mapping[str, int]
    territories: tuple[str, ...]
    files: tuple[str, ...]
    overall: Stats
    axes: Mapping[str, Stats]
    levers: Mapping[str, LeverSynthesis]
    divergent: tuple[str, ...]
    refused: tuple[str, ...] = ()
    short_forms: int = 0  # respondents who answered the short form: a coarser picture


def stats(values: Sequence[tuple[str, Fraction | int | float | None]]) -> Stats:
    """Stats of (role, score) pairs; None scores (nothing answered) are left out.

    Scores come exact (the scoring engine's fractions): means, gaps and the divergence rule are
    computed exactly and only rounded where they are shown, so a gap of 1.496 is never taken for 1.5.
    """
    scored = [(role, Fraction(v)) for role, v in values if v is not None]
    if not scored:
        return Stats(0, None, None, None, None, {}, None)
    numbers = [v for _, v in scored]
    groups: dict[str, list[Fraction]] = {}
    for role, v in scored:
        groups.setdefault(role, []).append(v)
    order = [*ROLES, NO_ROLE]
    means = {r: sum(groups[r], Fraction(0)) / len(groups[r]) for r in order if r in groups}
    compared = [m for r, m in means.items() if r != NO_ROLE]
    gap = max(compared) - min(compared) if len(compared) >= 2 else None
    low, high = min(numbers), max(numbers)
    divergent = (gap is not None and gap >= Fraction(ROLE_GAP)) or high - low >= Fraction(SPREAD)
    return Stats(len(numbers), sum(numbers, Fraction(0)) / len(numbers), low, high, high - low, means, gap, divergent)


def is_divergent(s: Stats) -> bool:
    return s.divergent


def synthesize(results: Iterable[Result], pack: Pack, *, refused: Sequence[str] = ()) -> Synthesis:
    """Aggregate several scored answer files (one per respondent) into the group's picture."""
    results = list(results)
    roles = [r.role or NO_ROLE for r in results]
    counts = {role: roles.count(role) for role in [*ROLES, NO_ROLE] if role in roles}
    levers: dict[str, LeverSynthesis] = {}
    for lever in pack.levers:
        lever_stats = stats([(role, r.levers[lever.id].mean) for role, r in zip(roles, results, strict=True)])
        questions = []
        by_question = [{x.id: x.value for x in r.levers[lever.id].questions} for r in results]
        for q in pack.questions_for(lever.id):
            pairs = []
            for role, values in zip(roles, by_question, strict=True):
                value = values.get(q.id)  # not asked to this respondent (structure, short form): None
                pairs.append((role, value if isinstance(value, int) else None))
            questions.append(QuestionStats(q.id, q.text, stats(pairs)))
        questions.sort(key=lambda q: (-(q.stats.role_gap or 0), -(q.stats.spread or 0), q.id))
        levers[lever.id] = LeverSynthesis(
            lever.id, lever.number, lever.title, lever.axis, lever_stats, is_divergent(lever_stats), tuple(questions)
        )
    people = list(zip(roles, results, strict=True))
    axes: dict[str, Stats] = {a.id: stats([(role, r.axes[a.id].mean) for role, r in people]) for a in pack.axes}
    overall = stats([(role, r.overall.mean) for role, r in people])
    divergent = tuple(
        lid
        for lid, lv in sorted(levers.items(), key=lambda kv: (-(kv[1].stats.role_gap or 0), kv[1].number))
        if lv.divergent
    )
    return Synthesis(
        respondents=len(results),
        roles=counts,
        territories=tuple(dict.fromkeys(r.territory for r in results)),
        files=tuple(r.file or "" for r in results),
        overall=overall,
        axes=axes,
        levers=levers,
        divergent=divergent,
        refused=tuple(refused),
        short_forms=sum(1 for r in results if r.form == "short"),
    )


def synthesize_batch(results: Batch[Result], pack: Pack) -> Synthesis:
    """The synthesis of the valid files of a batch, naming the refused ones; none valid is an error."""
    syn = synthesize(results, pack)
    if results.count == 0:
        raise CooplevierError(t("batch.no_valid_file"))
    return dataclasses.replace(syn, refused=tuple(r.file for r in results.refused))


def _stats_data(s: Stats) -> dict[str, Any]:
    return {
        "n": s.n,
        "mean": score_value(s.mean),
        "min": score_value(s.min),
        "max": score_value(s.max),
        "spread": score_value(s.spread),
        "by_role": {role: score_value(m) for role, m in s.by_role.items()},
        "role_gap": score_value(s.role_gap),
    }


def synthesis_data(syn: Synthesis) -> dict[str, Any]:
    """The `report --format json` object over several files (contracts.md)."""
    return {
        "respondents": syn.respondents,
        "roles": dict(syn.roles),
        "territories": list(syn.territories),
        "files": list(syn.files),
        "refused": list(syn.refused),
        "rule": {"role_gap": ROLE_GAP, "spread": SPREAD},
        "overall": _stats_data(syn.overall),
        "axes": {aid: _stats_data(s) for aid, s in syn.axes.items()},
        "levers": {
            lid: {
                **_stats_data(lv.stats),
                "axis": lv.axis,
                "divergent": lv.divergent,
                "questions": {q.id: _stats_data(q.stats) for q in lv.questions},
                "discuss": [q.id for q in lv.discuss] if lv.divergent else [],
            }
            for lid, lv in syn.levers.items()
        },
        "divergent": list(syn.divergent),
        "short_forms": syn.short_forms,
    }
