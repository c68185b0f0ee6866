"""Workshop handouts — lever cards, paper questionnaire, facilitator guide, group poster.

Everything is rendered from the content pack through `templates/handout_*.j2`, so the printed
material never drifts from the tool. The core returns text or bytes and never prints.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal, get_args

from cooplevier.content.model import ROLES, Axis, Lever, Pack
from cooplevier.errors import CooplevierError
from cooplevier.messages import answer_label, role_label, t
from cooplevier.scoring.synthesis import NO_ROLE, ROLE_GAP, SPREAD, Synthesis
from cooplevier.typography import protect

Kind = Literal["cards", "questionnaire", "guide", "poster"]
KINDS: tuple[Kind, ...] = get_args(Kind)
Format = Literal["html", "md", "pdf"]

# A card must fit on one A4 page: the longer its text, the smaller its type. The thresholds are
# characters of content (rationale, practices, cases, vigilance, discussion) measured on the
# shipped pack and checked by printing every card with Chromium (tests/test_handouts_browser.py).
DENSITY_STEPS: tuple[tuple[int, str], ...] = ((2600, "airy"), (3800, "normal"), (4700, "dense"))
DENSITY_MAX = "tight"


@dataclass(frozen=True, slots=True)
class CardCase:
    name: str
    kind: str | None
    summary: str
    editorial: bool
    note: str | None


@dataclass(frozen=True, slots=True)
class Card:
    lever: Lever
    axis_title: str
    cases: tuple[CardCase, ...]
    density: str
    question_ids: tuple[str, ...]


def _density(chars: int) -> str:
    for limit, name in DENSITY_STEPS:
        if chars <= limit:
            return name
    return DENSITY_MAX


def cards(pack: Pack, lever_id: str | None = None) -> list[Card]:
    """One card per lever (or just `lever_id`), with the cases that illustrate it."""
    levers = [pack.lever(lever_id)] if lever_id else list(pack.levers)
    result: list[Card] = []
    for lv in levers:
        cases = []
        for case in pack.cases_for(lv.id):
            link = next(ln for ln in case.levers if ln.lever == lv.id)
            cases.append(CardCase(case.name, case.kind, case.summary.text, link.source == "editorial", link.note))
        texts = [*lv.rationale, *lv.practices, *lv.vigilance, *lv.discussion]
        chars = sum(len(x.text) for x in texts) + sum(len(c.summary) + len(c.note or "") for c in cases)
        chars += len(lv.title) + 40 * len(texts)  # each item costs a line end, roughly
        question_ids = tuple(q.id for q in pack.questions_for(lv.id))
        result.append(Card(lv, pack.axis(lv.axis).title, tuple(cases), _density(chars), question_ids))
    return result


def questionnaire_sections(pack: Pack) -> list[dict[str, Any]]:
    """Axis -> levers -> questions, in questionnaire order."""
    return [
        {
            "axis": axis,
            "levers": [
                {"lever": pack.lever(lid), "questions": list(pack.questions_for(lid))} for lid in axis.levers
            ],
        }
        for axis in pack.axes
    ]


def context(
    kind: Kind,
    pack: Pack,
    *,
    lever_id: str | None = None,
    synthesis: Synthesis | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Everything a handout template needs."""
    ctx: dict[str, Any] = {
        "pack": pack,
        "meta": pack.meta,
        "axes": pack.axes,
        "levers": pack.levers,
        "staircase": pack.staircase,
        "roles": tuple((role, role_label(role)) for role in ROLES),
        "na_label": answer_label("na"),
        "unknown_label": answer_label("unknown"),
        "question_count": len(pack.questions),
        "today": (today or dt.date.today()).isoformat(),
    }
    if kind == "cards":
        ctx["cards"] = cards(pack, lever_id)
    elif kind == "questionnaire":
        ctx["sections"] = questionnaire_sections(pack)
    elif kind == "guide":
        ctx["sections"] = questionnaire_sections(pack)
        ctx["axes_lines"] = [
            f"{axis.title} : " + ", ".join(f"{lid} {pack.lever(lid).short_title}" for lid in axis.levers)
            for axis in pack.axes
        ]
        ctx["step_lines"] = [f"{s.level}. {s.label.text} — {s.description.text}" for s in pack.staircase]
        ctx["lever_lines"] = [f"{lv.id} — {lv.title}" for lv in pack.levers]
    elif kind == "poster":
        if synthesis is None:
            raise CooplevierError(t("handout.poster_needs_answers"))
        ctx.update(poster_context(synthesis, pack))
    return ctx


