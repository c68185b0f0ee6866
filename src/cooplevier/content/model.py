"""The content pack — axes, levers, staircase, cases, questions — as frozen, validated models."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal, get_args

Source = Literal["seed", "editorial"]
AxisId = Literal["impulsion", "dialogue", "mouvement", "convergence"]
AXIS_IDS: tuple[AxisId, ...] = ("impulsion", "dialogue", "mouvement", "convergence")
PACK_FILES = ("levers.yaml", "cases.yaml", "questions.yaml")
LEVELS = (1, 2, 3, 4, 5)
Role = Literal["elu", "technicien", "societe-civile", "partenaire", "autre"]
ROLES: tuple[Role, ...] = get_args(Role)
Structure = Literal["epci", "petr", "scot", "pnr", "autre"]  # what "votre structure" is
STRUCTURES: tuple[Structure, ...] = get_args(Structure)
Form = Literal["full", "short"]  # the whole questionnaire, or one question per lever
FORMS: tuple[Form, ...] = get_args(Form)


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
    short_title: str | None = None  # for the wheel's outer band and narrow tables

    @property
    def short(self) -> str:
        return self.short_title or self.title


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
class Renewal:
    """The deck's advice to evaluate and renew the cooperation plan each year, and its lever."""

    lever: str
    text: str
    source: Source


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
    renewal: Renewal | None = None


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
