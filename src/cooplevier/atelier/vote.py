"""The priority vote: proposals, a budget of tokens per participant, ballots, totals (`votes/1`).

Kept in the workshop's state folder, never as a `.yaml` in the workshop folder (which `report DIR`
would take for answers); documented in docs/atelier.md:

    DIR/.cooplevier-atelier/votes.json              the vote and its totals (what `plan DIR` reads)
    DIR/.cooplevier-atelier/ballots/<id>.json       one participant's ballot: {"cooplevier": "ballot/1", "votes": {...}}
    DIR/.cooplevier-atelier/vote-screen.json        the totals the screen may show (see below)

A ballot is written (fsynced) before the participant's page says it is saved; the totals in
`votes.json` are recounted from the ballots (`recount`), so a crash between the two loses nothing.

Rules: proposals and rules can be changed while the vote is a draft only; once opened they are
locked (closing and reopening keeps them). The default budget is the usual dot-voting rule, about
one token per four or five options: round(proposals / 4.5), at least 1 (`default_budget`). At most
`max_per_proposal` tokens (the whole budget by default) on one proposal.

The screen: totals per proposal only, never a split by role or person, and only once revealed.
Like the answers (masking rule 5), the totals shown move in batches: a snapshot of the ballots is
published when at least K ballots changed since the last one, so that two views of the screen
never give one person's ballot away by subtraction; at the close, every ballot is published if
the totals were never on a screen, and a snapshot needs K voters at all. A participant erased
leaves the snapshot at once (nothing of them is kept), and the totals then stay off the screen
until K ballots changed since the erasure: the first totals after it, set against the last ones
before, would otherwise be the erased person's ballot.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cooplevier import charset
from cooplevier.atelier.state import state_dir, write_private
from cooplevier.messages import t

if TYPE_CHECKING:
    from cooplevier.atelier.disk import Disk

VOTES_FILE = "votes.json"
SCREEN_FILE = "vote-screen.json"
BALLOTS_DIR = "ballots"
FORMAT = "votes/1"
BALLOT_FORMAT = "ballot/1"
MAX_PROPOSALS = 24  # a form of a few dozen fields at most (the server reads 32)
MAX_TEXT = 200
STATUSES = ("draft", "open", "closed")

_LIVE: dict[Path, Vote] = {}  # the vote a running server holds, by folder (erase_ballot keeps it in step)


def default_budget(proposals: int) -> int:
    """About one token per four or five options (round(n / 4.5), half up), at least 1."""
    return max(1, (4 * proposals + 9) // 18)


@dataclass
class Proposal:
    id: str
    lever: str
    action: str | None
    text: str
    tokens: int = 0


@dataclass
class Vote:
    """The vote of one workshop folder, as a running server holds it."""

    folder: Path
    status: str = "draft"
    budget: int = 1
    budget_auto: bool = True  # the budget follows default_budget() until the facilitator sets one
    max_per_proposal: int | None = None
    revealed: bool = False
    opened: str | None = None
    closed: str | None = None
    proposals: list[Proposal] = field(default_factory=list)
    ballots: dict[str, dict[str, int]] = field(default_factory=dict)
    shown: dict[str, dict[str, int]] = field(default_factory=dict)  # the ballots the screen's totals stand for
    seen: bool = False  # the totals were on a screen (from then on, batches only)
    held: dict[str, dict[str, int]] | None = None  # the ballots when someone was erased: K changes from them first
    _flag: threading.Lock = field(default_factory=threading.Lock)
    _write_lock: threading.Lock = field(default_factory=threading.Lock)
    _pending: bytes | None = None
    _writing: bool = False

    # -- reading ---------------------------------------------------------------------------
    @property
    def cap(self) -> int:
        return min(self.budget, self.max_per_proposal or self.budget)

    @property
    def voters(self) -> int:
        return sum(1 for b in self.ballots.values() if sum(b.values()))

    def proposal(self, pid: str) -> Proposal | None:
        return next((p for p in self.proposals if p.id == pid), None)

    def totals(self, ballots: dict[str, dict[str, int]] | None = None) -> dict[str, int]:
        tally = {p.id: 0 for p in self.proposals}
        for ballot in (self.ballots if ballots is None else ballots).values():
            for pid, n in ballot.items():
                if pid in tally:
                    tally[pid] += n
        return tally

    def to_data(self) -> dict[str, Any]:
        totals = self.totals()
        return {
            "cooplevier": FORMAT,
            "status": self.status,
            "budget": self.budget,
            "budget_auto": self.budget_auto,
            "max_per_proposal": self.max_per_proposal or self.budget,
            "revealed": self.revealed,
            "opened": self.opened,
            "closed": self.closed,
            "voters": self.voters,
            "proposals": [
                {"id": p.id, "lever": p.lever, "action": p.action, "text": p.text, "tokens": totals[p.id]}
                for p in self.proposals
            ],
        }

    # -- the screen --------------------------------------------------------------------------
    def screen(self, k: int) -> tuple[dict[str, int] | None, int, int]:
        """(totals the screen may show or None, voters they stand for, ballots waiting)."""
        self.publish(k)
        voters = sum(1 for b in self.shown.values() if sum(b.values()))
        waiting = len(self._changed())
        if voters < k or self.held is not None:
            return None, voters, waiting
        return self.totals(self.shown), voters, waiting

    def _changed(self) -> list[str]:
        return [who for who in set(self.ballots) | set(self.shown) if self.ballots.get(who) != self.shown.get(who)]

    def publish(self, k: int) -> bool:
        changed = self._changed()
        if not changed:
            return False
        if self.held is not None:  # after an erasure: K ballots changed since, or nothing
            since = [w for w in set(self.ballots) | set(self.held) if self.ballots.get(w) != self.held.get(w)]
            if len(since) < k:
                return False
            self.held = None
        elif len(changed) < k and not (self.status == "closed" and not self.seen):
            return False
        self.shown = {who: dict(b) for who, b in self.ballots.items()}
        self._save_screen()
        return True

    def mark_seen(self) -> None:
        """Totals were on a screen: from now on, batches of K ballots only, open or closed (a vote
        reopened and closed again must not publish at once the few ballots cast meanwhile)."""
        if not self.seen:
            self.seen = True
            self._save_screen()

    def erase(self, who: str) -> None:
        """`who` erased: out of the screen's snapshot at once, and the totals held (see above)."""
        if who not in self.shown and self.held is None:
            return
        if self.seen:  # totals were on a screen: held until K ballots change from these (never theirs)
            base = self.held if self.held is not None else self.ballots
            self.held = {w: dict(b) for w, b in base.items() if w != who}
        self.shown.pop(who, None)
        self._save_screen()

    def _save_screen(self) -> None:
        data = {"seen": self.seen, "shown": self.shown, "held": self.held}
        write_private(state_dir(self.folder) / SCREEN_FILE, json.dumps(data).encode("utf-8"))

    # -- changes -----------------------------------------------------------------------------
    async def save(self) -> None:
        """Write `votes.json` as the vote is now (after a change of the facilitator's)."""
        self._totals_soon()
        await asyncio.to_thread(self.settled)

    def write_totals(self) -> None:
        data = json.dumps(self.to_data(), ensure_ascii=False, indent=1).encode("utf-8")
        with self._write_lock:
            write_private(state_dir(self.folder) / VOTES_FILE, data)

    async def cast(self, participant: str, votes: dict[str, int], disk: Disk) -> None:
        """Keep one participant's ballot (on disk before this returns); an empty one is removed."""
        kept = {pid: n for pid, n in votes.items() if n > 0}
        path = ballot_path(self.folder, participant)
        if kept:
            data = json.dumps({"cooplevier": BALLOT_FORMAT, "votes": kept}).encode("utf-8")
            await disk.run(_write_ballot, path, data)
            self.ballots[participant] = kept
        else:
            await disk.run(_unlink, path)
            self.ballots.pop(participant, None)
        self._totals_soon()

    def _totals_soon(self) -> None:
        """Have `votes.json` rewritten with the totals as they are now, by one writer thread at a
        time: ballots arriving meanwhile are taken by its next write (the ballots, on disk
        first, are what counts; `recount` rebuilds the totals from them)."""
        data = json.dumps(self.to_data(), ensure_ascii=False, indent=1).encode("utf-8")
        with self._flag:
            self._pending = data
            if self._writing:
                return
            self._writing = True
        # not a daemon: the process waits for the last totals before it exits
        threading.Thread(target=self._writer, name="cooplevier-votes").start()

    def _writer(self) -> None:
        while True:
            with self._flag:
                data, self._pending = self._pending, None
                if data is None:
                    self._writing = False
                    return
            try:
                with self._write_lock:
                    write_private(state_dir(self.folder) / VOTES_FILE, data)
            except OSError:
                pass  # the ballots are on disk: the next write, or `recount`, puts the totals right

    def settled(self, timeout: float = 30) -> None:
        """Wait until the totals written are the latest (tests, and before the server stops)."""
        import time

        deadline = time.monotonic() + timeout
        while self._writing and time.monotonic() < deadline:
            time.sleep(0.005)


