"""Workshop synthesis: where élus, technicians and civil society agree, and where they diverge.

Divergence rule (docs/batch.md): a lever is divergent when the means of two roles (each with at
least one respondent who scored it) are `ROLE_GAP` steps apart or more, or when the individual
scores span `SPREAD` steps or more. Random noise of ±1 around a shared view stays below both.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cooplevier.answers import ROLES
from cooplevier.content import Pack
from cooplevier.errors import CooplevierError, ErrorGroup
from cooplevier.messages import labels, t
from cooplevier.scoring import Result

if TYPE_CHECKING:
    from cooplevier.batch import Failed

ROLE_GAP = 1.5
SPREAD = 2.5
TOP_QUESTIONS = 3
NO_ROLE = "sans-role"  # respondents who gave no role: counted, never compared as a group
ROLE_LABELS = labels("role.group", [*ROLES, NO_ROLE])


@dataclass(frozen=True, slots=True)
class Stats:
    """Scores of one lever, axis or question across respondents (None where nobody scored it)."""

    n: int
    mean: float | None
    min: float | None
    max: float | None
    spread: float | None
    by_role: Mapping[str, float]
    role_gap: float | None  # highest role mean minus lowest, over roles (not NO_ROLE)
    divergent: bool = False  # the rule, decided on exact values (the fields above are rounded)


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


class PartialSynthesis(ErrorGroup):
    """Some files were refused: the synthesis of the valid ones is in `text`; exit 1 anyway."""

    def __init__(self, errors: Sequence[CooplevierError], text: str) -> None:
        super().__init__(errors)
        self.text = text


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def stats(values: Sequence[tuple[str, Fraction | int | float | None]]) -> Stats:
    """Stats of (role, score) pairs; None scores (nothing answered) are left out.

    Scores come exact (the scoring engine's fractions): means, gaps and the divergence rule are
    computed exactly and only rounded for display, so a gap of 1.496 is never taken for 1.5.
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
    return Stats(
        len(numbers),
        _r(float(sum(numbers, Fraction(0)) / len(numbers))),
        _r(float(low)),
        _r(float(high)),
        _r(float(high - low)),
        {r: round(float(m), 2) for r, m in means.items()},
        None if gap is None else round(float(gap), 2),
        divergent,
    )


def is_divergent(s: Stats) -> bool:
    return s.divergent


def synthesize(results: Sequence[Result], pack: Pack, *, refused: Sequence[str] = ()) -> Synthesis:
    """Aggregate several scored answer files (one per respondent) into the group's picture."""
    roles = [r.role or NO_ROLE for r in results]
    counts = {role: roles.count(role) for role in [*ROLES, NO_ROLE] if role in roles}
    levers: dict[str, LeverSynthesis] = {}
    for lever in pack.levers:
        lever_stats = stats([(role, r.levers[lever.id].mean) for role, r in zip(roles, results, strict=True)])
        questions = []
        for q in pack.questions_for(lever.id):
            pairs = []
            for role, r in zip(roles, results, strict=True):
                qs = next(x for x in r.levers[lever.id].questions if x.id == q.id)
                pairs.append((role, float(qs.value) if isinstance(qs.value, int) else None))
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
    )


def _stats_data(s: Stats) -> dict[str, Any]:
    return {
        "n": s.n,
        "mean": s.mean,
        "min": s.min,
        "max": s.max,
        "spread": s.spread,
        "by_role": dict(s.by_role),
        "role_gap": s.role_gap,
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
    }


def shade(value: float | None) -> int:
    """Heatmap shade 0 (step 1, light) to 4 (step 5, dark): a grey ramp, legible when printed."""
    return 0 if value is None else max(0, min(4, round(value - 1)))


def render_synthesis(
    items: Sequence[Path | Failed],
    *,
    pack: Pack,
    fmt: str,
    template_dir: Path | None = None,
    on_error: Callable[[str], None] | None = None,
) -> str:
    """The synthesis of the valid files among `items` (answer files, or refusals as
    `batch.collect` returns them), as md, html or json text.

    Refused files never stop the synthesis. With `on_error`, each refused file's message is
    passed to it and the text is returned (the caller then exits 1). Without it, the text is
    produced all the same and a `PartialSynthesis` carrying it (`.text`) is raised.
    """
    from cooplevier import batch

    refused: list[batch.Failed] = []

    def refuse(failed: batch.Failed) -> None:
        refused.append(failed)
        if on_error is not None:
            on_error(failed.message)

    results = batch.score_all(items, pack=pack, on_error=refuse)
    syn = synthesize(results, pack, refused=[f.file for f in refused])
    text = render_text(syn, pack, fmt=fmt, template_dir=template_dir)
    if refused and on_error is None:
        summary = CooplevierError(t("synthesis.refused", count=len(refused), ok=len(results)))
        raise PartialSynthesis([*(CooplevierError(f.message) for f in refused), summary], text)
    return text


def render_text(syn: Synthesis, pack: Pack, *, fmt: str, template_dir: Path | None = None) -> str:
    if fmt == "json":
        import json

        return json.dumps(synthesis_data(syn), ensure_ascii=False, indent=2) + "\n"
    from cooplevier.render import render

    rule = {"gap": ROLE_GAP, "spread": SPREAD}
    context: dict[str, Any] = {"syn": syn, "pack": pack, "role_labels": ROLE_LABELS, "rule": rule}
    if fmt == "html":
        from cooplevier.wheel import WheelSeries, wheel_svg

        series = [WheelSeries("Moyenne du groupe", {lid: lv.stats.mean for lid, lv in syn.levers.items()})]
        for role in syn.roles:
            if role != NO_ROLE:
                label = f"{ROLE_LABELS.get(role, role)} ({syn.roles[role]})"
                series.append(WheelSeries(label, {lid: lv.stats.by_role.get(role) for lid, lv in syn.levers.items()}))
        context["wheel"] = wheel_svg(pack, series, title="La roue du groupe : moyenne et moyenne par rôle")
        context["shade"] = shade
        return render("synthesis.html.j2", context, template_dir=template_dir)
    return render("synthesis.md.j2", context, template_dir=template_dir)
