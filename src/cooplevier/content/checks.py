"""Cross-checks of a content pack that no single field can express: ids, the wheel, the questionnaire.

Each check reports at the place a person would fix it, as `FILE:LINE:COL: message`.
"""

from __future__ import annotations

import re
from typing import Any

from cooplevier.content.migrate import compose, version_key
from cooplevier.content.model import (
    AXIS_IDS,
    LEVELS,
    STRUCTURES,
    CasesFile,
    Choice,
    Framework,
    MigrationsFile,
    QuestionsFile,
)
from cooplevier.content.strict_yaml import KeyPath, YamlDoc
from cooplevier.errors import ContentError, CooplevierError
from cooplevier.messages import t, tn

_LEVER_ID = re.compile(r"L([1-9][0-9]?)")
_QUESTION_ID = re.compile(r"(L[1-9][0-9]?)\.Q([1-9][0-9]?)")
QUESTIONS_PER_LEVER = range(3, 7)
MIN_ASKED = 2  # questions per lever for each structure type


class _Report:
    def __init__(self) -> None:
        self.errors: list[CooplevierError] = []

    def __call__(self, doc: YamlDoc, path: tuple[Any, ...], message: str) -> None:
        self.errors.append(doc.error(path, message, cls=ContentError))


def cross_check(
    fw: Framework, cf: CasesFile, qf: QuestionsFile, mf: MigrationsFile, docs: dict[str, YamlDoc]
) -> list[CooplevierError]:
    """Every cross-file problem of the pack, in file order."""
    err = _Report()
    levers_doc = docs["levers.yaml"]
    lever_ids = _check_wheel(fw, levers_doc, err)
    _check_framework_links(fw, lever_ids, levers_doc, err)
    _check_questions(fw, qf, lever_ids, docs["questions.yaml"], levers_doc, err)
    _check_forms(fw, qf, docs["questions.yaml"], levers_doc, err)
    _check_cases(fw, cf, lever_ids, docs["cases.yaml"], levers_doc, err)
    if "migrations.yaml" in docs:
        _check_migrations(qf, mf, docs["migrations.yaml"], err)
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


def _check_framework_links(fw: Framework, lever_ids: set[str], doc: YamlDoc, err: _Report) -> None:
    """Trends and the renewal advice point at levers that exist."""
    for i, trend in enumerate(fw.trends):
        for j, lever_id in enumerate(trend.levers):
            if lever_id not in lever_ids:
                err(doc, ("trends", i, "levers", j), t("content.unknown_lever", lever=lever_id))
    if fw.renewal is not None and fw.renewal.lever not in lever_ids:
        err(doc, ("renewal", "lever"), t("content.unknown_lever", lever=fw.renewal.lever))


def _check_questions(
    fw: Framework, qf: QuestionsFile, lever_ids: set[str], doc: YamlDoc, levers_doc: YamlDoc, err: _Report
) -> None:
    """Ids `L<n>.Q<m>` of their lever, unique, 3 to 6 per lever, five choices at levels 1 to 5.

    Numbers may have gaps: a question whose meaning changed got a new id, the old one is retired.
    """
    seen: dict[str, int] = {}
    per_lever: dict[str, int] = {}
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
        per_lever[q.lever] = per_lever.get(q.lever, 0) + 1
        _check_choices(q.id, q.choices, (*path, "choices"), doc, err)
        for structure in STRUCTURES:
            variant = getattr(q.variants, structure)
            if variant is None:
                continue
            where = (*path, "variants", structure)
            if structure not in q.applies_to:
                err(doc, where, t("content.variant_not_asked", id=q.id, structure=structure))
            if variant.choices:
                _check_choices(q.id, variant.choices, (*where, "choices"), doc, err)
    for i, lever in enumerate(fw.levers):
        count = per_lever.get(lever.id, 0)
        if count not in QUESTIONS_PER_LEVER:
            err(levers_doc, ("levers", i, "id"), t("content.questions_count", lever=lever.id, count=count))


def _check_choices(qid: str, choices: tuple[Choice, ...], path: KeyPath, doc: YamlDoc, err: _Report) -> None:
    if len(choices) != len(LEVELS):
        err(doc, path, t("content.choices_count", id=qid, count=len(choices)))
    elif tuple(c.level for c in choices) != LEVELS:
        err(doc, path, t("content.choices_levels", id=qid))


def _check_forms(fw: Framework, qf: QuestionsFile, doc: YamlDoc, levers_doc: YamlDoc, err: _Report) -> None:
    """The five structure types once each; one short question per lever, asked to every type;
    for every type, at least `MIN_ASKED` questions per lever."""
    if qf.structures and tuple(s.id for s in qf.structures) != STRUCTURES:
        err(doc, ("structures",), t("content.structures", expected=", ".join(STRUCTURES)))
    for i, lever in enumerate(fw.levers):
        mine = [(j, q) for j, q in enumerate(qf.questions) if q.lever == lever.id]
        short = [(j, q) for j, q in mine if q.short]
        if any(q.short for q in qf.questions) and len(short) != 1:
            err(levers_doc, ("levers", i, "id"), t("content.short_count", lever=lever.id, count=len(short)))
        for j, q in short:
            if set(q.applies_to) != set(STRUCTURES):
                err(doc, ("questions", j, "applies_to"), t("content.short_everywhere", id=q.id))
        for structure in STRUCTURES:
            asked = sum(1 for _, q in mine if structure in q.applies_to)
            if mine and asked < MIN_ASKED:
                where = ("levers", i, "id")
                err(levers_doc, where, tn("content.too_few_asked", asked, lever=lever.id, structure=structure))


def _check_migrations(qf: QuestionsFile, mf: MigrationsFile, doc: YamlDoc, err: _Report) -> None:
    """Every answer is carried to a question that exists; a retired id is never a question again.

    Maps are chained (1.0 → 2.0 → 2.1): each is checked as composed with the later ones, so that
    an answer of any older version lands on a question of this one.
    """
    current = {q.id for q in qf.questions}
    steps = sorted(range(len(mf.migrations)), key=lambda i: version_key(mf.migrations[i].from_))
    for n, i in enumerate(steps):
        composed = mf.migrations[i]
        for j in steps[n + 1 :]:
            composed = compose(composed, mf.migrations[j])
        for old, entry in mf.migrations[i].questions.items():
            where = ("migrations", i, "questions", old)
            final = composed.questions[old]
            target = final.target(old)
            if target is not None and target not in current:
                err(doc, where, t("content.migration_target", id=old, target=target))
            if entry.status in ("replaced", "removed") and old in current:
                err(doc, where, t("content.migration_reused", id=old))
            for new in final.by:
                if new not in current:
                    err(doc, (*where, "by"), t("content.migration_target", id=old, target=new))


def _check_cases(
    fw: Framework, cf: CasesFile, lever_ids: set[str], doc: YamlDoc, levers_doc: YamlDoc, err: _Report
) -> None:
    """Unique case ids, links to existing levers, every lever illustrated by a case or saying it is not."""
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
        if lever.id not in illustrated and lever.no_case is None:
            err(levers_doc, ("levers", i, "id"), t("content.no_case", lever=lever.id))
        elif lever.id in illustrated and lever.no_case is not None:
            err(levers_doc, ("levers", i, "no_case"), t("content.no_case_but_case", lever=lever.id))
