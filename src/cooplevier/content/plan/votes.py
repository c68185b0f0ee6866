"""The room's priority vote (`votes/1`, written by the workshop server): read its totals.

The file lives in the workshop's state folder, `DIR/.cooplevier-atelier/votes.json` (never a
`.yaml` of the folder, which `report` would take for answers). Only the totals are read here; the
ballots stay with the server.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from cooplevier.content.model import Pack
from cooplevier.content.plan.actions import find
from cooplevier.errors import CooplevierError
from cooplevier.messages import t
from cooplevier.textfile import read_bytes

FORMAT = "votes/1"
STATE_DIR = ".cooplevier-atelier"  # the workshop server's state folder (atelier/state.py)
VOTES_FILE = "votes.json"
MAX_VOTES_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Proposal:
    id: str
    lever: str
    action: str | None  # a content action id, or None for a facilitator's text
    text: str
    tokens: int


@dataclass(frozen=True, slots=True)
class Vote:
    status: str  # draft, open, closed
    budget: int
    voters: int
    proposals: tuple[Proposal, ...]  # most tokens first, then in the room's order
    file: str

    @property
    def counted(self) -> tuple[Proposal, ...]:
        return tuple(p for p in self.proposals if p.tokens > 0)


def votes_path(folder: Path) -> Path:
    return folder / STATE_DIR / VOTES_FILE


def find_vote(folder: Path, pack: Pack) -> Vote | None:
    """The vote of a workshop folder, or None when the folder holds none."""
    path = votes_path(folder)
    if not path.is_file():
        return None
    return read_vote(path, pack)


def read_vote(path: Path, pack: Pack) -> Vote:
    def bad(reason: str) -> CooplevierError:
        return CooplevierError(t("votes.invalid", reason=reason), file=path)

    try:
        data = json.loads(read_bytes(path, max_bytes=MAX_VOTES_BYTES).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise bad(str(exc)) from None
    if not isinstance(data, dict) or data.get("cooplevier") != FORMAT:
        raise bad(t("votes.format"))
    proposals: list[Proposal] = []
    raw = data.get("proposals")
    if not isinstance(raw, list):
        raise bad(t("votes.no_proposals"))
    for i, item in enumerate(raw, 1):
        if not isinstance(item, dict):
            raise bad(t("votes.proposal", n=i))
        pid, lever, action, text, tokens = (item.get(k) for k in ("id", "lever", "action", "text", "tokens"))
        if not isinstance(pid, str) or not isinstance(text, str) or not text.strip():
            raise bad(t("votes.proposal", n=i))
        if not isinstance(tokens, int) or isinstance(tokens, bool) or tokens < 0:
            raise bad(t("votes.proposal", n=i))
        if not isinstance(lever, str) or not pack.has_lever(lever):
            raise bad(t("votes.lever", n=i, lever=lever))
        if action is not None and (not isinstance(action, str) or find(pack, action) is None):
            raise bad(t("votes.action", n=i, action=action))
        proposals.append(Proposal(pid, lever, action, text.strip(), tokens))
    order = {p.id: i for i, p in enumerate(proposals)}
    proposals.sort(key=lambda p: (-p.tokens, order[p.id]))
    voters = data.get("voters")
    budget = data.get("budget")
    return Vote(
        status=str(data.get("status") or ""),
        budget=budget if isinstance(budget, int) else 0,
        voters=voters if isinstance(voters, int) else 0,
        proposals=tuple(proposals),
        file=str(path),
    )
