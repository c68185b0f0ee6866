"""Workshop handouts — lever cards, paper questionnaire, facilitator guide, group poster.

Everything is rendered from the content pack through `templates/handout_*.j2`, so the printed
material never drifts from the tool. The core returns text or bytes and never prints.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal, get_args

from cooplevier.content.model import ROLES, Axis, Form, Lever, Pack, Structure, Text
from cooplevier.content.reading import reading_load
from cooplevier.errors import CooplevierError
from cooplevier.messages import answer_label, role_group, role_label, t
from cooplevier.report.forms import question_form
from cooplevier.scoring.masking import OTHERS
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


@dataclass(frozen=True, slots=True)
class Sheet:
    """A deck item printed as a sheet of its own, cut by what each line is: a lead-in (ends
    with « : »), a question of the deck (« ? »), a sentence (« . »), or an item of a list."""

    title: str
    lead: tuple[Text, ...]
    items: tuple[Text, ...]
    questions: tuple[Text, ...]
    sentences: tuple[Text, ...]
    texts: tuple[Text, ...]  # all of them, in the deck's order


def sheet(title: str, texts: Sequence[Text]) -> Sheet:
    def kind(text: str) -> str:
        end = text.rstrip()[-1:]
        return {":": "lead", "?": "questions", ".": "sentences"}.get(end, "items")

    parts: dict[str, list[Text]] = {"lead": [], "items": [], "questions": [], "sentences": []}
    for x in texts:
        parts[kind(x.text)].append(x)
    return Sheet(
        title,
        tuple(parts["lead"]),
        tuple(parts["items"]),
        tuple(parts["questions"]),
        tuple(parts["sentences"]),
        tuple(texts),
    )


def sheets(pack: Pack) -> dict[str, Sheet]:
    """The deck's material for the tables that is not a lever: each specific, by its id."""
    return {sp.id: sheet(sp.title, sp.items) for sp in pack.framework.specifics}


def context(
    kind: Kind,
    pack: Pack,
    *,
    lever_id: str | None = None,
    synthesis: Synthesis | None = None,
    today: dt.date | None = None,
    structure: Structure | None = None,
    form: Form | None = None,
) -> dict[str, Any]:
    """Everything a handout template needs (the questionnaire and the guide: for one type)."""
    the_form = question_form(pack, structure, form)
    ctx: dict[str, Any] = {
        "pack": pack,
        "framework": pack.framework,
        "observed": pack.observed,
        "meta": pack.meta,
        "axes": pack.axes,
        "levers": pack.levers,
        "staircase": pack.staircase,
        "roles": tuple((role, role_label(role)) for role in ROLES),
        "na_label": answer_label("na"),
        "unknown_label": answer_label("unknown"),
        "form": the_form,
        "question_count": the_form.count,
        "minutes": reading_load(pack.form(structure, form)).minutes,
        "today": (today or dt.date.today()).isoformat(),
    }
    if kind == "cards":
        ctx["cards"] = cards(pack, lever_id)
        ctx["sheets"] = sheets(pack)
        ctx["lever_only"] = lever_id is not None
    elif kind == "questionnaire":
        ctx["sections"] = the_form.sections
    elif kind == "guide":
        ctx["sections"] = the_form.sections
        ctx.update(_reading_minutes(pack, structure, form))  # the phone workshop's timings
        ctx["axes_lines"] = [
            f"{axis.title} : " + ", ".join(f"{lid} {pack.lever(lid).short_title}" for lid in axis.levers)
            for axis in pack.axes
        ]
        ctx["step_lines"] = [f"{s.level}. {s.label.text} — {s.description.text}" for s in pack.staircase]
        ctx["lever_lines"] = [f"{lv.id} — {lv.title}" for lv in pack.levers]
        ctx["trend_rows"] = [
            (f"{tr.id}. {tr.text}", ", ".join(f"{lid} {pack.lever(lid).short_title}" for lid in tr.levers), "")
            for tr in pack.framework.trends
        ]
        ctx["impulsion_lines"] = [  # the first axis's notes: its drivers, its portage, its démultiplication
            f"{note.title} : " + " ; ".join(x.text.rstrip(".") for x in note.items if not x.text.endswith(":")) + "."
            for axis in pack.axes[:1]
            for note in axis.notes
        ]
    elif kind == "poster":
        if synthesis is None:
            raise CooplevierError(t("handout.poster_needs_answers"))
        ctx.update(poster_context(synthesis, pack))
    return ctx


def _reading_minutes(pack: Pack, structure: Structure | None, form: Form | None) -> dict[str, int | None]:
    """The time the guide announces, from the one measure of a form's length (content.reading)."""
    from cooplevier.content.reading import reading_load

    short = pack.form(structure, "short") if form != "short" else ()
    return {
        "reading_minutes": reading_load(pack.form(structure, form)).minutes,
        "short_minutes": reading_load(short).minutes if short else None,
    }


def render_handout(
    kind: Kind,
    pack: Pack,
    *,
    fmt: Format = "html",
    lever_id: str | None = None,
    synthesis: Synthesis | None = None,
    template_dir: Path | None = None,
    structure: Structure | None = None,
    form: Form | None = None,
) -> str | bytes:
    """The handout `kind` as HTML or Markdown text, or PDF bytes (the poster needs `synthesis`)."""
    from cooplevier.report.templating import render

    ctx = context(kind, pack, lever_id=lever_id, synthesis=synthesis, structure=structure, form=form)
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
    """The group picture, from the workshop synthesis (same figures, same divergence rule).

    `syn` is the synthesis as it may be pinned up: masked (`scoring.circulate.mask`, K ≥ 2: no
    minimum, no maximum, no figure for a group below K) or the facilitator's working copy (K = 1,
    said at the top of the poster)."""
    from cooplevier.report.synthesis import columns
    from cooplevier.report.wheel import WheelSeries, wheel_svg

    masked = syn.min_group > 1
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
                    "min": None if masked else lever.stats.min,
                    "max": None if masked else lever.stats.max,
                    "spread": None if masked else lever.stats.spread,
                    "answered": lever.stats.n,
                    "divergent": lever.divergent,
                    "by_role": dict(lever.stats.by_role),  # masked: groups of K or more, « Autres rôles »
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
    # a count is never an answer, but a masked poster names only the roles of K people or more
    shown = syn.attendance if masked else dict(syn.roles)
    attendance = {role: shown[role] for role in (*ROLES, NO_ROLE) if role in shown}
    territories = [protect(name) for name in sorted(syn.territories)]  # printed as typed
    wheel = wheel_svg(pack, [WheelSeries(t("wheel.group_mean"), means)], title=t("wheel.poster_title"), size=420)
    return {
        "respondents": syn.respondents,
        "masked": masked,
        "min_group": syn.min_group,
        "attendance": attendance,
        "others": syn.respondents - sum(attendance.values()),
        "merged": OTHERS in columns(syn),
        "held_back": syn.held_back,
        "territories": territories,
        "rows": rows,
        "axes_rows": axes_rows,
        "weakest": weakest,
        "divergent": [row for row in rows if row["divergent"]],
        "divergence_gap": ROLE_GAP,
        "divergence_spread": SPREAD,
        "divergence_rule": t("synthesis.rule"),
        "wheel": wheel,
        "role_labels": {**{role: role_group(role) for role in [*ROLES, NO_ROLE]}, OTHERS: t("atelier.group.others")},
    }
