"""The content pack — axes, levers, staircase, cases, questions — as frozen, validated models."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import field
from typing import Any, Literal

from cooplevier.content import AXIS_IDS as AXIS_IDS  # the models' words, re-exported
from cooplevier.content import FORMS as FORMS
from cooplevier.content import ROLES as ROLES
from cooplevier.content import STRUCTURES as STRUCTURES
from cooplevier.content import AxisId as AxisId
from cooplevier.content import Form as Form
from cooplevier.content import Role as Role
from cooplevier.content import Structure as Structure
from cooplevier.content import dataclass  # the standard one, faster to create (start-up)

Source = Literal["seed", "editorial"]
PACK_FILES = ("levers.yaml", "cases.yaml", "questions.yaml")
OPTIONAL_FILES = ("migrations.yaml", "actions.yaml", "calendar.yaml")  # a pack that was never versioned has none
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
    levers: tuple[str, ...] = ()  # the levers it bears on: the project's reading, not the deck's


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
    no_case: Text | None = None  # said where the deck cites no territory for the lever


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
    observed: Text | None = None  # when the cases were observed: one banner dates them all


MigrationStatus = Literal["kept", "reworded", "level5_changed", "replaced", "removed"]
CARRIED: tuple[MigrationStatus, ...] = ("kept", "reworded", "level5_changed")  # in order of the change


@dataclass(frozen=True, slots=True)
class MigrationEntry:
    """What becomes of an answer given to one question of an older version (`level5_changed`: levels
    1 to 4 keep their meaning, level 5 describes another situation: a 5 is asked again)."""

    status: MigrationStatus
    to: str | None = None  # kept, reworded, level5_changed: the question the answer goes to (default: same id)
    by: tuple[str, ...] = ()  # replaced: the new questions to ask instead
    note: str | None = None
    replaced_for: tuple[str, ...] = ()  # structure types whose wording changed meaning: not carried for them

    def target(self, question: str) -> str | None:
        """Where an answer to `question` goes, or None when it cannot be carried."""
        return (self.to or question) if self.status in CARRIED else None

    def carries(self, level: object, structure: str | None = None) -> bool:
        """Whether an answer of this `level` (1–5, "na", "unknown"), in a file of that type, is carried."""
        if self.status not in CARRIED or (structure is not None and structure in self.replaced_for):
            return False
        return not (self.status == "level5_changed" and level == 5)


@dataclass(frozen=True, slots=True)
class Migration:
    from_: str  # the older version this map reads ("1.0")
    questions: dict[str, MigrationEntry]


@dataclass(frozen=True, slots=True)
class MigrationsFile:
    migrations: tuple[Migration, ...] = ()


@dataclass(frozen=True, slots=True)
class Choice:
    level: int
    label: str


@dataclass(frozen=True, slots=True)
class Variant:
    """A question's wording for one structure type, where the default reads wrong for it."""

    text: str | None = None
    help: Text | None = None
    choices: tuple[Choice, ...] = ()


@dataclass(frozen=True, slots=True)
class Variants:
    epci: Variant | None = None
    petr: Variant | None = None
    scot: Variant | None = None
    pnr: Variant | None = None
    autre: Variant | None = None


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    lever: str
    source: Source
    text: str
    help: Text
    choices: tuple[Choice, ...]
    short: bool = False  # the lever's question in the 10-question short form
    applies_to: tuple[Structure, ...] = STRUCTURES
    variants: Variants = Variants()

    def worded_for(self, structure: Structure | None) -> Question:
        """This question as a structure of that type reads it (its variant applied, if any)."""
        variant: Variant | None = getattr(self.variants, structure) if structure else None
        if variant is None:
            return self
        return dataclasses.replace(
            self,
            text=variant.text or self.text,
            help=variant.help or self.help,
            choices=variant.choices or self.choices,
        )


@dataclass(frozen=True, slots=True)
class StructureType:
    """What « votre structure » and « votre territoire » mean for one type of structure."""

    id: Structure
    label: str
    structure: Text
    territory: Text
    members: str


@dataclass(frozen=True, slots=True)
class QuestionsFile:
    questions: tuple[Question, ...]
    structures: tuple[StructureType, ...] = ()


@dataclass(frozen=True)
class Pack:
    """A validated content pack, with lookups by id."""

    framework: Framework
    cases: tuple[Case, ...]
    questions: tuple[Question, ...]
    root: str
    structures: tuple[StructureType, ...] = ()
    observed: Text | None = None
    migrations: tuple[Migration, ...] = ()  # one map per version step, as written
    chains: dict[str, Migration] = field(default_factory=dict, compare=False)  # from each version to this one
    actions: tuple[Any, ...] = ()  # actions.yaml, read through content.plan.actions
    calendar: tuple[Any, ...] = ()  # calendar.yaml, read through content.plan.calendar
    warnings: tuple[str, ...] = field(default=(), compare=False)  # a file read as Windows-1252, said by the CLI
    _levers: dict[str, Lever] = field(init=False, repr=False, compare=False)
    _axes: dict[str, Axis] = field(init=False, repr=False, compare=False)
    _questions: dict[str, Question] = field(init=False, repr=False, compare=False)
    _by_lever: dict[str, tuple[Question, ...]] = field(init=False, repr=False, compare=False)
    _forms: dict[tuple[Structure | None, Form | None], dict[str, tuple[Question, ...]]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

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

    def cited_as(self, case: Case, lever_id: str) -> Text:
        """What the deck says of `case` under this lever: the lever's example naming it, not the summary."""
        seed = [x for x in self.lever(lever_id).practices if x.source == "seed"]
        said = [x for name in (case.name, case.name.split()[-1]) for x in seed if name in x.text]
        return said[0] if said else case.summary

    def ordered_questions(self) -> Iterator[Question]:
        """Questions in questionnaire order: axis by axis, lever by lever."""
        for axis in self.axes:
            for lever_id in axis.levers:
                yield from self.questions_for(lever_id)

    def form(self, structure: Structure | None = None, form: Form | None = None) -> tuple[Question, ...]:
        """The questions asked to a structure of that type, in questionnaire order, worded for it.

        A question that does not apply to the type is not asked and counts in no score; the short
        form keeps each lever's `short` question. Without a type, every question, as written.
        """
        return tuple(
            q.worded_for(structure)
            for q in self.ordered_questions()
            if (structure is None or structure in q.applies_to) and (form != "short" or q.short)
        )

    def asked(self, structure: Structure | None = None, form: Form | None = None) -> dict[str, tuple[Question, ...]]:
        """`form()` grouped by lever (every lever present, maybe empty); computed once per form."""
        key = (structure, form if form == "short" else None)
        found = self._forms.get(key)
        if found is None:
            found = {lever.id: () for lever in self.levers}
            for q in self.form(structure, form):
                found[q.lever] = (*found[q.lever], q)
            self._forms[key] = found
        return found

    def migration(self, version: str) -> Migration | None:
        """The map that reads answers of the older `version` into this one (steps chained), if any."""
        return self.chains.get(version)

    def structure_type(self, structure: Structure) -> StructureType | None:
        return next((s for s in self.structures if s.id == structure), None)

    def step_label(self, level: int) -> str:
        return self.framework.staircase[level - 1].label.text
