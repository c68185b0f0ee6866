"""One running workshop: its folder, state, participants, links, and the synthesis computed from them."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from cooplevier.atelier.disk import Disk
from cooplevier.atelier.facilitation.pacing import Timer, load_timer
from cooplevier.atelier.participants import Participant, Registry
from cooplevier.atelier.publish import Published
from cooplevier.atelier.security import JoinLimiter
from cooplevier.atelier.state import DEFAULT_MIN_GROUP, State, load_published, open_workshop, save_published, save_state
from cooplevier.content.answers import Answer, Value
from cooplevier.content.model import ROLES, Pack
from cooplevier.scoring.engine import Result, score
from cooplevier.scoring.masking import Projection, project
from cooplevier.scoring.synthesis import NO_ROLE, Synthesis, synthesize

DEFAULT_JOIN_RATE = 30  # joins per minute from one address: a table of phones behind one box, not a script


@dataclass(frozen=True, slots=True)
class Counts:
    """The dashboard's figures: how many joined, are answering, have finished, by role."""

    joined: int
    answering: int
    finished: int
    waiting: int  # joined, nothing answered yet
    by_role: dict[str, tuple[int, int, int, int]]  # role -> (joined, waiting, answering, finished)


@dataclass
class Workshop:
    """Everything a request handler needs; built once per server (mutable: it is the live workshop)."""

    folder: Path
    pack: Pack
    registry: Registry
    min_group: int = DEFAULT_MIN_GROUP
    limiter: JoinLimiter = field(default_factory=lambda: JoinLimiter(DEFAULT_JOIN_RATE))
    base_url: str = "http://127.0.0.1"
    local_only: bool = True  # listening on loopback: phones cannot reach it (said on the dashboard)
    _projection: tuple[int, Projection, list[Result]] | None = None
    _scores: dict[str, tuple[int, Result]] = field(default_factory=dict)  # id -> (revision, score)
    _shown_scores: dict[str, tuple[int, Result]] = field(default_factory=dict)  # the same, of the published copy
    _state_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    published: Published = field(default_factory=Published)  # what the screen is drawn from (rule 5), on disk
    folder_lock: IO[bytes] | None = None  # held while this process serves the folder (state.lock_folder)
    timer: Timer = field(default_factory=Timer)  # --minutes and the countdown (atelier.facilitation.pacing), on disk
    wifi: tuple[str, str] | None = None  # (network name, Wi-Fi QR text), atelier.facilitation.network: in memory only
    addons: dict[str, Any] = field(default_factory=dict)  # the wall's and the vote's live stores (atelier.room)

    def release(self) -> None:
        """Let the folder go (its lock) and stop the writer threads, once serving is over."""
        self.registry.close()
        from cooplevier.atelier.vote import forget

        forget(self.folder)  # the vote's last totals written
        lock, self.folder_lock = self.folder_lock, None
        if lock is not None:
            lock.close()

    @property
    def state(self) -> State:
        return self.registry.state

    @property
    def participant_url(self) -> str:
        return f"{self.base_url}/a/{self.state.display_code}"

    @property
    def facilitator_url(self) -> str:
        return f"{self.base_url}/animation/{self.state.key}"

    def results(self) -> list[Result]:
        """Everyone who answered something, scored (recomputed only when an answer came in)."""
        return self._current()[2]

    def projection(self) -> Projection:
        return self._current()[1]

    def _current(self) -> tuple[int, Projection, list[Result]]:
        version = self.registry.version
        cached = self._projection
        if cached is None or cached[0] != version:
            answered = self.registry.answered()
            results = [self._score(person, self._scores, person.revision, None) for person in answered]
            # the screen: the published copy of everyone's answers, never the answers as they are;
            # someone who cleared every answer stays on it until their clearing is published too
            on_screen = [p for p in self.registry if p.answers or self.published.values.get(p.id)]
            people = [(p.id, p.role, {q: a.value for q, a in p.answers.items()}) for p in on_screen]
            if self.state.closed and not self.published.seen:
                self.published.publish_all(people)  # no view to subtract from: everything can go out
            else:
                self.published.update(people, self.min_group)
            # counted only for what of theirs is published: no count describes answers not shown
            on_screen = [p for p in on_screen if self.published.values.get(p.id)]
            shown = [
                self._score(p, self._shown_scores, self.published.revision.get(p.id, 0), self.published.of(p.id))
                for p in on_screen
            ]
            cached = (version, project(shown, self.pack, min_group=self.min_group), results)
            self._projection = cached
            if self.published.changed:  # a restart must draw the screen from the same copy
                save_published(self.folder, self.published)
                self.published.changed = False
        return cached

    def _score(
        self, person: Participant, cache: dict[str, tuple[int, Result]], revision: int, values: dict[str, Value] | None
    ) -> Result:
        """A participant's score (their answers, or the published `values`), kept until `revision` moves."""
        known = cache.get(person.id)
        if known is None or known[0] != revision:
            answers = None if values is None else {q: Answer(v) for q, v in values.items()}
            known = (revision, score(self.registry.answer_file(person, answers), self.pack))
            cache[person.id] = known
        return known[1]

    def synthesis(self) -> Synthesis:
        """The full synthesis (every role, as `cooplevier report DIR`): for the facilitator's downloads."""
        return synthesize(self.results(), self.pack)

    def counts(self) -> Counts:
        tally: Counter[tuple[str, str]] = Counter()
        for person in self.registry:
            tally[(person.role or NO_ROLE, person.status)] += 1
        by_role: dict[str, tuple[int, int, int, int]] = {}
        for role in [*ROLES, NO_ROLE]:
            waiting, answering, finished = (tally[(role, s)] for s in ("joined", "answering", "finished"))
            if waiting + answering + finished:
                by_role[role] = (waiting + answering + finished, waiting, answering, finished)
        column = [sum(v[i] for v in by_role.values()) for i in range(4)]
        return Counts(column[0], column[2], column[3], column[1], by_role)

    def remember_port(self, port: int) -> None:
        """Keep the port in the state, so that a restart without --port gives the same links."""
        if self.state.port != port:
            state = replace(self.state, port=port)
            save_state(self.folder, state)
            self.registry.state = state

    async def set_closed(self, closed: bool) -> None:
        """Open or close the questionnaire, on disk first (a restart keeps it as it was). Closing
        reveals the results and reopening hides them: hidden by default while people answer."""
        await self._change(closed=closed, hidden=not closed)
        self._projection = None

    def mark_seen(self) -> None:
        """A view showed figures of the published copy: from now on, batches only. Closed or not,
        since a questionnaire can be reopened: closing it again must not publish at once what the
        few who answered meanwhile gave (the first close alone, before any view, publishes all)."""
        if not self.published.seen:
            self.published.seen = True
            save_published(self.folder, self.published)

    async def set_hidden(self, hidden: bool) -> None:
        """Hold the results off the projection (answers stay independent until the discussion)."""
        await self._change(hidden=hidden)

    async def _change(self, **changes: bool) -> None:
        async with self._state_lock:
            state = replace(self.state, **changes)  # type: ignore[arg-type]
            await self.registry.disk.run(save_state, self.folder, state)
            self.registry.state = state
            self._projection = None


