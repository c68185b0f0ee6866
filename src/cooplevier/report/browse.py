"""Browsing the content as data: axes and levers, cases, questions (the JSON of the contract).

The terminal tables of the same views are in `cli.tables`.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from cooplevier.content.model import Form, Lever, Pack, Structure
from cooplevier.content.plan.actions import Action, actions_for
from cooplevier.messages import answer_label


def _text(item: Any) -> dict[str, str]:
    return {"text": item.text, "source": item.source}


def lever_dict(pack: Pack, lever: Lever) -> dict[str, Any]:
    return {
        "id": lever.id,
        "number": lever.number,
        "axis": lever.axis,
        "title": lever.title,
        "short_title": lever.short_title,
        "rationale": [_text(x) for x in lever.rationale],
        "practices": [_text(x) for x in lever.practices],
        "vigilance": [_text(x) for x in lever.vigilance],
        "discussion": [_text(x) for x in lever.discussion],
        "cases": [c.id for c in pack.cases_for(lever.id)],
        "questions": [q.id for q in pack.questions_for(lever.id)],
        "actions": [action_dict(a) for a in actions_for(pack, lever.id)],
    }


def action_dict(action: Action) -> dict[str, Any]:
    """An action of the content as data (the contract's keys, then its quote and its wordings)."""
    wording = {
        s: {k: v for k, v in vars_of(w).items() if v is not None}
        for s in ("epci", "petr", "scot", "pnr", "autre")
        if (w := getattr(action.wording, s)) is not None
    }
    return {
        "id": action.id,
        "lever": action.lever,
        "from_step": action.from_step,
        "to_step": action.to_step,
        "text": action.text,
        "leads": action.leads,
        "body": action.body,
        "deliverable": action.deliverable,
        "indicator": action.indicator,
        "source": action.source,
        "quote": action.quote,
        "structures": list(action.structures),
        "wording": wording,
    }


def vars_of(item: Any) -> dict[str, Any]:
    return {f.name: getattr(item, f.name) for f in dataclasses.fields(item)}


def levers_data(pack: Pack, lever_id: str | None = None) -> dict[str, Any]:
    levers = [pack.lever(lever_id)] if lever_id else list(pack.levers)
    axes = [ax for ax in pack.axes if not lever_id or lever_id in ax.levers]
    return {
        "pack": pack.ref,
        "axes": [{"id": ax.id, "title": ax.title, "levers": list(ax.levers)} for ax in axes],
        "levers": [lever_dict(pack, lv) for lv in levers],
        "staircase": [
            {"level": s.level, "label": s.label.text, "description": s.description.text, "source": s.label.source}
            for s in pack.staircase
        ],
    }


def cases_data(pack: Pack, lever_id: str | None = None) -> dict[str, Any]:
    cases = pack.cases_for(lever_id) if lever_id else pack.cases
    return {
        "observed": pack.observed.text if pack.observed else None,  # when the deck saw them
        "cases": [
            {
                "id": c.id,
                "name": c.name,
                "kind": c.kind,
                "levers": list(c.lever_ids),
                "summary": c.summary.text,
                "source": c.summary.source,
                "links": [{"lever": ln.lever, "source": ln.source, "note": ln.note} for ln in c.levers],
            }
            for c in cases
        ],
    }


def questions_data(pack: Pack, structure: Structure | None = None, form: Form | None = None) -> dict[str, Any]:
    """The questionnaire as data: for one structure type (worded for it) and form, or all of it."""
    kind = pack.structure_type(structure) if structure else None
    return {
        "pack": pack.ref,
        "structure": structure,
        "form": form or "full",
        "definitions": {"structure": kind.structure.text, "territory": kind.territory.text} if kind else None,
        "structures": [
            {"id": s.id, "label": s.label, "structure": s.structure.text, "territory": s.territory.text}
            for s in pack.structures
        ],
        "questions": [
            {
                "id": q.id,
                "lever": q.lever,
                "axis": pack.lever(q.lever).axis,
                "text": q.text,
                "help": q.help.text,
                "choices": [{"level": c.level, "label": c.label} for c in q.choices],
                "extra_choices": [
                    {"value": "na", "label": answer_label("na")},
                    {"value": "unknown", "label": answer_label("unknown")},
                ],
                "applies_to": list(q.applies_to),
                "short": q.short,
            }
            for q in pack.form(structure, form)
        ],
    }
