"""The cooperation plan as a document a bureau receives: « Note au bureau », the action table,
the detail with provenance, the law's next deadlines.

One Markdown template (`cooperation_plan.md.j2`) makes every format: HTML from it through
markdown-it (raw HTML off, so nothing a user typed becomes markup), DOCX and ODT through the
office writers, PDF through the browser path of `report/pdf.py`.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from cooplevier import numbers
from cooplevier.content.model import Pack
from cooplevier.content.plan.actions import find
from cooplevier.content.plan.calendar import deadlines, upcoming
from cooplevier.content.plan.planfile import PlanFile
from cooplevier.messages import role_group, role_label
from cooplevier.report.cooperation.draft import Standing

UPCOMING = 6  # the law's next deadlines shown


def plan_context(
    plan: PlanFile, pack: Pack, standing: Standing | None, *, renewal: dt.date, today: dt.date
) -> dict[str, Any]:
    kind = pack.structure_type(plan.structure) if plan.structure else None
    entries = {d.id: d for d in deadlines(pack, plan.structure)} if plan.structure else {}
    rows = []
    for action in plan.actions:
        content = find(pack, action.from_) if action.from_ else None
        lever = pack.lever(action.lever)
        entry = entries.get(content.calendar or "") if content else None
        rows.append(
            {
                "a": action,
                "lever": lever,
                "content": content.worded_for(plan.structure) if content else None,
                "late": action.late(today),
                "cases": [c.name for c in pack.cases_for(lever.id)][:3],
                "legal": entry if content is not None and content.legal and entry is not None else None,
                "due_to_check": entry is not None and entry.to_check and entry.rule is not None,
            }
        )
    ahead = upcoming(pack, plan.structure, renewal, today) if plan.structure else []  # the law depends on the type
    soon = [(day, d) for d, day in ahead if (day - today).days <= 366]
    checkpoint = next(((day, d) for day, d in soon if (day - today).days >= 90), None)
    bodies: dict[str, list[str]] = {}
    for action in plan.actions:
        if action.body and not action.body.lower().startswith("bureau"):
            bodies.setdefault(action.body, []).append(action.id)
    return {
        "plan": plan,
        "pack": pack,
        "structure": kind.label if kind else None,
        "s": standing,
        "who": _who(standing, plan),
        "stands": _stands(standing, pack),
        "divergent": [pack.lever(lid) for lid in (standing.divergent if standing else ()) if pack.has_lever(lid)],
        "priorities": _priorities(standing, plan, pack),
        "rows": rows,
        "bodies": bodies,
        "upcoming": [(day, d) for d, day in ahead][:UPCOMING],
        "soon": soon,  # the law's deadlines of the next twelve months: the note asks they be met
        "checkpoint": checkpoint,  # a deadline far enough ahead to hold the first follow-up before
        "renewal": renewal,
        "today": today,
    }


def _who(standing: Standing | None, plan: PlanFile) -> dict[str, Any]:
    d = plan.diagnosis
    if standing is None and d is None:
        return {"kind": None}
    if standing is not None:
        return {
            "kind": standing.kind,
            "n": standing.respondents,
            "name": standing.name,
            "role": role_label(standing.role) if standing.role else None,
            "pct": round(100 * standing.completeness) if standing.completeness is not None else None,
            "answered": standing.answered,
            "total": standing.total,
            "attendance": [(role_group(r), n) for r, n in standing.attendance.items()],
            "voters": standing.vote.voters if standing.vote is not None else None,
        }
    assert d is not None
    pct = round(100 * float(d.completeness)) if d.completeness else None
    return {
        "kind": d.kind,
        "n": d.respondents,
        "name": d.name,
        "role": role_label(d.role) if d.role else None,
        "pct": pct,
        "answered": None,
        "total": None,
        "attendance": [(role_group(r), n) for r, n in d.attendance.items()],
        "voters": d.votes,
    }


def _stands(standing: Standing | None, pack: Pack) -> dict[str, Any] | None:
    if standing is None or standing.overall is None:
        return None
    axes = [(a, standing.axes.get(a.id)) for a in pack.axes]
    scored = [(a, m) for a, m in axes if m is not None]
    weakest = min(scored, key=lambda x: x[1]) if scored else None
    strongest = max(scored, key=lambda x: x[1]) if len(scored) > 1 else None
    step = standing.overall_step or numbers.step_of(standing.overall) or 1
    return {
        "step": step,
        "label": pack.step_label(step),
        "score": numbers.score_value(standing.overall),
        "weakest": (weakest[0], numbers.step_of(weakest[1]), numbers.score_value(weakest[1])) if weakest else None,
        "strongest": (strongest[0], numbers.step_of(strongest[1]), numbers.score_value(strongest[1]))
        if strongest and weakest and strongest[0] is not weakest[0]
        else None,
    }


def _priorities(standing: Standing | None, plan: PlanFile, pack: Pack) -> list[dict[str, Any]]:
    ids = plan.diagnosis.priorities if plan.diagnosis and plan.diagnosis.priorities else ()
    out = []
    for lid in ids:
        step = standing.step(lid) if standing is not None else None
        out.append(
            {
                "lever": pack.lever(lid),
                "step": step,
                "label": pack.step_label(step) if step else None,
                "next": pack.step_label(step + 1) if step and step < 5 else None,
                "score": numbers.score_value(standing.levers.get(lid)) if standing is not None else None,
                "actions": [a.id for a in plan.actions if a.lever == lid],
            }
        )
    return out


def render_plan_document(
    plan: PlanFile,
    pack: Pack,
    fmt: str,
    standing: Standing | None,
    *,
    renewal: dt.date,
    today: dt.date,
    template_dir: Path | None = None,
) -> str | bytes:
    """The plan in `fmt`: md, html (text), docx, odt, pdf (bytes)."""
    from cooplevier.report.templating import render

    context = plan_context(plan, pack, standing, renewal=renewal, today=today)
    markdown = re.sub(r"\n{3,}", "\n\n", render("cooperation_plan.md.j2", context, template_dir=template_dir))
    if fmt == "md":
        return markdown
    if fmt in ("docx", "odt"):
        return office_document(markdown, fmt)
    html = html_page(markdown, territory=plan.territory, template_dir=template_dir)
    if fmt == "pdf":
        from cooplevier.report.pdf import html_to_pdf

        return html_to_pdf(html)
    return html


def office_document(markdown: str, fmt: str) -> bytes:
    from cooplevier.report.office.document import from_markdown

    document = from_markdown(markdown, images={})
    if fmt == "docx":
        from cooplevier.report.office.docx import to_docx

        return to_docx(document)
    from cooplevier.report.office.odt import to_odt

    return to_odt(document)


def html_page(markdown: str, *, territory: str, kind: str = "plan", template_dir: Path | None = None) -> str:
    """A self-contained, printable HTML page from the Markdown (raw HTML in it stays text)."""
    from markdown_it import MarkdownIt
    from markupsafe import Markup

    from cooplevier.report.templating import render

    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown)
    context = {"territory": territory, "kind": kind, "body": Markup(body)}
    return render("cooperation_page.html.j2", context, template_dir=template_dir)


def render_followup_document(f: Any, pack: Pack, fmt: str, *, template_dir: Path | None = None) -> str | bytes:
    """The follow-up in `fmt`: md, html (text), docx, odt, pdf (bytes)."""
    from cooplevier.report.templating import render

    levers = sorted({a.lever for a in f.plan.actions}, key=lambda lid: pack.lever(lid).number)
    context = {"f": f, "pack": pack, "levers": levers}
    markdown = re.sub(r"\n{3,}", "\n\n", render("cooperation_suivi.md.j2", context, template_dir=template_dir))
    if fmt == "md":
        return markdown
    if fmt in ("docx", "odt"):
        return office_document(markdown, fmt)
    html = html_page(markdown, territory=f.plan.territory, kind="suivi", template_dir=template_dir)
    if fmt == "pdf":
        from cooplevier.report.pdf import html_to_pdf

        return html_to_pdf(html)
    return html
