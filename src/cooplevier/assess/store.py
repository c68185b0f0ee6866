"""The answer file on disk: read it leniently, keep what must survive, rewrite it atomically.

Before each rewrite the file on disk is checked to be the one this session read or last wrote
(a digest of its bytes): if someone changed it meanwhile (an editor, another program), it is
not overwritten; this session's answers go to a file beside it and both versions are kept. A
file that the loader would refuse (too big, an unreadable character) is never written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cooplevier.assess.engine import normalize
from cooplevier.content.answers import MAX_ANSWERS_BYTES, MAX_DEPTH, Answer, AnswerFile, parse_answers, refuse_grid
from cooplevier.content.dump import dump_answers
from cooplevier.content.model import Pack
from cooplevier.content.strict_yaml import parse
from cooplevier.errors import CooplevierError
from cooplevier.files import atomic_write
from cooplevier.messages import t
from cooplevier.textfile import decode, read_bytes


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


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class ChangedOnDisk(CooplevierError):
    """The file was changed by someone else during the session; this session's answers are in `kept`."""

    def __init__(self, path: Path, kept: Path) -> None:
        super().__init__(t("assess.changed_on_disk", kept=kept), file=path)
        self.kept = kept


@dataclass
class Store:
    """The answer file on disk: metadata to keep, comments to keep, and the checked, atomic rewrite."""

    path: Path
    base: AnswerFile
    header: tuple[str, ...]
    content_ref: str
    today: dt.date
    order: tuple[str, ...] = ()  # every question of the pack, in questionnaire order
    expected: str | None = field(default=None)  # digest of the file as last read or written

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
        data = self.text(answers).encode("utf-8")
        _readable(data, self.path)
        if self._changed():
            kept = _aside(self.path, self.today)
            atomic_write(kept, data)
            raise ChangedOnDisk(self.path, kept)
        atomic_write(self.path, data, force=True)
        self.expected = digest(data)

    def _changed(self) -> bool:
        try:
            now = self.path.read_bytes()
        except FileNotFoundError:
            return False  # removed meanwhile: writing it again loses nothing
        except OSError:
            return False  # unreadable: the write will say why
        if self.expected is None:  # a new file: anything there now was put by someone else
            return bool(now.strip())
        return digest(now) != self.expected


def _readable(data: bytes, path: Path) -> None:
    """Refuse to write a file the loader would refuse: everything `assess` writes reads back."""
    if len(data) > MAX_ANSWERS_BYTES:
        raise CooplevierError(t("assess.would_be_too_big", limit=MAX_ANSWERS_BYTES), file=path)
    parse(data.decode("utf-8"), file=str(path), max_depth=MAX_DEPTH)


def _aside(path: Path, today: dt.date) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return next_free(path.with_name(f"{path.stem}.assess-{stamp}{path.suffix}"))


@dataclass(frozen=True)
class Existing:
    """An answer file as found on disk."""

    answers: AnswerFile
    header: tuple[str, ...]  # the file's leading comment lines, kept on every rewrite
    raw_answers: Mapping[str, Any]  # as written, so set-aside answers are copied in full
    digest: str  # of its bytes, to notice a change made by someone else


def read_existing(path: Path, pack: Pack) -> Existing | None:
    """The existing answer file, read leniently; None when there is none yet (or it is blank).

    Like `load_answers(path, pack, lenient=True)`, but the text is kept: its leading comments
    and the answers exactly as written are needed to rewrite the file without losing anything.
    """
    refuse_grid(path)
    if not path.exists():
        return None
    raw = read_bytes(path, max_bytes=MAX_ANSWERS_BYTES)
    text, warnings = decode(raw, str(path))
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
    answers = doc.data.get("answers") or {}
    return Existing(af, tuple(header), answers if isinstance(answers, dict) else {}, digest(raw))
