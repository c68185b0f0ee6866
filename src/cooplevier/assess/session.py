"""`cooplevier assess`: open or resume an answer file, run the questionnaire, save after every change.

Every answer is written to disk (atomically) before the next question is shown, so Ctrl-C, the
end of input, `kill -9` or a crash lose at most the line being typed. Answers that no longer fit
the content are moved to comments at the top of the file: reported, never dropped.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shlex
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cooplevier.assess.engine import Action, Comment, Give, Invalid, Questionnaire, normalize, parse_command
from cooplevier.assess.screens import HelpView, Intro, LeverIntro, Prompter, QuestionView, RoleMenu, Summary
from cooplevier.assess.store import Existing, Store, as_written, default_file, read_existing
from cooplevier.content.answers import Answer, AnswerFile
from cooplevier.content.model import ROLES, Pack, Role
from cooplevier.errors import CooplevierError, ExitCode
from cooplevier.messages import t, tn

_FIELD_NAMES = {
    "territory": lambda: t("assess.field_territory"),
    "role": lambda: t("assess.field_role"),
    "name": lambda: t("assess.field_name"),
}


class _Quit(Exception):
    """The respondent typed q."""


class _Abandoned(Exception):
    """Saving failed and the respondent gave up retrying."""


def command_line(*args: str | Path) -> str:
    """A command to copy and paste, quoted for the shell it will be pasted into."""
    words = ["cooplevier", *map(str, args)]
    return subprocess.list2cmdline(words) if os.name == "nt" else shlex.join(words)


def assess(
    pack: Pack,
    prompter: Prompter,
    *,
    path: Path | None = None,
    territory: str | None = None,
    role: Role | None = None,
    name: str | None = None,
    content: Path | None = None,
    yes: bool = False,
    today: dt.date | None = None,
) -> ExitCode:
    """Run the questionnaire for the file at `path` (created or resumed); return the exit code."""
    today = today or dt.date.today()
    extra: tuple[str | Path, ...] = ("--content", content) if content is not None else ()
    store: Store | None = None
    q: Questionnaire | None = None
    prompter.show(Intro(len(pack.questions), len(pack.levers), len(pack.axes)))
    try:
        store, dirty, resumed = _open_store(pack, prompter, path, territory, role, name, today)
        q = Questionnaire(pack.ordered_questions(), store.base.answers)
        if q.complete:
            prompter.say(t("assess.complete", file=store.path, answered=len(q.answers), total=q.total))
            if not (yes or _ask_yes_no(prompter, t("assess.ask_review"))):
                prompter.say(t("assess.unchanged", file=store.path))
                _finish(store, q, pack, prompter, extra)
                return ExitCode.OK
            q = Questionnaire(pack.ordered_questions(), store.base.answers, review=True)
        elif resumed:
            counts = {"answered": len(q.answers), "total": q.total, "position": q.position}
            prompter.say(t("assess.file_resume", file=store.path, **counts))
        if dirty:
            _save(store, q.ordered_answers(), prompter)
        _run(q, store, pack, prompter)
    except _InvalidFile as exc:
        prompter.warn(exc.error.located())
        prompter.warn(t("assess.invalid_file", file=exc.path))
        return ExitCode.FAILED
    except _Abandoned:
        return ExitCode.FAILED
    except (_Quit, EOFError, KeyboardInterrupt) as exc:
        code, reason = {
            _Quit: (ExitCode.OK, None),
            EOFError: (ExitCode.FAILED, t("assess.eof")),
            KeyboardInterrupt: (ExitCode.INTERRUPTED, t("assess.interrupted")),
        }[type(exc)]
        if store is None or q is None:  # nothing known yet, nothing written
            nothing = t("assess.eof_nothing") if code == ExitCode.FAILED else f"{reason} {t('assess.nothing_saved')}"
            prompter.warn(nothing)
        else:
            _farewell(store, q, extra, prompter, reason)
        return code
    _finish(store, q, pack, prompter, extra)
    return ExitCode.OK


class _InvalidFile(Exception):
    """The existing file cannot be read as an answer file: it is left untouched."""

    def __init__(self, error: CooplevierError, path: Path) -> None:
        super().__init__(error.located())
        self.error = error
        self.path = path


def _open_store(
    pack: Pack,
    prompter: Prompter,
    path: Path | None,
    territory: str | None,
    role: Role | None,
    name: str | None,
    today: dt.date,
) -> tuple[Store, bool, bool]:
    """The answer file to write: (store, must be written now, is a resumed file)."""
    territory = (territory or "").strip() or None
    typed = None
    if path is None:  # the territory names the default file, so it comes first
        typed = territory or _ask_territory(prompter)
        path = default_file(typed)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():  # say it now, not after the first answer fails to save
        raise CooplevierError(t("assess.no_folder", folder=folder), file=path)
    try:
        existing = read_existing(path, pack)
    except CooplevierError as exc:
        raise _InvalidFile(exc, path) from None
    if existing is not None:
        store, dirty = _resume(existing, pack, prompter, territory=territory, role=role, name=name, today=today)
        return store, dirty, True
    if path.exists():
        prompter.say(t("assess.file_blank", file=path))
    territory = typed or territory or _ask_territory(prompter)
    base = AnswerFile(territory=territory, answers={}, role=role or _ask_role(prompter), name=name)
    prompter.say(t("assess.file_new", file=path))
    return Store(path, base, (), pack.ref, today), True, False


def _resume(
    existing: Existing,
    pack: Pack,
    prompter: Prompter,
    *,
    territory: str | None,
    role: Role | None,
    name: str | None,
    today: dt.date,
) -> tuple[Store, bool]:
    """A store for an existing file; True when the file must be rewritten before any answer."""
    af = existing.answers
    path = Path(af.path or "")
    for warning in af.warnings:
        prompter.warn(warning)
    changes: dict[str, Any] = {}
    options = (("territory", "--territory", territory), ("role", "--role", role), ("name", "--name", name))
    for field, option, new in options:
        old = getattr(af, field)
        if new is not None and new != old:
            if old is not None:
                prompter.say(t("assess.changed", field=_FIELD_NAMES[field](), old=old, new=new, option=option))
            changes[field] = new
    af = dataclasses.replace(af, **changes)
    dirty = bool(changes)
    if not af.territory:  # a file started from the blank template
        af = dataclasses.replace(af, territory=_ask_territory(prompter))
        dirty = True
    if af.role is None:
        af = dataclasses.replace(af, role=_ask_role(prompter))
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
    return Store(path, af, header, pack.ref, today), dirty


def _ask_territory(prompter: Prompter) -> str:
    while True:
        territory = prompter.ask(t("assess.ask_territory")).strip()
        if territory:
            return territory
        prompter.hint(t("assess.territory_empty"))


def _ask_role(prompter: Prompter) -> Role:
    prompter.show(RoleMenu(ROLES))
    while True:
        answer = prompter.ask(t("assess.ask_role", count=len(ROLES))).strip()
        word = normalize(answer).replace(" ", "-")
        if word.isdigit() and 1 <= int(word) <= len(ROLES):
            return ROLES[int(word) - 1]
        if word in ROLES:
            return word
        prompter.hint(t("assess.bad_role", value=answer, count=len(ROLES)))


def _ask_yes_no(prompter: Prompter, prompt: str) -> bool:
    while True:
        word = normalize(prompter.ask(prompt))
        if word in ("o", "oui", "y", "yes"):
            return True
        if word in ("", "n", "non", "no"):
            return False
        prompter.hint(t("assess.yes_no"))


def _run(q: Questionnaire, store: Store, pack: Pack, prompter: Prompter) -> None:
    """The question loop, until the last question is behind; raises _Quit on `q`."""
    shown_lever: str | None = None
    came_back = False
    while True:
        while not q.done:
            question = q.current
            if question.lever != shown_lever and not came_back:
                lever = pack.lever(question.lever)
                prompter.show(LeverIntro(lever, pack.axis(lever.axis), len(pack.questions_for(lever.id))))
            shown_lever = question.lever
            came_back = _ask_question(q, store, pack, prompter)
        gaps = q.unanswered()
        if not gaps:
            return
        prompter.say(tn("assess.gaps", len(gaps), ids=", ".join(g.id for g in gaps)))
        if not _ask_yes_no(prompter, t("assess.ask_gaps")):
            return
        q.go_to_first_unanswered()
        shown_lever = None


def _ask_question(q: Questionnaire, store: Store, pack: Pack, prompter: Prompter) -> bool:
    """Ask the current question until the respondent moves; True if they went back."""
    question = q.current

    def show() -> None:
        axis = pack.axis(pack.lever(question.lever).axis)
        prompter.show(QuestionView(question, q.position, q.total, axis, q.current_answer, q.current_comment))

    show()
    while True:
        command = parse_command(prompter.ask(t("assess.prompt")))
        match command:
            case Give(value):
                q.answer(value)
                _save(store, q.ordered_answers(), prompter)
                return False
            case Action.KEEP if q.current_answer is not None:
                q.skip()
                return False
            case Action.KEEP:
                prompter.hint(t("assess.hint_empty"))
            case Action.SKIP:
                q.skip()
                return False
            case Action.BACK:
                if q.back():
                    return True
                prompter.hint(t("assess.first_question"))
            case Action.HELP:
                lever = pack.lever(question.lever)
                steps = tuple(s.label.text for s in pack.staircase)
                prompter.show(HelpView(question, lever, pack.cases_for(lever.id), steps))
                show()
            case Comment(text):
                _comment(q, store, prompter, text)
            case Action.QUIT:
                raise _Quit
            case Invalid(text):
                prompter.hint(t("assess.hint", value=text))


def _comment(q: Questionnaire, store: Store, prompter: Prompter, text: str | None) -> None:
    qid = q.current.id
    if text is None:
        text = prompter.ask(t("assess.ask_comment")).strip()
        if not text:
            prompter.say(t("assess.comment_unchanged", id=qid))
            return
    removing = text == "-"
    if q.set_comment(None if removing else text):
        _save(store, q.ordered_answers(), prompter)
        prompter.say(t("assess.comment_removed", id=qid) if removing else t("assess.comment_saved", id=qid))
    elif removing:
        prompter.say(t("assess.comment_removed", id=qid))
    elif q.current_answer is None:
        prompter.say(t("assess.comment_pending", id=qid))
    else:
        prompter.say(t("assess.comment_unchanged", id=qid))


def _save(store: Store, answers: Mapping[str, Answer], prompter: Prompter) -> None:
    """Write the file; on failure (disk full, no rights) offer to retry, never drop the answers."""
    while True:
        try:
            try:
                store.save(answers)
            except KeyboardInterrupt:  # Ctrl-C in the middle of a write: finish it, then stop
                store.save(answers)
                raise
            return
        except CooplevierError as exc:
            prompter.warn(exc.located())
            prompter.warn(t("assess.save_failed"))
        try:
            retry = normalize(prompter.ask(t("assess.ask_retry"))) != "q"
        except (EOFError, KeyboardInterrupt):
            retry = False
        if not retry:
            prompter.warn(t("assess.dump"))
            prompter.warn(store.text(answers))
            raise _Abandoned


def _farewell(
    store: Store, q: Questionnaire, extra: Sequence[str | Path], prompter: Prompter, reason: str | None
) -> None:
    """Where the answers are and how to resume: after q (no reason), Ctrl-C or the end of input."""
    saved = t("assess.saved", answered=len(q.answers), total=q.total, file=store.path)
    for qid in q.pending:  # the file keeps a comment beside an answer only: say what is dropped
        prompter.warn(t("assess.pending_dropped", id=qid))
    if reason is None:
        prompter.say(f"{t('assess.bye')} {saved}")
        prompter.say(t("assess.resume"))
    else:
        prompter.warn(f"{reason} {saved}")
        prompter.warn(t("assess.resume"))
    prompter.command(command_line("assess", store.path, *extra), err=reason is not None)


def _finish(store: Store, q: Questionnaire, pack: Pack, prompter: Prompter, extra: Sequence[str | Path]) -> None:
    from cooplevier.scoring.engine import score

    af = dataclasses.replace(store.base, answers=q.ordered_answers(), path=str(store.path))
    prompter.show(Summary(score(af, pack), pack))
    prompter.say(t("assess.saved", answered=len(q.answers), total=q.total, file=store.path))
    if q.unanswered():
        prompter.say(t("assess.resume_later"))
        prompter.command(command_line("assess", store.path, *extra))
    prompter.say(t("assess.next"))
    output = store.path.with_suffix(".html")
    prompter.command(command_line("report", store.path, "--format", "html", "--output", output, *extra))
