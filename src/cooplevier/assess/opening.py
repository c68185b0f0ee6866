"""Opening a questionnaire: the file to write, who answers, for which structure, in which form.

A new file asks for the territory, the role and the structure type (unless given as options);
an existing one is resumed, its answers that no longer fit the content set aside as comments,
never dropped. The default file name is the territory's: when a file of that name exists, the
respondent is asked whether it is theirs, so that a second participant never silently resumes
the first one's answers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cooplevier import charset
from cooplevier.assess.engine import normalize
from cooplevier.assess.lock import Lock
from cooplevier.assess.screens import Prompter, RoleMenu, StructureIntro, StructureMenu
from cooplevier.assess.store import Existing, Store, default_file, digest, next_free, read_existing
from cooplevier.content.answers import AnswerFile, text_problem
from cooplevier.content.dump import as_written
from cooplevier.content.model import ROLES, STRUCTURES, Form, Pack, Role, Structure
from cooplevier.errors import CooplevierError
from cooplevier.messages import t, tn

_FIELD_NAMES = {
    "territory": lambda: t("assess.field_territory"),
    "role": lambda: t("assess.field_role"),
    "name": lambda: t("assess.field_name"),
    "structure": lambda: t("assess.field_structure"),
    "form": lambda: t("assess.field_form"),
}


class InvalidFile(Exception):
    """The existing file cannot be read as an answer file: it is left untouched."""

    def __init__(self, error: CooplevierError, path: Path) -> None:
        super().__init__(error.located())
        self.error = error
        self.path = path


@dataclass(frozen=True)
class Wanted:
    """What the command line asked for; None: not said (ask, or keep what the file says)."""

    territory: str | None = None
    role: Role | None = None
    name: str | None = None
    structure: Structure | None = None
    form: Form | None = None


@dataclass(frozen=True)
class Opened:
    store: Store
    dirty: bool  # the file must be written before the first answer
    resumed: bool
    lock: Lock


def open_store(pack: Pack, prompter: Prompter, path: Path | None, wanted: Wanted, today: dt.date) -> Opened:
    """The store of the session's file, locked for this session (release `Opened.lock` when done)."""
    territory = (wanted.territory or "").strip() or None
    typed = None
    if path is None:  # the territory names the default file, so it comes first
        typed = territory or ask_territory(prompter)
        path = _default_path(default_file(typed), pack, prompter)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():  # say it now, not after the first answer fails to save
        raise CooplevierError(t("assess.no_folder", folder=folder), file=path)
    lock = Lock(path, prompter.warn)
    lock.acquire()
    try:
        return _open_locked(pack, prompter, path, wanted, territory, typed, today, lock)
    except BaseException:
        lock.release()
        raise


def _open_locked(
    pack: Pack,
    prompter: Prompter,
    path: Path,
    wanted: Wanted,
    territory: str | None,
    typed: str | None,
    today: dt.date,
    lock: Lock,
) -> Opened:
    try:
        existing = read_existing(path, pack)
    except CooplevierError as exc:
        raise InvalidFile(exc, path) from None
    if existing is not None:
        store, dirty = _resume(existing, pack, prompter, dataclasses.replace(wanted, territory=territory), today)
        return Opened(store, dirty, True, lock)
    blank = None
    if path.exists():
        prompter.say(t("assess.file_blank", file=path))
        blank = digest(path.read_bytes())
    base = AnswerFile(
        territory=typed or territory or ask_territory(prompter),
        answers={},
        role=wanted.role or ask_role(prompter),
        name=wanted.name,
        structure=wanted.structure or ask_structure(pack, prompter),
        form=wanted.form,
    )
    show_structure(pack, prompter, base.structure)
    prompter.say(t("assess.file_new", file=path))
    return Opened(Store(path, base, (), pack.ref, today, order(pack), expected=blank), True, False, lock)


def order(pack: Pack) -> tuple[str, ...]:
    return tuple(q.id for q in pack.ordered_questions())


def _default_path(path: Path, pack: Pack, prompter: Prompter) -> Path:
    """The territory's file, unless it exists and is someone else's: then the next free name."""
    if not path.exists():
        return path
    try:
        existing = read_existing(path, pack)
    except CooplevierError:
        existing = None
    who = ""
    if existing is not None:
        af = existing.answers
        parts = [x for x in (af.name, role_word(af.role)) if x]
        who = t("assess.whose", who=", ".join(parts)) if parts else ""
    if ask_yes_no(prompter, t("assess.ask_mine", file=path, who=who)):
        return path
    free = next_free(path)
    prompter.say(t("assess.other_file", file=free))
    return free


