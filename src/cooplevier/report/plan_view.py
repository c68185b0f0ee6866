"""The action plan rendered: the JSON of `report --format json`, or the Markdown and HTML plan."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from cooplevier import numbers
from cooplevier.content.model import Pack, Text
from cooplevier.messages import t
from cooplevier.report.plan import Plan
from cooplevier.scoring.engine import to_dict


def plan_data(plan: Plan) -> dict[str, Any]:
    """The `report --format json` object for one file: the score dict plus the plan."""

    def text(item: Text) -> dict[str, str]:
        return {"text": item.text, "source": item.source}

    return {
        **to_dict(plan.result),
        "plan": {
            "profile": {
                "overall_step_label": plan.overall_step_label,
                "weakest_axis": plan.weakest_axis.id if plan.weakest_axis else None,
                "axes": [
                    {"id": a.id, "title": a.title, "score": a.score, "step": a.step, "step_label": a.step_label}
                    for a in plan.axes
                ],
            },
            "priorities": [
                {
                    "rank": p.rank,
                    "lever": p.lever.id,
                    "title": p.lever.title,
                    "reason": p.reason,
                    "score": p.score,
                    "step": p.step,
                    "target": p.target,
                    "next_step": p.next_step.level if p.next_step else None,
                    "next_step_label": p.next_step.label.text if p.next_step else None,
                    "practices": [text(x) for x in p.practices],
                    "vigilance": [text(x) for x in p.vigilance],
                    "cases": [
                        *({"id": c.id, "name": c.name, "source": "seed"} for c in p.cited),
                        *(
                            {"id": x.case.id, "name": x.case.name, "source": "editorial", "note": x.note}
                            for x in p.proposed
                        ),
                    ],
                    "trends": [tr.id for tr in p.trends],
                    "to_verify": [q.id for q in p.to_verify],
                    "comments": [{"question": c.question.id, "comment": c.comment} for c in p.comments],
                }
                for p in plan.priorities
            ],
            "other_priorities": [lv.id for lv in plan.other_priorities],
            "roadmap": [
                {
                    "quarter": q.id,
                    "months": q.months,
                    "items": [
                        {
                            "kind": it.kind,
                            "lever": it.lever.id if it.lever else None,
                            "question": it.step.question.id if it.step else None,
                            "action": it.action.id if it.action else None,
                            "next_choice": {"text": it.step.next, "source": it.step.question.source}
                            if it.step and it.step.next
                            else None,
                        }
                        for it in q.items
                    ],
                }
                for q in plan.roadmap
            ],
            "renewal": {"lever": plan.renewal.lever, "text": plan.renewal.text, "source": plan.renewal.source}
            if plan.renewal
            else None,
            "trends": [{"id": tr.id, "text": tr.text, "source": tr.source} for tr in plan.trends],
            "comments": [{"question": q.id, "comment": c} for q, c in plan.comments],
        },
    }


def plan_series(plan: Plan) -> list[Any]:
    """The wheel of one plan: the territory's lever scores."""
    from cooplevier.report.wheel import WheelSeries

    return [WheelSeries(plan.territory, {lid: lv.mean for lid, lv in plan.result.levers.items()})]


def render_plan(plan: Plan, *, pack: Pack, fmt: str, template_dir: Path | None = None, wheel_src: str = "") -> str:
    """The action plan as md, html or json text (docx and odt: `office.plan_document`).

    In Markdown the wheel is the image `wheel_src` (a file beside the report, or a data URI);
    without one, the report has no picture.
    """
    if fmt == "json":
        return json.dumps(plan_data(plan), ensure_ascii=False, indent=2) + "\n"
    from cooplevier.report.plan import marked
    from cooplevier.report.templating import md_escape, render
    from cooplevier.report.wheel import wheel_svg
    from cooplevier.typography import protect

    plan = marked(plan, protect)  # what the respondent typed is printed as typed
    markdown = fmt == "md"
    title = t("wheel.plan_title", territory=plan.territory)
    context: dict[str, Any] = {
        "plan": plan,
        "pack": pack,
        "wheel": wheel_src if markdown else wheel_svg(pack, plan_series(plan), title=title),
        "wheel_alt": title,
        "e": md_escape if markdown else (lambda value: value),
        "score": numbers.score,
        "pct": numbers.percent,
        "num": numbers.decimal,
    }
    text = render("plan.md.j2" if markdown else "plan.html.j2", context, template_dir=template_dir)
    return re.sub(r"\n{3,}", "\n\n", text) if markdown else text
