"""Workshop synthesis: where élus, technicians and civil society agree, and where they diverge.

Divergence rule (docs/batch.md): a lever is divergent when the means of two roles (each with at
least one respondent who scored it) are `ROLE_GAP` steps apart or more, or when the individual
scores span `SPREAD` steps or more. Random noise of ±1 around a shared view stays below both.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from cooplevier.content.model import ROLES, Pack
from cooplevier.errors import CooplevierError, shown
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
    versions: tuple[str, ...] = ()  # pack versions the files were read as
    short_forms: int = 0  # respondents who answered the short form: a coarser picture
    unscored: int = 0  # files with no scored answer (a workshop participant who only joined): counted, said


Exact = tuple[int, int]  # a score as (numerator, denominator): cheap to hash, count and send


def exact(value: Fraction | int | None) -> Exact | None:
    if value is None:
        return None
    return (value, 1) if isinstance(value, int) else (value.numerator, value.denominator)


class Tally:
    """How often each score occurs, per role, for one lever, axis or question.

    Scores are means of a few steps, so they take few distinct values: counting them keeps the
    synthesis of fifty thousand files exact and its memory flat (nothing is kept per file).
    """

    __slots__ = ("roles",)

    def __init__(self) -> None:
        self.roles: dict[str, dict[Exact, int]] = {}

    def add(self, role: str, value: Exact | None) -> None:
        if value is not None:
            counts = self.roles.setdefault(role, {})
            counts[value] = counts.get(value, 0) + 1

    def stats(self) -> Stats:
        """The divergence rule on exact values: a gap of 1.496 is never taken for 1.5."""
        if not self.roles:
            return Stats(0, None, None, None, None, {}, None)
        means: dict[str, Fraction] = {}
        n, total = 0, Fraction(0)
        values: set[Exact] = set()
        for role in [*ROLES, NO_ROLE]:
            counts = self.roles.get(role)
            if not counts:
                continue
            count = sum(counts.values())
            role_total = sum((Fraction(num, den) * k for (num, den), k in counts.items()), Fraction(0))
            means[role] = role_total / count
            n, total = n + count, total + role_total
            values |= counts.keys()
        low, high = min(Fraction(*v) for v in values), max(Fraction(*v) for v in values)
        compared = [m for r, m in means.items() if r != NO_ROLE]
        gap = max(compared) - min(compared) if len(compared) >= 2 else None
        spread = high - low
        divergent = (gap is not None and gap >= Fraction(ROLE_GAP)) or spread >= Fraction(SPREAD)
        return Stats(n, total / n, low, high, spread, means, gap, divergent)


def stats(values: Iterable[tuple[str, Fraction | int | None]]) -> Stats:
    """Stats of (role, score) pairs; None scores (nothing answered) are left out."""
    tally = Tally()
    for role, value in values:
        tally.add(role, exact(value))
    return tally.stats()


def is_divergent(s: Stats) -> bool:
    return s.divergent


@dataclass(frozen=True, slots=True)
class Contribution:
    """What one respondent brings to a synthesis: a few hundred bytes, sent from a worker process."""

    file: str
    territory: str
    role: str
    version: str | None  # the pack version the file was read as: its own when migrated, else the pack's
    form: str | None
    overall: Exact | None
    axes: tuple[Exact | None, ...]  # in the pack's axis order
    levers: tuple[Exact | None, ...]  # in the pack's lever order
    steps: bytes  # the step chosen for each question, in `pack.questions` order; 0: none


def as_contribution(result: Result, pack: Pack) -> Contribution:
    """`convert` for a synthesis (module-level, so that worker processes can use it)."""
    version = result.migrated_from or pack.meta.version  # a file not migrated was read as the current version
    chosen = {q.id: q.value for lv in result.levers.values() for q in lv.questions if type(q.value) is int}
    return Contribution(
        file=result.file or "",
        territory=result.territory,
        role=result.role or NO_ROLE,
        version=version,
        form=result.form,
        overall=exact(result.overall.mean),
        axes=tuple(exact(result.axes[a.id].mean) for a in pack.axes),
        levers=tuple(exact(result.levers[lv.id].mean) for lv in pack.levers),
        steps=bytes(int(chosen.get(q.id, 0)) for q in pack.questions),
    )


def same_territory(name: str) -> str:
    """A territory's name as compared: « Île-de-France » typed in NFC or NFD, any case, is one."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def synthesize(items: Iterable[Result | Contribution], pack: Pack, *, refused: Sequence[str] = ()) -> Synthesis:
    """Aggregate scored answer files (one per respondent) into the group's picture, streaming."""
    overall = Tally()
    axes = [Tally() for _ in pack.axes]
    levers = [Tally() for _ in pack.levers]
    questions = [Tally() for _ in pack.questions]
    counts: dict[str, int] = {}
    territories: dict[str, str] = {}  # compared name -> first spelling met
    versions: set[str] = set()
    short = respondents = unscored = 0
    for item in items:
        c = item if isinstance(item, Contribution) else as_contribution(item, pack)
        respondents += 1
        unscored += c.overall is None
        role = c.role
        counts[role] = counts.get(role, 0) + 1
        territories.setdefault(same_territory(c.territory), c.territory)
        if c.version:
            versions.add(c.version)
        short += c.form == "short"
        overall.add(role, c.overall)
        for tally, value in zip(axes, c.axes, strict=True):
            tally.add(role, value)
        for tally, value in zip(levers, c.levers, strict=True):
            tally.add(role, value)
        for tally, step in zip(questions, c.steps, strict=True):
            if step:
                tally.add(role, (step, 1))
    by_question = {q.id: tally.stats() for q, tally in zip(pack.questions, questions, strict=True)}
    lever_views: dict[str, LeverSynthesis] = {}
    for lever, tally in zip(pack.levers, levers, strict=True):
        lever_stats = tally.stats()
        qs = [QuestionStats(q.id, q.text, by_question[q.id]) for q in pack.questions_for(lever.id)]
        qs.sort(key=lambda q: (-(q.stats.role_gap or 0), -(q.stats.spread or 0), q.id))
        lever_views[lever.id] = LeverSynthesis(
            lever.id, lever.number, lever.title, lever.axis, lever_stats, lever_stats.divergent, tuple(qs)
        )
    divergent = tuple(
        lid
        for lid, lv in sorted(lever_views.items(), key=lambda kv: (-(kv[1].stats.role_gap or 0), kv[1].number))
        if lv.divergent
    )
    return Synthesis(
        respondents=respondents,
        roles={role: counts[role] for role in [*ROLES, NO_ROLE] if role in counts},
        territories=tuple(territories.values()),
        files=(),
        overall=overall.stats(),
        axes={a.id: tally.stats() for a, tally in zip(pack.axes, axes, strict=True)},
        levers=lever_views,
        divergent=divergent,
        refused=tuple(refused),
        versions=tuple(sorted(versions)),
        short_forms=short,
        unscored=unscored,
    )


def synthesize_batch(results: Batch[Contribution] | Batch[Result], pack: Pack) -> Synthesis:
    """The synthesis of the valid files of a batch, naming the refused ones; none valid is an error.

    The file names are the batch's own (no copy is made per respondent)."""
    syn = synthesize(results, pack)
    if results.count == 0:
        raise CooplevierError(t("batch.no_valid_file"))
    refused = {r.file for r in results.refused}
    files = [shown(item) for item in results.items if isinstance(item, str) and shown(item) not in refused]
    return dataclasses.replace(syn, files=tuple(files), refused=tuple(r.file for r in results.refused))


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
        "unscored": syn.unscored,
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