def ballot_path(folder: Path, participant: str) -> Path:
    return state_dir(folder) / BALLOTS_DIR / f"{participant}.json"


def _write_ballot(path: Path, data: bytes) -> None:
    path.parent.mkdir(mode=0o700, exist_ok=True)
    write_private(path, data)


def _unlink(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def load_vote(folder: Path) -> Vote:
    """The folder's vote (a new draft when there is none), with its ballots; totals recounted.
    A damaged `votes.json` starts a new draft and leaves the ballots where they are."""
    vote = Vote(folder)
    with contextlib.suppress(OSError, ValueError, TypeError, KeyError, AttributeError):
        data = json.loads((state_dir(folder) / VOTES_FILE).read_bytes())
        if data.get("cooplevier") == FORMAT and data.get("status") in STATUSES:
            vote.status = data["status"]
            vote.budget = max(1, int(data["budget"]))
            vote.budget_auto = data.get("budget_auto", False) is True
            cap = data.get("max_per_proposal")
            vote.max_per_proposal = int(cap) if isinstance(cap, int) and cap < vote.budget else None
            vote.revealed = data.get("revealed") is True
            vote.opened, vote.closed = data.get("opened"), data.get("closed")
            vote.proposals = [
                Proposal(str(p["id"]), str(p["lever"]), p.get("action"), str(p["text"])) for p in data["proposals"]
            ]
    vote.ballots = _read_ballots(folder, {p.id for p in vote.proposals})
    with contextlib.suppress(OSError, ValueError, TypeError, AttributeError):
        screen = json.loads((state_dir(folder) / SCREEN_FILE).read_bytes())
        vote.seen = screen.get("seen", True) is not False
        vote.shown = {str(k): {str(p): int(n) for p, n in v.items()} for k, v in screen["shown"].items()}
        held = screen.get("held")
        vote.held = None if held is None else {str(k): {str(p): int(n) for p, n in v.items()} for k, v in held.items()}
    return vote


def _read_ballots(folder: Path, known: set[str]) -> dict[str, dict[str, int]]:
    ballots: dict[str, dict[str, int]] = {}
    with contextlib.suppress(OSError):
        for entry in os.scandir(state_dir(folder) / BALLOTS_DIR):
            if not entry.name.endswith(".json") or entry.name.startswith("."):
                continue
            with contextlib.suppress(OSError, ValueError, TypeError, AttributeError):
                data = json.loads(Path(entry.path).read_bytes())
                if data.get("cooplevier") == BALLOT_FORMAT:
                    votes = {str(p): int(n) for p, n in data["votes"].items() if p in known and int(n) > 0}
                    if votes:
                        ballots[entry.name[: -len(".json")]] = votes
    return ballots


def live_vote(folder: Path) -> Vote:
    """The vote a running server serves for `folder` (loaded once, then kept in step)."""
    key = folder.resolve()
    vote = _LIVE.get(key)
    if vote is None:
        vote = _LIVE[key] = load_vote(folder)
    return vote


def forget(folder: Path) -> None:
    """The server stops serving `folder`: its vote's totals are written, then it is let go."""
    vote = _LIVE.pop(folder.resolve(), None)
    if vote is not None:
        vote.settled()


def recount(folder: Path) -> dict[str, Any]:
    """Recount the totals of `votes.json` from the ballots on disk, write them, and return the vote."""
    vote = load_vote(folder)
    live = _LIVE.get(folder.resolve())
    if live is not None:
        live.ballots = vote.ballots
    if (state_dir(folder) / VOTES_FILE).exists():
        vote.write_totals()
    return vote.to_data()


def erase_ballot(folder: Path, participant: str) -> bool:
    """Erase one participant's ballot (the « effacer un participant » of the dashboard), then
    recount; True if there was one. A running server's vote is kept in step."""
    path = ballot_path(folder, participant)
    existed = path.exists()
    _unlink(path)
    recount(folder)
    live = _LIVE.get(folder.resolve())
    (live if live is not None else load_vote(folder)).erase(participant)  # the screen's copy too, on disk
    return existed


def parse_ballot(vote: Vote, fields: dict[str, str]) -> tuple[dict[str, int], list[str], dict[str, str]]:
    """The ballot in a vote form: (votes, French errors, the values as typed)."""
    typed = {p.id: fields.get(f"vote-{p.id}", "").strip() for p in vote.proposals}
    errors: list[str] = []
    votes: dict[str, int] = {}
    names = {name for name in fields if name.startswith("vote-")}
    if names - {f"vote-{p.id}" for p in vote.proposals}:
        errors.append(t("atelier.vote.stale_form"))
    for p in vote.proposals:
        raw = typed[p.id]
        if raw == "":
            votes[p.id] = 0
        elif not charset.is_digits(raw) or len(raw) > 3:
            errors.append(t("atelier.vote.not_number", proposal=p.id, typed=raw[:12]))
        elif int(raw) > vote.cap:
            errors.append(t("atelier.vote.over_cap", proposal=p.id, tokens=int(raw), cap=vote.cap))
        else:
            votes[p.id] = int(raw)
    spent = sum(votes.values())
    if not errors and spent > vote.budget:
        errors.append(t("atelier.vote.over_budget", spent=spent, budget=vote.budget, over=spent - vote.budget))
    return votes, errors, typed


def now() -> str:
    return _now()