def start_workshop(
    folder: Path,
    pack: Pack,
    *,
    territory: str | None,
    structure: str | None,
    short: bool,
    min_group: int | None = None,
    join_rate: int = DEFAULT_JOIN_RATE,
    hold: bool = False,
    notice: dict[str, str] | None = None,
) -> Workshop:
    """Open (or create) the workshop in `folder` and load everyone who joined it."""
    from cooplevier.atelier.state import Settings, lock_folder, prepare_folder, sweep

    prepare_folder(folder)
    held = lock_folder(folder) if hold else None
    try:
        if held is not None:  # this process alone serves the folder: what a crash left can go
            sweep(folder)
        wanted = Settings(territory) if territory else None
        state = open_workshop(
            folder,
            wanted,
            structure=structure,  # type: ignore[arg-type]
            form="short" if short else None,
            min_group=min_group,
            notice=notice,
        )
        settings = state.settings
        questions = pack.form(settings.structure, settings.form)
        registry = Registry(folder, state, pack, questions, Disk(folder))
        registry.load()
    except BaseException:
        if held is not None:
            held.close()
        raise
    return Workshop(
        folder,
        pack,
        registry,
        min_group=settings.min_group,
        limiter=JoinLimiter(join_rate),
        folder_lock=held,
        published=load_published(folder),
        timer=load_timer(folder),
    )