def role_word(role: str | None) -> str | None:
    from cooplevier.messages import role_label

    return role_label(role) if role else None


def _resume(existing: Existing, pack: Pack, prompter: Prompter, wanted: Wanted, today: dt.date) -> tuple[Store, bool]:
    """A store for an existing file; True when the file must be rewritten before any answer."""
    af = existing.answers
    path = Path(af.path or "")
    for warning in af.warnings:
        prompter.warn(warning)
    changes: dict[str, Any] = {}
    options = (
        ("territory", "--territory", wanted.territory),
        ("role", "--role", wanted.role),
        ("name", "--name", wanted.name),
        ("structure", "--structure", wanted.structure),
        ("form", "--short", wanted.form),
    )
    for field, option, new in options:
        old = getattr(af, field)
        if new is not None and new != old:
            if old is not None:
                prompter.say(t("assess.changed", field=_FIELD_NAMES[field](), old=old, new=new, option=option))
            changes[field] = new
    af = dataclasses.replace(af, **changes)
    dirty = bool(changes)
    if not af.territory:  # a file started from the blank template
        af = dataclasses.replace(af, territory=ask_territory(prompter))
        dirty = True
    if af.role is None:
        af = dataclasses.replace(af, role=ask_role(prompter))
        dirty = True
    if af.content and af.content != pack.ref:
        prompter.say(t("assess.content_changed", old=af.content, new=pack.ref))
    header = existing.header
    if af.set_aside:
        prompter.warn(tn("assess.set_aside", len(af.set_aside), file=path, pack=pack.ref))
        header = (*header, t("assess.set_aside_header", date=today.isoformat(), pack=pack.ref))
        for item in af.set_aside:
            entry = as_written(item.question, existing.raw_answers.get(item.question, item.raw))
            prompter.warn(t("assess.set_aside_item", line=item.line, entry=entry, reason=item.reason))
            header = (*header, f"  {entry}   # {item.reason}")  # uncomment it to take the answer back
        dirty = True
    return Store(path, af, header, pack.ref, today, order(pack), expected=existing.digest), dirty


def ask_territory(prompter: Prompter) -> str:
    while True:
        territory = prompter.ask(t("assess.ask_territory")).strip()
        problem = text_problem(territory) if territory else t("assess.territory_empty")
        if problem is None:
            return territory
        prompter.hint(problem)


def ask_role(prompter: Prompter) -> Role:
    prompter.show(RoleMenu(ROLES))
    while True:
        answer = prompter.ask(t("assess.ask_role", count=len(ROLES))).strip()
        word = normalize(answer).replace(" ", "-")
        if charset.is_digits(word) and 1 <= int(word) <= len(ROLES):
            return ROLES[int(word) - 1]
        if word in ROLES:
            return word
        prompter.hint(t("assess.bad_role", value=answer, count=len(ROLES)))


def ask_structure(pack: Pack, prompter: Prompter) -> Structure | None:
    """The structure type, from a menu; None when the pack defines none."""
    if not pack.structures:
        return None
    prompter.show(StructureMenu(pack.structures))
    count = len(pack.structures)
    while True:
        answer = prompter.ask(t("assess.ask_structure", count=count)).strip()
        word = normalize(answer)
        if charset.is_digits(word) and 1 <= int(word) <= count:
            return pack.structures[int(word) - 1].id
        if word in STRUCTURES:
            return next(s.id for s in pack.structures if s.id == word)
        prompter.hint(t("assess.bad_structure", value=answer, count=count))


def show_structure(pack: Pack, prompter: Prompter, structure: Structure | None) -> None:
    """What « votre structure » and « votre territoire » mean, before the first question."""
    kind = pack.structure_type(structure) if structure else None
    if kind is not None:
        prompter.show(StructureIntro(kind))


def ask_yes_no(prompter: Prompter, prompt: str) -> bool:
    while True:
        word = normalize(prompter.ask(prompt))
        if word in ("o", "oui", "y", "yes"):
            return True
        if word in ("", "n", "non", "no"):
            return False
        prompter.hint(t("assess.yes_no"))
