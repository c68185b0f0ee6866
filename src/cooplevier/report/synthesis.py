"""The workshop synthesis rendered: JSON of the contract, or the Markdown and HTML reports."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from cooplevier.content.model import ROLES, Pack
from cooplevier.messages import role_group, t
from cooplevier.numbers import Number, score_value, step_of
from cooplevier.scoring import agreement
from cooplevier.scoring.masking import OTHERS
from cooplevier.scoring.synthesis import NO_ROLE, Comment, LeverSynthesis, Stats, Synthesis

LOWEST = 3  # levers named after the flagged ones in « À discuter en premier »


def shade(value: Number | None) -> int:
    """Heatmap shade 0 (step 1, light) to 4 (step 5, dark), by the step reached: a grey ramp."""
    step = step_of(value)
    return 0 if step is None else max(0, min(4, step - 1))


def group_series(syn: Synthesis, pack: Pack) -> list[Any]:
    """The wheel's series: the group mean first, then one per role."""
    from cooplevier.report.wheel import WheelSeries

    series = [WheelSeries(t("wheel.group_mean"), {lid: lv.stats.mean for lid, lv in syn.levers.items()})]
    for role, count in syn.roles.items():
        if role != NO_ROLE and (syn.min_group <= 1 or role in syn.attendance):
            label = t("wheel.role_series", role=role_group(role), count=count)
            series.append(WheelSeries(label, {lid: lv.stats.by_role.get(role) for lid, lv in syn.levers.items()}))
    return series


def write_json(syn: Synthesis, stream: IO[str], *, notes: str | None = None) -> None:
    """The synthesis JSON, streamed: fifty thousand file names are never one string in memory."""
    json.dump(_json_data(syn, notes), stream, ensure_ascii=False, indent=2)
    stream.write("\n")


def _json_data(syn: Synthesis, notes: str | None) -> dict[str, Any]:
    return {**synthesis_data(syn), "conclusions": notes}


def columns(syn: Synthesis) -> list[str]:
    """The role columns of the tables: every role in the working copy; the shown groups when masked."""
    if syn.min_group <= 1:
        return list(syn.roles)
    rows = [syn.overall, *syn.axes.values(), *(lv.stats for lv in syn.levers.values())]
    return [r for r in (*ROLES, OTHERS) if any(r in s.by_role for s in rows)]


def comment_groups(syn: Synthesis, pack: Pack) -> list[tuple[Any, list[tuple[Any, list[Comment]]]]]:
    """The comments by lever, then question, in questionnaire order."""
    by_question: dict[str, list[Comment]] = {}
    for c in syn.comments:
        by_question.setdefault(c.question, []).append(c)
    groups = []
    for lever in pack.levers:
        questions = [(q, by_question[q.id]) for q in pack.questions_for(lever.id) if q.id in by_question]
        if questions:
            groups.append((lever, questions))
    return groups


def _flagged(syn: Synthesis) -> tuple[list[LeverSynthesis], list[LeverSynthesis]]:
    """« À discuter en premier »: the levers flagged by a rule, then the next lowest ones."""
    order = [syn.levers[lid] for lid in syn.discuss_first]
    flagged = [lv for lv in order if lv.divergent or lv.roles_differ]
    lowest = [lv for lv in order if lv not in flagged and lv.stats.mean is not None][:LOWEST]
    return flagged, lowest


def _form_label(syn: Synthesis) -> str:
    scored = syn.respondents
    if syn.short_forms == 0:
        return t("synthesis.form_full")
    if syn.short_forms >= scored:
        return t("synthesis.form_short")
    return t("synthesis.form_mixed", full=scored - syn.short_forms, short=syn.short_forms)


def marked(syn: Synthesis, mark: Callable[[str], str]) -> Synthesis:
    """The synthesis with the texts that come from the files (territories, file names) marked."""
    return dataclasses.replace(
        syn,
        territories=tuple(map(mark, syn.territories)),
        files=tuple(map(mark, syn.files)),
        refused=tuple(map(mark, syn.refused)),
        comments=tuple(dataclasses.replace(c, text=mark(c.text)) for c in syn.comments),
    )


