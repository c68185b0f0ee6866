"""The reading load of a form, measured on what a participant reads, and the time announced from it.

One measure for every place that announces a duration (the join page, the poster, the guide,
`assess`, the workshop's `--minutes` check): the words of each question as it is shown (its text,
its help and its five choices, worded for the structure type), read at a phone's pace, plus the
time to choose and tap. The constants are documented in docs/questionnaire.md.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from cooplevier.content.model import Question

WORDS_PER_MINUTE = 180  # silent reading of plain French on a phone, by a busy adult (lower bound of 180–250)
SECONDS_PER_QUESTION = 8  # choosing among five situations and tapping, once read
_WORD = re.compile(r"[\w’'-]+")


def words(text: str) -> int:
    """Words as a reader counts them: « l'intercommunalité » is one, « 1 » is one."""
    return len(_WORD.findall(text))


def question_words(question: Question) -> int:
    """What one question shows: its text, its help and its five choices."""
    return words(question.text) + words(question.help.text) + sum(words(choice.label) for choice in question.choices)


@dataclass(frozen=True, slots=True)
class ReadingLoad:
    questions: int
    words: int

    @property
    def minutes(self) -> int:
        """The time to announce, in whole minutes (rounded up): reading plus choosing."""
        seconds = self.words * 60 / WORDS_PER_MINUTE + self.questions * SECONDS_PER_QUESTION
        return max(1, math.ceil(seconds / 60))


def reading_load(questions: Iterable[Question]) -> ReadingLoad:
    """The load of a form (`Pack.form(structure, form)`, already worded for the structure type)."""
    shown = tuple(questions)
    return ReadingLoad(questions=len(shown), words=sum(question_words(q) for q in shown))
