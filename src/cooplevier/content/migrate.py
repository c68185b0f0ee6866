"""Reading an answer file of an older pack version through the pack's migration map.

An answer to a question kept or reworded with the same meaning is carried over (to the same id
or its successor); an answer to a question replaced or removed is not, and the questions that
replaced it are to be asked again. Nothing is lost: what is not carried is reported, and kept as
comments when a file is rewritten (`cooplevier migrate`, `assess`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cooplevier.content import dataclass  # the standard one, faster to create (start-up)
from cooplevier.content.model import Migration, MigrationEntry, Pack


@dataclass(frozen=True, slots=True)
class Migrated:
    """How an older file was read: from which version, what was carried, what must be asked again."""

    version: str
    carried: tuple[tuple[str, str], ...]  # (old id, current id)
    dropped: tuple[tuple[str, Any, MigrationEntry], ...]  # answers not carried: id, value as read, why
    ask_again: tuple[str, ...]  # current questions that replace dropped ones

    @property
    def kept(self) -> int:
        return len(self.carried)


def older_version(content: Any, answer_ids: list[str], pack: Pack) -> Migration | None:
    """The migration to read a file with, if it is of an older version of this pack.

    The file's `content: <pack>@<version>` says it; a file without that line whose unknown
    questions are all retired ids of one older version is read as of that version.
    """
    if isinstance(content, str) and "@" in content:
        pack_id, _, version = content.rpartition("@")
        if pack_id == pack.meta.id and version != pack.meta.version:
            return pack.migration(version)
        return None
    if content is not None:
        return None
    unknown = [qid for qid in answer_ids if not pack.has_question(qid)]
    if not unknown:
        return None
    for migration in pack.migrations:
        if all(qid in migration.questions for qid in unknown):
            return migration
    return None


def carry(raw_answers: Mapping[str, Any], migration: Migration) -> tuple[dict[str, Any], Migrated]:
    """The answers as the current pack reads them, and the report of what was carried."""
    moved: dict[str, Any] = {}
    carried: list[tuple[str, str]] = []
    dropped: list[tuple[str, Any, MigrationEntry]] = []
    ask_again: list[str] = []
    for qid, raw in raw_answers.items():
        entry = migration.questions.get(qid)
        if entry is None:  # not in the map: an id the older version did not have; judged as it is
            moved.setdefault(qid, raw)
            continue
        target = entry.target(qid)
        if target is None or target in moved:
            dropped.append((qid, raw, entry))
            ask_again.extend(q for q in entry.by if q not in ask_again)
            continue
        moved[target] = raw
        carried.append((qid, target))
    return moved, Migrated(migration.from_, tuple(carried), tuple(dropped), tuple(ask_again))