def render_handout(
    kind: Kind,
    pack: Pack,
    *,
    fmt: Format = "html",
    lever_id: str | None = None,
    synthesis: Synthesis | None = None,
    template_dir: Path | None = None,
) -> str | bytes:
    """The handout `kind` as HTML or Markdown text, or PDF bytes (the poster needs `synthesis`)."""
    from cooplevier.report.templating import render

    ctx = context(kind, pack, lever_id=lever_id, synthesis=synthesis)
    if fmt == "md":
        text = render(f"handout_{kind}.md.j2", ctx, template_dir=template_dir)
        return re.sub(r"\n{3,}", "\n\n", text)
    html = render(f"handout_{kind}.html.j2", ctx, template_dir=template_dir)
    if fmt == "pdf":
        from cooplevier.report.pdf import html_to_pdf

        return html_to_pdf(html)
    return html


# ---------------------------------------------------------------- poster


def poster_context(syn: Synthesis, pack: Pack) -> dict[str, Any]:
    """The group picture, from the workshop synthesis (same figures, same divergence rule)."""
    from cooplevier.report.wheel import WheelSeries, wheel_svg

    rows = []
    means: dict[str, Fraction | None] = {}
    for axis in pack.axes:
        for lid in axis.levers:
            lever = syn.levers[lid]
            means[lid] = lever.stats.mean
            rows.append(
                {
                    "lever": pack.lever(lid),
                    "axis": axis,
                    "mean": lever.stats.mean,
                    "min": lever.stats.min,
                    "max": lever.stats.max,
                    "spread": lever.stats.spread,
                    "answered": lever.stats.n,
                    "divergent": lever.divergent,
                    "by_role": dict(lever.stats.by_role),
                }
            )
    axes_rows: list[dict[str, Any]] = []
    weakest: Axis | None = None
    weakest_mean: Fraction | None = None
    for axis in pack.axes:
        axis_mean = syn.axes[axis.id].mean
        axes_rows.append({"axis": axis, "mean": axis_mean})
        if axis_mean is not None and (weakest_mean is None or axis_mean < weakest_mean):
            weakest, weakest_mean = axis, axis_mean
    roles = dict(syn.roles)
    territories = [protect(name) for name in sorted(syn.territories)]  # printed as typed
    wheel = wheel_svg(pack, [WheelSeries(t("wheel.group_mean"), means)], title=t("wheel.poster_title"), size=420)
    return {
        "respondents": syn.respondents,
        "roles_count": roles,
        "territories": territories,
        "rows": rows,
        "axes_rows": axes_rows,
        "weakest": weakest,
        "divergent": [row for row in rows if row["divergent"]],
        "divergence_gap": ROLE_GAP,
        "divergence_spread": SPREAD,
        "wheel": wheel,
        "role_labels": {role: role_label(role) for role in [*ROLES, NO_ROLE]},
    }


# ---------------------------------------------------------------- blank answer file


def blank_answers(pack: Pack) -> str:
    """An `answers/1` file to complete in a text editor: every question as comments."""
    from cooplevier.content.answers import FORMAT
    from cooplevier.report.templating import render

    context = {
        "pack": pack,
        "format": FORMAT,
        "roles": ROLES,
        "sections": questionnaire_sections(pack),
        "na_label": answer_label("na"),
        "unknown_label": answer_label("unknown"),
        "one_line": _one_line,
    }
    return render("answers_blank.yaml.j2", context)


def _one_line(text: str) -> str:
    return " ".join(text.split())
