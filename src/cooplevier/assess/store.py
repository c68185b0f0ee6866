"""The answer file on disk: read it leniently, keep what must survive, rewrite it atomically."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cooplevier.assess.engine import normalize
from cooplevier.content.answers import MAX_ANSWERS_BYTES, MAX_DEPTH, Answer, AnswerFile, parse_answers
from cooplevier.content.dump import dump_answers
from cooplevier.content.model import Pack
from cooplevier.content.strict_yaml import parse
from cooplevier.files import atomic_write
from cooplevier.textfile import read_text


def default_file(territory: str) -> Path:
    """`reponses-<territory slug>.yaml` in the current folder."""
    slug = re.sub(r"[^a-z0-9]+", "-", normalize(territory)).strip("-") or "territoire"
    return Path(f"reponses-{slug[:60].rstrip('-')}.yaml")


def next_free(path: Path) -> Path:
    """`reponses-x-2.yaml`, `-3`…: the first name beside `path` that no file has."""
    for n in range(2, 10_000):
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        if not candidate.exists():
            return candidate
    raise FileExistsError(path)  # pragma: no cover - ten thousand files of one territory


@dataclass(frozen=True)
class Store:
    """The answer file on disk: metadata to keep, comments to keep, and the atomic rewrite."""

    path: Path
    base: AnswerFile
    header: tuple[str, ...]
    content_ref: str
    today: dt.date
    order: tuple[str, ...] = ()  # every question of the pack, in questionnaire order

    def merged(self, answers: Mapping[str, Answer]) -> dict[str, Answer]:
        """The questionnaire's answers with those it does not ask (another structure type, the
        long form) kept as they were: a file is never emptied of what it held."""
        every = {**self.base.answers, **answers}
        rank = {qid: i for i, qid in enumerate(self.order)}
        return dict(sorted(every.items(), key=lambda item: rank.get(item[0], len(rank))))

    def text(self, answers: Mapping[str, Answer]) -> str:
        af = dataclasses.replace(self.base, answers=self.merged(answers), date=self.today, content=self.content_ref)
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
