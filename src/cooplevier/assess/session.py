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
import signal
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from cooplevier.assess.engine import Action, Comment, Give, Invalid, Questionnaire, normalize, parse_command
from cooplevier.assess.opening import InvalidFile, Wanted, ask_yes_no, open_store, show_structure
from cooplevier.assess.screens import HelpView, Intro, LeverIntro, Prompter, QuestionView, Summary
from cooplevier.assess.store import ChangedOnDisk, Store
from cooplevier.content.answers import Answer, text_problem
from cooplevier.content.model import STRUCTURES, Form, Pack, Role, Structure
from cooplevier.content.reading import reading_load
from cooplevier.errors import CooplevierError, ExitCode, Stopped
from cooplevier.messages import t, tn


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
    structure: Structure | None = None,
    form: Form | None = None,
    content: Path | None = None,
    yes: bool = False,
    today: dt.date | None = None,
) -> int:
    """Run the questionnaire for the file at `path` (created or resumed); return the exit code."""
    today = today or dt.date.today()
    extra: tuple[str | Path, ...] = ("--content", content) if content is not None else ()
    store: Store | None = None
    q: Questionnaire | None = None
    opened = None
    sizes = {len(pack.form(s, form)) for s in STRUCTURES}  # the count, if no structure type changes it
    known = structure is not None or len(sizes) == 1
    shown = pack.form(structure, form)
    minutes = reading_load(shown).minutes if known else None  # the time announced everywhere for this form
    prompter.show(Intro(len(shown) if known else None, len(pack.levers), len(pack.axes), minutes))
    try:
        opened = open_store(pack, prompter, path, Wanted(territory, role, name, structure, form), today)
        store = opened.store
        questions = pack.form(store.base.structure, store.base.form)
        q = Questionnaire(questions, store.base.answers)
        if not known and not opened.resumed and not q.complete:  # said once the structure is chosen
            prompter.say(tn("assess.question_count", len(questions), minutes=reading_load(questions).minutes))
        if opened.resumed:
            show_structure(pack, prompter, store.base.structure)
        if q.complete:
            prompter.say(t("assess.complete", file=store.path, answered=len(q.answers), total=q.total))
            if not (yes or ask_yes_no(prompter, t("assess.ask_review"))):
                prompter.say(t("assess.unchanged", file=store.path))
                _finish(store, q, pack, prompter, extra)
                return ExitCode.OK
            q = Questionnaire(questions, store.base.answers, review=True)
        elif opened.resumed:
            counts = {"answered": len(q.answers), "total": q.total, "position": q.position}
            prompter.say(t("assess.file_resume", file=store.path, **counts))
        if opened.dirty:
            _save(store, q.ordered_answers(), prompter)
        _run(q, store, pack, prompter)
    except InvalidFile as exc:
        prompter.warn(exc.error.located())
        prompter.warn(t("assess.invalid_file", file=exc.path))
        return ExitCode.FAILED
    except _Abandoned:
        return ExitCode.FAILED
    except (_Quit, EOFError, KeyboardInterrupt) as exc:
        code, reason = _ending(exc)
        if store is None or q is None:  # nothing known yet, nothing written
            nothing = t("assess.eof_nothing") if code == ExitCode.FAILED else f"{reason} {t('assess.nothing_saved')}"
            prompter.warn(nothing)
        else:
            _farewell(store, q, extra, prompter, reason)
        return code
    finally:
        if opened is not None:
            opened.lock.release()
    _finish(store, q, pack, prompter, extra)
    return ExitCode.OK


def _ending(exc: BaseException) -> tuple[int, str | None]:
    """The exit code and the words for how the questionnaire ended early."""
    if isinstance(exc, Stopped):
        return 128 + exc.signum, t("assess.stopped", signal=signal.Signals(exc.signum).name)
    if isinstance(exc, KeyboardInterrupt):
        return ExitCode.INTERRUPTED, t("assess.interrupted")
    if isinstance(exc, EOFError):
        return ExitCode.FAILED, t("assess.eof")
    return ExitCode.OK, None


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
        if not ask_yes_no(prompter, t("assess.ask_gaps")):
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
                prompter.show(HelpView(question, lever, pack.cases_for(lever.id), steps, pack.observed))
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
    problem = text_problem(text)
    if problem is not None:  # an arrow key's escape sequence, a pasted control character…
        prompter.hint(t("assess.comment_refused", problem=problem))
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
        except ChangedOnDisk as exc:  # someone else's version is on disk, ours beside it: stop here
            prompter.warn(exc.located())
            raise _Abandoned from None
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

    af = dataclasses.replace(store.base, answers=store.merged(q.ordered_answers()), path=str(store.path))
    prompter.show(Summary(score(af, pack), pack))
    prompter.say(t("assess.saved", answered=len(q.answers), total=q.total, file=store.path))
    if q.unanswered():
        prompter.say(t("assess.resume_later"))
        prompter.command(command_line("assess", store.path, *extra))
    prompter.say(t("assess.next"))
    output = store.path.with_suffix(".html")
    prompter.command(command_line("report", store.path, "--format", "html", "--output", output, *extra))
