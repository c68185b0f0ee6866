"""The content's actions (actions.yaml): what moves a lever up one step, who leads, who decides.

The models live here rather than in `model.py`, which stays small; the pack holds them in
`Pack.actions`, and `actions_for()` / `find()` read them by lever and by id.
"""

from __future__ import annotations

import dataclasses
from typing import cast

from cooplevier.content import dataclass  # the standard one, faster to create (start-up)
from cooplevier.content.model import STRUCTURES, Pack, Source, Structure


@dataclass(frozen=True, slots=True)
class ActionWording:
    """What changes in an action for one structure type (a field left out keeps the default)."""

    text: str | None = None
    leads: str | None = None
    body: str | None = None
    deliverable: str | None = None
    indicator: str | None = None


@dataclass(frozen=True, slots=True)
class ActionWordings:
    epci: ActionWording | None = None
    petr: ActionWording | None = None
    scot: ActionWording | None = None
    pnr: ActionWording | None = None
    autre: ActionWording | None = None


@dataclass(frozen=True, slots=True)
class Action:
    """One written action that moves a lever up one step (actions.yaml)."""

    id: str  # L<lever>.A<n>, stable
    from_step: int
    to_step: int
    text: str  # an imperative sentence (infinitive, as French action plans write it)
    leads: str  # a role
    body: str  # the body that decides it
    deliverable: str
    indicator: str  # what says, a year later, whether it happened
    source: Source
    quote: str | None = None  # seed: the deck's own words for the practice, exactly
    structures: tuple[Structure, ...] = STRUCTURES
    wording: ActionWordings = ActionWordings()
    calendar: str | None = None  # the calendar entry (calendar.yaml) whose date it should meet
    legal: bool = False  # it carries out `calendar`'s obligation: in every plan of a type the entry concerns

    @property
    def lever(self) -> str:
        return self.id.split(".", 1)[0]

    def worded_for(self, structure: Structure | None) -> Action:
        """This action as a structure of that type reads it."""
        w: ActionWording | None = getattr(self.wording, structure) if structure else None
        if w is None:
            return self
        changed = {k: getattr(w, k) for k in ("text", "leads", "body", "deliverable", "indicator") if getattr(w, k)}
        return dataclasses.replace(self, **changed)


@dataclass(frozen=True, slots=True)
class ActionsFile:
    actions: tuple[Action, ...] = ()


def all_actions(pack: Pack) -> tuple[Action, ...]:
    return cast(tuple[Action, ...], pack.actions)


def actions_for(pack: Pack, lever_id: str, structure: Structure | None = None) -> tuple[Action, ...]:
    """A lever's actions in step order; for a structure type, those that apply, worded for it."""
    found = [a for a in all_actions(pack) if a.lever == lever_id and (structure is None or structure in a.structures)]
    found.sort(key=lambda a: a.from_step)
    return tuple(a.worded_for(structure) for a in found)


def find(pack: Pack, action_id: str) -> Action | None:
    return next((a for a in all_actions(pack) if a.id == action_id), None)
