"""Pacing: how far the room is, by role and without names; the time left; the countdown; `--minutes`.

Everything here is plain data computed from the participants' places (`Participant.position`,
`moved`, `first`), so the dashboard's figures are testable with a fixed clock. The one measure of
a form's length is `content.reading.reading_load` (the time the join page, the poster and the guide
announce): it is the estimate until the room has given enough answers to measure its own pace.

The countdown and the planned time (`--minutes`) are kept in the state folder
(`.cooplevier-atelier/pacing.json`, private like the rest), so a restart keeps a running countdown.
"""

from __future__ import annotations

import json
import math
import statistics
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cooplevier.atelier.participants import Participant, Step
from cooplevier.atelier.state import state_dir, write_private
from cooplevier.content.model import ROLES, Question
from cooplevier.content.reading import ReadingLoad, question_words, reading_load
from cooplevier.scoring.synthesis import NO_ROLE

PACING_FILE = "pacing.json"
STALL_MINUTES = 5  # not moved for this long while not finished: "à l'arrêt" on the dashboard
MIN_ANSWERS = 3  # answers one person needs before their own pace counts (two intervals)
MIN_PACED = 3  # people with a measured pace before the room's pace replaces the reading load
QUANTILE = 0.75  # the time left is when three in four of those still answering will have finished
MAX_COUNTDOWN = 600  # minutes


@dataclass
class Timer:
    """The planned time (`--minutes`) and the facilitator's countdown; saved in the state folder."""

    minutes: int | None = None  # the time the facilitator gives the questionnaire
    ends: float | None = None  # epoch seconds when the countdown reaches zero; None: not running
    length: int = 0  # the countdown's length in minutes, as started

    def remaining(self, now: float | None = None) -> int | None:
        """Seconds left on the countdown (0 once over), or None when it is not running."""
        if self.ends is None:
            return None
        return max(0, math.ceil(self.ends - (time.time() if now is None else now)))

    def view(self, now: float | None = None) -> dict[str, Any] | None:
        """What a page shows of the countdown: None when it is not running."""
        left = self.remaining(now)
        if left is None:
            return None
        return {"seconds": left, "minutes": math.ceil(left / 60), "over": left == 0, "length": self.length}

    def to_data(self) -> dict[str, Any]:
        return {"version": 1, "minutes": self.minutes, "ends": self.ends, "length": self.length}


def load_timer(folder: Path) -> Timer:
    """The saved planned time and countdown; missing or damaged: none (nothing else depends on it)."""
    try:
        data = json.loads((state_dir(folder) / PACING_FILE).read_bytes())
        minutes, ends, length = data.get("minutes"), data.get("ends"), data.get("length", 0)
        return Timer(
            minutes=minutes if _whole(minutes) else None,
            ends=float(ends) if isinstance(ends, int | float) and not isinstance(ends, bool) else None,
            length=length if _whole(length) else 0,
        )
    except (OSError, ValueError, AttributeError, TypeError):
        return Timer()


def save_timer(folder: Path, timer: Timer) -> None:
    write_private(state_dir(folder) / PACING_FILE, json.dumps(timer.to_data()).encode("utf-8"))


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_COUNTDOWN


# -- the room's progress ------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RoleProgress:
    role: str
    people: int
    median: float | None  # the median question reached (1-based; the total once finished)
    finished: int
    stalled: int  # not finished, and not moved for STALL_MINUTES


@dataclass(frozen=True, slots=True)
class Pacing:
    total: int  # questions in the form
    rows: tuple[RoleProgress, ...]
    everyone: RoleProgress
    left: int | None  # minutes until QUANTILE of those still answering have finished; None: nobody is
    measured: bool  # True: from the room's own pace; False: from the reading load
    pace: float | None  # the room's median seconds per question, once measured
    load: int  # reading_load(form).minutes: the announced time
    stall_minutes: int = STALL_MINUTES


def progress(
    people: Iterable[Participant],
    steps: Sequence[Step],
    questions: Sequence[Question],
    *,
    now: float | None = None,
    stall_minutes: int = STALL_MINUTES,
) -> Pacing:
    """The room's progress by role, and the time left (no name, no id: counts and medians only)."""
    now = time.time() if now is None else now
    total = len(questions)
    passed = [0] * (len(steps) + 1)  # questions before each step
    for i, step in enumerate(steps):
        passed[i + 1] = passed[i] + (step.kind == "question")
    everyone = list(people)
    paces = [p for p in (_pace(person) for person in everyone) if p is not None]
    room_pace = statistics.median(paces) if len(paces) >= MIN_PACED else None
    stall = stall_minutes * 60

    def reached(person: Participant) -> int:
        if person.finished:
            return total
        return min(total, passed[min(person.position, len(steps))] + 1)

    def stalled(person: Participant) -> bool:
        return not person.finished and now - person.moved >= stall

    def row(role: str, group: list[Participant]) -> RoleProgress:
        return RoleProgress(
            role,
            len(group),
            statistics.median(reached(p) for p in group) if group else None,
            sum(p.finished for p in group),
            sum(stalled(p) for p in group),
        )

    by_role: dict[str, list[Participant]] = {}
    for person in everyone:
        by_role.setdefault(person.role or NO_ROLE, []).append(person)
    rows = tuple(row(role, by_role[role]) for role in [*ROLES, NO_ROLE] if role in by_role)
    words = {q.id: question_words(q) for q in questions}  # counted once, not once per person
    ahead = [_left(person, words, room_pace) for person in everyone if not person.finished and not stalled(person)]
    return Pacing(
        total=total,
        rows=rows,
        everyone=row("", everyone),
        left=_quantile_minutes(ahead),
        measured=room_pace is not None,
        pace=room_pace,
        load=reading_load(questions).minutes,
        stall_minutes=stall_minutes,
    )


def _pace(person: Participant) -> float | None:
    """Seconds per question between this person's first answer and their last move."""
    answered = len(person.answers)
    if answered < MIN_ANSWERS or not person.first or person.moved <= person.first:
        return None
    return (person.moved - person.first) / (answered - 1)


def _left(person: Participant, words: dict[str, int], room_pace: float | None) -> float:
    """Seconds this person still needs: their own pace, else the room's, else the reading load
    (`content.reading`: the same measure as the announced time) of the questions they have left."""
    ahead = [qid for qid in words if qid not in person.answers]
    if not ahead:
        return 0.0
    pace = _pace(person) or room_pace
    if pace is not None:
        return pace * len(ahead)
    return ReadingLoad(questions=len(ahead), words=sum(words[qid] for qid in ahead)).minutes * 60.0


def _quantile_minutes(seconds: list[float]) -> int | None:
    if not seconds:
        return None
    ordered = sorted(seconds)
    value = ordered[max(0, math.ceil(QUANTILE * len(ordered)) - 1)]
    return math.ceil(value / 60)


# -- --minutes ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Fit:
    """Whether the form fits the time the facilitator gives it (`--minutes N`)."""

    minutes: int  # what the facilitator gives
    load: int  # reading_load(form).minutes
    short: int | None  # reading_load(short form).minutes, when the form is the full one and a short one exists

    @property
    def fits(self) -> bool:
        return self.load <= self.minutes


def fit(minutes: int | None, form: Sequence[Question], short_form: Sequence[Question] | None) -> Fit | None:
    """None without `--minutes`; `short` is offered only when it is shorter than the form asked."""
    if minutes is None:
        return None
    load = reading_load(form).minutes
    short = reading_load(short_form).minutes if short_form else None
    return Fit(minutes, load, short if short is not None and short < load else None)
