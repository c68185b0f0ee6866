"""Answer files, format `answers/1`: strict loading with line numbers, and writing.

Every text field (territory, name, comment) keeps exactly the characters written: the strict
loader never guesses a type from the look of a value (`01053` stays `01053`). Only levels,
targets and the date are converted, from their text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import field
from pathlib import Path
from typing import Any, Literal

from cooplevier import charset, numbers
from cooplevier.content import dataclass  # the standard one, faster to create (start-up)
from cooplevier.content.migrate import Migrated, carry, older_version
from cooplevier.content.model import FORMS, ROLES, STRUCTURES, Form, Pack, Role, Structure
from cooplevier.content.schema import as_date
from cooplevier.content.strict_yaml import KeyPath, YamlDoc, load_file
from cooplevier.content.yaml_errors import expected_mapping
from cooplevier.errors import AnswersError, CooplevierError, ErrorGroup
from cooplevier.messages import t, tn

FORMAT = "answers/1"
MAX_ANSWERS_BYTES = 1024 * 1024
MAX_DEPTH = 8
MAX_ERRORS = 20  # per file
MAX_TEXT = 2000  # characters in one text field: a comment is a few lines, not a document
Special = Literal["na", "unknown"]
Value = int | Special
_TOP_KEYS = ("cooplevier", "territory", "respondent", "date", "content", "targets", "structure", "form", "answers")
_RESPONDENT_KEYS = ("name", "role")
_QUESTION_ID = re.compile(r"L\d+\.Q\d+")
_ANSWER_KEYS = ("level", "comment")
# What people type or write for the two answers that are never a step (normalised: lower case,
# no accents), in the questionnaire and in an answer grid. An input vocabulary, not displayed text.
SPECIAL_WORDS: dict[str, Special] = {
    "n": "na",
    "na": "na",
    "nc": "na",
    "non concerne": "na",
    "non concernee": "na",
    "non concerne(e)": "na",
    "n/a": "na",
    "sans objet": "na",
    "x": "unknown",
    "nsp": "unknown",
    "unknown": "unknown",
    "je ne sais pas": "unknown",
    "ne sais pas": "unknown",
    "ne sait pas": "unknown",
}
_UNANSWERED = (None,)  # `L1.Q1:` with nothing after it (the blank template), or YAML's null


@dataclass(frozen=True, slots=True)
class Answer:
    value: Value
    comment: str | None = None
    line: int | None = None

    @property
    def level(self) -> int | None:
        return self.value if isinstance(self.value, int) else None


@dataclass(frozen=True, slots=True)
class SetAside:
    """An answer that does not fit the content (question removed, value invalid): kept, not lost."""

    question: str
    raw: str
    reason: str
    line: int | None = None


@dataclass(frozen=True)
class AnswerFile:
    territory: str
    answers: Mapping[str, Answer]
    name: str | None = None
    role: Role | None = None
    date: dt.date | None = None
    content: str | None = None
    targets: Mapping[str, int] = field(default_factory=dict)
    structure: Structure | None = None
    form: Form | None = None
    path: str | None = None
    set_aside: tuple[SetAside, ...] = ()
    warnings: tuple[str, ...] = ()
    migrated: Migrated | None = None  # read through the map of an older pack version


def not_asked(
    answers: Mapping[str, Answer], pack: Pack, structure: str | None, form: str | None
) -> list[tuple[str, str]]:
    """Answers to questions this structure type or form does not ask, each with its note (kept, not scored)."""
    if structure is None and form != "short":
        return []
    asked = {q.id for qs in pack.asked(structure, form).values() for q in qs}  # type: ignore[arg-type]
    if structure is None:  # the early return leaves the short form alone
        why = t("answers.not_asked_short")
    else:
        why = t("answers.not_asked", structure=structure, form=t("answers.form_short") if form else "")
    return [(qid, t("answers.not_counted", id=qid, why=why)) for qid in answers if qid not in asked]


GRID_SUFFIXES = (".xlsx", ".ods", ".csv")


def refuse_grid(path: Path, label: str | None = None) -> None:  # a grid is not one answer file: say so first
    if path.suffix.lower() in GRID_SUFFIXES:
        raise CooplevierError(t("answers.is_grid"), file=label or path)


def load_answers(path: Path, pack: Pack, *, lenient: bool = False, label: str | None = None) -> AnswerFile:
    """Read and check an answer file against `pack`.

    Strict (default): every problem is an error. Lenient (used to resume `assess`): answers to
    unknown questions or with invalid values are returned in `set_aside` instead.
    """
    refuse_grid(path, label)
    doc = load_file(path, max_bytes=MAX_ANSWERS_BYTES, max_depth=MAX_DEPTH, label=label)
    return parse_answers(doc, pack, lenient=lenient)


Report = Callable[..., None]


class _Errors:
    """The located errors of one file, reported together (at most MAX_ERRORS of them)."""

    def __init__(self, doc: YamlDoc) -> None:
        self.doc = doc
        self.items: list[CooplevierError] = []

    def __call__(self, path: KeyPath, message: str, *, key: bool = False) -> None:
        self.items.append(self.doc.error(path, message, key=key, cls=AnswersError))

    def raise_any(self) -> None:
        if not self.items:
            return
        errors = self.items
        if len(errors) > MAX_ERRORS:  # a file of 60 000 wrong keys gets a screenful, not a flood
            more = CooplevierError(tn("input.more_errors", len(errors) - MAX_ERRORS), file=self.doc.file)
            errors = [*errors[:MAX_ERRORS], more]
        raise ErrorGroup(errors)


def parse_answers(doc: YamlDoc, pack: Pack, *, lenient: bool = False) -> AnswerFile:
    errors = _Errors(doc)
    data = doc.data
    if not isinstance(data, dict):
        raise doc.error((), t("file.empty") if data is None else t("answers.not_mapping"), cls=AnswersError)
    _header(data, errors)
    # Lenient (resuming `assess`): a file with no territory yet, like the blank template, is
    # accepted; `assess` then asks for it.
    territory = _text(data, "territory", errors, required=not lenient) or ""
    name, role = _respondent(data.get("respondent"), errors)
    date = _date(data.get("date"), errors)
    content = _text(data, "content", errors)
    structure = _choice(data, "structure", STRUCTURES, errors)
    form = _choice(data, "form", FORMS, errors)
    targets = _targets(data.get("targets"), pack, errors)
    raw_answers = data.get("answers", _MISSING)
    migrated = None
    if isinstance(raw_answers, dict):
        migration = older_version(data.get("content"), list(raw_answers), pack)
        if migration is not None:
            raw_answers, migrated = carry(raw_answers, migration, structure)
    origins = {new: old for old, new in migrated.carried} if migrated else {}
    answers, set_aside = _answers(doc, raw_answers, pack, errors, lenient=lenient, origins=origins)
    errors.raise_any()
    warnings = doc.warnings
    for qid, note in not_asked(answers, pack, structure, form):  # kept, said, not counted
        line, _ = doc.where(("answers", origins.get(qid, qid)), key=True)
        warnings = (*warnings, f"{doc.file}:{line}: " + t("warning.line", note=note))
    if migrated is not None:
        note = tn("answers.migrated", migrated.kept, version=migrated.version)
        note += " " + tn("answers.ask_again", len(migrated.ask_again))
        warnings = (*warnings, f"{doc.file}: " + t("warning.line", note=note))
        if lenient:
            dropped = migrated.dropped
            set_aside.extend(SetAside(qid, _show(raw), entry.note or entry.status) for qid, raw, entry in dropped)
    return AnswerFile(
        territory=territory,
        answers=answers,
        name=name,
        role=role,
        date=date,
        content=content,
        targets=targets,
        structure=structure,  # type: ignore[arg-type]
        form=form,  # type: ignore[arg-type]
        path=doc.file,
        set_aside=tuple(set_aside),
        warnings=warnings,
        migrated=migrated,
    )


_MISSING: Any = object()


def _header(data: dict[str, Any], errors: _Errors) -> None:
    """Unknown top-level keys, and the format marker, without which nothing else is trusted."""
    for key in data:
        if key in _TOP_KEYS:
            continue
        if _QUESTION_ID.fullmatch(key):  # an answer that lost its indentation
            errors((key,), t("answers.outside_answers", id=key), key=True)
        else:
            errors((key,), t("schema.unknown", field=key, allowed=", ".join(_TOP_KEYS)), key=True)
    fmt = data.get("cooplevier")
    if fmt == FORMAT:
        return
    if "cooplevier" not in data:
        errors((), t("schema.missing", field="cooplevier"))
    else:
        errors(("cooplevier",), t("answers.format", value=_show(fmt)))
    raise ErrorGroup(errors.items)


def _respondent(respondent: Any, errors: _Errors) -> tuple[str | None, Role | None]:
    if respondent is None:
        return None, None
    if not isinstance(respondent, dict):
        errors(("respondent",), expected_mapping(respondent))
        return None, None
    for key in respondent:
        if key not in _RESPONDENT_KEYS:
            errors(("respondent", key), t("schema.unknown", field=key, allowed=", ".join(_RESPONDENT_KEYS)), key=True)
    name = _text(respondent, "name", errors, prefix=("respondent",))
    role = respondent.get("role")
    if role is not None and role not in ROLES:
        errors(("respondent", "role"), t("answers.bad_role", value=_show(role), roles=", ".join(ROLES)))
        role = None
    return name, role


def _targets(raw: Any, pack: Pack, errors: _Errors) -> dict[str, int]:
    targets: dict[str, int] = {}
    if raw is None:
        return targets
    if not isinstance(raw, dict):
        errors(("targets",), t("schema.expected_mapping"))
        return targets
    for lever_id, value in raw.items():
        if not pack.has_lever(lever_id):
            errors(("targets", lever_id), t("content.unknown_lever", lever=lever_id), key=True)
        elif not isinstance(step := parse_value(value), int):  # same spellings as answers: 4 or "4"
            errors(("targets", lever_id), t("answers.bad_target", value=_show(value), lever=lever_id))
        else:
            targets[lever_id] = step
    return targets


def _answers(
    doc: YamlDoc, raw_answers: Any, pack: Pack, errors: _Errors, *, lenient: bool, origins: Mapping[str, str]
) -> tuple[dict[str, Answer], list[SetAside]]:
    """The answers, checked; `origins` names the id a carried answer was written under."""
    answers: dict[str, Answer] = {}
    set_aside: list[SetAside] = []
    if raw_answers is _MISSING:
        errors((), t("schema.missing", field="answers"))
    elif isinstance(raw_answers, list):
        errors(("answers",), t("answers.list_not_mapping"))
    elif raw_answers is not None and not isinstance(raw_answers, dict):
        errors(("answers",), expected_mapping(raw_answers))
    if not isinstance(raw_answers, dict):
        return answers, set_aside
    for qid, raw in raw_answers.items():
        path = ("answers", origins.get(qid, qid))  # a carried answer is located where it was written
        line = doc.where(path, key=True)[0]
        if not pack.has_question(qid):
            problem: str | None = t("answers.unknown_question", id=qid, pack=pack.ref)
            answer = None
        elif raw in _UNANSWERED:
            continue  # `L1.Q1:` with nothing after it: not answered yet (the blank template)
        else:
            answer, problem = _answer(raw, qid, line)
        if problem is None and answer is not None:
            answers[qid] = answer
        elif lenient:
            set_aside.append(SetAside(qid, _show(raw), problem or "", line))
        else:
            errors(path, problem or "", key=answer is None and not pack.has_question(qid))
    return answers, set_aside


def _text(
    data: dict[str, Any], key: str, errors: _Errors, *, required: bool = False, prefix: KeyPath = ()
) -> str | None:
    """A text field as written, or None; refused when empty (if required), too long or not text."""
    value = data.get(key)
    if value is None:
        if required and key in data:  # `territory:` with nothing after it: empty, said at its own line
            errors((*prefix, key), t("schema.empty_text"))
        elif required:
            errors(prefix, t("schema.missing", field=key))
        return None
    problem = text_problem(value)
    if problem is not None:
        errors((*prefix, key), problem)
        return None
    if not value.strip():
        if required:
            errors((*prefix, key), t("schema.empty_text"))
        return None
    return str(value)


def text_problem(value: Any) -> str | None:
    """Why `value` cannot be a text field of an answer file (None: it can).

    The same rule guards what `assess` and the workshop server accept as typed, so that a file
    they write is always one they can read back.
    """
    if not isinstance(value, str):
        return t("schema.expected_text")
    if len(value) > MAX_TEXT:
        return t("answers.text_too_long", count=numbers.count(len(value)), limit=numbers.count(MAX_TEXT))
    bad = control_char(value)
    if bad is not None and (bad < " " or "\x7f" <= bad <= "\x9f"):
        return t("answers.control_char", code=charset.describe(bad))
    if bad is not None:
        return t("answers.refused_char", code=charset.describe(bad))
    return None


def control_char(text: str) -> str | None:
    """The first character of `text` outside the allow-list of text fields (`cooplevier.charset`:
    what every output, from the terminal to the XML of DOCX, ODT and XLSX, carries as it is)."""
    return charset.refused(text)


def _choice(data: dict[str, Any], key: str, choices: Sequence[str], errors: _Errors) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if value not in choices:
        errors((key,), t("schema.expected_one_of_list", value=_show(value), choices=", ".join(choices)))
        return None
    return str(value)


def _date(value: Any, errors: _Errors) -> dt.date | None:
    if value is None:
        return None
    day = as_date(value.strip() if isinstance(value, str) else value)
    if day is None:
        errors(("date",), t("schema.expected_date"))
    return day


def parse_value(raw: Any) -> Value | None:
    """An answer value as written in a file (or typed), or None if it is not one."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int) and 1 <= raw <= 5:
        return raw
    if isinstance(raw, str):
        text = raw.strip()
        if text in ("na", "unknown"):
            return text  # type: ignore[return-value]
        if text in ("1", "2", "3", "4", "5"):
            return int(text)
    return None


def _answer(raw: Any, qid: str, line: int) -> tuple[Answer | None, str | None]:
    comment: str | None = None
    value_raw = raw
    if isinstance(raw, dict):
        unknown = [k for k in raw if k not in _ANSWER_KEYS]
        if unknown:
            return None, t("schema.unknown", field=unknown[0], allowed=", ".join(_ANSWER_KEYS))
        if "level" not in raw:
            return None, t("schema.missing", field="level")
        value_raw = raw["level"]
        c = raw.get("comment")
        if c is not None:
            problem = text_problem(c)
            if problem is not None:
                return None, problem
            comment = c if c.strip() else None
    value = parse_value(value_raw)
    if value is None:
        return None, t("answers.bad_value", value=_show(value_raw), id=qid)
    return Answer(value, comment, line), None


def _show(raw: Any) -> str:
    text = t("answers.empty_value") if raw is None else str(raw)
    return text if len(text) <= 60 else text[:57] + "…"
