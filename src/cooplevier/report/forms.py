"""The questionnaire as a form for one kind of structure: the paper questionnaire, the guide, the
blank answer file and `questions` all print the same questions, worded for that type.

A form for a given type starts with what « votre structure » and « votre territoire » mean for
it; a form for no type gives the five definitions and marks each question asked to some types
only, which the others answer « non concerné ».
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from cooplevier.content.model import ROLES, STRUCTURES, Form, Pack, Question, Structure, StructureType
from cooplevier.messages import answer_label


@dataclass(frozen=True, slots=True)
class QuestionForm:
    """The questions one respondent is asked, and how the form introduces them."""

    structure: StructureType | None  # None: the general form, for every type
    structures: tuple[StructureType, ...]  # every type (the general form defines them all)
    short: bool
    sections: tuple[dict[str, Any], ...]  # axis -> levers -> questions, in questionnaire order
    count: int
    short_labels: dict[str, str]  # structure id -> its name without the parenthesis

    def for_some(self, question: Question) -> tuple[str, ...]:
        """The short names of the types a question is asked to, when it is not asked to all."""
        if self.structure is not None or set(question.applies_to) == set(STRUCTURES):
            return ()
        return tuple(self.short_labels.get(s, s) for s in question.applies_to)


def question_form(pack: Pack, structure: Structure | None = None, form: Form | None = None) -> QuestionForm:
    asked = pack.asked(structure, form)
    sections = tuple(
        {
            "axis": axis,
            "levers": [{"lever": pack.lever(lid), "questions": list(asked[lid])} for lid in axis.levers if asked[lid]],
        }
        for axis in pack.axes
    )
    return QuestionForm(
        structure=pack.structure_type(structure) if structure else None,
        structures=pack.structures,
        short=form == "short",
        sections=sections,
        count=sum(len(qs) for qs in asked.values()),
        short_labels={s.id: s.label.split(" (")[0] for s in pack.structures},
    )


def blank_answers(pack: Pack, structure: Structure | None = None, form: Form | None = None) -> str:
    """An `answers/1` file to complete in a text editor: every question of the form as comments."""
    from cooplevier.content.answers import FORMAT
    from cooplevier.report.templating import render

    the_form = question_form(pack, structure, form)
    context = {
        "pack": pack,
        "form": the_form,
        "format": FORMAT,
        "roles": ROLES,
        "structure_ids": STRUCTURES,
        "sections": the_form.sections,
        "na_label": answer_label("na"),
        "unknown_label": answer_label("unknown"),
        "one_line": _one_line,
    }
    return render("answers_blank.yaml.j2", context)


def _one_line(text: str) -> str:
    return _SPACES.sub(" ", text).strip(" ")


_SPACES = re.compile(r"[ \t\r\n]+")  # a no-break space a pack's author typed is kept
