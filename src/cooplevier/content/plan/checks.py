"""Cross-checks of actions.yaml: ids, levers, steps, coverage, quotes, wordings.

Each problem is reported where a person would fix it, as `FILE:LINE:COL: message`.
"""

from __future__ import annotations

import re

from cooplevier.content.model import STRUCTURES, Framework
from cooplevier.content.plan.actions import ActionsFile
from cooplevier.content.strict_yaml import YamlDoc
from cooplevier.errors import ContentError, CooplevierError
from cooplevier.messages import t

ACTION_ID = re.compile(r"(L[1-9][0-9]?)\.A([1-9][0-9]?)")
STEPS_UP = ((1, 2), (2, 3), (3, 4), (4, 5))


def check_actions(
    fw: Framework, af: ActionsFile, doc: YamlDoc, calendar_ids: frozenset[str] | None = None
) -> list[CooplevierError]:
    """Every problem of the actions file, in file order, then the levers and steps left without one."""
    errors: list[CooplevierError] = []

    def err(path: tuple[str | int, ...], message: str) -> None:
        errors.append(doc.error(path, message, cls=ContentError))

    levers = {lv.id for lv in fw.levers}
    lines: dict[str, int] = {}
    covered: set[tuple[str, int, int]] = set()
    for i, action in enumerate(af.actions):
        path: tuple[str | int, ...] = ("actions", i)
        match = ACTION_ID.fullmatch(action.id)
        if not match:
            err((*path, "id"), t("actions.bad_id", id=action.id))
            continue
        if action.id in lines:
            err((*path, "id"), t("content.duplicate_id", id=action.id, first=lines[action.id]))
        lines.setdefault(action.id, doc.where((*path, "id"))[0])
        if match.group(1) not in levers:
            err((*path, "id"), t("actions.unknown_lever", id=action.id, lever=match.group(1)))
        if (action.from_step, action.to_step) not in STEPS_UP:
            err((*path, "to_step"), t("actions.step"))
        else:
            covered.add((action.lever, action.from_step, action.to_step))
        if action.source == "seed" and not action.quote:
            err((*path, "source"), t("actions.seed_quote"))
        if action.calendar is not None and calendar_ids is not None and action.calendar not in calendar_ids:
            err((*path, "calendar"), t("actions.unknown_deadline", id=action.calendar))
        for structure in STRUCTURES:
            if getattr(action.wording, structure) is not None and structure not in action.structures:
                err((*path, "wording", structure), t("actions.wording_elsewhere", structure=structure))
    for lever in fw.levers:
        for low, high in STEPS_UP:
            if (lever.id, low, high) not in covered:
                err(("actions",), t("actions.uncovered", lever=lever.id, from_step=low, to_step=high))
    return errors