def render_synthesis(
    syn: Synthesis,
    pack: Pack,
    *,
    fmt: str,
    template_dir: Path | None = None,
    wheel_src: str = "",
    notes: str | None = None,
) -> str:
    """The synthesis as md, html or json text (docx and odt: `office.synthesis_document`).

    In Markdown the group's wheel is the image `wheel_src`, if given. `notes`: the facilitator's
    « Conclusions de l'atelier » (plain text or Markdown), else lines to fill in.
    """
    if fmt == "json":
        return json.dumps(_json_data(syn, notes), ensure_ascii=False, indent=2) + "\n"
    from cooplevier.report.templating import render
    from cooplevier.typography import protect

    syn = marked(syn, protect)  # territories, file names and comments are printed as typed
    roles = {role: role_group(role) for role in (*syn.roles, *ROLES)}
    roles[OTHERS] = t("atelier.group.others")
    flagged, lowest = _flagged(syn)
    masked = syn.min_group > 1
    attendance = syn.attendance if masked else dict(syn.roles)
    structure_labels = []
    for sid in syn.structures:
        kind = pack.structure_type(sid)  # type: ignore[arg-type]
        structure_labels.append(kind.label if kind else sid)
    context: dict[str, Any] = {
        "syn": syn,
        "pack": pack,
        "role_labels": roles,
        "rule_text": t("synthesis.rule"),
        "rule_roles_text": t("synthesis.rule_roles"),
        "masked": masked,
        "attendance": attendance,
        "others": syn.respondents - sum(attendance.values()),
        "columns": columns(syn),
        "flagged": flagged,
        "lowest": lowest,
        "comment_groups": comment_groups(syn, pack),
        "structure_labels": structure_labels,
        "form_label": _form_label(syn),
        "notes": protect(notes.strip()) if notes and notes.strip() else None,
    }
    if fmt == "html":
        from cooplevier.report.wheel import wheel_svg

        context["wheel"] = wheel_svg(pack, group_series(syn, pack), title=t("wheel.group_title"))
        context["shade"] = shade
        context["notes_html"] = notes_html(context["notes"])
        return render("synthesis.html.j2", context, template_dir=template_dir)
    context["wheel"] = wheel_src
    context["wheel_alt"] = t("wheel.group_title")
    return render("synthesis.md.j2", context, template_dir=template_dir)


def notes_html(notes: str | None) -> Any:
    """The facilitator's notes as HTML: Markdown, with any HTML they hold escaped, links inert."""
    if not notes:
        return None
    from markdown_it import MarkdownIt
    from markupsafe import Markup

    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable(["image"])
    md.validateLink = lambda url: False  # type: ignore[method-assign]  # no link leaves the page
    return Markup(md.render(notes))


def rule_data() -> dict[str, Any]:
    """The two divergence rules, in a sentence each and as numbers (docs/scoring.md)."""
    return {
        "text": t("synthesis.rule"),
        "roles_text": t("synthesis.rule_roles"),
        "min_scored": agreement.MIN_SCORED,
        "gap": float(agreement.GAP),
        "share": 0.25,
        "min_people": 2,
        "role_min": agreement.ROLE_MIN,
        "role_median_gap": float(agreement.ROLE_MEDIAN_GAP),
        "role_delta": float(agreement.ROLE_DELTA),
    }


def _stats_data(s: Stats) -> dict[str, Any]:
    """One row's figures; a masked synthesis's merged small roles (« Autres rôles ») are `others`,
    never a key of `by_role`, which holds role ids only."""
    return {
        "n": s.n,
        "mean": score_value(s.mean),
        "min": score_value(s.min),
        "max": score_value(s.max),
        "spread": score_value(s.spread),
        "by_role": {role: score_value(m) for role, m in s.by_role.items() if role != OTHERS},
        "others": score_value(s.by_role.get(OTHERS)),
        "role_gap": score_value(s.role_gap),
        "dispersion": score_value(s.dispersion),
        "divergent": s.divergent,
        "roles_differ": [list(pair) for pair in s.roles_differ],
    }


def comment_role(syn: Synthesis, role: str | None) -> str | None:
    """A comment's role as shown: only for a role of at least `min_group` people, never « sans rôle »."""
    return role if role is not None and role in syn.attendance else None


def synthesis_data(syn: Synthesis) -> dict[str, Any]:
    """The `report --format json` object over several files (contracts.md)."""
    return {
        "respondents": syn.respondents,
        "unscored": syn.unscored,
        "min_group": syn.min_group,
        "masked": syn.min_group > 1,
        "held_back": syn.held_back,
        "attendance": syn.attendance,
        "roles": dict(syn.roles) if syn.min_group <= 1 else syn.attendance,
        "territories": list(syn.territories),
        "structures": list(syn.structures),
        "dates": {"first": syn.dates[0], "last": syn.dates[-1]} if syn.dates else None,
        "files": list(syn.files),
        "refused": list(syn.refused),
        "rule": rule_data(),
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
        "discuss_first": list(syn.discuss_first),
        "comments": [
            {"lever": c.lever, "question": c.question, "text": c.text, "role": comment_role(syn, c.role)}
            for c in syn.comments
        ],
        "short_forms": syn.short_forms,
    }
