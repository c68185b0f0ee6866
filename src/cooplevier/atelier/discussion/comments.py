"""The moderated comment wall: comments typed on phones, approved or set aside by the facilitator.

A comment is the one a participant typed under a question (its answer file keeps it). It reaches
the dashboard without a name or a role, known by an id that is an HMAC of the participant, the
question and the text: the id gives nobody away, and a comment edited on the phone is a new one,
pending again (an approval is of a text, never of whatever its author writes next).

The facilitator's decisions are kept in `.cooplevier-atelier/moderation.json` (0600):
`{"cooplevier": "moderation/1", "decisions": {"<id>": {"decision": "approve"|"reject", "at": n}}}`;
`at` orders approved comments on the screen. Withdrawing an approval removes the decision (the
comment is pending again); setting it aside instead keeps it off the screen.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any

from cooplevier.atelier.state import state_dir, write_private
from cooplevier.atelier.workshop import Workshop

MODERATION_FILE = "moderation.json"
FORMAT = "moderation/1"
DECISIONS = ("approve", "reject", "withdraw")


@dataclass(frozen=True, slots=True)
class Comment:
    id: str
    lever: str
    question: str
    text: str
    status: str  # pending | approved | rejected
    at: int  # order of approval (0 when not approved)


class Wall:
    """The comments of one workshop and the facilitator's decisions on them."""

    def __init__(self, workshop: Workshop) -> None:
        self.w = workshop
        self.decisions: dict[str, dict[str, Any]] = _load(workshop)
        self._lock = threading.Lock()
        self._written = 0
        self._cache: tuple[tuple[int, int], list[Comment]] | None = None
        self._revision = 0

    def comment_id(self, participant: str, question: str, text: str) -> str:
        return self.w.state.sign(f"comment:{participant}:{question}:{text}")[:16]

    def comments(self) -> list[Comment]:
        """Every comment typed, by lever (the pack's order) then question; never whose it is."""
        key = (self.w.registry.version, self._revision)
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        order = {lever.id: i for i, lever in enumerate(self.w.pack.levers)}
        found = []
        for person in self.w.registry:
            for qid, answer in person.answers.items():
                if not answer.comment:
                    continue
                cid = self.comment_id(person.id, qid, answer.comment)
                decided = self.decisions.get(cid, {})
                status = {"approve": "approved", "reject": "rejected"}.get(decided.get("decision", ""), "pending")
                lever = qid.split(".", 1)[0]
                found.append(Comment(cid, lever, qid, answer.comment, status, int(decided.get("at", 0))))
        found.sort(key=lambda c: (order.get(c.lever, 99), c.question, c.id))
        self._cache = (key, found)
        return found

    def approved(self, lever: str) -> list[Comment]:
        return sorted((c for c in self.comments() if c.lever == lever and c.status == "approved"), key=lambda c: c.at)

    def by_lever(self) -> list[tuple[str, list[Comment]]]:
        grouped: dict[str, list[Comment]] = {}
        for c in self.comments():
            grouped.setdefault(c.lever, []).append(c)
        return list(grouped.items())

    def pending(self) -> int:
        return sum(1 for c in self.comments() if c.status == "pending")

    async def decide(self, comment: str, decision: str) -> bool:
        """Approve, set aside or withdraw an approval; False when the comment is not (or no longer) there."""
        if decision not in DECISIONS or comment not in {c.id for c in self.comments()}:
            return False
        if decision == "withdraw":
            self.decisions.pop(comment, None)
        else:
            at = max((int(d.get("at", 0)) for d in self.decisions.values()), default=0) + 1
            self.decisions[comment] = {"decision": decision, "at": at if decision == "approve" else 0}
        data = json.dumps({"cooplevier": FORMAT, "decisions": self.decisions}, ensure_ascii=False).encode("utf-8")
        self._revision += 1
        await self.w.registry.disk.run(self._write, self._revision, data)
        return True

    def _write(self, revision: int, data: bytes) -> None:
        """Write the decisions; a write overtaken by a later one is skipped (the later one holds it)."""
        with self._lock:
            if revision > self._written:
                write_private(state_dir(self.w.folder) / MODERATION_FILE, data)
                self._written = revision


def _load(workshop: Workshop) -> dict[str, dict[str, Any]]:
    """The saved decisions; a missing or damaged file starts with none (every comment pending:
    nothing reaches the screen that the facilitator has not approved)."""
    try:
        data = json.loads((state_dir(workshop.folder) / MODERATION_FILE).read_bytes())
        decisions = data["decisions"] if data.get("cooplevier") == FORMAT else {}
        return {
            str(k): {"decision": v["decision"], "at": int(v.get("at", 0))}
            for k, v in decisions.items()
            if isinstance(v, dict) and v.get("decision") in ("approve", "reject")
        }
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}
