"""What each participant page shows, as plain data for its template (no HTML here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cooplevier.atelier.participants import Participant
from cooplevier.atelier.workshop import Workshop
from cooplevier.content.model import Pack
from cooplevier.messages import answer_label, t
from cooplevier.scoring.engine import score


@dataclass(frozen=True, slots=True)
class CaseView:
    name: str
    kind: str | None
    summary: str
    editorial: bool  # the link to this lever is the project's reading, not the deck's
    note: str | None


def cases_of(pack: Pack, lever_id: str) -> list[CaseView]:
    """The deck's territories for a lever, the deck's own citations first."""
    found = []
    for case in pack.cases_for(lever_id):
        link = next(link for link in case.levers if link.lever == lever_id)
        editorial = link.source == "editorial"
        said = case.summary if editorial else pack.cited_as(case, lever_id)
        found.append(CaseView(case.name, case.kind, said.text, editorial, link.note))
    return sorted(found, key=lambda c: c.editorial)


def _numbering(w: Workshop, lever_id: str) -> dict[str, Any]:
    levers = list(dict.fromkeys(s.lever for s in w.registry.steps))
    return {"lever_number": levers.index(lever_id) + 1, "lever_total": len(levers)}


_DETAILS: dict[tuple[int, str], Any] = {}


def lever_details(pack: Pack, lever_id: str) -> Any:
    """The lever's practices, vigilance points and territories, rendered once (they never change)."""
    key = (id(pack), lever_id)
    found = _DETAILS.get(key)
    if found is None:
        from markupsafe import Markup

        from cooplevier.atelier.views import render

        html = render("_lever_details.html.j2", {"lever": pack.lever(lever_id), "cases": cases_of(pack, lever_id)})
        found = _DETAILS[key] = Markup(html)  # our own template, autoescaped
    return found


def _lever_view(w: Workshop, lever_id: str) -> dict[str, Any]:
    pack = w.pack
    lever = pack.lever(lever_id)
    return {
        "lever": lever,
        "axis": pack.axis(lever.axis),
        "details": lever_details(pack, lever_id),
        **_numbering(w, lever_id),
    }


def lever_context(w: Workshop, index: int, *, back: str | None, forward: str) -> dict[str, Any]:
    step = w.registry.steps[index]
    asked = [q for q in w.registry.questions if q.lever == step.id]
    return {
        **_lever_view(w, step.id),
        "count": len(asked),
        "back": back,
        "forward": forward,
        "progress": _progress(w, None),
    }


def _progress(w: Workshop, person: Participant | None) -> dict[str, int]:
    total = len(w.registry.questions)
    done = sum(1 for q in w.registry.questions if person and q.id in person.answers)
    return {"done": done, "total": total}


def question_context(
    w: Workshop, person: Participant, index: int, typed: dict[str, str] | None, *, back: str
) -> dict[str, Any]:
    step = w.registry.steps[index]
    q = w.registry.by_id[step.id]
    old = person.answers.get(q.id)
    value = typed["value"] if typed else (str(old.value) if old else "")
    comment = typed["comment"] if typed else (old.comment or "" if old else "")
    number = [x.id for x in w.registry.questions].index(q.id) + 1
    choices = [(str(c.level), c.label, w.pack.step_label(c.level)) for c in q.choices]
    others = [(v, answer_label(v)) for v in ("na", "unknown")]
    progress = _progress(w, person)
    return {
        **_lever_view(w, step.lever),
        "q": q,
        "number": number,
        "choices": choices,
        "others": others,
        "value": value,
        "comment": comment,
        "back": back if index > 0 else None,
        "progress": progress,
        "in_lever": [x.id for x in w.registry.questions if x.lever == q.lever].index(q.id) + 1,
        "lever_questions": sum(1 for x in w.registry.questions if x.lever == q.lever),
    }


def done_context(w: Workshop, person: Participant, *, base: str) -> dict[str, Any]:
    """The participant's own summary: their scores, their wheel, what is left to answer."""
    from cooplevier.report.wheel import WheelSeries, wheel_svg

    pack = w.pack
    result = score(w.registry.answer_file(person), pack)
    asked = {
        lid: [q for q in w.registry.questions if q.lever == lid]
        for lid in dict.fromkeys(q.lever for q in w.registry.questions)
    }
    rows = []
    for axis in pack.axes:
        for lid in axis.levers:
            if lid not in asked:
                continue
            lv = result.levers[lid]
            rows.append(
                {
                    "lever": pack.lever(lid),
                    "axis": axis,
                    "mean": lv.mean,
                    "step": lv.step,
                    "label": pack.step_label(lv.step) if lv.step else None,
                    "answered": lv.answered,
                    "na": lv.na,
                    "unknown": lv.unknown,
                    "total": lv.total,
                }
            )
    open_questions = [
        (q.id, q.text, f"{base}/question/{q.id}") for q in w.registry.questions if q.id not in person.answers
    ]
    to_verify = [
        (qid, w.registry.by_id[qid].text, f"{base}/question/{qid}")
        for qid in result.to_verify
        if qid in w.registry.by_id
    ]
    series = [WheelSeries(t("atelier.wheel.you"), {lid: lv.mean for lid, lv in result.levers.items()})]
    axes = [{"axis": a, "mean": result.axes[a.id].mean, "step": result.axes[a.id].step} for a in pack.axes]
    return {
        "result": result,
        "overall_label": pack.step_label(result.overall.step) if result.overall.step else None,
        "weakest": pack.axis(result.weakest_axis) if result.weakest_axis else None,
        "axes": axes,
        "rows": rows,
        "wheel": wheel_svg(pack, series, title=t("atelier.wheel.you_title")),
        "open_questions": open_questions,
        "to_verify": to_verify,
        "answered": result.answered,
        "total": len(w.registry.questions),
        "first": f"{base}/question/{w.registry.questions[0].id}" if w.registry.questions else base,
    }
