"""The participants of a workshop: their answers in memory, and on disk before anyone is told so.

Every change goes through `Registry`, which holds one lock per participant: two tabs of the same
person are served one after the other, each change is merged into the answers as they are now
(one question at a time, never a whole stale form), written atomically and fsynced, and only then
kept in memory and acknowledged. A failed write changes nothing and is said to the participant.

The file on disk, not the memory, is the truth (one writer per file, `cooplevier.writelock`):
- the server holds each participant's file lock while it runs, the one `assess` takes: `assess`
  on a participant's file is refused, naming the server; a file that another writer holds
  (an `assess` session that typed in a paper form) is not written, and the participant is told;
- before a participant's page is shown, an edit made outside is taken in (`refresh`);
- before each rewrite, the file is checked to be the one the server read or last wrote (a
  digest of its bytes). If someone changed it (an editor, `import --force`), it is not
  overwritten: the server's version is kept in `.cooplevier-atelier/conflits/`, the file as it
  now is becomes the participant's answers (a corrected name stays corrected), the participant
  is asked to answer that question again, and the dashboard and the console say so.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import logging
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from cooplevier.atelier.disk import Disk
from cooplevier.atelier.state import (
    State,
    answers_path,
    is_participant_id,
    new_participant_id,
    records_dir,
    state_dir,
    write_private,
)
from cooplevier.content.answers import Answer, AnswerFile, Value, load_answers
from cooplevier.content.model import Pack, Question, Role
from cooplevier.errors import CooplevierError
from cooplevier.messages import t, tn
from cooplevier.writelock import Lock

MAX_PARTICIPANTS = 2000  # far above a seminar; bounds what a flood of joins could create
_ANSWERS_NAME = re.compile(r"^reponses-([0-9a-f]{16})\.yaml$")
Status = Literal["joined", "answering", "finished"]


class WorkshopFull(Exception):
    """No more participants can join (MAX_PARTICIPANTS)."""


class ChangedOnDisk(CooplevierError):
    """A participant's file was changed by another writer; the server's version was kept aside."""


class HeldElsewhere(CooplevierError):
    """A participant's file is held by another writer (an `assess` session): not written."""


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _stat(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_mtime_ns, info.st_size


@dataclass(frozen=True, slots=True)
class Step:
    """One page of the way through: a lever's panel, or one question."""

    kind: Literal["lever", "question"]
    id: str
    lever: str


def build_steps(questions: tuple[Question, ...]) -> tuple[Step, ...]:
    """The pages in order: each lever's panel, then its questions (levers with none are left out)."""
    steps: list[Step] = []
    for q in questions:
        if not steps or steps[-1].lever != q.lever:
            steps.append(Step("lever", q.lever, q.lever))
        steps.append(Step("question", q.id, q.lever))
    return tuple(steps)


@dataclass
class Participant:
    """One person's place in the workshop (mutable: it is the registry's working copy)."""

    id: str
    role: Role | None
    name: str | None
    joined: str
    answers: dict[str, Answer] = field(default_factory=dict)
    position: int = 0  # index in the steps of the page to show next
    finished: bool = False
    revision: int = 0  # bumped at each change of the answers: a cached score is kept until then
    moved: float = 0.0  # when they last saved or moved (epoch seconds): the dashboard's pacing
    first: float = 0.0  # when they saved their first answer: their pace is measured from it
    lock: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False, compare=False)

    @property
    def status(self) -> Status:
        if self.finished:
            return "finished"
        return "answering" if self.answers else "joined"


