"""Plan files, format `plan/1`: the cooperation plan a territory keeps, edits by hand and follows.

Read strictly like answer files (duplicate keys, tags and aliases refused by the YAML loader;
unknown keys, unknown statuses, non-dates, duplicate ids, levers and content actions the pack does
not know refused at their line), and written in a stable layout that reads back field for field.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from cooplevier.content.model import STRUCTURES, Pack, Structure
from cooplevier.content.plan.actions import find
from cooplevier.content.plan.checks import ACTION_ID
from cooplevier.content.schema import Converter, as_date
from cooplevier.content.strict_yaml import YamlDoc, load_file, parse
from cooplevier.errors import CooplevierError, ErrorGroup
from cooplevier.messages import t

FORMAT = "plan/1"
MAX_PLAN_BYTES = 1024 * 1024
Status = Literal["a-venir", "en-cours", "fait", "abandonne"]
STATUSES: tuple[Status, ...] = ("a-venir", "en-cours", "fait", "abandonne")
DiagnosisKind = Literal["person", "group", "vote"]
_YEAR = re.compile(r"(19|20|21)[0-9]{2}")


class PlanError(CooplevierError):
    """A plan file is invalid."""


@dataclass(frozen=True, slots=True)
class PlanAction:
    id: str
    lever: str
    title: str
    from_: str | None = None  # the content's action it comes from (`from` in the file)
    leads: str | None = None
    body: str | None = None
    due: dt.date | None = None
    deliverable: str | None = None
    indicator: str | None = None
    status: Status = "a-venir"
    notes: dict[str, str] = field(default_factory=dict)  # year ("2027") -> note

    def late(self, today: dt.date) -> bool:
        """Computed, never typed: neither done nor abandoned, and past its due date."""
        return self.status not in ("fait", "abandonne") and self.due is not None and self.due < today


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """What the draft came from: who answered, and how (kept so the plan never overstates it)."""

    kind: DiagnosisKind
    respondents: int = 1
    name: str | None = None
    role: str | None = None
    completeness: str | None = None  # one person's share of questions answered, "0.51"
    attendance: dict[str, str] = field(default_factory=dict)  # role -> count, a group's
    date: dt.date | None = None
    priorities: tuple[str, ...] = ()
    votes: str | None = None  # voters of the room's vote


@dataclass(frozen=True, slots=True)
class PlanFile:
    cooplevier: str
    territory: str
    actions: tuple[PlanAction, ...]
    structure: Structure | None = None
    renewal: dt.date | None = None
    adopted: dt.date | None = None
    diagnosis: Diagnosis | None = None


def load_plan(path: Path, pack: Pack) -> PlanFile:
    """Read and check a plan file; every problem found is raised at once (ErrorGroup)."""
    return read_plan(load_file(path, max_bytes=MAX_PLAN_BYTES, max_depth=8), pack)


def parse_plan(text: str, pack: Pack, *, file: str) -> PlanFile:
    return read_plan(parse(text, file=file, max_depth=8), pack)


def read_plan(doc: YamlDoc, pack: Pack) -> PlanFile:
    data = doc.data
    if not isinstance(data, dict):
        raise ErrorGroup([doc.error((), t("plan.not_mapping"), cls=PlanError)])
    if data.get("cooplevier") != FORMAT:
        raise ErrorGroup([doc.error(("cooplevier",), t("plan.format", found=data.get("cooplevier")), cls=PlanError)])
    conv = Converter(doc, PlanError)
    plan: PlanFile = conv.dataclass(data, PlanFile, ())
    errors = list(conv.errors)
    if not errors:
        errors += _check(plan, doc, pack)
    if errors:
        raise ErrorGroup(errors)
    return plan


def _check(plan: PlanFile, doc: YamlDoc, pack: Pack) -> list[CooplevierError]:
    errors: list[CooplevierError] = []

    def err(path: tuple[str | int, ...], message: str) -> None:
        errors.append(doc.error(path, message, cls=PlanError))

    lines: dict[str, int] = {}
    for i, action in enumerate(plan.actions):
        path: tuple[str | int, ...] = ("actions", i)
        if action.id in lines:
            err((*path, "id"), t("plan.duplicate_id", id=action.id, first=lines[action.id]))
        lines.setdefault(action.id, doc.where((*path, "id"))[0])
        if not pack.has_lever(action.lever):
            err((*path, "lever"), t("plan.unknown_lever", lever=action.lever))
        if action.from_ is not None:
            if not ACTION_ID.fullmatch(action.from_) or find(pack, action.from_) is None:
                err((*path, "from"), t("plan.unknown_action", id=action.from_))
            elif action.from_.split(".")[0] != action.lever:
                err((*path, "from"), t("plan.action_lever", id=action.from_, lever=action.lever))
        for year in action.notes:
            if not _YEAR.fullmatch(str(year)):
                err((*path, "notes", year), t("plan.note_year", year=year))
    if plan.diagnosis is not None:
        for lever in plan.diagnosis.priorities:
            if not pack.has_lever(lever):
                err(("diagnosis", "priorities"), t("plan.unknown_lever", lever=lever))
    return errors


def dump_plan(plan: PlanFile, *, comments: tuple[str, ...] = ()) -> str:
    """The YAML text of a plan, in a stable, human-editable layout that `read_plan` reads back."""
    import yaml

    from cooplevier.content.dump import _dumper

    doc: dict[str, Any] = {"cooplevier": FORMAT, "territory": plan.territory}
    if plan.structure:
        doc["structure"] = plan.structure
    for key in ("renewal", "adopted"):
        value = getattr(plan, key)
        if value is not None:
            doc[key] = value
    if plan.diagnosis is not None:
        doc["diagnosis"] = _diagnosis(plan.diagnosis)
    doc["actions"] = [_action(a) for a in plan.actions]
    body = yaml.dump(
        doc, Dumper=_dumper(False), allow_unicode=True, sort_keys=False, default_flow_style=False, width=100
    )
    head = "".join(f"# {line}\n" for c in comments for line in c.splitlines())
    return head + body


def _action(a: PlanAction) -> dict[str, Any]:
    out: dict[str, Any] = {"id": a.id, "lever": a.lever}
    if a.from_:
        out["from"] = a.from_
    out["title"] = a.title
    for key in ("leads", "body"):
        if getattr(a, key):
            out[key] = getattr(a, key)
    if a.due is not None:
        out["due"] = a.due
    for key in ("deliverable", "indicator"):
        if getattr(a, key):
            out[key] = getattr(a, key)
    out["status"] = a.status
    if a.notes:
        out["notes"] = {str(year): note for year, note in sorted(a.notes.items())}
    return out


def _diagnosis(d: Diagnosis) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": d.kind, "respondents": d.respondents}
    for key in ("name", "role", "completeness"):
        if getattr(d, key):
            out[key] = getattr(d, key)
    if d.attendance:
        out["attendance"] = dict(d.attendance)
    if d.date is not None:
        out["date"] = d.date
    if d.priorities:
        out["priorities"] = list(d.priorities)
    if d.votes:
        out["votes"] = d.votes
    return out


def structure_of(value: str | None) -> Structure | None:
    return next((s for s in STRUCTURES if s == value), None)


__all__ = [
    "FORMAT",
    "STATUSES",
    "Diagnosis",
    "PlanAction",
    "PlanError",
    "PlanFile",
    "as_date",
    "dump_plan",
    "load_plan",
]
