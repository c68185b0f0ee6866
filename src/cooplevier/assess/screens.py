"""What the questionnaire shows and asks, as data, and the `Prompter` protocol that shows it.

The session decides *what* to show (screens, lines); a `Prompter` decides *how*. Tests drive the
session with a scripted prompter; the terminal one is `cli.terminal.TerminalPrompter`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from cooplevier.content.answers import Answer
from cooplevier.content.model import Axis, Case, Lever, Pack, Question, StructureType, Text
from cooplevier.scoring.engine import Result


@dataclass(frozen=True, slots=True)
class Intro:
    questions: int | None  # None: not known yet (the structure type is chosen afterwards)
    levers: int
    axes: int
    minutes: int | None = None  # the time announced, reading_load(form).minutes; None with `questions`


@dataclass(frozen=True, slots=True)
class RoleMenu:
    roles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StructureMenu:
    structures: tuple[StructureType, ...]


@dataclass(frozen=True, slots=True)
class StructureIntro:
    """What « votre structure » and « votre territoire » mean for this respondent."""

    structure: StructureType


@dataclass(frozen=True, slots=True)
class LeverIntro:
    lever: Lever
    axis: Axis
    questions: int


@dataclass(frozen=True, slots=True)
class QuestionView:
    question: Question
    position: int
    total: int
    axis: Axis
    answer: Answer | None
    comment: str | None


@dataclass(frozen=True, slots=True)
class HelpView:
    question: Question
    lever: Lever
    cases: tuple[Case, ...]
    steps: tuple[str, ...]
    observed: Text | None = None  # when the cases were observed


@dataclass(frozen=True, slots=True)
class Summary:
    result: Result
    pack: Pack


Screen = Intro | RoleMenu | StructureMenu | StructureIntro | LeverIntro | QuestionView | HelpView | Summary


class Prompter(Protocol):
    """The questionnaire's only way to the person answering it."""

    def show(self, screen: Screen) -> None:
        """Display a screen (question, lever panel, help, summary…)."""

    def say(self, text: str) -> None:
        """An information line."""

    def command(self, text: str, *, err: bool = False) -> None:
        """A command to copy and paste: one line, never wrapped (beside a warning when `err`)."""

    def hint(self, text: str) -> None:
        """What to type instead of a line that was not understood."""

    def warn(self, text: str) -> None:
        """A problem outside the dialogue: a file, an interruption (stderr in a terminal)."""

    def ask(self, prompt: str) -> str:
        """One typed line, without its line end; EOFError when input has ended."""