class Registry:
    """Everyone who joined, loaded from DIR at start-up, changed only through its coroutines."""

    def __init__(self, folder: Path, state: State, pack: Pack, questions: tuple[Question, ...], disk: Disk) -> None:
        self.folder = folder
        self.state = state
        self.pack = pack
        self.questions = questions
        self.by_id = {q.id: q for q in questions}
        self.steps = build_steps(questions)
        self.index = {(s.kind, s.id): i for i, s in enumerate(self.steps)}
        self.people: dict[str, Participant] = {}
        self.version = 0  # bumped after every write: the synthesis is recomputed only when it moves
        self._join_lock = asyncio.Lock()
        self.disk = disk  # where the writes run: the event loop, or writer threads (atelier.disk)
        self.digests: dict[str, str] = {}  # participant id -> digest of their file as read or written
        self.stats: dict[str, tuple[int, int]] = {}  # the same file's (mtime_ns, size): a cheap first check
        self.locks: dict[str, Lock] = {}  # the participants' file locks this server holds
        self.notices: list[str] = []  # what the facilitator must know (dashboard, console)

    def close(self) -> None:
        self.disk.close()
        for lock in self.locks.values():
            lock.release()
        self.locks.clear()

    def notice(self, text: str) -> None:
        self.notices.append(text)
        del self.notices[:-20]
        logging.getLogger("uvicorn.error").warning(text)

    def _hold(self, pid: str, warn: Callable[[str], None] | None = None) -> None:
        """Take the participant's file lock, once (kept until the server stops); raise if another
        writer holds it."""
        if pid in self.locks:
            return
        lock = Lock(answers_path(self.folder, pid), warn or self.notice, program="cooplevier atelier")
        try:
            lock.acquire()
        except CooplevierError as exc:
            raise HeldElsewhere(exc.message, file=exc.file) from None
        if lock.held:
            self.locks[pid] = lock

    def load(self) -> None:
        """Read every participant's file and record; a damaged answer file stops the start-up."""
        taken_over: list[str] = []  # locks a killed server left: said once, not once per file
        for path in sorted(self.folder.glob("reponses-*.yaml")):
            match = _ANSWERS_NAME.match(path.name)
            if match is None:
                continue  # not one of ours: `report DIR` still reads it, the server leaves it alone
            pid = match.group(1)
            raw = path.read_bytes()
            af = load_answers(path, self.pack)
            self.digests[pid] = _digest(raw)
            self.stats[pid] = _stat(path)
            try:
                self._hold(pid, taken_over.append)
            except HeldElsewhere as exc:
                self.notice(t("atelier.file_held", file=path.name, reason=exc.message))
            record = self._read_record(pid)
            person = Participant(pid, af.role, af.name, str(record.get("joined", "")), dict(af.answers))
            saved = _int_in(record.get("position"), 0, len(self.steps), default=self._first_open(person))
            person.position = max(saved, self._after_furthest(person))
            person.finished = record.get("finished") is True
            person.moved = max(
                _time_of(record.get("moved")), path.stat().st_mtime
            )  # the place is not written at every answer
            person.first = _time_of(record.get("first"))
            self.people[pid] = person
        if taken_over:
            self.notice(tn("atelier.locks_taken_over", len(taken_over)))
        self.version += 1

    def _read_record(self, pid: str) -> dict[str, object]:
        try:
            data = json.loads((records_dir(self.folder) / f"{pid}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            return {}  # the answers are what matters: without a record, resume at the first open page
        return data if isinstance(data, dict) else {}

    def _first_open(self, person: Participant) -> int:
        for i, step in enumerate(self.steps):
            if step.kind == "question" and step.id not in person.answers:
                return i - 1 if i and self.steps[i - 1].kind == "lever" else i
        return len(self.steps)

    def _after_furthest(self, person: Participant) -> int:
        """The step after the furthest question answered (0 when none): where the participant was."""
        answered = [i for i, step in enumerate(self.steps) if step.kind == "question" and step.id in person.answers]
        return answered[-1] + 1 if answered else 0

    def get(self, pid: str | None) -> Participant | None:
        return self.people.get(pid) if pid and is_participant_id(pid) else None

    def __iter__(self) -> Iterator[Participant]:
        return iter(list(self.people.values()))

    def answer_file(self, person: Participant, answers: dict[str, Answer] | None = None) -> AnswerFile:
        settings = self.state.settings
        return AnswerFile(
            territory=settings.territory,
            answers=dict(answers if answers is not None else person.answers),
            name=person.name,
            role=person.role,
            date=dt.date.fromisoformat(person.joined[:10]) if person.joined[:10] else None,
            content=self.pack.ref,
            structure=settings.structure,
            form=settings.form,
            path=str(answers_path(self.folder, person.id)),
        )

    async def join(self, role: Role, name: str | None) -> Participant:
        """A new participant, on disk (empty answer file, then record) before the link is given."""
        async with self._join_lock:
            if len(self.people) >= MAX_PARTICIPANTS:
                raise WorkshopFull
            pid = new_participant_id()
            while pid in self.people:  # pragma: no cover - 64 random bits
                pid = new_participant_id()
            joined = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            person = Participant(pid, role, name, joined, moved=time.time())
            await self.disk.run(self._write, person, person.answers, 0, False)
            self.people[pid] = person
            self.version += 1
            return person

    async def record(
        self,
        person: Participant,
        question: str | None,
        value: Value | None,
        comment: str | None,
        *,
        position: int,
    ) -> None:
        """Merge one answer (or none: a move only), write it, then keep it; the lock orders two tabs."""
        async with person.lock:
            answers = dict(person.answers)
            person.moved = time.time()
            if question is not None and value is not None:
                answers[question] = Answer(value, comment)
                first = not person.first
                person.first = person.first or person.moved
            else:
                first = False
            finished = person.finished or position >= len(self.steps)
            # the participant's place is written when the end is first reached, not at every
            # answer (one file and two fsyncs less per answer); a restart finds it again from
            # the answers (`load`): the furthest answered question, or the saved place if further
            record = finished != person.finished or first  # the first answer starts this person's pace
            if answers == person.answers and not record:  # a move only (« Précédent », « Passer »)
                person.position = position
                return
            try:
                await self.disk.run(self._write, person, answers, position, finished, record)
            except ChangedOnDisk:
                self._adopt(person)
                raise
            person.answers, person.position, person.finished = answers, position, finished
            person.revision += 1
            self.version += 1

    def _write(
        self, person: Participant, answers: dict[str, Answer], position: int, finished: bool, record: bool = True
    ) -> None:
        """The answer file first (what is acknowledged), then where the participant is."""
        from cooplevier.files import atomic_write

        text = _dump(self.answer_file(person, answers))
        path = answers_path(self.folder, person.id)
        self._hold(person.id)
        expected = self.digests.get(person.id)
        try:
            now: bytes | None = path.read_bytes()
        except FileNotFoundError:
            now = None  # removed meanwhile: writing it again loses nothing
        if now is not None and expected is not None and _digest(now) != expected:
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
            kept = state_dir(self.folder) / "conflits" / f"reponses-{person.id}.atelier-{stamp}.yaml"
            kept.parent.mkdir(mode=0o700, exist_ok=True)
            write_private(kept, text.encode("utf-8"))
            message = t("atelier.changed_on_disk", file=path.name, kept=kept)
            self.notice(message)
            raise ChangedOnDisk(message, file=path)
        atomic_write(path, text, force=True)
        self.digests[person.id] = _digest(text.encode("utf-8"))
        self.stats[person.id] = _stat(path)
        if not record:
            return
        place = {"id": person.id, "joined": person.joined, "position": position, "finished": finished}
        place.update(moved=round(person.moved, 1), first=round(person.first, 1))
        write_private(records_dir(self.folder) / f"{person.id}.json", json.dumps(place).encode("utf-8"))

    def _adopt(self, person: Participant) -> None:
        """The file as it now is becomes the participant's answers (and name, and role); a file
        that does not read (an edit under way) is left for the next answer to try again."""
        path = answers_path(self.folder, person.id)
        try:
            raw = path.read_bytes()
            af = load_answers(path, self.pack)
        except (OSError, CooplevierError) as exc:
            self.notice(t("atelier.changed_unreadable", file=path.name, reason=str(exc)))
            return
        person.answers = dict(af.answers)
        person.name = af.name
        person.role = af.role
        person.revision += 1
        self.digests[person.id] = _digest(raw)
        self.stats[person.id] = _stat(path)
        self.version += 1

    async def refresh(self, person: Participant) -> None:
        """Notice an edit made outside the server before showing a participant's page, so that what
        they see is the file as it is (a status per page; the file is read only when it moved)."""
        path = answers_path(self.folder, person.id)
        async with person.lock:  # never while this server writes it
            try:
                moved = _stat(path) != self.stats.get(person.id)
                raw = path.read_bytes() if moved else None
            except OSError:
                return
            if raw is None:
                return
            if _digest(raw) == self.digests.get(person.id):
                self.stats[person.id] = _stat(path)
                return
            self.notice(t("atelier.adopted", file=path.name))
            self._adopt(person)

    def answered(self) -> list[Participant]:
        """Everyone who answered at least one question (the synthesis's respondents)."""
        return [p for p in self if p.answers]


def _time_of(value: object) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) and value > 0 else 0.0


def _dump(af: AnswerFile) -> str:
    from cooplevier.content.dump import dump_answers

    return dump_answers(af)


def _int_in(value: object, low: int, high: int, *, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high else default
