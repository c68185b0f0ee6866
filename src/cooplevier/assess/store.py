"""The answer file on disk: read it leniently, keep what must survive, rewrite it atomically."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cooplevier.assess.engine import normalize
from cooplevier.content.answers import MAX_ANSWERS_BYTES, MAX_DEPTH, Answer, AnswerFile, dump_answers, parse_answers
from cooplevier.content.model import Pack
from cooplevier.content.strict_yaml import parse
from cooplevier.files import atomic_write
from cooplevier.textfile import read_text


def default_file(territory: str) -> Path:
    """`reponses-<territory slug>.yaml` in the current folder."""
    slug = re.sub(r"[^a-z0-9]+", "-", normalize(territory)).strip("-") or "territoire"
    return Path(f"reponses-{slug[:60].rstrip('-')}.yaml")


@dataclass(frozen=True)
class Store:
    """The answer file on disk: metadata to keep, comments to keep, and the atomic rewrite."""

    path: Path
    base: AnswerFile
    header: tuple[str, ...]
    content_ref: str
    today: dt.date

    def text(self, answers: Mapping[str, Answer]) -> str:
        af = dataclasses.replace(self.base, answers=dict(answers), date=self.today, content=self.content_ref)
        return dump_answers(af, comments=self.header)

    def save(self, answers: Mapping[str, Answer]) -> None:
        atomic_write(self.path, self.text(answers), force=True)


@dataclass(frozen=True)
class Existing:
    """An answer file as found on disk."""

    answers: AnswerFile
    header: tuple[str, ...]  # the file's leading comment lines, kept on every rewrite
    raw_answers: Mapping[str, Any]  # as written, so set-aside answers are copied in full


def read_existing(path: Path, pack: Pack) -> Existing | None:
    """The existing answer file, read leniently; None when there is none yet (or it is blank).

    Like `load_answers(path, pack, lenient=True)`, but the text is kept: its leading comments
    and the answers exactly as written are needed to rewrite the file without losing anything.
    """
    if not path.exists():
        return None
    text, warnings = read_text(path, max_bytes=MAX_ANSWERS_BYTES)
    if not text.strip():
        return None
    doc = parse(text, file=str(path), max_depth=MAX_DEPTH)
    af = parse_answers(dataclasses.replace(doc, warnings=warnings), pack, lenient=True)
    header: list[str] = []
    for line in text.splitlines():
        if line.startswith("#"):
            header.append(line[2:] if line.startswith("# ") else line[1:])
        elif line.strip():
            break
    raw = doc.data.get("answers") or {}
    return Existing(af, tuple(header), raw if isinstance(raw, dict) else {})


def as_written(question: str, raw: Any) -> str:
    """`L11.Q1: {"level": 4, "comment": "texte"}`: one answer, on one line, as it reads back."""
    return f"{question}: {_flow(raw)}"


_PLAIN = re.compile(r"[A-Za-z0-9_.][A-Za-z0-9_.\-]*")


def _flow(value: Any) -> str:
    """A value in YAML's one-line (flow) style: simple words plain, other text quoted."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k), ensure_ascii=False)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if value is None:
        return "null"
    text = str(value)
    plain = _PLAIN.fullmatch(text) and text not in ("null", "true", "false")
    return text if plain else json.dumps(text, ensure_ascii=False)
