"""The content pack — axes, levers, staircase, cases, questions — as frozen, validated models."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from cooplevier.errors import ContentError, CooplevierError, ErrorGroup
from cooplevier.messages import t
from cooplevier.schema import Converter
from cooplevier.yamlio import YamlDoc, load_file

Source = Literal["seed", "editorial"]
AxisId = Literal["impulsion", "dialogue", "mouvement", "convergence"]
AXIS_IDS: tuple[AxisId, ...] = ("impulsion", "dialogue", "mouvement", "convergence")
PACK_FILES = ("levers.yaml", "cases.yaml", "questions.yaml")
MAX_CONTENT_BYTES = 4 * 1024 * 1024
LEVELS = (1, 2, 3, 4, 5)
_LEVER_ID = re.compile(r"L([1-9][0-9]?)")
_QUESTION_ID = re.compile(r"(L[1-9][0-9]?)\.Q([1-9][0-9]?)")


@dataclass(frozen=True, slots=True)
class Text:
    text: str
    source: Source


@dataclass(frozen=True, slots=True)
class PackSource:
    title: str
    publisher: str
    event: str | None = None
    studies: tuple[Text, ...] = ()


@dataclass(frozen=True, slots=True)
class PackMeta:
    id: str
    version: str
    title: str
    source: PackSource

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"


@dataclass(frozen=True, slots=True)
class Step:
    level: int
    label: Text
    description: Text


@dataclass(frozen=True, slots=True)
class Trend:
    id: str
    text: str
    source: Source


@dataclass(frozen=True, slots=True)
class Note:
    title: str
    items: tuple[Text, ...]


@dataclass(frozen=True, slots=True)
class Axis:
    id: AxisId
    title: str
    levers: tuple[str, ...]
    notes: tuple[Note, ...] = ()


@dataclass(frozen=True, slots=True)
class Lever:
    id: str
    number: int
    axis: AxisId
    title: str
    short_title: str
    rationale: tuple[Text, ...]
    practices: tuple[Text, ...]
    vigilance: tuple[Text, ...]
    discussion: tuple[Text, ...] = ()


@dataclass(frozen=True, slots=True)
class CouncilKind:
    id: str
    title: str
    items: tuple[Text, ...]


@dataclass(frozen=True, slots=True)
class Councils:
    intro: tuple[Text, ...]
    kinds: tuple[CouncilKind, ...]


@dataclass(frozen=True, slots=True)
class Specific:
    id: str
    title: str
    items: tuple[Text, ...]


@dataclass(frozen=True, slots=True)
class GlossaryEntry:
    term: str
    definition: Text


@dataclass(frozen=True, slots=True)
class Framework:
    """Everything in levers.yaml."""

    pack: PackMeta
    staircase: tuple[Step, ...]
    trends: tuple[Trend, ...]
    axes: tuple[Axis, ...]
    levers: tuple[Lever, ...]
    staircase_intro: tuple[Text, ...] = ()
    wheel_intro: tuple[Text, ...] = ()
    council_kinds: Councils | None = None
    specifics: tuple[Specific, ...] = ()
    synthesis: tuple[Text, ...] = ()
    glossary: tuple[GlossaryEntry, ...] = ()


@dataclass(frozen=True, slots=True)
class CaseLink:
    lever: str
    source: Source
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    name: str
    summary: Text
    levers: tuple[CaseLink, ...]
    kind: str | None = None

    @property
    def lever_ids(self) -> tuple[str, ...]:
        return tuple(link.lever for link in self.levers)


@dataclass(frozen=True, slots=True)
class CasesFile:
    cases: tuple[Case, ...]


@dataclass(frozen=True, slots=True)
class Choice:
    level: int
    label: str


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    lever: str
    source: Source
    text: str
    help: Text
    choices: tuple[Choice, ...]


@dataclass(frozen=True, slots=True)
class QuestionsFile:
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Pack:
    """A validated content pack, with lookups by id."""

    framework: Framework
    cases: tuple[Case, ...]
    questions: tuple[Question, ...]
    root: str
    _levers: dict[str, Lever] = field(init=False, repr=False, compare=False)
    _axes: dict[str, Axis] = field(init=False, repr=False, compare=False)
    _questions: dict[str, Question] = field(init=False, repr=False, compare=False)
    _by_lever: dict[str, tuple[Question, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_levers", {lv.id: lv for lv in self.framework.levers})
        object.__setattr__(self, "_axes", {ax.id: ax for ax in self.framework.axes})
        object.__setattr__(self, "_questions", {q.id: q for q in self.questions})
        by_lever: dict[str, list[Question]] = {}
        for q in self.questions:
            by_lever.setdefault(q.lever, []).append(q)
        object.__setattr__(self, "_by_lever", {k: tuple(v) for k, v in by_lever.items()})

    @property
    def meta(self) -> PackMeta:
        return self.framework.pack

    @property
    def ref(self) -> str:
        return self.framework.pack.ref

    @property
    def axes(self) -> tuple[Axis, ...]:
        return self.framework.axes

    @property
    def levers(self) -> tuple[Lever, ...]:
        return self.framework.levers

    @property
    def staircase(self) -> tuple[Step, ...]:
        return self.framework.staircase

    def lever(self, lever_id: str) -> Lever:
        return self._levers[lever_id]

    def has_lever(self, lever_id: str) -> bool:
        return lever_id in self._levers

    def axis(self, axis_id: str) -> Axis:
        return self._axes[axis_id]

    def question(self, question_id: str) -> Question:
        return self._questions[question_id]

    def has_question(self, question_id: str) -> bool:
        return question_id in self._questions

    def questions_for(self, lever_id: str) -> tuple[Question, ...]:
        return self._by_lever.get(lever_id, ())

    def cases_for(self, lever_id: str) -> tuple[Case, ...]:
        return tuple(c for c in self.cases if lever_id in c.lever_ids)

    def ordered_questions(self) -> Iterator[Question]:
        """Questions in questionnaire order: axis by axis, lever by lever."""
        for axis in self.axes:
            for lever_id in axis.levers:
                yield from self.questions_for(lever_id)

    def step_label(self, level: int) -> str:
        return self.framework.staircase[level - 1].label.text


def default_pack_dir() -> Path:
    from cooplevier.resources import shipped_dir

    return shipped_dir("data")


def load_pack(directory: Path | None = None, *, use_cache: bool = True) -> Pack:
    """Load and cross-check a content pack; every error found is raised in one ErrorGroup.

    A pack that validated once is reused from the user cache while its files are unchanged
    (`validate` always checks afresh with `use_cache=False`).
    """
    root = directory if directory is not None else default_pack_dir()
    if not root.is_dir():
        raise ContentError(t("content.not_dir"), file=root)
    files = [root / name for name in PACK_FILES]
    if use_cache and all(f.is_file() for f in files):
        from cooplevier.cache import cached

        return cached("pack", files, lambda: _load_pack(root))
    return _load_pack(root)


def _load_pack(root: Path) -> Pack:
    errors: list[CooplevierError] = []
    docs: dict[str, YamlDoc] = {}
    for name in PACK_FILES:
        path = root / name
        if not path.is_file():
            errors.append(ContentError(t("content.missing_file"), file=path))
            continue
        try:
            docs[name] = load_file(path, max_bytes=MAX_CONTENT_BYTES, max_depth=16)
        except CooplevierError as exc:
            errors.append(ContentError(exc.message, file=exc.file, line=exc.line, col=exc.col))
    if errors:
        raise ErrorGroup(errors)

    converters = {name: Converter(doc, ContentError) for name, doc in docs.items()}
    framework: Framework = converters["levers.yaml"].dataclass(docs["levers.yaml"].data, Framework, ())
    cases_file: CasesFile = converters["cases.yaml"].dataclass(docs["cases.yaml"].data, CasesFile, ())
    questions_file: QuestionsFile = converters["questions.yaml"].dataclass(
        docs["questions.yaml"].data, QuestionsFile, ()
    )
    for conv in converters.values():
        errors.extend(conv.errors)
    if errors:
        raise ErrorGroup(errors)

    errors.extend(_cross_check(framework, cases_file, questions_file, docs))
    if errors:
        raise ErrorGroup(errors)
    return Pack(framework, cases_file.cases, questions_file.questions, str(root))


def _cross_check(fw: Framework, cf: CasesFile, qf: QuestionsFile, docs: dict[str, YamlDoc]) -> list[CooplevierError]:
    lv_doc, cs_doc, q_doc = docs["levers.yaml"], docs["cases.yaml"], docs["questions.yaml"]
    errors: list[CooplevierError] = []

    def err(doc: YamlDoc, path: tuple[Any, ...], message: str) -> None:
        errors.append(doc.error(path, message, cls=ContentError))

    if tuple(s.level for s in fw.staircase) != LEVELS:
        err(lv_doc, ("staircase",), t("content.staircase"))

    seen_axes: dict[str, int] = {}
    for i, axis in enumerate(fw.axes):
        if axis.id in seen_axes:
            err(lv_doc, ("axes", i, "id"), t("content.duplicate_id", id=axis.id, first=seen_axes[axis.id]))
        seen_axes.setdefault(axis.id, lv_doc.where(("axes", i, "id"))[0])
    if set(seen_axes) != set(AXIS_IDS):
        err(lv_doc, ("axes",), t("content.axes_count", expected=", ".join(AXIS_IDS)))

    listed: dict[str, list[tuple[str, int, int]]] = {}
    for i, axis in enumerate(fw.axes):
        for j, lever_id in enumerate(axis.levers):
            listed.setdefault(lever_id, []).append((axis.id, i, j))

    lever_ids: dict[str, int] = {}
    for i, lever in enumerate(fw.levers):
        path = ("levers", i)
        m = _LEVER_ID.fullmatch(lever.id)
        if not m:
            err(lv_doc, (*path, "id"), t("content.bad_lever_id", id=lever.id))
        elif int(m.group(1)) != lever.number:
            err(lv_doc, (*path, "number"), t("content.lever_number", number=lever.number, id=lever.id))
        if lever.id in lever_ids:
            err(lv_doc, (*path, "id"), t("content.duplicate_id", id=lever.id, first=lever_ids[lever.id]))
            continue
        lever_ids[lever.id] = lv_doc.where((*path, "id"))[0]
        homes = listed.get(lever.id, [])
        if not homes:
            err(lv_doc, (*path, "id"), t("content.lever_no_axis", lever=lever.id))
        elif len(homes) > 1:
            axes = ", ".join(h[0] for h in homes)
            err(
                lv_doc,
                ("axes", homes[1][1], "levers", homes[1][2]),
                t("content.lever_many_axes", lever=lever.id, axes=axes),
            )
        elif homes[0][0] != lever.axis:
            err(
                lv_doc, (*path, "axis"), t("content.axis_mismatch", lever=lever.id, axis=lever.axis, listed=homes[0][0])
            )
        if not lever.vigilance:
            err(lv_doc, (*path, "vigilance"), t("content.no_vigilance", lever=lever.id))
    for lever_id, homes in listed.items():
        if lever_id not in lever_ids:
            _axis, i, j = homes[0]
            err(lv_doc, ("axes", i, "levers", j), t("content.unknown_lever", lever=lever_id))

    # questions
    seen_q: dict[str, int] = {}
    per_lever: dict[str, list[int]] = {}
    for i, q in enumerate(qf.questions):
        path = ("questions", i)
        m = _QUESTION_ID.fullmatch(q.id)
        if q.id in seen_q:
            err(q_doc, (*path, "id"), t("content.duplicate_id", id=q.id, first=seen_q[q.id]))
            continue
        seen_q[q.id] = q_doc.where((*path, "id"))[0]
        if q.lever not in lever_ids:
            err(q_doc, (*path, "lever"), t("content.unknown_lever", lever=q.lever))
            continue
        if not m or m.group(1) != q.lever:
            err(q_doc, (*path, "id"), t("content.bad_question_id", id=q.id, lever=q.lever))
            continue
        per_lever.setdefault(q.lever, []).append(int(m.group(2)))
        if len(q.choices) != 5:
            err(q_doc, (*path, "choices"), t("content.choices_count", id=q.id, count=len(q.choices)))
        elif tuple(c.level for c in q.choices) != LEVELS:
            err(q_doc, (*path, "choices"), t("content.choices_levels", id=q.id))
    for lever in fw.levers:
        numbers = per_lever.get(lever.id, [])
        if not 3 <= len(numbers) <= 6:
            err(q_doc, ("questions",), t("content.questions_count", lever=lever.id, count=len(numbers)))
        elif sorted(numbers) != list(range(1, len(numbers) + 1)):
            err(q_doc, ("questions",), t("content.question_numbering", lever=lever.id))

    # cases
    seen_c: dict[str, int] = {}
    illustrated: set[str] = set()
    for i, case in enumerate(cf.cases):
        if case.id in seen_c:
            err(cs_doc, ("cases", i, "id"), t("content.duplicate_id", id=case.id, first=seen_c[case.id]))
        seen_c.setdefault(case.id, cs_doc.where(("cases", i, "id"))[0])
        for j, link in enumerate(case.levers):
            if link.lever not in lever_ids:
                err(cs_doc, ("cases", i, "levers", j, "lever"), t("content.unknown_lever", lever=link.lever))
            illustrated.add(link.lever)
    for i, lever in enumerate(fw.levers):
        if lever.id not in illustrated:
            err(lv_doc, ("levers", i, "id"), t("content.no_case", lever=lever.id))
    return errors
