"""The questionnaire as a pure state machine: where we are, what is answered, what comes next.

No terminal, no file: `session.py` drives it with a prompter and saves after every change.
"""

from __future__ import annotations

import dataclasses
import enum
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cooplevier.content.answers import SPECIAL_WORDS, Answer, Value, parse_value
from cooplevier.content.model import Question


class Action(enum.Enum):
    """A command typed instead of an answer."""

    KEEP = "keep"  # Enter alone: keep the recorded answer and go on
    BACK = "back"
    SKIP = "skip"
    HELP = "help"
    QUIT = "quit"


@dataclass(frozen=True, slots=True)
class Give:
    """An answer: a step 1-5, `na` or `unknown`."""

    value: Value


@dataclass(frozen=True, slots=True)
class Comment:
    """`c` alone (text None: ask for it) or `c some text`."""

    text: str | None = None


@dataclass(frozen=True, slots=True)
class Invalid:
    text: str


Command = Action | Give | Comment | Invalid

# Letters are the documented keys (docs/assess.md); the words are accepted too, accents optional.
_WORDS: dict[str, Command] = {
    "": Action.KEEP,
    **{word: Give(value) for word, value in SPECIAL_WORDS.items()},
    "p": Action.BACK,
    "b": Action.BACK,
    "precedente": Action.BACK,
    "precedent": Action.BACK,
    "retour": Action.BACK,
    "s": Action.SKIP,
    "passer": Action.SKIP,
    "a": Action.HELP,
    "h": Action.HELP,
    "?": Action.HELP,
    "aide": Action.HELP,
    "help": Action.HELP,
    "q": Action.QUIT,
    "quitter": Action.QUIT,
    "c": Comment(),
    "commentaire": Comment(),
}


def normalize(text: str) -> str:
    """Lower case, no accents, single spaces: what a user means whatever the keyboard."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def parse_command(line: str) -> Command:
    """One typed line as a command; never raises."""
    word = normalize(line).rstrip(".")
    if word in _WORDS:
        return _WORDS[word]
    head, _, rest = line.strip().partition(" ")
    if normalize(head) in ("c", "commentaire") and rest.strip():
        return Comment(rest.strip())
    value = parse_value(word)
    if value is not None:
        return Give(value)
    return Invalid(line.strip())


class Questionnaire:
    """Current question, answers, pending comments; moves forward, back, and to the gaps.

    After an answer (or a skip) the next question is the following one while the respondent is
    re-reading questions seen in this session; past that point, questions answered in an earlier
    session are jumped over, so a resumed file goes straight to what is missing.
    """

    def __init__(
        self, questions: Iterable[Question], answers: Mapping[str, Answer] | None = None, *, review: bool = False
    ) -> None:
        self.questions = tuple(questions)
        known = {q.id for q in self.questions}
        self.answers: dict[str, Answer] = {k: v for k, v in (answers or {}).items() if k in known}
        self.pending: dict[str, str] = {}  # comments typed before the answer they belong to
        if review:
            self.index, self.frontier = 0, len(self.questions) - 1
        else:
            self.index = self._next_unanswered(0)
            self.frontier = self.index

    @property
    def total(self) -> int:
        return len(self.questions)

    @property
    def done(self) -> bool:
        return self.index >= self.total

    @property
    def current(self) -> Question:
        if self.done:
            raise IndexError("the questionnaire is over")
        return self.questions[self.index]

    @property
    def position(self) -> int:
        """1-based number of the current question."""
        return self.index + 1

    @property
    def current_answer(self) -> Answer | None:
        return self.answers.get(self.current.id)

    @property
    def current_comment(self) -> str | None:
        answer = self.current_answer
        return answer.comment if answer else self.pending.get(self.current.id)

    @property
    def complete(self) -> bool:
        return all(q.id in self.answers for q in self.questions)

    def unanswered(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.id not in self.answers)

    def ordered_answers(self) -> dict[str, Answer]:
        """The answers in questionnaire order, as they are written to the file."""
        return {q.id: self.answers[q.id] for q in self.questions if q.id in self.answers}

    def answer(self, value: Value) -> Answer:
        """Record `value` for the current question (keeping its comment) and move on."""
        qid = self.current.id
        old = self.answers.get(qid)
        comment = self.pending.pop(qid, None) or (old.comment if old else None)
        self.answers[qid] = new = Answer(value, comment)
        self._advance()
        return new

    def skip(self) -> None:
        """Leave the current question as it is (answered or not) and move on."""
        self._advance()

    def back(self) -> bool:
        """Go to the previous question; False at the first one."""
        if self.index == 0:
            return False
        self.index -= 1
        return True

    def set_comment(self, text: str | None) -> bool:
        """Attach (or, with None, remove) a comment; True when a recorded answer changed.

        A comment on an unanswered question waits for the answer: the file format stores a
        comment only beside a level.
        """
        qid = self.current.id
        text = text.strip() if text else None
        old = self.answers.get(qid)
        if old is None:
            if text:
                self.pending[qid] = text
            else:
                self.pending.pop(qid, None)
            return False
        if old.comment == text:
            return False
        self.answers[qid] = dataclasses.replace(old, comment=text or None)
        return True

    def go_to_first_unanswered(self) -> bool:
        """Jump back to the first gap (after the last question); False if there is none."""
        first = self._next_unanswered(0)
        if first >= self.total:
            return False
        self.index = self.frontier = first
        return True

    def _advance(self) -> None:
        following = self.index + 1
        self.index = following if following <= self.frontier else self._next_unanswered(following)
        self.frontier = max(self.frontier, min(self.index, self.total - 1))

    def _next_unanswered(self, start: int) -> int:
        for i in range(start, self.total):
            if self.questions[i].id not in self.answers:
                return i
        return self.total
