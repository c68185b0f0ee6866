"""Answer files, format `answers/1`: strict loading with line numbers, and writing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal, get_args

from cooplevier.content import Pack
from cooplevier.errors import AnswersError, CooplevierError, ErrorGroup
from cooplevier.messages import t
from cooplevier.yamlio import YamlDoc, load_file

FORMAT = "answers/1"
MAX_ANSWERS_BYTES = 1024 * 1024
MAX_DEPTH = 8
MAX_ERRORS = 20  # per file
Role = Literal["elu", "technicien", "societe-civile", "partenaire", "autre"]
ROLES: tuple[Role, ...] = get_args(Role)
Special = Literal["na", "unknown"]
Value = int | Special
_TOP_KEYS = ("cooplevier", "territory", "respondent", "date", "content", "targets", "answers")
_RESPONDENT_KEYS = ("name", "role")
_ANSWER_KEYS = ("level", "comment")


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
    path: str | None = None
    set_aside: tuple[SetAside, ...] = ()
    warnings: tuple[str, ...] = ()


def load_answers(path: Path, pack: Pack, *, lenient: bool = False, label: str | None = None) -> AnswerFile:
    """Read and check an answer file against `pack`.

    Strict (default): every problem is an error. Lenient (used to resume `assess`): answers to
    unknown questions or with invalid values are returned in `set_aside` instead.
    """
    doc = load_file(path, max_bytes=MAX_ANSWERS_BYTES, max_depth=MAX_DEPTH, label=label)
    return parse_answers(doc, pack, lenient=lenient)


def parse_answers(doc: YamlDoc, pack: Pack, *, lenient: bool = False) -> AnswerFile:
    errors: list[CooplevierError] = []

    def err(path: tuple[Any, ...], message: str, *, key: bool = False) -> None:
        errors.append(doc.error(path, message, key=key, cls=AnswersError))

    data = doc.data
    if not isinstance(data, dict):
        message = t("file.empty") if data is None else t("answers.not_mapping")
        raise doc.error((), message, cls=AnswersError)
    for key in data:
        if key not in _TOP_KEYS:
            err((key,), t("schema.unknown", field=key, allowed=", ".join(_TOP_KEYS)), key=True)
    fmt = data.get("cooplevier")
    if fmt != FORMAT:
        if "cooplevier" not in data:
            err((), t("schema.missing", field="cooplevier"))
        else:
            err(("cooplevier",), t("answers.format", value=fmt))
        # Without the right format marker nothing else can be trusted.
        raise ErrorGroup(errors)

    # Lenient (resuming `assess`): a file with no territory yet, like the blank template, is
    # accepted; `assess` then asks for it.
    territory = _text(data, "territory", err, required=not lenient) or ""
    name, role = None, None
    respondent = data.get("respondent")
    if isinstance(respondent, dict):
        for key in respondent:
            if key not in _RESPONDENT_KEYS:
                err(("respondent", key), t("schema.unknown", field=key, allowed=", ".join(_RESPONDENT_KEYS)), key=True)
        name = _text(respondent, "name", err, prefix=("respondent",))
        raw_role = respondent.get("role")
        if raw_role is not None:
            if raw_role in ROLES:
                role = raw_role
            else:
                err(("respondent", "role"), t("answers.bad_role", value=raw_role, roles=", ".join(ROLES)))
    elif respondent is not None:
        err(("respondent",), t("schema.expected_mapping"))

    date = _date(data.get("date"), err)
    content = _text(data, "content", err)

    targets: dict[str, int] = {}
    raw_targets = data.get("targets")
    if isinstance(raw_targets, dict):
        for lever_id, value in raw_targets.items():
            if not pack.has_lever(str(lever_id)):
                err(("targets", lever_id), t("content.unknown_lever", lever=lever_id), key=True)
            elif not isinstance(step := parse_value(value), int):  # same spellings as answers: 4 or "4"
                err(("targets", lever_id), t("answers.bad_target", value=_show(value), lever=lever_id))
            else:
                targets[str(lever_id)] = step
    elif raw_targets is not None:
        err(("targets",), t("schema.expected_mapping"))

    answers: dict[str, Answer] = {}
    set_aside: list[SetAside] = []
    raw_answers = data.get("answers", _MISSING)
    if raw_answers is _MISSING:
        err((), t("schema.missing", field="answers"))
    elif raw_answers is not None and not isinstance(raw_answers, dict):
        err(("answers",), t("schema.expected_mapping"))
    else:
        for qid, raw in (raw_answers or {}).items():
            qid = str(qid)
            path = ("answers", qid)
            line = doc.where(path, key=True)[0]
            if not pack.has_question(qid):
                message = t("answers.unknown_question", id=qid, pack=pack.ref)
                if lenient:
                    set_aside.append(SetAside(qid, _show(raw), message, line))
                else:
                    err(path, message, key=True)
                continue
            if raw is None:
                continue  # `L1.Q1:` with nothing after it: not answered yet (the blank template)
            answer, problem = _answer(raw, qid, line)
            if problem is not None:
                if lenient:
                    set_aside.append(SetAside(qid, _show(raw), problem, line))
                else:
                    err(path, problem)
                continue
            assert answer is not None
            answers[qid] = answer
    if errors:
        if len(errors) > MAX_ERRORS:  # a file of 60 000 wrong keys gets a screenful, not a flood
            more = CooplevierError(t("input.more_errors", count=len(errors) - MAX_ERRORS), file=doc.file)
            errors = [*errors[:MAX_ERRORS], more]
        raise ErrorGroup(errors)
    return AnswerFile(
        territory=territory,
        answers=answers,
        name=name,
        role=role,
        date=date,
        content=content,
        targets=targets,
        path=doc.file,
        set_aside=tuple(set_aside),
        warnings=doc.warnings,
    )


_MISSING: Any = object()


def _text(
    data: dict[str, Any], key: str, err: Any, *, required: bool = False, prefix: tuple[Any, ...] = ()
) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            err(prefix, t("schema.missing", field=key))
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        err((*prefix, key), t("schema.expected_text"))
        return None
    text = str(value).strip()
    if required and not text:
        err((*prefix, key), t("schema.empty_text"))
    if (bad := _control_char(text)) is not None:
        err((*prefix, key), t("answers.control_char", code=f"U+{ord(bad):04X}"))
        return None
    return text or None


def _control_char(text: str) -> str | None:
    """The first control character (other than tab and line breaks) in `text`, if any.

    Written as YAML escapes ("\\x1b", "\\0"), they would reach terminals and reports raw.
    """
    for ch in text:
        if (ch < " " and ch not in "\t\n\r") or ("\x7f" <= ch <= "\x9f" and ch != "\x85"):
            return ch
    return None


def _date(value: Any, err: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    err(("date",), t("schema.expected_date"))
    return None


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
            if isinstance(c, bool) or not isinstance(c, str | int | float):
                return None, t("schema.expected_text")
            comment = str(c).strip() or None
            if comment is not None and (bad := _control_char(comment)) is not None:
                return None, t("answers.control_char", code=f"U+{ord(bad):04X}")
    value = parse_value(value_raw)
    if value is None:
        return None, t("answers.bad_value", value=_show(value_raw), id=qid)
    return Answer(value, comment, line), None


def _show(raw: Any) -> str:
    text = t("answers.empty_value") if raw is None else str(raw)
    return text if len(text) <= 60 else text[:57] + "…"


def dump_answers(af: AnswerFile, *, comments: Sequence[str] = ()) -> str:
    """The YAML text of an answer file, in a stable, human-editable layout."""
    import yaml

    doc: dict[str, Any] = {"cooplevier": FORMAT, "territory": af.territory}
    respondent = {k: v for k, v in (("name", af.name), ("role", af.role)) if v}
    if respondent:
        doc["respondent"] = respondent
    if af.date:
        doc["date"] = af.date
    if af.content:
        doc["content"] = af.content
    if af.targets:
        doc["targets"] = dict(af.targets)
    doc["answers"] = {
        qid: ({"level": a.value, "comment": a.comment} if a.comment else a.value) for qid, a in af.answers.items()
    }
    body = yaml.dump(doc, Dumper=_dumper(), allow_unicode=True, sort_keys=False, default_flow_style=False, width=100)
    head = "".join(f"# {line}\n" for c in comments for line in c.splitlines())
    return head + body


# Characters a YAML reader takes for line breaks: written raw, they would come back as spaces.
_YAML_BREAKS = ("\x85", "\u2028", "\u2029")


@cache
def _dumper() -> Any:
    """PyYAML's safe dumper, writing strings that hold YAML line breaks double-quoted (escaped)."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        style = '"' if any(ch in value for ch in _YAML_BREAKS) else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    return Dumper
