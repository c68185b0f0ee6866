"""Cross-checks of a content pack that no single field can express: ids, the wheel, the questionnaire.

Each check reports at the place a person would fix it, as `FILE:LINE:COL: message`.
"""

from __future__ import annotations

import re
from typing import Any

from cooplevier.content.model import AXIS_IDS, LEVELS, CasesFile, Framework, QuestionsFile
from cooplevier.content.strict_yaml import YamlDoc
from cooplevier.errors import ContentError, CooplevierError
from cooplevier.messages import t

_LEVER_ID = re.compile(r"L([1-9][0-9]?)")
_QUESTION_ID = re.compile(r"(L[1-9][0-9]?)\.Q([1-9][0-9]?)")
QUESTIONS_PER_LEVER = range(3, 7)


class _Report:
    def __init__(self) -> None:
        self.errors: list[CooplevierError] = []

    def __call__(self, doc: YamlDoc, path: tuple[Any, ...], message: str) -> None:
        self.errors.append(doc.error(path, message, cls=ContentError))


def cross_check(fw: Framework, cf: CasesFile, qf: QuestionsFile, docs: dict[str, YamlDoc]) -> list[CooplevierError]:
    """Every cross-file problem of the pack, in file order."""
    err = _Report()
    lever_ids = _check_wheel(fw, docs["levers.yaml"], err)
    _check_questions(fw, qf, lever_ids, docs["questions.yaml"], docs["levers.yaml"], err)
    _check_cases(fw, cf, lever_ids, docs["cases.yaml"], docs["levers.yaml"], err)
    return err.errors


def _check_wheel(fw: Framework, doc: YamlDoc, err: _Report) -> set[str]:
    """Staircase, axes and levers: each lever in exactly one axis, and the two sides agreeing."""
    if tuple(s.level for s in fw.staircase) != LEVELS:
        err(doc, ("staircase",), t("content.staircase"))
    seen_axes: dict[str, int] = {}
    listed: dict[str, list[tuple[str, int, int]]] = {}
    for i, axis in enumerate(fw.axes):
        if axis.id in seen_axes:
            err(doc, ("axes", i, "id"), t("content.duplicate_id", id=axis.id, first=seen_axes[axis.id]))
        seen_axes.setdefault(axis.id, doc.where(("axes", i, "id"))[0])
        for j, lever_id in enumerate(axis.levers):
            listed.setdefault(lever_id, []).append((axis.id, i, j))
    if set(seen_axes) != set(AXIS_IDS):
        err(doc, ("axes",), t("content.axes_count", expected=", ".join(AXIS_IDS)))

    lever_lines: dict[str, int] = {}
    for i, lever in enumerate(fw.levers):
        path = ("levers", i)
        match = _LEVER_ID.fullmatch(lever.id)
        if not match:
            err(doc, (*path, "id"), t("content.bad_lever_id", id=lever.id))
        elif int(match.group(1)) != lever.number:
            err(doc, (*path, "number"), t("content.lever_number", number=lever.number, id=lever.id))
        if lever.id in lever_lines:
            err(doc, (*path, "id"), t("content.duplicate_id", id=lever.id, first=lever_lines[lever.id]))
            continue
        lever_lines[lever.id] = doc.where((*path, "id"))[0]
        homes = listed.get(lever.id, [])
        if not homes:
            err(doc, (*path, "id"), t("content.lever_no_axis", lever=lever.id))
        elif len(homes) > 1:
            axes = ", ".join(h[0] for h in homes)
            err(
                doc,
                ("axes", homes[1][1], "levers", homes[1][2]),
                t("content.lever_many_axes", lever=lever.id, axes=axes),
            )
        elif homes[0][0] != lever.axis:
            mismatch = t("content.axis_mismatch", lever=lever.id, axis=lever.axis, listed=homes[0][0])
            err(doc, (*path, "axis"), mismatch)
        if not lever.vigilance:
            err(doc, (*path, "vigilance"), t("content.no_vigilance", lever=lever.id))
    for lever_id, homes in listed.items():
        if lever_id not in lever_lines:
            _axis, i, j = homes[0]
            err(doc, ("axes", i, "levers", j), t("content.unknown_lever", lever=lever_id))
    return set(lever_lines)


def _check_questions(
    fw: Framework, qf: QuestionsFile, lever_ids: set[str], doc: YamlDoc, levers_doc: YamlDoc, err: _Report
) -> None:
    """Ids `L<n>.Q<m>` numbered without gaps, 3 to 6 per lever, five choices at levels 1 to 5."""
    seen: dict[str, int] = {}
    per_lever: dict[str, list[int]] = {}
    for i, q in enumerate(qf.questions):
        path = ("questions", i)
        match = _QUESTION_ID.fullmatch(q.id)
        if q.id in seen:
            err(doc, (*path, "id"), t("content.duplicate_id", id=q.id, first=seen[q.id]))
            continue
        seen[q.id] = doc.where((*path, "id"))[0]
        if q.lever not in lever_ids:
            err(doc, (*path, "lever"), t("content.unknown_lever", lever=q.lever))
            continue
        if not match or match.group(1) != q.lever:
            err(doc, (*path, "id"), t("content.bad_question_id", id=q.id, lever=q.lever))
            continue
        per_lever.setdefault(q.lever, []).append(int(match.group(2)))
        if len(q.choices) != len(LEVELS):
            err(doc, (*path, "choices"), t("content.choices_count", id=q.id, count=len(q.choices)))
        elif tuple(c.level for c in q.choices) != LEVELS:
            err(doc, (*path, "choices"), t("content.choices_levels", id=q.id))
    for i, lever in enumerate(fw.levers):
        numbers = per_lever.get(lever.id, [])
        if len(numbers) not in QUESTIONS_PER_LEVER:
            err(levers_doc, ("levers", i, "id"), t("content.questions_count", lever=lever.id, count=len(numbers)))
        elif sorted(numbers) != list(range(1, len(numbers) + 1)):
            err(levers_doc, ("levers", i, "id"), t("content.question_numbering", lever=lever.id))


def _check_cases(
    fw: Framework, cf: CasesFile, lever_ids: set[str], doc: YamlDoc, levers_doc: YamlDoc, err: _Report
) -> None:
    """Unique case ids, links to existing levers, and every lever illustrated by a case."""
    seen: dict[str, int] = {}
    illustrated: set[str] = set()
    for i, case in enumerate(cf.cases):
        if case.id in seen:
            err(doc, ("cases", i, "id"), t("content.duplicate_id", id=case.id, first=seen[case.id]))
        seen.setdefault(case.id, doc.where(("cases", i, "id"))[0])
        for j, link in enumerate(case.levers):
            if link.lever not in lever_ids:
                err(doc, ("cases", i, "levers", j, "lever"), t("content.unknown_lever", lever=link.lever))
            illustrated.add(link.lever)
    for i, lever in enumerate(fw.levers):
        if lever.id not in illustrated:
            err(levers_doc, ("levers", i, "id"), t("content.no_case", lever=lever.id))
