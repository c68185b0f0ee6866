"""What the room's screen may show of answers that keep arriving (rule 5 of docs/atelier.md).

The projection refreshes while people answer, so two views a few seconds apart must not give away,
by subtraction, what the one person who answered meanwhile chose. The screen is therefore never
drawn from the answers as they are, but from a *published* copy of them, and every view is the
projection (rules 1 to 4, `masking.project`) of that one copy: all its figures stand for the same
moment, so no figure can be set against another taken at a different moment.

An answer reaches the published copy in a batch: for one question and one role, the changes
waiting (a first answer, a new one, a cleared one) are published together once at least K people
of that role have one. Until then they wait, and the screen keeps what it showed. So a figure,
or a role's cell, moves only when at least K people of one role changed their answer to one of
its questions; one person changing their answers as often as they like never moves anything. Nor does a
batch ever leave between 1 and K−1 people of a role with an answer to a question (clearings
wait until they empty the question or leave K): a view's role cell taken before, set against a
later view, would give those few away.

Batches are made by role, not by the groups of the screen, because the groups change as people
arrive: a batch of two élus and a technicien, published while everyone was one group, would be
split in two by the first view that shows the roles apart, and the technicien's answer would be
that view's group figure minus the élus' cell minus what was shown before. So a role with fewer
than K people answering a question is on the screen nowhere for that question (the dashboard
counts them; the facilitator's downloads have every answer).

Scores are whole numbers from 1 to 5, and a viewer who knows it reads more than sums: three élus
shown at 1 all answered 1 (rule 6 of docs/atelier.md, homogeneity). So a batch is published only
if its scores are not all the same, and only if it leaves the role's scores on the question not
all the same (or none): no sum the screen lets one compute, a role's or a batch's, is ever that of
people who all gave the same score. A role that answers a question unanimously stays off the
screen for that question until one of them, or a newcomer, answers otherwise.

A participant erased leaves the copy at once (nothing of them is kept), and so do the published
answers of their role to the questions they had answered: those come back only once K people of
the role changed that answer since the erasure (`held`). Otherwise the first view after it, set
against the last one before, would give the erased person's answers by subtraction, even with
the results hidden in between.

Each person is known by their participant id (the name of their answer file), never by a path,
so the published copy, saved in the state folder, holds across a restart from any spelling of
the folder, or from the folder moved elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cooplevier.content.answers import Value

Person = tuple[str, str | None, Mapping[str, Value]]  # (participant id, role, current values by question)


@dataclass
class Published:
    """The answers the screen is drawn from: participant id -> question -> value."""

    values: dict[str, dict[str, Value]] = field(default_factory=dict)
    revision: dict[str, int] = field(default_factory=dict)  # bumped when a person's published answers change
    changed: bool = False  # something was published since the copy was last saved
    seen: bool = False  # some view showed figures of this copy (from then on, batches only)
    # (question, role) -> the role's answers when someone was erased: K changes from them first
    held: dict[tuple[str, str | None], dict[str, Value]] = field(default_factory=dict)

    def publish_all(self, people: Sequence[Person]) -> bool:
        """Publish every answer as it is: only when no view showed figures while answers could
        change (`seen` false) and the questionnaire is closed, so no earlier view can be subtracted.
        A role's answers to a question that all give the same score stay out (homogeneity)."""
        scores: dict[tuple[str, str | None], list[Value]] = {}
        for _who, role, current in people:
            for question, value in current.items():
                scores.setdefault((question, role), []).append(value)
        values = {
            who: {q: v for q, v in current.items() if not _uniform(scores[(q, role)])} for who, role, current in people
        }
        values = {who: mine for who, mine in values.items() if mine}
        self.held = {}  # no view to subtract from
        if values == self.values:
            return False
        for who in set(values) | set(self.values):
            if values.get(who) != self.values.get(who):
                self.revision[who] = self.revision.get(who, 0) + 1
        self.values = values
        self.changed = True
        return True

    def update(self, people: Sequence[Person], k: int) -> bool:
        """Publish every batch that is due; True if anything moved."""
        waiting: dict[tuple[str, str | None], list[tuple[str, Value | None]]] = {}
        for who, role, current in people:
            shown = self.values.get(who, {})
            for question in sorted(set(current) | set(shown)):
                now = current.get(question)
                if shown.get(question) != now:
                    waiting.setdefault((question, role), []).append((who, now))
        answering: dict[tuple[str, str | None], int] = {}  # people of a role with a published answer, by question
        for who, role, _current in people:
            for question in self.values.get(who, {}):
                answering[(question, role)] = answering.get((question, role), 0) + 1
        members: dict[str | None, list[str]] = {}
        current_of: dict[str, Mapping[str, Value]] = {}
        for who, role, current in people:
            members.setdefault(role, []).append(who)
            current_of[who] = current
        moved = False
        for (question, role), changes in waiting.items():
            if len(changes) < k:
                continue
            before = self.held.get((question, role))
            if before is not None:  # after an erasure: K of the role changed this answer since
                since = sum(1 for w in members[role] if current_of[w].get(question) != before.get(w))
                if since < k:
                    continue
            after = answering.get((question, role), 0)
            after += sum((now is not None) - (question in self.values.get(who, {})) for who, now in changes)
            if 0 < after < k:  # clearings would leave fewer than K of the role: they wait too
                continue
            new = dict(changes)
            kept = [new[w] if w in new else self.values.get(w, {}).get(question) for w in members[role]]
            if _uniform([now for _who, now in changes]) or _uniform(kept):
                continue  # a unanimous batch, or a role left unanimous, would tell each one's answer
            for who, now in changes:
                mine = self.values.setdefault(who, {})
                if now is None:
                    mine.pop(question, None)
                else:
                    mine[question] = now
                self.revision[who] = self.revision.get(who, 0) + 1
            self.held.pop((question, role), None)
            moved = True
        self.changed = self.changed or moved
        return moved

    def erase(self, who: str, role: str | None, people: Sequence[Person]) -> None:
        """`who` erased: out of the copy, with their role's published answers to their questions
        (held until K changes); `people` are the others, with their answers as they are now."""
        mine = self.values.pop(who, {})
        self.revision.pop(who, None)
        for before in self.held.values():  # no copy of them is left anywhere
            before.pop(who, None)
        self.changed = True
        if not self.seen:  # no view to set against a later one: nothing to hold
            return
        others = [(w, current) for w, r, current in people if r == role and w != who]
        for question in mine:
            if (question, role) not in self.held:  # held already: its first snapshot stays
                self.held[(question, role)] = {w: current[question] for w, current in others if question in current}
            for w, _current in others:
                if self.values.get(w, {}).pop(question, None) is not None:
                    self.revision[w] = self.revision.get(w, 0) + 1
        self.values = {w: v for w, v in self.values.items() if v}

    def of(self, who: str) -> dict[str, Value]:
        return dict(self.values.get(who, {}))

    def to_data(self) -> dict[str, Any]:
        held = [[question, role, before] for (question, role), before in self.held.items()]
        return {"version": 1, "values": self.values, "seen": self.seen, "held": held}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Published:
        if data.get("version") != 1 or not isinstance(data.get("values"), dict):
            raise ValueError("not a published copy")
        values: dict[str, dict[str, Value]] = {}
        for who, answers in data["values"].items():
            if not isinstance(who, str) or not isinstance(answers, dict):
                raise ValueError(who)
            for question, value in answers.items():
                if not isinstance(question, str) or not _is_value(value):
                    raise ValueError(question)
            values[who] = dict(answers)
        held: dict[tuple[str, str | None], dict[str, Value]] = {}
        for question, role, before in data.get("held", []):
            if not isinstance(question, str) or not (role is None or isinstance(role, str)):
                raise ValueError(question)
            if not isinstance(before, dict) or not all(isinstance(w, str) and _is_value(v) for w, v in before.items()):
                raise ValueError(question)
            held[(question, role)] = dict(before)
        # a copy saved before `seen` existed may have been on a screen: assume it was
        return cls(values, seen=data.get("seen", True) is not False, held=held)


def _uniform(values: Sequence[Value | None]) -> bool:
    """Scores that all say the same (and at least one): shown, their mean is each one's answer."""
    scores = {v for v in values if isinstance(v, int)}
    return len(scores) == 1


def _is_value(value: object) -> bool:
    return value in ("na", "unknown") or (isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5)
