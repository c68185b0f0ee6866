"""The content pack — axes, levers, staircase, cases, questions — as frozen, validated models."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

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

    from cooplevier.content_checks import cross_check

    errors.extend(cross_check(framework, cases_file, questions_file, docs))
    if errors:
        raise ErrorGroup(errors)
    return Pack(framework, cases_file.cases, questions_file.questions, str(root))
